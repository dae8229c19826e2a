# The cifar loader linked statically; zlib writes the substitute's .gz files.
target_link_libraries(test_loader_cifar PRIVATE dnnr_plugin_cifar_static z)
target_include_directories(test_loader_cifar PRIVATE ${PROJECT_SOURCE_DIR}/plugins/loaders/cifar
                           ${PROJECT_SOURCE_DIR}/core)
