"""Text out: the writer that owns ``%.15g`` and the C's line shapes, and one printer per trace block.

:mod:`~tracediff.capture.printing.writer` is torch-free (reusable by any tracer); the block printers
(``detector``, ``crystal``, ``pixel``) read the physics records and name each value as the C does.
"""
