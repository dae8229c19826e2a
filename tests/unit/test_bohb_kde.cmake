# The bohb searcher's KDE and truncated normal, through its folder's headers.
target_link_libraries(test_bohb_kde PRIVATE dnnr_plugin_bohb_static)
target_include_directories(test_bohb_kde PRIVATE ${PROJECT_SOURCE_DIR}/plugins/searchers/bohb)
