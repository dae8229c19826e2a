# The npy loader linked statically; its header parser is also called directly.
target_link_libraries(test_loader_npy PRIVATE dnnr_plugin_npy_static)
target_include_directories(test_loader_npy PRIVATE ${PROJECT_SOURCE_DIR}/plugins/loaders/npy
                           ${PROJECT_SOURCE_DIR}/core)
