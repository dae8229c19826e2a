# Minutes on 2 cores (M2's CNN on a Fashion-MNIST cut): label `slow`, not `unit`.
add_dependencies(test_autotrainer_slow dnnr_plugin_autotrainer dnnr_plugin_idx dnnr_plugin_onednn)
set_tests_properties(test_autotrainer_slow PROPERTIES LABELS slow SKIP_RETURN_CODE 77 TIMEOUT 1800)
