file(REMOVE_RECURSE
  "libdnnrepair_core.a"
)
