# The bohb plugin through its searcher interface, linked statically.
target_link_libraries(test_bohb_protocol PRIVATE dnnr_plugin_bohb_static)
