# The plugin linked statically; its internal header for the rule and
# operator functions.
target_link_libraries(test_autotrainer PRIVATE dnnr_plugin_autotrainer_static)
target_include_directories(test_autotrainer PRIVATE ${CMAKE_SOURCE_DIR}/plugins/searchers/autotrainer)
