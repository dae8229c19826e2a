# Empty dependencies file for dnnrepair.
# This may be replaced when dependencies are built.
