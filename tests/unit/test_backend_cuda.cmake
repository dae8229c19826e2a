# test_backend_cuda loads the plugin at run time (dlopen), so it builds
# without CUDA; it needs the plugin built first where there is one.
if(TARGET dnnr_plugin_cuda)
  add_dependencies(test_backend_cuda dnnr_plugin_cuda)
endif()
# The GPU tests of plugins/backends/cuda/tests/ (built there, only with CUDA),
# registered here because ctest sees only tests added after enable_testing().
# Each exits 77 ("SKIP ...", reported as skipped) without a usable GPU.
if(TARGET test_cuda_conformance AND NOT TARGET dnnr_plugin_onednn_static)
  set_target_properties(test_cuda_conformance PROPERTIES EXCLUDE_FROM_ALL ON)
endif()
if(TARGET test_cuda_oom)
  foreach(name test_cuda_conformance test_cuda_oom)
    get_target_property(excluded ${name} EXCLUDE_FROM_ALL)
    if(TARGET ${name} AND NOT excluded)
      add_test(NAME ${name} COMMAND ${name})
    endif()
  endforeach()
  add_test(NAME test_cuda_training COMMAND test_cuda_training
           ${PROJECT_SOURCE_DIR}/configs/subjects ${DNNR_BUILD_PLUGIN_DIR})
  foreach(name test_cuda_conformance test_cuda_oom test_cuda_training)
    if(TEST ${name})
      set_tests_properties(${name} PROPERTIES SKIP_RETURN_CODE 77 LABELS gpu TIMEOUT 600)
    endif()
  endforeach()
endif()
