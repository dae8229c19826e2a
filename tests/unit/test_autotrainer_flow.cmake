target_link_libraries(test_autotrainer_flow PRIVATE dnnr_plugin_autotrainer_static)
target_include_directories(test_autotrainer_flow PRIVATE
  ${CMAKE_SOURCE_DIR}/plugins/searchers/autotrainer ${CMAKE_SOURCE_DIR}/core)
