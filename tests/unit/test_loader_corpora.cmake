# The offline default corpora (Debian's fortunes and dataset-fashion-mnist),
# read whole: seconds, not milliseconds, so the test carries the `data` label
# (ctest -L data) instead of `unit`. Each case skips when its package is absent.
# The plugins are dlopened from the build tree's plugin folder (two static
# plugin objects would both define the shared helpers they compile in).
add_dependencies(test_loader_corpora dnnr_plugin_textcat dnnr_plugin_cifar)
target_link_libraries(test_loader_corpora PRIVATE ${CMAKE_DL_LIBS})
set_tests_properties(test_loader_corpora PROPERTIES LABELS data)
