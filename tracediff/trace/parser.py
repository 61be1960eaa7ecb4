"""Stream a log file into trace records, column-wise.

The file is read in large chunks.  Lines of the common shapes (``TRACE_C: name 1 2 3``
and ``TRACE_C:name=1 2 3`` with plain numbers) take a fast path of string splits, and
the numbers of a whole chunk are converted to float64 by numpy in one call.  Every
other line containing ``TRACE`` takes the general path through
:mod:`tracediff.trace.dialects`.  Memory grows with the number of trace records only:
non-trace lines are counted and dropped.

:func:`iter_batches` yields one :class:`~tracediff.trace.log.Batch` per chunk (the
comparison streams the candidate this way); :func:`parse_log` gathers them into a
:class:`~tracediff.trace.log.TraceLog`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from tracediff.errors import TraceDiffError
from tracediff.trace.dialects import find_bodies, split_fields
from tracediff.trace.log import KIND_CODE, Batch, KeyTable, LogInfo, TraceLog
from tracediff.trace.values import MATRIX, NAMED, TEXT, ParsedValue, parse_value

CHUNK_CHARS = 1 << 22
_NUMBER_CHARS = frozenset("0123456789.eE-+ ")
_FAST_TAGS = ("TRACE_C:", "TRACE_PY:", "TRACE:")
_INTEGRAL_CHARS = frozenset("0123456789- ")
_SCALAR, _INT, _VECTOR = KIND_CODE["scalar"], KIND_CODE["int"], KIND_CODE["vector"]


class _Chunker:
    """Turns whole lines of text into one :class:`Batch` per chunk."""

    def __init__(self, keys: KeyTable, info: LogInfo) -> None:
        self.keys = keys
        self.info = info
        self.counts = np.zeros(0, dtype=np.int64)  # records seen so far per key
        self.reset()

    def reset(self) -> None:
        self.line: list[int] = []
        self.key: list[int] = []
        self.tag: list[int] = []
        self.kind: list[int] = []
        self.integral: list[bool] = []
        self.unit: list[int] = []
        self.count: list[int] = []
        self.texts: list[str] = []
        self.extras: dict[int, ParsedValue] = {}

    def _id(self, table: list[str], name: str) -> int:
        try:
            return table.index(name)
        except ValueError:
            table.append(name)
            return len(table) - 1

    def chunk(self, text: str) -> Batch:
        """Parse ``text`` (whole lines, without the final newline) into a batch."""
        fast_ids, fast_tags, numeric = self.keys.names_of("TRACE"), _FAST_TAGS, _NUMBER_CHARS.issuperset
        fast: list[tuple[int, int, str, str]] = []
        base, skipped = self.info.lines_read, 0
        for number, line in enumerate(text.split("\n"), start=base + 1):
            if line.startswith(fast_tags):
                tag, _, body = line.partition(":")
                if body[:1] == " ":
                    name, _, nums = body[1:].partition(" ")
                else:
                    name, _, nums = body.partition("=")
                key = fast_ids.get(name)
                if key is None and name.isidentifier():
                    key = self.keys.id("TRACE", name)
                if key is not None and nums and numeric(nums) and "  " not in nums and nums[-1] != " ":
                    fast.append((number, key, tag, nums))
                    continue
            if "TRACE" not in line or not self._general(line, number):
                skipped += 1
        self.info.lines_read = base + text.count("\n") + 1
        self.info.skipped += skipped
        return self._flush(fast)

    def _general(self, line: str, number: int) -> bool:
        found = False
        for body in find_bodies(line):
            for name, text, key_unit in split_fields(body.text):
                value = parse_value(text)
                unit = value.unit or key_unit
                if value.kind in (MATRIX, NAMED, TEXT):
                    self.extras[len(self.line)] = value
                self.line.append(number)
                self.key.append(self.keys.id(body.family, name))
                self.tag.append(self._id(self.info.tags, body.tag))
                self.kind.append(KIND_CODE[value.kind])
                self.integral.append(value.integral)
                self.unit.append(self._id(self.info.units, unit) if unit else -1)
                self.count.append(len(value.numbers))
                self.texts.append(" ".join(repr(x) for x in value.numbers))
                found = True
        return found

    def _fast_columns(self, fast: list[tuple[int, int, str, str]]) -> dict[str, np.ndarray]:
        if not fast:
            return {}
        numbers, keys, tags, nums = zip(*fast)
        tag_ids = {tag: self._id(self.info.tags, tag) for tag in set(tags)}
        n = len(nums)
        counts = np.fromiter((t.count(" ") + 1 for t in nums), dtype=np.int32, count=n)
        integral = np.fromiter((_INTEGRAL_CHARS.issuperset(t) for t in nums), dtype=np.bool_, count=n)
        return {
            "line": np.asarray(numbers, dtype=np.int64),
            "key": np.asarray(keys, dtype=np.int32),
            "tag": np.fromiter((tag_ids[t] for t in tags), dtype=np.int16, count=n),
            "kind": np.where(counts == 1, np.where(integral, _INT, _SCALAR), _VECTOR).astype(np.int8),
            "integral": integral,
            "unit": np.full(n, -1, dtype=np.int16),
            "count": counts,
            "values": _to_float64(" ".join(nums).split(" ")),
        }

    def _general_columns(self) -> dict[str, np.ndarray]:
        return {
            "line": np.asarray(self.line, dtype=np.int64),
            "key": np.asarray(self.key, dtype=np.int32),
            "tag": np.asarray(self.tag, dtype=np.int16),
            "kind": np.asarray(self.kind, dtype=np.int8),
            "integral": np.asarray(self.integral, dtype=np.bool_),
            "unit": np.asarray(self.unit, dtype=np.int16),
            "count": np.asarray(self.count, dtype=np.int32),
            "values": _to_float64(" ".join(self.texts).split()),
        }

    def _flush(self, fast: list[tuple[int, int, str, str]]) -> Batch:
        """Merge fast-path and general-path records into line order."""
        general = self._general_columns()
        extras = self.extras
        columns = self._fast_columns(fast)
        if not columns:
            columns = general
        elif len(general["line"]):
            n_fast = len(columns["line"])
            order = np.argsort(np.concatenate([columns["line"], general["line"]]), kind="stable")
            counts = np.concatenate([columns["count"], general["count"]])
            starts = np.zeros(len(counts), dtype=np.int64)
            np.cumsum(counts[:-1], out=starts[1:])
            flat = np.concatenate([columns["values"], general["values"]])
            columns = {
                name: np.concatenate([columns[name], general[name]])[order]
                for name in columns if name != "values"
            }
            columns["values"] = flat[segment_indices(starts[order], counts[order])]
            where = np.empty(len(order), dtype=np.int64)
            where[order] = np.arange(len(order))
            extras = {int(where[n_fast + i]): v for i, v in extras.items()}
        key = columns["key"]
        if len(self.keys) > len(self.counts):
            grow = np.zeros(len(self.keys) - len(self.counts), np.int64)
            self.counts = np.concatenate([self.counts, grow])
        occurrence = (self.counts[key] + cumcount(key)).astype(np.int32)
        np.add.at(self.counts, key, 1)
        self.reset()
        return Batch(occurrence=occurrence, extras=extras, **columns)


def segment_indices(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Indices ``starts[i] .. starts[i] + counts[i] - 1`` for every i, concatenated."""
    total = int(counts.sum())
    if total == 0:
        return np.empty(0, dtype=np.int64)
    ends = np.cumsum(counts)
    shift = np.repeat(starts - (ends - counts), counts)
    return np.arange(total) + shift


