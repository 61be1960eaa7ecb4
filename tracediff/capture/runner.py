"""Library entry point of ``tracediff capture``: nanoBragg flags in, TRACE_PY lines out.

:func:`capture` first does everything that can fail: parses the flags, builds the detector
and prepares the crystal, sources and structure factors, which reads and checks every
input file (``-mat``, ``-hkl``, ``-sourcefile``). Only then does it print, in the C's
order: the detector set-up (spec 6.2 B-E), the crystal narrative (F,
:mod:`~tracediff.capture.printing.crystal`), ``TRACE_CONFIG`` (G) and the traced pixel
(:mod:`~tracediff.capture.printing.pixel`). So a bad input gives one error and no partial trace.
Notes (C quirks that fired, where tracediff was imported from) go to ``notes_stream``
(stderr by default), never into the trace.

:func:`capture_pixels` is the many-pixel form: the set-up is prepared and printed once, the
vectorised chain computes the pixels in chunks, and each pixel's trace goes to its own file.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import torch

from tracediff.capture.cmdline.limits import check_runnable
from tracediff.capture.cmdline.walk import parse_argv, read_args_file
from tracediff.capture.config import NanoBraggConfig
from tracediff.capture.physics.detector.geometry import DetectorGeometry, build_detector, resolve_dtype
from tracediff.capture.physics.pixel.chain import compute_pixels
from tracediff.capture.physics.pixel.setup import PixelSetup, prepare
from tracediff.capture.pixels import Pixel, check_pixels, check_traced_pixel, trace_file_name
from tracediff.capture.printing.crystal import emit_crystal_trace
from tracediff.capture.printing.detector import emit_detector_summary, emit_detector_trace
from tracediff.capture.printing.pixel import (
    PixelTraceResult, PixelTracer, emit_pixel_trace, trace_records, write_records,
)
from tracediff.capture.printing.writer import TraceWriter
from tracediff.capture.provenance import import_location_notes
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
    pixel_result: PixelTraceResult | None = None
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


class _Notes:
    """Notes wait until every input is checked (so an error stays the only line), then go out as they come."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.texts: list[str] = []
        self.held = True

    def add(self, text: str) -> None:
        self.texts.append(text)
        if not self.held:
            print(f"tracediff: {text}", file=self.stream, flush=True)

    def release(self) -> None:
        self.held = False
        for text in self.texts:
            print(f"tracediff: {text}", file=self.stream, flush=True)


@dataclass(frozen=True)
class Prepared:
    """Everything a trace needs, with every input checked: config, detector, pixel set-up, device."""

    config: NanoBraggConfig
    geometry: DetectorGeometry
    setup: PixelSetup
    device: torch.device
    dtype: torch.dtype


def prepare_capture(argv: Sequence[str], notes: _Notes, *, args_file: Path | str | None, device: str | torch.device,
                    dtype: str | torch.dtype) -> Prepared:
    """Parse the flags, build the detector and read every input file (``-mat``, ``-hkl``, ``-sourcefile``)."""
    for text in import_location_notes():
        notes.add(text)
    dev = resolve_device(device)
    dt = _dtype(dtype)
    words = (read_args_file(args_file) if args_file is not None else []) + [str(a) for a in argv]
    config = parse_argv(words, args_file=args_file)
    check_runnable(config)
    check_traced_pixel(config)
    for text in config.notes:
        notes.add(f"nanoBragg: {text}")
    geometry = build_detector(config, device=dev, dtype=dt)
    for text in geometry.notes:
        notes.add(f"nanoBragg: {text}")
    setup = prepare(config, geometry, device=dev, dtype=dt)
    return Prepared(config=config, geometry=geometry, setup=setup, device=dev, dtype=dt)


def write_setup_trace(run: Prepared, writer: TraceWriter, *, plain: bool = True) -> None:
    """The set-up blocks in the C's order: detector (spec 6.2 B-E), then the crystal narrative (F)."""
    config, steps = run.config, run.setup.crystal.steps
    assert steps is not None  # build_crystal always records them
    emit_detector_trace(run.geometry, writer, plain=plain)
    if plain:
        emit_detector_summary(run.geometry, config.interpolate, (config.na, config.nb, config.nc), writer)
    emit_crystal_trace(steps, writer, plain=plain)


