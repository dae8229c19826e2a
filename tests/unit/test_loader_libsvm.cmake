# The libsvm loader linked statically; its line parser is also called directly.
target_link_libraries(test_loader_libsvm PRIVATE dnnr_plugin_libsvm_static)
target_include_directories(test_loader_libsvm PRIVATE ${PROJECT_SOURCE_DIR}/plugins/loaders/libsvm
                           ${PROJECT_SOURCE_DIR}/core)
