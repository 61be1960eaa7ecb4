"""The crystal: cell and orientation vectors, mosaic domains, the F table and the lattice factor (spec 4)."""
