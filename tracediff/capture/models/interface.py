"""The interface a model plugin implements: a name, how to build it, what it records.

A *model* is a program that can be traced on nanoBragg's flags: tracediff's own reference
model (``tracediff``) or a team's port (``nanobrag_torch``). ``tracediff capture --model NAME``
and ``tracediff triage --model NAME`` find it in :data:`tracediff.capture.models.MODELS`.
A team with another port writes one module with one object that has these members and adds
a line to that table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, TextIO


@dataclass(frozen=True)
class FieldSupport:
    """Whether a model traces a catalogue field, and from where."""

    name: str  #: the C's field name
    block: str  #: the catalogue block
    source: str  #: "production" (read from the model's own objects), "derived" (composed by the
    #: adapter from production values, e.g. R = |pixel position|) or "missing"
    via: str  #: the object, method or formula it comes from, or why it is missing


@dataclass(frozen=True)
class CaptureRequest:
    """Everything a model needs to trace one run."""

    argv: tuple[str, ...]  #: nanoBragg flags (after those of ``args_file``)
    args_file: Path | None = None  #: an ``args.txt``; its relative file names resolve against its folder
    source: Path | None = None  #: the user's source tree (ports only)
    dtype: str = "float64"
    device: str = "cpu"


@dataclass
class CaptureOutcome:
    """What a capture did besides writing the trace."""

    model: str
    lines_written: int = 0
    notes: list[str] = field(default_factory=list)  #: also written to the notes stream
    imported_from: str | None = None  #: where the model's package was imported from
    production: dict[str, list[float]] = field(default_factory=dict)  #: field -> the production value read


class Model(Protocol):
    """A traceable model of nanoBragg."""

    name: str
    description: str

    def fields(self) -> Sequence[FieldSupport]:
        """What the model can and cannot trace (``capture --list-fields``)."""
        ...

    def capture(self, request: CaptureRequest, stream: TextIO, notes: TextIO) -> CaptureOutcome:
        """Trace one run: TRACE_PY lines to ``stream``, notes to ``notes``. Raises
        :class:`~tracediff.errors.TraceDiffError` for any input problem."""
        ...
