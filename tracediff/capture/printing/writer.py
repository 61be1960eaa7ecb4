"""Print traced values exactly as the instrumented C program prints them.

The C prints numbers with ``%.15g`` and uses three line shapes (spec section 6.1):

* set-up lines   ``TRACE_PY:name=v1 v2 v3`` (matrices ``[a b c; d e f; g h i]``,
  named sub-values ``rotx:0 roty:0``),
* per-pixel lines ``TRACE_PY: name v1 v2 v3``,
* per-phi lines  ``TRACE_PY_PHI k1=v1 k2=v2``,
* other tagged lines ``TRACE_PY_SOURCE2: name v`` (:meth:`TraceWriter.tagged`).

The C's crystal set-up narrative is printed with the bare family tag and ``%g`` (6 significant
digits, spec 6.2 F): ``TRACE:   a = [100, 6.12323e-15, 6.12323e-15] |a| = 100``. Its text comes
from the catalogue (:data:`tracediff.catalogue.CRYSTAL_NARRATIVE`); :meth:`TraceWriter.narrative`
fills in the numbers.

Physics code never formats text: it hands values to a :class:`TraceWriter`, which owns
the tag, the number format and the stream. :func:`format_record` is the one place a record becomes a
line (tag, line shape, name, values), so any tracer that records named values writes them exactly as
this one does: the tracer (:mod:`tracediff.tracer.lines`) writes its records through these functions,
so capture and any traced port share one writer. Torch-free: tensors and arrays are read through
their ``tolist()``.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from typing import TextIO

Number = float | int
Values = Iterable[Number] | Number  #: a number, a sequence of numbers, or anything with ``tolist()``
Pairs = Sequence[tuple[str, "Number | str"]]

#: The C's line shapes, by record style: ``{tag}``, ``{name}`` and the formatted ``{body}``.
LINE_SHAPES: dict[str, str] = {
    "setup": "{tag}:{name}={body}",  # set-up (detector) lines
    "pixel": "{tag}: {name} {body}",  # per-pixel lines
    "phi": "{tag}_{name} {body}",  # per-phi lines, name = PHI, body = k1=v1 k2=v2
    "plain": "{name} {body}",  # untagged lines (``NAME v1 v2 v3``)
}


def format_number(value: Number) -> str:
    """``%.15g`` for floats (identical to C's for float64, ``-0`` included), ``%d`` for ints."""
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, int):
        return str(value)
    return "%.15g" % float(value)


def _as_numbers(values: Values) -> list[Number]:
    """Turn tensors, arrays and sequences into plain Python numbers."""
    tolist = getattr(values, "tolist", None)
    plain = tolist() if tolist is not None else values
    if isinstance(plain, (int, float)):
        return [plain]
    return list(plain)


def format_vector(values: Values) -> str:
    """Numbers separated by one blank, each ``%.15g`` (``%d`` for integers)."""
    return " ".join(format_number(v) for v in _as_numbers(values))


def format_matrix(rows: Iterable[Values]) -> str:
    """``[a b c; d e f; g h i]``."""
    tolist = getattr(rows, "tolist", None)
    plain: Iterable[Values] = tolist() if tolist is not None else rows
    return "[" + "; ".join(format_vector(row) for row in plain) + "]"


def format_named(pairs: Pairs) -> str:
    """``key:value key:value`` (named sub-values; text stays text)."""
    return " ".join(f"{key}:{value if isinstance(value, str) else format_number(value)}" for key, value in pairs)


def format_pairs(pairs: Sequence[tuple[str, Number]]) -> str:
    """``key=value key=value`` (the per-phi lines)."""
    return " ".join(f"{key}={format_number(value)}" for key, value in pairs)


def format_record(tag: str, style: str, name: str, body: str) -> str:
    """One trace line: ``body`` (already formatted) under ``name`` in the line shape of ``style``."""
    return LINE_SHAPES[style].format(tag=tag, name=name, body=body)


