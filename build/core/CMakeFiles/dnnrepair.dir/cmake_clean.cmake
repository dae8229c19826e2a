file(REMOVE_RECURSE
  "../bin/dnnrepair"
  "../bin/dnnrepair.pdb"
  "CMakeFiles/dnnrepair.dir/cli/main.c.o"
  "CMakeFiles/dnnrepair.dir/cli/main.c.o.d"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/dnnrepair.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
