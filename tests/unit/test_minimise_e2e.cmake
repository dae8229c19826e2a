# End-to-end minimisation on D1: the random searcher, the synthetic loader,
# the oneDNN backend and the metric plugins the report runs. The default
# test runs the quick case (one experiment, seconds); `dnnrepair minimise`
# on a finished run and resume after SIGKILL run three experiments each:
# label `slow`.
add_dependencies(test_minimise_e2e dnnr_plugin_random dnnr_plugin_synthetic dnnr_plugin_onednn
                 dnnr_plugin_significance dnnr_plugin_improvement dnnr_plugin_stability
                 dnnr_plugin_complexity dnnr_plugin_jaccard dnnr_plugin_effectsize)
set_tests_properties(test_minimise_e2e PROPERTIES
                     ENVIRONMENT "CK_FORK=yes;CK_DEFAULT_TIMEOUT=240;CK_RUN_CASE=d1")
foreach(case command resume)
  add_test(NAME test_minimise_e2e_${case} COMMAND test_minimise_e2e)
  set_tests_properties(test_minimise_e2e_${case} PROPERTIES LABELS slow TIMEOUT 600
                       ENVIRONMENT "CK_FORK=yes;CK_DEFAULT_TIMEOUT=240;CK_RUN_CASE=${case}")
endforeach()
