# The csv loader linked statically (dnnr_plugin_csv_entry()); its CSV
# tokenizer is also called directly.
target_link_libraries(test_loader_csv PRIVATE dnnr_plugin_csv_static)
target_include_directories(test_loader_csv PRIVATE ${PROJECT_SOURCE_DIR}/plugins/loaders/csv)
