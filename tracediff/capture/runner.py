"""Library entry point of ``tracediff capture``: nanoBragg flags in, TRACE_PY lines out.

:func:`capture` first does everything that can fail: parses the flags, builds the detector
and prepares the crystal, sources and structure factors, which reads and checks every
input file (``-mat``, ``-hkl``, ``-sourcefile``). Only then does it print, in the C's
order: the detector set-up (spec 6.2 B-E), the crystal narrative (F,
:mod:`~tracediff.capture.crystal_trace`), ``TRACE_CONFIG`` (G) and the traced pixel
(:mod:`~tracediff.capture.pixel`). So a bad input gives one error and no partial trace.
Notes (C quirks that fired, where tracediff was imported from) go to ``notes_stream``
(stderr by default), never into the trace.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import torch

from tracediff.capture.bundle import import_location_notes
from tracediff.capture.crystal_trace import emit_crystal_trace
from tracediff.capture.detector import DetectorGeometry, build_detector, resolve_dtype
from tracediff.capture.detector_trace import emit_detector_summary, emit_detector_trace
from tracediff.capture.emit import TraceWriter
from tracediff.capture.flags import (
    check_runnable,
    parse_argv,
    read_args_file,
)
from tracediff.capture.nanobragg_config import NanoBraggConfig
from tracediff.capture.pixel import emit_pixel_trace
from tracediff.capture.pixel_setup import PixelSetup, prepare
from tracediff.errors import TraceDiffError


@dataclass
class CaptureResult:
    """What a capture produced (the trace itself went to the stream)."""

    config: NanoBraggConfig
    geometry: DetectorGeometry
    device: torch.device
    dtype: torch.dtype
    setup: PixelSetup | None = None
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
    held = True  # notes wait until every input is checked, so an error stays the only line

    def note(text: str) -> None:
        notes.append(text)
        if not held:
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

    geometry = build_detector(config, device=dev, dtype=dt)
    for text in geometry.notes:
        note(f"nanoBragg: {text}")
    # every input file is read (and checked) here, before the first line is printed
    setup = prepare(config, geometry, device=dev, dtype=dt)
    held = False
    for text in notes:
        print(f"tracediff: {text}", file=notes_out, flush=True)
    steps = setup.crystal.steps
    assert steps is not None

    writer = TraceWriter(stream)
    emit_detector_trace(geometry, writer, plain=plain)
    if plain:
        emit_detector_summary(geometry, config.interpolate, (config.na, config.nb, config.nc), writer)
    emit_crystal_trace(steps, writer, plain=plain)
    if config.trace_pixel is not None and min(config.trace_pixel) >= 0:
        spixel, fpixel = config.trace_pixel
        writer.config(f"tracing pixel (spixel={spixel}, fpixel={fpixel})")

    result = CaptureResult(config=config, geometry=geometry, device=dev, dtype=dt, setup=setup, notes=notes)
    if config.trace_pixel is None:
        note("no -trace_pixel given: only the set-up is traced")
    else:
        result.pixel_result = emit_pixel_trace(config, geometry, writer, device=dev, dtype=dt, setup=setup)
        result.pixel_traced = bool(result.pixel_result.traced)
    result.lines_written = writer.lines_written
    return result