def format_g(value: Number) -> str:
    """C's ``%g`` (6 significant digits; Python's ``%g`` is identical for float64, ``-0`` included)."""
    return "%g" % float(value)


def format_g_list(values: Values) -> str:
    """``[%g, %g, %g]``: how the C's ``TRACE:`` narrative prints a vector."""
    return "[" + ", ".join(format_g(v) for v in _as_numbers(values)) + "]"


def fill_narrative(template: str, values: Sequence[Values]) -> str:
    """``template`` with each ``{}`` replaced by the next value: a number as ``%g``, a vector as
    ``[%g, %g, %g]``."""
    parts = template.split("{}")
    if len(parts) - 1 != len(values):
        raise ValueError(f"{template!r} takes {len(parts) - 1} value(s), got {len(values)}")
    out = [parts[0]]
    for value, part in zip(values, parts[1:]):
        numbers = _as_numbers(value)
        is_number = isinstance(value, (int, float)) or getattr(value, "ndim", 1) == 0
        out.append(format_g(numbers[0]) if is_number else format_g_list(numbers))
        out.append(part)
    return "".join(out)


class TraceWriter:
    """Writes trace lines with one tag (``TRACE_PY`` by default) to a text stream."""

    def __init__(self, stream: TextIO | None = None, tag: str = "TRACE_PY") -> None:
        self.stream = stream if stream is not None else sys.stdout
        self.tag = tag
        self.lines_written = 0

    @property
    def family_tag(self) -> str:
        """The tag without its side marker (``TRACE_PY`` -> ``TRACE``): the C's narrative tag."""
        return self.tag.split("_", 1)[0]

    def _write(self, text: str) -> None:
        self.stream.write(text + "\n")
        self.lines_written += 1

    def write_lines(self, lines: Sequence[str]) -> None:
        """Lines already formatted (by a tracer session writing into this stream)."""
        for line in lines:
            self._write(line)

    def _record(self, style: str, name: str, body: str) -> None:
        self._write(format_record(self.tag, style, name, body))

    # set-up (detector) lines: TAG:name=value
    def setup(self, name: str, values: Values) -> None:
        self._record("setup", name, format_vector(values))

    def setup_text(self, name: str, text: str) -> None:
        self._record("setup", name, text)

    def setup_matrix(self, name: str, rows: Iterable[Values]) -> None:
        self._record("setup", name, format_matrix(rows))

    def setup_named(self, name: str, pairs: Pairs) -> None:
        self._record("setup", name, format_named(pairs))

    # per-pixel lines: TAG: name v1 v2 v3
    def pixel(self, name: str, values: Values) -> None:
        self._record("pixel", name, format_vector(values))

    # per-phi lines: TAG_PHI k1=v1 k2=v2
    def pairs(self, suffix: str, pairs: Sequence[tuple[str, Number]]) -> None:
        self._record("phi", suffix, format_pairs(pairs))

    # other tagged lines: TAG_SUFFIX: name v1 v2 (the C's TRACE_C_SOURCE2 block)
    def tagged(self, suffix: str, name: str, values: Values) -> None:
        self._write(format_record(f"{self.tag}_{suffix}", "pixel", name, format_vector(values)))

    # narrative lines: TRACE: <text with %g numbers>, exactly as the C prints them
    def narrative(self, template: str, values: Sequence[Values] = ()) -> None:
        self._write(self.narrative_line(template, values))

    def narrative_line(self, template: str, values: Sequence[Values] = ()) -> str:
        """The narrative line :meth:`narrative` writes, as text (for a tracer's ``record_line``)."""
        return f"{self.family_tag}: {fill_narrative(template, values)}"

    # the C's TRACE_CONFIG banner
    def config(self, text: str) -> None:
        self._write(f"{self.family_tag}_CONFIG: {text}")

    def plain(self, text: str) -> None:
        """A non-trace line (e.g. ``pivoting detector around sample``), kept for readers."""
        self._write(text)
