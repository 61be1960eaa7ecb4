"""Turn gathered records into trace lines: the catalogue's names, order, units and shapes.

Line kinds (the catalogue's styles, :mod:`tracediff.catalogue.schema`):

==========  ===================================  =====================
kind        line                                  catalogue style
==========  ===================================  =====================
``pixel``   ``TAG: name v1 v2 v3 [unit]``         ``pixel``
``setup``   ``TAG:name=v1 v2 v3 [unit]``          ``setup``
``plain``   ``NAME v1 v2 v3`` (no tag)            ``plain``
``step``    ``TAG_PHI phi_tic=0 name=v ...``      ``phi``
``pairs``   ``TAG_NAME k1=v1 k2=v2`` (one record) ``phi``
``named``   ``TAG:name=k1:v1 k2:v2``              ``setup``
``line``    the text as given (a narrative line)  (none)
==========  ===================================  =====================

A ``setup`` record whose value is text is written as that text (``TAG:name=text``).

A record with a ``suffix`` is written under ``TAG_SUFFIX`` (the C's ``TRACE_C_SOURCE2:`` block).

Numbers are written with ``%.15g`` (C's format for doubles), integers with ``%d``, by capture's
writer (:mod:`tracediff.capture.printing.writer`, the one place numbers and line shapes become
text), so a traced port and tracediff's capture print alike. A
declared unit is written after the values; where the catalogue prints the field in another
unit of the same dimension, the value is converted to the catalogue's unit first (and a
note line says so), so ``compare`` sees the C's unit. Notes and warnings are ``#`` lines,
which no trace parser reads as records.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from tracediff.capture.printing.writer import (
    format_matrix, format_named, format_number, format_pairs, format_record as format_line,
)
from tracediff.catalogue import FIELDS, FieldSpec, fields_named
from tracediff.trace.units import UNIT_FACTORS, canonical_unit, conversion_factor

#: record kind -> catalogue style
KIND_STYLE: dict[str, str] = {"pixel": "pixel", "setup": "setup", "plain": "plain", "step": "phi", "pairs": "phi",
                             "named": "setup", "line": "line"}
_STYLE_KIND = {"pixel": "pixel", "setup": "setup", "plain": "plain", "phi": "step"}
_POSITION = {spec.key: i for i, spec in enumerate(FIELDS)}
_INT_KINDS = ("int", "int_vector")
NOTE_PREFIX = "# tracediff tracer:"


@dataclass
class Gathered:
    """One recorded value as written: its numbers are plain Python by now."""

    name: str
    numbers: list[float | int]
    unit: str | None
    kind: str
    shape: tuple[int, ...] = ()
    step: tuple[str, int] | None = None  #: (step dimension, index) for per-step records
    notes: list[str] = field(default_factory=list)
    pairs: list[tuple[str, float | int | str]] = field(default_factory=list)  #: ``pairs``/``named`` records
    text: str | None = None  #: a text value (``setup`` text, or a whole ``line``)
    suffix: str | None = None  #: written under ``TAG_SUFFIX`` instead of ``TAG``


def catalogue_field(name: str, kind: str | None) -> FieldSpec | None:
    """The catalogued field a record stands for: the first of that name whose style fits ``kind``."""
    for spec in fields_named(name):
        if kind is None or KIND_STYLE.get(kind) == spec.style:
            return spec
    return None


def resolve_kind(name: str, kind: str | None) -> str:
    """The record's line kind: as given, else the catalogue's style for the name, else ``pixel``."""
    if kind is not None:
        if kind not in KIND_STYLE:
            raise ValueError(f"kind must be one of {', '.join(KIND_STYLE)}, not {kind!r}")
        return kind
    spec = catalogue_field(name, None)
    return _STYLE_KIND.get(spec.style, "pixel") if spec is not None else "pixel"


def to_catalogue_unit(record: Gathered) -> None:
    """Convert the record's numbers to the unit the catalogue prints it in, where both are known
    units of one dimension; otherwise keep the declared unit (and note a clash of dimensions)."""
    if record.unit is None:
        return
    declared = canonical_unit(record.unit) or record.unit
    record.unit = declared
    spec = catalogue_field(record.name, record.kind)
    if spec is None or spec.unit in (None, declared) or declared not in UNIT_FACTORS or spec.unit not in UNIT_FACTORS:
        return
    try:
        factor = conversion_factor(declared, spec.unit)
    except ValueError as exc:
        record.notes.append(f"warning: {record.name}: declared unit {declared} does not fit the catalogue's ({exc})")
        return
    record.numbers = [v * factor if isinstance(v, float) else v for v in record.numbers]
    record.notes.append(f"{record.name}: converted {declared} to {spec.unit} (the unit the C prints it in)")
    record.unit = None if spec.unit == "1" else spec.unit


def _as_written(value: float | int, as_int: bool) -> float | int:
    """An integral float of an integer field is written as the integer (``%d``)."""
    if as_int and isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _body(record: Gathered) -> str:
    spec = catalogue_field(record.name, record.kind)
    as_int = spec is not None and spec.kind in _INT_KINDS
    numbers = [_as_written(v, as_int) for v in record.numbers]
    if record.kind == "setup" and len(record.shape) == 2:  # a matrix: [a b c; d e f; g h i]
        cols = record.shape[1]
        return format_matrix(numbers[i:i + cols] for i in range(0, len(numbers), cols))
    return " ".join(format_number(v) for v in numbers)


def _with_unit(body: str, unit: str | None) -> str:
    return f"{body} {unit}" if unit and unit != "1" else body


def format_record(record: Gathered, tag: str) -> str:
    """One line for a record that is not per step."""
    line_tag = f"{tag}_{record.suffix}" if record.suffix else tag
    if record.kind == "line":
        return record.text or ""
    if record.kind == "pairs":
        return format_line(line_tag, "phi", record.name, format_pairs(record.pairs))
    if record.kind == "named":
        return format_line(line_tag, "setup", record.name, format_named(record.pairs))
    body = record.text if record.text is not None else _body(record)
    return format_line(line_tag, KIND_STYLE[record.kind], record.name, _with_unit(body, record.unit))


def format_step(dim_suffix: str, index_key: str, index: int, records: Sequence[Gathered], tag: str) -> str:
    """One ``TAG_PHI phi_tic=i name=v ...`` line holding every record of step ``index``."""
    pairs: list[tuple[str, float | int]] = [(index_key, index)]
    for record in records:
        if record.name == index_key:
            continue
        if len(record.numbers) == 1:
            spec = catalogue_field(record.name, record.kind)
            pairs.append((record.name, _as_written(record.numbers[0], spec is not None and spec.kind in _INT_KINDS)))
        else:
            pairs.extend((f"{record.name}_{i}", v) for i, v in enumerate(record.numbers))
    return format_line(tag, "phi", dim_suffix, format_pairs(pairs))


def catalogue_rank(records: Iterable[Gathered]) -> list[int]:
    """A sort key per record: its catalogue position; an uncatalogued record keeps its place
    just after the record recorded before it."""
    ranks: list[int] = []
    last = -1
    for record in records:
        spec = catalogue_field(record.name, record.kind)
        if spec is not None:
            last = _POSITION[spec.key]
        ranks.append(last)  # a stable sort keeps equal ranks in recorded order
    return ranks
