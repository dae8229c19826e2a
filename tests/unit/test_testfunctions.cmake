# The math and catalog are plain C in the plugin's folder; the plugin itself
# is linked statically and reached through dnnr_plugin_testfunctions_entry().
target_link_libraries(test_testfunctions PRIVATE dnnr_plugin_testfunctions_static)
target_include_directories(test_testfunctions PRIVATE
  ${PROJECT_SOURCE_DIR}/plugins/loaders/testfunctions)
add_dependencies(test_testfunctions dnnr_plugin_testfunctions)
target_compile_definitions(test_testfunctions PRIVATE
  TESTFUNCTIONS_PLUGIN_FILE="$<TARGET_FILE:dnnr_plugin_testfunctions>")
