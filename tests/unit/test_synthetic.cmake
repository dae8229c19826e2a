# The synthetic loader linked statically (dnnr_plugin_synthetic_entry()).
target_link_libraries(test_synthetic PRIVATE dnnr_plugin_synthetic_static)
target_include_directories(test_synthetic PRIVATE ${PROJECT_SOURCE_DIR}/plugins/loaders/synthetic)
