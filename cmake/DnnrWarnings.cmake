# Warnings every target of the project compiles with.
set(DNNR_WARNING_FLAGS -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes
    -Wformat=2 -Wvla -Wno-unused-parameter)
if(DNNR_WERROR)
  list(APPEND DNNR_WARNING_FLAGS -Werror)
endif()

function(dnnr_target_warnings target)
  target_compile_options(${target} PRIVATE ${DNNR_WARNING_FLAGS})
endfunction()
