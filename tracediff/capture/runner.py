"""Library entry point of ``tracediff capture``: nanoBragg flags in, TRACE_PY lines out.

:func:`capture` parses the flags, builds the detector, prints the detector trace, then
hands over to the per-pixel chain of :mod:`tracediff.capture.pixel` when that module
provides ``emit_pixel_trace(config, geometry, writer, device=..., dtype=...)``.
Notes (C quirks that fired, where tracediff was imported from) go to ``notes_stream``
(stderr by default), never into the trace.
"""

from __future__ import annotations

import importlib
import inspect
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import torch

from tracediff.capture.detector import DetectorGeometry, build_detector, resolve_dtype
from tracediff.capture.detector_trace import emit_detector_trace
from tracediff.capture.emit import TraceWriter
from tracediff.capture.flags import NanoBraggConfig, check_runnable, parse_argv, read_args_file
from tracediff.capture.bundle import import_location_notes
from tracediff.errors import TraceDiffError

PIXEL_MODULE = "tracediff.capture.pixel"
PIXEL_ENTRY = "emit_pixel_trace"


@dataclass
class CaptureResult:
    """What a capture produced (the trace itself went to the stream)."""

    config: NanoBraggConfig
    geometry: DetectorGeometry
    device: torch.device
    dtype: torch.dtype
    lines_written: int = 0
    pixel_traced: bool = False
    pixel_result: object = None
    notes: list[str] = field(default_factory=list)


def resolve_device(device: str | torch.device) -> torch.device:
    """A torch device that exists here, or a :class:`TraceDiffError` saying why not."""
    try:
        dev = torch.device(device)
    except (RuntimeError, TypeError) as exc:
        raise TraceDiffError(f"--device: {exc}") from None
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise TraceDiffError(f"--device {device}: CUDA is not available on this machine")
    if dev.type == "mps" and not (hasattr(torch.backends, "mps") and torch.backends.mps.is_available()):
        raise TraceDiffError(f"--device {device}: MPS is not available on this machine")
    if dev.type == "cuda" and dev.index is not None and dev.index >= torch.cuda.device_count():
        raise TraceDiffError(f"--device {device}: only {torch.cuda.device_count()} CUDA device(s) here")
    return dev


def _dtype(dtype: str | torch.dtype) -> torch.dtype:
    try:
        return resolve_dtype(dtype)
    except ValueError as exc:
        raise TraceDiffError(f"--dtype: {exc}") from None


def _pixel_entry():  # type: ignore[no-untyped-def]
    """The per-pixel chain's entry point, or None while it does not exist."""
    try:
        module = importlib.import_module(PIXEL_MODULE)
    except ModuleNotFoundError as exc:
        if exc.name == PIXEL_MODULE:
            return None
        raise
    return getattr(module, PIXEL_ENTRY, None)


def _call_pixel(entry, config, geometry, writer, device, dtype):  # type: ignore[no-untyped-def]
    params = inspect.signature(entry).parameters
    kwargs = {k: v for k, v in (("device", device), ("dtype", dtype)) if k in params}
    return entry(config, geometry, writer, **kwargs)


def capture(argv: Sequence[str], *, args_file: Path | str | None = None, device: str | torch.device = "cpu",
            dtype: str | torch.dtype = "float64", stream: TextIO | None = None,
            notes_stream: TextIO | None = None, plain: bool = True) -> CaptureResult:
    """Trace nanoBragg's computation for ``argv`` (nanoBragg flags, no program name).

    With ``args_file`` its words come first and ``argv`` is appended (later flags win,
    as in the C); relative file names resolve against the args file's folder. The
    trace goes to ``stream`` (stdout), notes to ``notes_stream`` (stderr). Raises
    :class:`TraceDiffError` for any problem with the input.
    """
    notes_out = notes_stream if notes_stream is not None else sys.stderr
    notes: list[str] = []

    def note(text: str) -> None:
        notes.append(text)
        print(f"tracediff: {text}", file=notes_out, flush=True)

    for text in import_location_notes():
        note(text)
    dev = resolve_device(device)
    dt = _dtype(dtype)
    words = (read_args_file(args_file) if args_file is not None else []) + [str(a) for a in argv]
    config = parse_argv(words, args_file=args_file)
    check_runnable(config)
    for text in config.notes:
        note(f"nanoBragg: {text}")

    writer = TraceWriter(stream)
    geometry = build_detector(config, device=dev, dtype=dt)
    for text in geometry.notes:
        note(f"nanoBragg: {text}")
    emit_detector_trace(geometry, writer, plain=plain)

    result = CaptureResult(config=config, geometry=geometry, device=dev, dtype=dt, notes=notes)
    entry = _pixel_entry()
    if config.trace_pixel is None:
        note("no -trace_pixel given: only the detector set-up is traced")
    elif entry is None:
        note(f"per-pixel chain not available ({PIXEL_MODULE}.{PIXEL_ENTRY}): only the detector set-up is traced")
    else:
        result.pixel_result = _call_pixel(entry, config, geometry, writer, dev, dt)
        result.pixel_traced = True
    result.lines_written = writer.lines_written
    return result