def _to_float64(tokens: list[str]) -> np.ndarray:
    """Bulk string -> float64; a chunk with a malformed token is redone one by one."""
    if not tokens:
        return np.empty(0)
    try:
        return np.array(tokens, dtype=np.bytes_).astype(np.float64)
    except (ValueError, UnicodeEncodeError):
        return np.array([_float_or_nan(t) for t in tokens], dtype=np.float64)


def _float_or_nan(token: str) -> float:
    try:
        return float(token)
    except ValueError:
        return float("nan")


def cumcount(key: np.ndarray) -> np.ndarray:
    """For each position, how many earlier positions hold the same key."""
    n = len(key)
    if n == 0:
        return np.empty(0, dtype=np.int64)
    order = np.argsort(key, kind="stable")
    sorted_keys = key[order]
    starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
    group_start = np.repeat(starts, np.diff(np.r_[starts, n]))
    out = np.empty(n, dtype=np.int64)
    out[order] = np.arange(n) - group_start
    return out


def _check_readable(path: Path) -> None:
    if not path.exists():
        raise TraceDiffError("no such file", path)
    if path.is_dir():
        raise TraceDiffError("is a directory, not a trace log", path)
    if not os.access(path, os.R_OK):
        raise TraceDiffError("cannot read the file (permission denied)", path)


def _looks_binary(path: Path) -> bool:
    with open(path, "rb") as handle:
        return b"\x00" in handle.read(8192)


def iter_batches(path: str | Path, keys: KeyTable, info: LogInfo | None = None) -> Iterator[Batch]:
    """Yield the records of ``path`` one chunk at a time; ``info`` collects line counts.

    Undecodable bytes are replaced, CRLF and CR line ends read as newlines, and lines of
    any length accepted.  Raises :class:`TraceDiffError` for a missing or unreadable file.
    """
    path = Path(path)
    _check_readable(path)
    info = info if info is not None else LogInfo(path)
    chunker = _Chunker(keys, info)
    carry = ""
    try:
        with open(path, encoding="utf-8", errors="replace", newline=None) as handle:
            while True:
                block = handle.read(CHUNK_CHARS)
                if not block:
                    break
                info.chars += len(block)
                text = carry + block
                cut = text.rfind("\n")
                if cut < 0:
                    carry = text
                    continue
                carry = text[cut + 1:]
                yield chunker.chunk(text[:cut])
    except OSError as exc:
        raise TraceDiffError(f"cannot read the file ({exc.strerror or exc})", path) from None
    if carry:
        info.ends_mid_line = True
        yield chunker.chunk(carry)


def no_records_error(info: LogInfo) -> TraceDiffError:
    """The error for a log without a single trace record, saying what it holds instead."""
    if info.chars == 0:
        return TraceDiffError("empty file, no trace records", info.path)
    if _looks_binary(info.path):
        return TraceDiffError("binary data, not a text trace log", info.path)
    return TraceDiffError(f"no trace records in {info.lines_read} lines", info.path)


def parse_log(path: str | Path, keys: KeyTable | None = None, *, require_records: bool = True) -> TraceLog:
    """Parse every trace record of the log at ``path`` into a :class:`TraceLog`.

    With ``require_records`` (the default) a log without any trace record is an error.
    """
    info = LogInfo(Path(path))
    keys = keys if keys is not None else KeyTable()
    log = TraceLog.from_batches(list(iter_batches(path, keys, info)), keys, info)
    if require_records and len(log) == 0:
        raise no_records_error(info)
    return log
