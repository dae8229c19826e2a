# hebo's internals (gp.h, nsga2.h, ...) are compiled into its static object
# library; the suite includes them from the plugin folder.
target_link_libraries(test_hebo PRIVATE dnnr_plugin_hebo_static)
target_include_directories(test_hebo PRIVATE ${PROJECT_SOURCE_DIR}/plugins/searchers/hebo)
