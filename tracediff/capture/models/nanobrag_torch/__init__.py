"""The nanobrag_torch adapter: trace the user's PyTorch port of nanoBragg from its production objects.

``tracediff capture --model nanobrag_torch [--source DIR] -- <nanoBragg flags>`` imports
the port from the user's source tree (:mod:`.source`, which refuses a stale installed copy),
builds its objects through the port's own command line in float64 (:mod:`.build`), and
records the C's fields from those objects (:mod:`.fields`, :mod:`.probe`) through
:mod:`tracediff.tracer`, so the trace shows what the port computes, not what its own
trace prints. A header comment lists what the port does not expose.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

import torch

from tracediff.capture.models.interface import CaptureOutcome, CaptureRequest, FieldSupport
from tracediff.capture.models.nanobrag_torch.build import PortObjects, absolute_inputs, build_objects
from tracediff.capture.models.nanobrag_torch.fields import TRACED, field_support, missing_summary
from tracediff.capture.models.nanobrag_torch.probe import Probe
from tracediff.capture.models.nanobrag_torch.source import PACKAGE, default_source, import_port
from tracediff.capture.models.reference import args_file_words
from tracediff.errors import TraceDiffError
from tracediff.tracer import record, tracer

_PIXEL_BLOCKS = ("pixel_geometry", "orientation", "lattice", "phi", "structure_factor", "closing")


def trace_pixel(words: Sequence[str]) -> tuple[int, int] | None:
    """The last ``-trace_pixel S F`` of the flags, as (slow, fast)."""
    found = None
    for i, word in enumerate(words):
        if word == "-trace_pixel" and i + 2 < len(words) + 1:
            try:
                found = (int(words[i + 1]), int(words[i + 2]))
            except (IndexError, ValueError):
                raise TraceDiffError("-trace_pixel needs two integers (slow fast)") from None
    return found


def _dtype(name: str) -> torch.dtype:
    if name not in ("float64", "float32"):
        raise TraceDiffError(f"--dtype {name}: use float64 or float32")
    return getattr(torch, name)


def _dtype_notes(objects: PortObjects, dtype: torch.dtype) -> list[str]:
    """Say where the port's own CLI would have built an object in another dtype than asked."""
    out = []
    for name, asked in objects.dtype_asked.items():
        if asked is None:
            out.append(f"the port's CLI builds {name} without dtype= (its default); built here in "
                       f"{str(dtype).removeprefix('torch.')}")
        elif asked != dtype:
            out.append(f"the port's CLI builds {name} with {asked}; built here in {dtype}")
    return out


class NanobragTorchModel:
    """The PyTorch port of hoidn/nanoBragg, read from the user's source tree."""

    name = "nanobrag_torch"
    description = "the nanobrag_torch PyTorch port (hoidn/nanoBragg src/), traced from its production objects"

    def fields(self) -> Sequence[FieldSupport]:
        return field_support()

    def capture(self, request: CaptureRequest, stream: TextIO, notes: TextIO) -> CaptureOutcome:
        dtype = _dtype(request.dtype)
        port = import_port(request.source or default_source())
        words = (args_file_words(request.args_file) if request.args_file else []) + list(request.argv)
        base = request.args_file.parent if request.args_file else Path.cwd()
        objects = build_objects(port, absolute_inputs(words, base), dtype=dtype, device=request.device)
        pixel = trace_pixel(words)
        outcome = CaptureOutcome(model=self.name, imported_from=str(port.location))
        outcome.notes = port.notes + _dtype_notes(objects, dtype)
        for text in outcome.notes:
            print(f"tracediff: {text}", file=notes, flush=True)
        header = [f"model {self.name}, {PACKAGE} from {port.location}, {str(dtype).removeprefix('torch.')}",
                  *outcome.notes, *missing_summary()]
        probe = Probe(objects.simulator, *(pixel or (0, 0)))
        if pixel is not None and int(objects.simulator.detector.config.oversample) > 1:
            header.append("oversample > 1: per-sub-pixel fields are the pixel-centre values (the port does not "
                          "expose its sub-pixel positions)")
        port_output = io.StringIO()  # run() prints the port's own trace: keep it out of this one
        with tracer(out=stream, select={"slow": probe.spixel, "fast": probe.fpixel}, dtype=dtype,
                    device=request.device, header=header) as active, contextlib.redirect_stdout(port_output):
            for entry in TRACED:
                if entry.when not in ("always", probe.pivot) or (pixel is None and entry.block in _PIXEL_BLOCKS):
                    continue
                try:
                    value = entry.value(probe)
                except Exception as exc:  # the port's own code failed on these flags
                    raise TraceDiffError(f"the port failed computing {entry.name} ({entry.via}): "
                                         f"{type(exc).__name__}: {exc}") from None
                record(entry.name, value, unit=entry.unit, kind=entry.kind, dims=entry.dims or None)
        outcome.lines_written = len(active.pending)
        return outcome


MODEL = NanobragTorchModel()
