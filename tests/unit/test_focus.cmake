# focus linked statically (its internals are included from the plugin
# folder); the D1 end-to-end test loads the plugins it names from the build
# tree's plugin folder through the orchestrator.
target_link_libraries(test_focus PRIVATE dnnr_plugin_focus_static)
target_include_directories(test_focus PRIVATE ${PROJECT_SOURCE_DIR}/plugins/searchers/focus)
add_dependencies(test_focus dnnr_plugin_focus dnnr_plugin_synthetic dnnr_plugin_onednn
                 dnnr_plugin_improvement)
set_tests_properties(test_focus PROPERTIES TIMEOUT 600)
