# hebo's internals (gp.h, nsga2.h, ...) are compiled into its static object
# library; the suite includes them from the plugin folder.
target_link_libraries(test_hebo PRIVATE dnnr_plugin_hebo_static)
target_include_directories(test_hebo PRIVATE ${PROJECT_SOURCE_DIR}/plugins/searchers/hebo)
# ... and the shared object, for the registry test.
add_dependencies(test_hebo dnnr_plugin_hebo)
target_compile_definitions(test_hebo PRIVATE HEBO_PLUGIN_FILE="$<TARGET_FILE:dnnr_plugin_hebo>")
# The search benchmark's driver shares this suite's in-process loop.
include(${PROJECT_SOURCE_DIR}/benchmarks/search/CMakeLists.txt)
