# The textcat loader linked statically; its tokenizer is also called directly.
target_link_libraries(test_loader_textcat PRIVATE dnnr_plugin_textcat_static)
target_include_directories(test_loader_textcat PRIVATE
                           ${PROJECT_SOURCE_DIR}/plugins/loaders/textcat)
