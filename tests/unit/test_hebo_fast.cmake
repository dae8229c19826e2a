# hebo's fast paths against the plain loops: the internals come from the
# plugin's static object library.
target_link_libraries(test_hebo_fast PRIVATE dnnr_plugin_hebo_static)
target_include_directories(test_hebo_fast PRIVATE ${PROJECT_SOURCE_DIR}/plugins/searchers/hebo)