def write_banner(pixel: Pixel, writer: TraceWriter) -> None:
    """The C's ``TRACE_CONFIG`` line naming the traced pixel (spec 6.2 G)."""
    writer.config(f"tracing pixel (spixel={pixel[0]}, fpixel={pixel[1]})")


def capture(argv: Sequence[str], *, args_file: Path | str | None = None, device: str | torch.device = "cpu",
            dtype: str | torch.dtype = "float64", stream: TextIO | None = None,
            notes_stream: TextIO | None = None, plain: bool = True) -> CaptureResult:
    """Trace nanoBragg's computation for ``argv`` (nanoBragg flags, no program name).

    With ``args_file`` its words come first and ``argv`` is appended (later flags win,
    as in the C); relative file names resolve against the args file's folder. The
    trace goes to ``stream`` (stdout), notes to ``notes_stream`` (stderr). Raises
    :class:`TraceDiffError` for any problem with the input.
    """
    notes = _Notes(notes_stream if notes_stream is not None else sys.stderr)
    run = prepare_capture(argv, notes, args_file=args_file, device=device, dtype=dtype)
    notes.release()
    writer = TraceWriter(stream)
    write_setup_trace(run, writer, plain=plain)
    if run.config.trace_pixel is not None:
        write_banner(run.config.trace_pixel, writer)
    result = CaptureResult(config=run.config, geometry=run.geometry, device=run.device, dtype=run.dtype,
                           setup=run.setup, notes=notes.texts)
    if run.config.trace_pixel is None:
        notes.add("no -trace_pixel given: only the set-up is traced")
    else:
        result.pixel_result = emit_pixel_trace(run.config, run.geometry, writer, setup=run.setup)
        result.pixel_traced = result.pixel_result.traced
    result.lines_written = writer.lines_written
    return result


@dataclass
class PixelsResult:
    """What a multi-pixel capture wrote: one trace file per pixel, in the order the pixels were given."""

    config: NanoBraggConfig
    device: torch.device
    dtype: torch.dtype
    files: dict[Pixel, Path]
    lines_written: int = 0
    notes: list[str] = field(default_factory=list)


def capture_pixels(argv: Sequence[str], pixels: Sequence[Pixel], out_dir: Path | str, *,
                   args_file: Path | str | None = None, device: str | torch.device = "cpu",
                   dtype: str | torch.dtype = "float64", notes_stream: TextIO | None = None,
                   chunk: int = 1024) -> PixelsResult:
    """Trace many pixels in one run: the vectorised chain computes ``chunk`` pixels at a time.

    Each pixel's file (:func:`~tracediff.capture.pixels.trace_file_name` in ``out_dir``) holds exactly
    what ``capture`` prints with ``-trace_pixel S F`` for that pixel: the set-up blocks, the banner and
    the pixel block. Every pixel is checked against the detector and ROI before anything is written.
    """
    notes = _Notes(notes_stream if notes_stream is not None else sys.stderr)
    run = prepare_capture(argv, notes, args_file=args_file, device=device, dtype=dtype)
    check_pixels(run.config, list(pixels))
    notes.release()
    head = io.StringIO()
    write_setup_trace(run, TraceWriter(head))
    out = Path(out_dir)
    result = PixelsResult(config=run.config, device=run.device, dtype=run.dtype, files={}, notes=notes.texts)
    for start in range(0, len(pixels), chunk):
        part = pixels[start:start + chunk]
        values = compute_pixels(run.setup, run.geometry, torch.tensor([p[0] for p in part], device=run.device),
                                torch.tensor([p[1] for p in part], device=run.device), independent=True)
        for index, pixel in enumerate(part):
            result.files[pixel] = out / trace_file_name(pixel)
            result.lines_written += _write_pixel_file(result.files[pixel], head.getvalue(), pixel,
                                                      trace_records(values, run.setup, run.geometry, index))
    return result


def _write_pixel_file(path: Path, head: str, pixel: Pixel, tracer: PixelTracer) -> int:
    with open(path, "w", encoding="utf-8") as stream:
        stream.write(head)
        writer = TraceWriter(stream)
        write_banner(pixel, writer)
        write_records(tracer, writer)
    return head.count("\n") + writer.lines_written
