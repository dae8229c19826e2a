# End-to-end regret against random search on the testfunctions subjects
# (the trust-region phase at work); multi-seed, so labelled statistical.
target_link_libraries(test_focus_regret PRIVATE dnnr_plugin_focus_static dnnr_plugin_random_static
                      dnnr_plugin_testfunctions_static)
set_tests_properties(test_focus_regret PROPERTIES LABELS "unit;statistical" TIMEOUT 600
                     ENVIRONMENT "CK_FORK=yes;CK_DEFAULT_TIMEOUT=300")
