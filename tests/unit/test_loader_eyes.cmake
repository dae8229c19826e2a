# The eyes loader linked statically; its renderer is also called directly.
target_link_libraries(test_loader_eyes PRIVATE dnnr_plugin_eyes_static)
target_include_directories(test_loader_eyes PRIVATE ${PROJECT_SOURCE_DIR}/plugins/loaders/eyes)
