# dnnr_add_plugin(NAME <name> SOURCES <files...> [LIBRARIES <libs...>])
#
# Builds plugin <name> twice:
#  - dnnr_plugin_<name>: the shared object the host dlopens, with hidden
#    visibility and -z defs so any use of a host symbol fails at link time;
#    placed in the build tree's plugin folder and installed beside the others;
#  - dnnr_plugin_<name>_static: an object library compiled with
#    DNNR_PLUGIN_STATIC, for tests that link the plugin into a test binary
#    and reach it through dnnr_plugin_<name>_entry().
function(dnnr_add_plugin)
  cmake_parse_arguments(P "" "NAME" "SOURCES;LIBRARIES;INCLUDES" ${ARGN})
  set(target dnnr_plugin_${P_NAME})
  add_library(${target} MODULE ${P_SOURCES})
  set_target_properties(${target} PROPERTIES
    PREFIX "" OUTPUT_NAME "${P_NAME}"
    LIBRARY_OUTPUT_DIRECTORY "${DNNR_BUILD_PLUGIN_DIR}"
    C_VISIBILITY_PRESET hidden)
  target_link_libraries(${target} PRIVATE dnnrepair::sdk ${P_LIBRARIES} m)
  target_include_directories(${target} PRIVATE ${P_INCLUDES})
  if(NOT DNNR_SANITIZE)
    target_link_options(${target} PRIVATE -Wl,-z,defs)
  endif()
  dnnr_target_warnings(${target})
  install(TARGETS ${target} LIBRARY DESTINATION ${DNNR_PLUGIN_SUBDIR})

  add_library(${target}_static OBJECT ${P_SOURCES})
  target_compile_definitions(${target}_static PUBLIC DNNR_PLUGIN_STATIC=1)
  target_link_libraries(${target}_static PUBLIC dnnrepair::sdk ${P_LIBRARIES} m)
  target_include_directories(${target}_static PRIVATE ${P_INCLUDES})
  dnnr_target_warnings(${target}_static)
endfunction()
