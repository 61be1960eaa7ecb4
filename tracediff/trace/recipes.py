"""What the dialect rules made of one line skeleton, kept as columns to reuse for every line like it.

A *recipe* is the list of records one skeleton (see :mod:`tracediff.trace.fastpath`)
yields: for each, its key, tag, kind, unit, how many of the line's numbers it takes and,
for matrix, named and text values, a shared value template.  The parser builds a recipe
from the first line of a skeleton and then lays out the records of every other such line
with numpy, taking their numbers in order from the chunk's tokens.
"""

from __future__ import annotations

from dataclasses import replace

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
    """Every recipe of a log: per recipe a slice of one growing table of record columns."""

    def __init__(self) -> None:
        self._size = 0
        self._columns = {name: np.zeros(64, dtype=dtype) for name, dtype in _DTYPES.items()}
        self._recipes = 0
        self._first = np.zeros(64, dtype=np.int64)
        self._length = np.zeros(64, dtype=np.int64)
        self.templates: list[ParsedValue] = []
        self._template_ids: dict[ParsedValue, int] = {}

    def __len__(self) -> int:
        return self._recipes

    def add(self, rows: list[dict[str, int | bool]]) -> int:
        """A new recipe made of ``rows`` (one dict of column values per record); its id."""
        need = self._size + len(rows)
        if need > len(self._columns["key"]):
            grown = max(need, 2 * len(self._columns["key"]))
            for name, column in self._columns.items():
                self._columns[name] = np.resize(column, grown)
        for k, row in enumerate(rows):
            for name in COLUMNS:
                self._columns[name][self._size + k] = row[name]
        if self._recipes == len(self._first):
            self._first = np.resize(self._first, 2 * self._recipes)
            self._length = np.resize(self._length, 2 * self._recipes)
        self._first[self._recipes], self._length[self._recipes] = self._size, len(rows)
        self._size = need
        self._recipes += 1
        return self._recipes - 1

    def template_id(self, value: ParsedValue) -> int:
        found = self._template_ids.get(value)
        if found is None:
            found = self._template_ids[value] = len(self.templates)
            self.templates.append(value)
        return found

    def rows_of(self, recipes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For each line's recipe id: the table rows of its records, and how many each has."""
        first, length = self._first[recipes], self._length[recipes]
        return segment_indices(first, length), length

    def column(self, name: str, rows: np.ndarray) -> np.ndarray:
        return self._columns[name][rows]


def rows_for(fields: list[LineField], key_of, tags: Interned, units: Interned, table: RecipeTable) -> list[dict]:
    """The recipe rows of one parsed line (``key_of(family, name)`` interns the key)."""
    rows = []
    for f in fields:
        shape = template(f.value)
        rows.append(dict(
            key=key_of(f.family, f.name), tag=tags.id(f.tag), kind=KIND_CODE[f.value.kind],
            integral=f.value.integral, unit=units.id(f.unit) if f.unit else -1, count=len(f.value.numbers),
            layout=table.template_id(shape) if shape is not None else -1, optional=f.optional,
        ))
    return rows
