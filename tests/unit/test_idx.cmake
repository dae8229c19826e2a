# The idx loader linked statically (dnnr_plugin_idx_entry()), plus its
# header parser, which the tests also call directly; zlib writes the .gz files.
target_link_libraries(test_idx PRIVATE dnnr_plugin_idx_static z)
target_include_directories(test_idx PRIVATE ${PROJECT_SOURCE_DIR}/plugins/loaders/idx)
