"""A parsed trace log held column-wise, so a million records cost a few numpy arrays.

Records are not kept as Python objects: each column (line, field key, occurrence,
kind, where its numbers start in one flat float64 array, ...) is a numpy array.
:meth:`TraceLog.record` materialises one :class:`~tracediff.trace.record.Record`
when a report or a Python user asks for it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from tracediff.trace.record import Record
from tracediff.trace.segments import distinct, segment_indices
from tracediff.trace.values import KINDS, ParsedValue

KIND_CODE = {kind: code for code, kind in enumerate(KINDS)}


@dataclass
class KeyTable:
    """Interned ``(family, field)`` names shared by the logs being compared."""

    by_family: dict[str, dict[str, int]] = field(default_factory=dict)
    families: list[str] = field(default_factory=list)
    fields: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def id(self, family: str, name: str) -> int:
        """The id of ``(family, name)``, interned on first use (safe across threads)."""
        names = self.by_family.get(family)
        found = names.get(name) if names is not None else None
        if found is not None:
            return found
        with self._lock:
            names = self.by_family.setdefault(family, {})
            found = names.get(name)
            if found is None:
                found = len(self.families)
                self.families.append(family)
                self.fields.append(name)
                names[name] = found
            return found


    def __len__(self) -> int:
        return len(self.families)


@dataclass
class LogInfo:
    """What was read besides the records: line counts, the log's tag and unit names."""

    path: Path
    lines_read: int = 0
    skipped: int = 0
    chars: int = 0
    ends_mid_line: bool = False
    tags: list[str] = field(default_factory=list)
    units: list[str] = field(default_factory=list)
    binary: bool = False  # the first block holds NUL bytes


@dataclass
class Batch:
    """The records of one chunk of a log, column-wise (see :class:`TraceLog`).

    Matrix, named and text values also need their structure (shape, sub-names, text):
    each such record points (``layout``) into ``layouts``, a short list of value
    templates without numbers that many records share.  Records and their structure
    are arrays plus that list, so a batch crosses a process boundary cheaply.
    """

    line: np.ndarray  # int64, 1-based source line
    key: np.ndarray  # int32 id into the KeyTable
    tag: np.ndarray  # int32 id into LogInfo.tags
    kind: np.ndarray  # int8 code into values.KINDS
    integral: np.ndarray  # bool: every number printed as an integer
    unit: np.ndarray  # int32 id into LogInfo.units, -1 for none
    count: np.ndarray  # int32 how many numbers
    occurrence: np.ndarray  # int32 earlier records with the same key in the log
    values: np.ndarray  # float64, the numbers of every record in order
    layout: np.ndarray  # int32 index into ``layouts``, -1 for plain scalars, integers and vectors
    layouts: list[ParsedValue] = field(default_factory=list)  # value templates (no numbers)
    optional: np.ndarray | None = None  # bool: prose, not a field the gate requires (None: none are)

    COLUMNS = ("line", "key", "tag", "kind", "integral", "unit", "count", "occurrence", "layout")
    DTYPES = dict(line=np.int64, key=np.int32, tag=np.int32, kind=np.int8, integral=np.bool_,
                  unit=np.int32, count=np.int32, occurrence=np.int32, layout=np.int32)

    def __len__(self) -> int:
        return len(self.line)

    @property
    def offset(self) -> np.ndarray:
        offset = np.zeros(len(self.count), dtype=np.int64)
        if len(self.count):
            np.cumsum(self.count[:-1], out=offset[1:])
        return offset

    @property
    def extras(self) -> "StructuredValues":
        """The records that carry structure (matrix, named, text, exact digits), by position."""
        return StructuredValues(self)

    def structure(self, table: dict[ParsedValue, int]) -> tuple[np.ndarray, np.ndarray]:
        """Per record: an id of its structure (kind, shape, sub-names, unit, text) and whether it holds text.

        Ids come from ``table``, shared by the batches being compared, so two records
        have the same structure exactly when their ids are equal (-1: a plain value).
        """
        ids = np.array([table.setdefault(t, len(table)) for t in self.layouts] + [-1], dtype=np.int64)
        text = np.array([t.text is not None for t in self.layouts] + [False], dtype=bool)
        return ids[self.layout], text[self.layout]

    def is_optional(self) -> np.ndarray:
        """Per record: prose that only counts when both sides print it."""
        return self.optional if self.optional is not None else np.zeros(len(self), dtype=bool)

    def take(self, idx: np.ndarray) -> "Batch":
        """The records at positions ``idx`` (in that order), as a new batch."""
        columns = {name: getattr(self, name)[idx] for name in Batch.COLUMNS}
        layout = columns["layout"]
        used = distinct(layout[layout >= 0])  # keep only the templates still referred to
        columns["layout"] = np.where(layout >= 0, np.searchsorted(used, layout), -1).astype(np.int32)
        return Batch(
            **columns, values=self.values[segment_indices(self.offset[idx], self.count[idx].astype(np.int64))],
            layouts=[self.layouts[u] for u in used.tolist()],
            optional=None if self.optional is None else self.optional[idx],
        )

    def after(self, k: int) -> "Batch":
        """The records from position ``k`` on, as views (no copy; the value templates are all kept)."""
        start = int(self.count[:k].sum())
        columns = {name: getattr(self, name)[k:] for name in Batch.COLUMNS}
        return Batch(**columns, values=self.values[start:], layouts=self.layouts,
                     optional=None if self.optional is None else self.optional[k:])

    @staticmethod
    def concat(first: "Batch", second: "Batch") -> "Batch":
        return Batch.join([first, second])

    @staticmethod
    def join(batches: list["Batch"]) -> "Batch":
        """One batch holding the records of ``batches`` in order."""
        if not batches:
            return Batch.empty()
        layouts: list[ParsedValue] = []
        shifted = []
        for batch in batches:
            shifted.append(np.where(batch.layout >= 0, batch.layout + len(layouts), -1).astype(np.int32))
            layouts += batch.layouts
        any_optional = any(b.optional is not None for b in batches)
        columns = {name: np.concatenate([getattr(b, name) for b in batches]) for name in Batch.COLUMNS if name != "layout"}
        return Batch(
            **columns, layout=np.concatenate(shifted), values=np.concatenate([b.values for b in batches]),
            layouts=layouts, optional=np.concatenate([b.is_optional() for b in batches]) if any_optional else None,
        )

    @staticmethod
    def empty() -> "Batch":
        return Batch(**{n: np.empty(0, dtype=d) for n, d in Batch.DTYPES.items()}, values=np.empty(0))


