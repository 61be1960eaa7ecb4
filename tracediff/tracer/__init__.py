"""Trace any PyTorch code in the C's trace format: ``with tracer(...)``, ``record``, ``tap``.

Wrap the user's code in :func:`tracer` and call :func:`record` wherever a value is known::

    from tracediff.tracer import tracer, record

    with tracer(out="trace_py.log", select={"slow": 128, "fast": 100}):
        coords = detector.get_pixel_coords()                     # (slow, fast, 3)
        record("pixel_pos_meters", coords, unit="m", dims=("slow", "fast"))

Values are gathered as tensors while the code runs (no ``.item()``, so no device
synchronisation and unchanged numbers) and written when the block ends, with ``%.15g``,
in the catalogue's order and units. :func:`record` does nothing outside a tracer and while
``torch.compile`` traces. Modules: :mod:`~tracediff.tracer.selection` (which element of a
batched tensor), :mod:`~tracediff.tracer.lines` (names, order, units and line shapes from
the catalogue), :mod:`~tracediff.tracer.session` (the context manager and the recorders).
"""

from tracediff.tracer.selection import Selection
from tracediff.tracer.session import Tracer, record, record_line, tap, tracer

__all__ = ["Selection", "Tracer", "record", "record_line", "tap", "tracer"]
