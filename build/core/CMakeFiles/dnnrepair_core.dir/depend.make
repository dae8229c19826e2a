# Empty dependencies file for dnnrepair_core.
# This may be replaced when dependencies are built.
