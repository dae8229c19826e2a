# End-to-end regret against random search on the testfunctions subjects.
target_link_libraries(test_hebo_regret PRIVATE dnnr_plugin_hebo_static dnnr_plugin_random_static
                      dnnr_plugin_testfunctions_static)
set_tests_properties(test_hebo_regret PROPERTIES LABELS "unit;statistical" TIMEOUT 600
                     ENVIRONMENT "CK_FORK=yes;CK_DEFAULT_TIMEOUT=240")
