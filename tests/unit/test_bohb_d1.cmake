# bohb on subject D1 through the engine: the searcher, the synthetic loader
# and the oneDNN backend linked statically.
target_link_libraries(test_bohb_d1 PRIVATE dnnr_plugin_bohb_static dnnr_plugin_synthetic_static
                      dnnr_plugin_onednn_static)
# Real training (about a minute per test on one core): not part of the quick unit run.
set_tests_properties(test_bohb_d1 PROPERTIES LABELS "unit;statistical" TIMEOUT 900)
