"""nanoBragg's physics in torch (float64 by default): numbers in, frozen records out, never text.

``detector`` (conventions, pivot, beam centre, pix0), ``crystal`` (cell, orientation matrix, misset,
mosaic domains, structure factors, lattice factor), ``sources`` (divergence and dispersion) and
``pixel`` (the vectorised per-pixel chain). Printing reads these records; nothing here imports it.
"""
