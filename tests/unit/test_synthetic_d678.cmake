# The synthetic loader linked statically (dnnr_plugin_synthetic_entry()); the
# generators' raw tables come from its gen_tables.h.
target_link_libraries(test_synthetic_d678 PRIVATE dnnr_plugin_synthetic_static)
target_include_directories(test_synthetic_d678 PRIVATE ${PROJECT_SOURCE_DIR}/plugins/loaders/synthetic)
