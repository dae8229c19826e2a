# The shared objects themselves, dlopened: they carry their own copy of the
# core/stats code, so build them before this test and tell it where they are.
add_dependencies(test_metrics_load
  dnnr_plugin_significance dnnr_plugin_improvement dnnr_plugin_stability
  dnnr_plugin_complexity dnnr_plugin_jaccard dnnr_plugin_effectsize)
target_compile_definitions(test_metrics_load PRIVATE DNNR_TEST_PLUGIN_DIR="${DNNR_BUILD_PLUGIN_DIR}")
