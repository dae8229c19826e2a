# bohb against random search on the testfunctions loader's multi-fidelity
# Branin, all three plugins linked statically.
target_link_libraries(test_bohb_search PRIVATE dnnr_plugin_bohb_static dnnr_plugin_random_static
                      dnnr_plugin_testfunctions_static)