class StructuredValues(Mapping[int, ParsedValue]):
    """A read-only view: record position -> its full value, for records with structure."""

    def __init__(self, batch: Batch) -> None:
        self._batch = batch
        self._positions = np.flatnonzero(batch.layout >= 0)
        self._offset: np.ndarray | None = None

    def __getitem__(self, i: int) -> ParsedValue:
        if not 0 <= i < len(self._batch) or self._batch.layout[i] < 0:
            raise KeyError(i)
        if self._offset is None:
            self._offset = self._batch.offset
        return _with_numbers(self._batch, i, int(self._offset[i]))

    def __iter__(self) -> Iterator[int]:
        return iter(self._positions.tolist())

    def __len__(self) -> int:
        return len(self._positions)


def _with_numbers(batch: Batch, i: int, start: int) -> ParsedValue:
    template = batch.layouts[int(batch.layout[i])]
    if template.kind == "text":
        return template
    numbers = tuple(batch.values[start:start + int(batch.count[i])].tolist())
    return replace(template, numbers=numbers)


def value_at(batch: Batch, i: int, offset: np.ndarray, units: list[str]) -> ParsedValue:
    """Record ``i`` of ``batch`` as a :class:`ParsedValue` (``offset``: the batch's offsets)."""
    start = int(offset[i])
    if batch.layout[i] >= 0:
        return _with_numbers(batch, i, start)
    kind = KINDS[int(batch.kind[i])]
    numbers = tuple(batch.values[start:start + int(batch.count[i])].tolist())
    unit = units[batch.unit[i]] if batch.unit[i] >= 0 else None
    shape = () if kind in ("scalar", "int") else (len(numbers),)
    return ParsedValue(kind, numbers, shape, unit=unit, integral=bool(batch.integral[i]))


@dataclass
class TraceLog(Batch):
    """Every trace record of one file, column-wise, in file order."""

    keys: KeyTable = field(default_factory=KeyTable)
    info: LogInfo | None = None
    _offset: np.ndarray | None = None

    @classmethod
    def from_batches(cls, batches: list[Batch], keys: KeyTable, info: LogInfo) -> "TraceLog":
        whole = Batch.join(batches)
        columns = {name: getattr(whole, name) for name in Batch.COLUMNS}
        return cls(**columns, values=whole.values, layouts=whole.layouts, optional=whole.optional,
                   keys=keys, info=info)

    @property
    def offset(self) -> np.ndarray:
        if self._offset is None:
            self._offset = Batch.offset.fget(self)
        return self._offset

    @property
    def path(self) -> Path | None:
        return self.info.path if self.info else None

    def field_name(self, i: int) -> str:
        return self.keys.fields[int(self.key[i])]

    def family(self, i: int) -> str:
        return self.keys.families[int(self.key[i])]

    def parsed_value(self, i: int) -> ParsedValue:
        return value_at(self, i, self.offset, self.info.units if self.info else [])

    def record(self, i: int) -> Record:
        return Record(
            line=int(self.line[i]),
            tag=self.info.tags[int(self.tag[i])] if self.info else "",
            family=self.family(i),
            field=self.field_name(i),
            occurrence=int(self.occurrence[i]),
            value=self.parsed_value(i),
            optional=bool(self.is_optional()[i]),
        )

    def records(self) -> Iterator[Record]:
        for i in range(len(self)):
            yield self.record(i)
