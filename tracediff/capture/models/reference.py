"""The built-in reference model (``--model tracediff``): tracediff's own capture, unchanged.

This module is the one place where the model plugins reach into :mod:`tracediff.capture`,
through its top-level entry points only: the function behind ``tracediff capture`` and the
args-file reader.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from tracediff.capture.cmdline.walk import read_args_file
from tracediff.capture.models.interface import CaptureOutcome, CaptureRequest, FieldSupport
from tracediff.capture.runner import capture as run_capture
from tracediff.catalogue import FIELDS

__all__ = ["MODEL", "ReferenceModel", "args_file_words"]


class ReferenceModel:
    """tracediff's float64 model of nanoBragg, which reproduces the C's trace."""

    name = "tracediff"
    description = "tracediff's own float64 PyTorch model of nanoBragg (reproduces the C's trace)"

    def fields(self) -> Sequence[FieldSupport]:
        return tuple(FieldSupport(f.name, f.block, "production", "tracediff.capture") for f in FIELDS)

    def capture(self, request: CaptureRequest, stream: TextIO, notes: TextIO) -> CaptureOutcome:
        result = run_capture(list(request.argv), args_file=request.args_file, device=request.device,
                             dtype=request.dtype, stream=stream, notes_stream=notes)
        return CaptureOutcome(model=self.name, lines_written=result.lines_written, notes=list(result.notes))


def args_file_words(path: Path | str) -> list[str]:
    """The flags of an ``args.txt``, split as ``tracediff capture`` splits them."""
    return read_args_file(path)


MODEL = ReferenceModel()
