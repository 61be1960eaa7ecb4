"""``tracediff capture``: a PyTorch model of nanoBragg that prints its trace as TRACE_PY lines.

Kept light on purpose: importing the package loads nothing heavy; torch is imported by
the submodules (flags, conventions and the catalogue need no torch). Entry points:

* :func:`tracediff.capture.runner.capture` - flags in, trace out (library API);
* :func:`tracediff.capture.bundle.write_bundle` - the same, plus a reproducibility bundle;
* :func:`tracediff.capture.flags.parse_argv` - nanoBragg argv -> :class:`NanoBraggConfig`;
* :func:`tracediff.capture.detector.build_detector` - config -> :class:`DetectorGeometry`;
* :func:`tracediff.capture.crystal.build_crystal` - config -> :class:`Crystal` (with the values the
  C's ``TRACE:`` narrative prints, written by :mod:`tracediff.capture.crystal_trace`).
"""
