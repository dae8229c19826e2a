# Third-party libraries: through pkg-config where it exists, else by plain
# header and library search (machines with the libraries but no pkg-config,
# or libraries unpacked under CMAKE_PREFIX_PATH). Defines the imported
# targets dnnr::libconfig and, with tests, dnnr::check.
find_package(PkgConfig QUIET)

# dnnr_find_dep(<target> <pkg-config module> <header> <library names...>)
function(dnnr_find_dep target module header)
  set(names ${ARGN})
  string(MAKE_C_IDENTIFIER ${module} id)
  if(PKG_CONFIG_FOUND)
    pkg_check_modules(DNNR_PC_${id} QUIET IMPORTED_TARGET ${module})
    if(TARGET PkgConfig::DNNR_PC_${id})
      add_library(${target} INTERFACE IMPORTED GLOBAL)
      target_link_libraries(${target} INTERFACE PkgConfig::DNNR_PC_${id})
      return()
    endif()
  endif()
  find_path(DNNR_${id}_INCLUDE ${header})
  find_library(DNNR_${id}_LIBRARY NAMES ${names})
  if(NOT DNNR_${id}_INCLUDE OR NOT DNNR_${id}_LIBRARY)
    message(FATAL_ERROR "${module} not found (header ${header}, library ${names}): "
                        "run scripts/install-deps.sh")
  endif()
  add_library(${target} INTERFACE IMPORTED GLOBAL)
  target_include_directories(${target} INTERFACE ${DNNR_${id}_INCLUDE})
  target_link_libraries(${target} INTERFACE ${DNNR_${id}_LIBRARY})
endfunction()
