add_dependencies(test_autotrainer_e2e dnnr_plugin_autotrainer dnnr_plugin_synthetic
                 dnnr_plugin_onednn)
set_tests_properties(test_autotrainer_e2e PROPERTIES TIMEOUT 300)
