add_dependencies(test_orchestrator dnnr_fixture_plugins dnnr_plugin_random)
# The fixtures crash on purpose: under AddressSanitizer let SIGSEGV kill them
# as it would without it, so the recorded cause is the signal.
set_tests_properties(test_orchestrator PROPERTIES
  ENVIRONMENT "CK_FORK=yes;CK_DEFAULT_TIMEOUT=60;ASAN_OPTIONS=handle_segv=0")
