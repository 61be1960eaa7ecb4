"""What the dialect rules made of one line skeleton, kept as columns to reuse for every line like it.

A *recipe* is the list of records one skeleton (see :mod:`tracediff.trace.fastpath`)
yields: for each, its key, tag, kind, unit, how many of the line's numbers it takes and,
for matrix, named and text values, a shared value template.  The parser builds a recipe
from the first line of a skeleton and then lays out the records of every other such line
with numpy, taking their numbers in order from the chunk's tokens.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from tracediff.trace.dialects import LineField
from tracediff.trace.segments import segment_indices
from tracediff.trace.values import KINDS, MATRIX, NAMED, TEXT, ParsedValue

KIND_CODE = {kind: code for code, kind in enumerate(KINDS)}
STRUCTURED = (MATRIX, NAMED, TEXT)
COLUMNS = ("key", "tag", "kind", "integral", "unit", "count", "layout", "optional")
_DTYPES = dict(key=np.int32, tag=np.int32, kind=np.int8, integral=np.bool_, unit=np.int32, count=np.int32,
               layout=np.int32, optional=np.bool_)


def template(value: ParsedValue) -> ParsedValue | None:
    """The structure of ``value`` without its numbers; None for plain scalars and vectors."""
    if value.kind in STRUCTURED or value.text is not None or value.printed is not None or value.exact:
        return replace(value, numbers=())
    return None


class Interned:
    """Names kept in a list (ids are list positions), looked up through a dict."""

    def __init__(self, names: list[str]) -> None:
        self.names = names
        self.ids = {name: i for i, name in enumerate(names)}

    def id(self, name: str) -> int:
        found = self.ids.get(name)
        if found is None:
            found = self.ids[name] = len(self.names)
            self.names.append(name)
        return found


class RecipeTable:
    """Every recipe of a log: per recipe a slice of one growing table of record columns.

    Recipes are added one at a time (a few rows each) but read for whole chunks, so the
    columns grow as Python lists and become numpy arrays when next read.
    """

    def __init__(self) -> None:
        self._rows: dict[str, list[int | bool]] = {name: [] for name in COLUMNS}
        self._first: list[int] = []
        self._length: list[int] = []
        self._arrays: dict[str, np.ndarray] | None = None  # the columns as arrays, until a recipe is added
        self.templates: list[ParsedValue] = []
        self._template_ids: dict[ParsedValue, int] = {}

    def __len__(self) -> int:
        return len(self._first)

    def add(self, rows: list[tuple[int | bool, ...]]) -> int:
        """A new recipe made of ``rows`` (per record, its values in :data:`COLUMNS` order); its id."""
        self._first.append(len(self._rows["key"]))
        self._length.append(len(rows))
        for column, values in zip(self._rows.values(), zip(*rows)):
            column.extend(values)
        self._arrays = None
        return len(self._first) - 1

    def template_id(self, value: ParsedValue) -> int:
        found = self._template_ids.get(value)
        if found is None:
            found = self._template_ids[value] = len(self.templates)
            self.templates.append(value)
        return found

    def _columns(self) -> dict[str, np.ndarray]:
        if self._arrays is None:
            self._arrays = {name: np.array(self._rows[name], dtype=_DTYPES[name]) for name in COLUMNS}
            self._arrays["first"] = np.array(self._first, dtype=np.int64)
            self._arrays["length"] = np.array(self._length, dtype=np.int64)
        return self._arrays

    def rows_of(self, recipes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For each line's recipe id: the table rows of its records, and how many each has."""
        columns = self._columns()
        first, length = columns["first"][recipes], columns["length"][recipes]
        return segment_indices(first, length), length

    def column(self, name: str, rows: np.ndarray) -> np.ndarray:
        return self._columns()[name][rows]


@dataclass(frozen=True)
class FieldShape:
    """What a recipe needs of one field the rules read from a skeleton, without ids or numbers.

    Ids (fields, tags, units) belong to one log; a shape does not, so every log a process
    parses shares the shapes of the skeletons it has seen (see the parser).
    """

    family: str
    name: str
    tag: str
    kind: int  # code into values.KINDS
    integral: bool
    unit: str | None
    count: int  # how many of the line's numbers the field takes
    template: ParsedValue | None  # the value's structure (see :func:`template`)
    optional: bool


def field_shapes(fields: list[LineField]) -> tuple[FieldShape, ...]:
    """The shapes of the fields the rules read from one line."""
    return tuple(FieldShape(f.family, f.name, f.tag, KIND_CODE[f.value.kind], f.value.integral, f.unit,
                            len(f.value.numbers), template(f.value), f.optional) for f in fields)


def rows_for(shapes: tuple[FieldShape, ...], key_of, tags: Interned, units: Interned,
             table: RecipeTable) -> list[tuple[int | bool, ...]]:
    """The recipe rows of one skeleton in one log, in :data:`COLUMNS` order (``key_of(family, name)``
    interns the key)."""
    return [(
        key_of(s.family, s.name), tags.id(s.tag), s.kind, s.integral, units.id(s.unit) if s.unit else -1,
        s.count, table.template_id(s.template) if s.template is not None else -1, s.optional,
    ) for s in shapes]
