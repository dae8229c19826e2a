# The plugin linked statically, and its shared object for the dlopen test.
target_link_libraries(test_random PRIVATE dnnr_plugin_random_static)
add_dependencies(test_random dnnr_plugin_random)
target_compile_definitions(test_random PRIVATE
  RANDOM_PLUGIN_FILE="$<TARGET_FILE:dnnr_plugin_random>")
