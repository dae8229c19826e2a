# expat parses every figure back as XML. Without it (libexpat1-dev, see
# scripts/install-deps.sh) the suite still builds and the XML checks fail
# with a message saying what to install.
if(PKG_CONFIG_FOUND)
  pkg_check_modules(EXPAT IMPORTED_TARGET expat)
endif()
if(EXPAT_FOUND)
  target_link_libraries(test_figures PRIVATE PkgConfig::EXPAT)
else()
  find_library(DNNR_EXPAT_LIBRARY expat)
  find_path(DNNR_EXPAT_INCLUDE expat.h)
  if(DNNR_EXPAT_LIBRARY AND DNNR_EXPAT_INCLUDE)
    target_link_libraries(test_figures PRIVATE ${DNNR_EXPAT_LIBRARY})
    target_include_directories(test_figures PRIVATE ${DNNR_EXPAT_INCLUDE})
  else()
    message(WARNING "expat not found: test_figures cannot parse the SVG files it writes")
    target_compile_definitions(test_figures PRIVATE DNNR_NO_EXPAT)
  endif()
endif()
