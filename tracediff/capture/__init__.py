"""``tracediff capture``: a PyTorch model of nanoBragg that prints its trace as TRACE_PY lines.

Kept light on purpose: importing the package loads nothing heavy; torch is imported by the
physics and printing modules (the command line, the config and the catalogue need no torch).

The rooms, in the order a capture runs through them::

    cmdline/     nanoBragg's argv: the flag table (arity in each row), the C's walk, readers, post-parse rules
    config.py    NanoBraggConfig (what the flags set) and the C's constants
    pixels.py    which pixels to trace, checked against the detector and the ROI
    physics/     torch only, never text: detector/, crystal/, sources, pixel/ (each stage a frozen record)
    printing/    the %.15g writer (torch-free) and one printer per trace block
    runner.py    flags in, trace out; provenance.py (where tracediff runs from); bundle.py (--out DIR)

Entry points:

* :func:`tracediff.capture.runner.capture` - flags in, trace out (library API);
* :func:`tracediff.capture.runner.capture_pixels` - many pixels in one run, one trace file each;
* :func:`tracediff.capture.bundle.write_bundle` - a capture plus its reproducibility bundle;
* :func:`tracediff.capture.cmdline.walk.parse_argv` - nanoBragg argv -> :class:`~tracediff.capture.config.NanoBraggConfig`;
* :func:`tracediff.capture.physics.detector.geometry.build_detector` - config -> detector geometry;
* :func:`tracediff.capture.physics.crystal.cell.build_crystal` - config -> crystal.
"""
