file(REMOVE_RECURSE
  "CMakeFiles/dnnrepair_core.dir/util/alloc.c.o"
  "CMakeFiles/dnnrepair_core.dir/util/alloc.c.o.d"
  "CMakeFiles/dnnrepair_core.dir/util/error.c.o"
  "CMakeFiles/dnnrepair_core.dir/util/error.c.o.d"
  "libdnnrepair_core.a"
  "libdnnrepair_core.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/dnnrepair_core.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
