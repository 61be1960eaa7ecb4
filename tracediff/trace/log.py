"""A parsed trace log held column-wise, so a million records cost a few numpy arrays.

Records are not kept as Python objects: each column (line, field key, occurrence,
kind, where its numbers start in one flat float64 array, ...) is a numpy array.
:meth:`TraceLog.record` materialises one :class:`~tracediff.trace.record.Record`
when a report or a Python user asks for it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from tracediff.trace.record import Record
from tracediff.trace.segments import segment_indices
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


@dataclass
class Batch:
    """The records of one chunk of a log, column-wise (see :class:`TraceLog`)."""

    line: np.ndarray  # int64, 1-based source line
    key: np.ndarray  # int32 id into the KeyTable
    tag: np.ndarray  # int16 id into LogInfo.tags
    kind: np.ndarray  # int8 code into values.KINDS
    integral: np.ndarray  # bool: every number printed as an integer
    unit: np.ndarray  # int16 id into LogInfo.units, -1 for none
    count: np.ndarray  # int32 how many numbers
    occurrence: np.ndarray  # int32 earlier records with the same key in the log
    values: np.ndarray  # float64, the numbers of every record in order
    extras: dict[int, ParsedValue]  # by position in the batch: matrix / named / text values

    def __len__(self) -> int:
        return len(self.line)

    @property
    def offset(self) -> np.ndarray:
        offset = np.zeros(len(self.count), dtype=np.int64)
        if len(self.count):
            np.cumsum(self.count[:-1], out=offset[1:])
        return offset

    COLUMNS = ("line", "key", "tag", "kind", "integral", "unit", "count", "occurrence")

    def take(self, idx: np.ndarray) -> "Batch":
        """The records at positions ``idx`` (in that order), as a new batch."""
        where = {int(old): new for new, old in enumerate(idx.tolist())} if self.extras else {}
        return Batch(
            **{name: getattr(self, name)[idx] for name in Batch.COLUMNS},
            values=self.values[segment_indices(self.offset[idx], self.count[idx].astype(np.int64))],
            extras={where[i]: v for i, v in self.extras.items() if i in where},
        )

    @staticmethod
    def concat(first: "Batch", second: "Batch") -> "Batch":
        shift = len(first)
        extras = dict(first.extras)
        extras.update({i + shift: v for i, v in second.extras.items()})
        return Batch(
            **{name: np.concatenate([getattr(first, name), getattr(second, name)]) for name in Batch.COLUMNS},
            values=np.concatenate([first.values, second.values]),
            extras=extras,
        )

    @staticmethod
    def empty() -> "Batch":
        dtypes = dict(line=np.int64, key=np.int32, tag=np.int16, kind=np.int8, integral=np.bool_,
                      unit=np.int16, count=np.int32, occurrence=np.int32)
        return Batch(**{n: np.empty(0, dtype=d) for n, d in dtypes.items()}, values=np.empty(0), extras={})



def value_at(batch: Batch, i: int, offset: np.ndarray, units: list[str]) -> ParsedValue:
    """Record ``i`` of ``batch`` as a :class:`ParsedValue` (``offset``: the batch's offsets)."""
    extra = batch.extras.get(i)
    if extra is not None:
        return extra
    kind = KINDS[int(batch.kind[i])]
    start = int(offset[i])
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
        extras: dict[int, ParsedValue] = {}
        start = 0
        for batch in batches:
            extras.update({start + i: v for i, v in batch.extras.items()})
            start += len(batch)

        def cat(name: str, dtype: type) -> np.ndarray:
            parts = [getattr(b, name) for b in batches]
            return np.concatenate(parts) if parts else np.empty(0, dtype=dtype)

        return cls(
            line=cat("line", np.int64), key=cat("key", np.int32), tag=cat("tag", np.int16),
            kind=cat("kind", np.int8), integral=cat("integral", np.bool_), unit=cat("unit", np.int16),
            count=cat("count", np.int32), occurrence=cat("occurrence", np.int32),
            values=cat("values", np.float64), extras=extras, keys=keys, info=info,
        )

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
        )

    def records(self) -> Iterator[Record]:
        for i in range(len(self)):
            yield self.record(i)
