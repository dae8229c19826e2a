# Seconds on a 300-row Fashion-MNIST cut of D4: a unit test, skipped (77)
# without Debian's dataset-fashion-mnist.
add_dependencies(test_autotrainer_d4 dnnr_plugin_autotrainer dnnr_plugin_idx dnnr_plugin_onednn)
set_tests_properties(test_autotrainer_d4 PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 600)
