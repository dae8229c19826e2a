# The bohb searcher: its pieces (bracket arithmetic, KDE, generator, bracket
# state machine) through the internal headers of its folder, and the plugin
# through dnnr_plugin_bohb_entry().
target_link_libraries(test_bohb PRIVATE dnnr_plugin_bohb_static)
target_include_directories(test_bohb PRIVATE ${PROJECT_SOURCE_DIR}/plugins/searchers/bohb)
