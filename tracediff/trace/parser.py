"""Stream a log file into trace records, column-wise.

The file is read in chunks.  Lines of the common shapes (``TRACE_C: name 1 2 3`` and
``TRACE_C:name=1 2 3`` with plain numbers) are certified for a whole chunk at once by
:mod:`tracediff.trace.fastpath` (numpy), which also converts their numbers in one call.
Every other line containing ``TRACE`` takes the general path through
:mod:`tracediff.trace.dialects`.  Memory grows with the number of trace records only:
non-trace lines are counted and dropped.

:func:`iter_batches` yields one :class:`~tracediff.trace.log.Batch` per chunk (the
comparison streams both logs this way); :func:`parse_log` gathers them into a
:class:`~tracediff.trace.log.TraceLog`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from tracediff.errors import TraceDiffError
from tracediff.trace.dialects import find_bodies, split_fields
from tracediff.trace.fastpath import FastLines, find_fast_lines, lines_with_trace, name_codes, tag_name
from tracediff.trace.log import KIND_CODE, Batch, KeyTable, LogInfo, TraceLog
from tracediff.trace.segments import cumcount, segment_indices
from tracediff.trace.values import MATRIX, NAMED, TEXT, ParsedValue, parse_value

CHUNK_BYTES = 1 << 19
_SCALAR, _INT, _VECTOR = KIND_CODE["scalar"], KIND_CODE["int"], KIND_CODE["vector"]


class _Chunker:
    """Turns whole lines of text into one :class:`Batch` per chunk."""

    def __init__(self, keys: KeyTable, info: LogInfo, aliases: dict[str, str] | None = None) -> None:
        self.keys = keys
        self.info = info
        self.aliases = aliases or {}
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

    def _rename(self, name: str) -> str:
        """The reference name a candidate field stands for (``aliases``), else itself."""
        return self.aliases.get(name, name)

    def _id(self, table: list[str], name: str) -> int:
        try:
            return table.index(name)
        except ValueError:
            table.append(name)
            return len(table) - 1

    def chunk(self, data: bytes) -> Batch:
        """Parse ``data`` (whole lines, ``\\n``-separated, without the final newline)."""
        b = np.frombuffer(data, dtype=np.uint8)
        newlines = np.flatnonzero(b == 10)
        starts = np.r_[0, newlines + 1].astype(np.int64)
        ends = np.r_[newlines, len(b)].astype(np.int64)
        base = self.info.lines_read
        try:
            fast = find_fast_lines(data, starts, ends)
        except ValueError:  # a token such as "1e" passed the byte test: certify nothing
            fast = None
        codes = names = None
        if fast is not None:
            codes, names = name_codes(data, fast.name_start, fast.name_end)
            valid = np.array([name.decode("ascii", "replace").isidentifier() for name in names], dtype=bool)
            if len(valid) and not valid.all():  # e.g. "TRACE: -Fbeam*fdet_vector[1] 0.1"
                keep = valid[codes]
                fast, codes = fast.subset(keep), codes[keep]
        is_fast = fast.is_fast if fast is not None else np.zeros(len(starts), bool)
        traced_lines = lines_with_trace(data, ends)
        general = traced_lines[~is_fast[traced_lines]] if len(traced_lines) else traced_lines
        found = 0
        for i in general.tolist():
            line = data[starts[i]:ends[i]].decode("utf-8", errors="replace")
            found += self._general(line, base + i + 1)
        self.info.skipped += len(starts) - (len(fast.line_index) if fast is not None else 0) - found
        self.info.lines_read = base + len(starts)
        return self._flush(self._fast_columns(fast, codes, names, base) if fast is not None else {})

    def _general(self, line: str, number: int) -> bool:
        found = False
        for body in find_bodies(line):
            for name, text, key_unit in split_fields(body.text):
                value = parse_value(text)
                unit = value.unit or key_unit
                if value.kind in (MATRIX, NAMED, TEXT) or value.text is not None:
                    self.extras[len(self.line)] = value
                self.line.append(number)
                self.key.append(self.keys.id(body.family, self._rename(name)))
                self.tag.append(self._id(self.info.tags, body.tag))
                self.kind.append(KIND_CODE[value.kind])
                self.integral.append(value.integral)
                self.unit.append(self._id(self.info.units, unit) if unit else -1)
                self.count.append(len(value.numbers))
                self.texts.append(" ".join(repr(x) for x in value.numbers))
                found = True
        return found

    def _fast_columns(self, fast: FastLines, codes: np.ndarray, names: list[bytes], base: int) -> dict[str, np.ndarray]:
        n = len(fast.line_index)
        if n == 0:
            return {}
        lookup = np.array([
            self.keys.id("TRACE", self._rename(name.decode("ascii"))) for name in names
        ], dtype=np.int32)
        ids = lookup[codes]
        tag_ids = np.array([self._id(self.info.tags, tag_name(t)) if t in (5, 7, 8) else -1 for t in range(9)])
        integral = fast.integral
        counts = fast.count
        return {
            "line": fast.line_index + base + 1,
            "key": np.asarray(ids, dtype=np.int32),
            "tag": tag_ids[fast.tag_len].astype(np.int16),
            "kind": np.where(counts == 1, np.where(integral, _INT, _SCALAR), _VECTOR).astype(np.int8),
            "integral": integral,
            "unit": np.full(n, -1, dtype=np.int16),
            "count": counts,
            "values": fast.values,
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

    def _flush(self, columns: dict[str, np.ndarray]) -> Batch:
        """Merge fast-path ``columns`` and general-path records into line order."""
        general = self._general_columns()
        extras = self.extras
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


def iter_batches(
    path: str | Path, keys: KeyTable, info: LogInfo | None = None, *, aliases: dict[str, str] | None = None,
) -> Iterator[Batch]:
    """Yield the records of ``path`` one chunk at a time; ``info`` collects line counts.

    Undecodable bytes are replaced, CRLF and CR line ends read as newlines, and lines of
    any length accepted.  ``aliases`` renames fields as they are read (candidate name ->
    reference name).  Raises :class:`TraceDiffError` for a missing or unreadable file.
    """
    path = Path(path)
    _check_readable(path)
    info = info if info is not None else LogInfo(path)
    chunker = _Chunker(keys, info, aliases)
    carry = b""
    try:
        with open(path, "rb") as handle:
            while True:
                block = handle.read(CHUNK_BYTES)
                if not block:
                    break
                if info.chars == 0 and b"\x00" in block[:8192] and b"TRACE" not in block:
                    # binary from the start (an image, /dev/urandom): say so now, not after reading it all
                    raise TraceDiffError("binary data, not a text trace log", path)
                info.chars += len(block)
                data = carry + block
                if data.endswith(b"\r"):  # a CRLF may be split across reads
                    carry, data = b"\r", data[:-1]
                else:
                    carry = b""
                if b"\r" in data:
                    data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
                cut = data.rfind(b"\n")
                if cut < 0:
                    carry = data + carry
                    continue
                carry = data[cut + 1:] + carry
                yield chunker.chunk(data[:cut])
    except OSError as exc:
        raise TraceDiffError(f"cannot read the file ({exc.strerror or exc})", path) from None
    if carry.endswith(b"\r"):  # the last line ended with a lone CR: complete
        carry = carry[:-1].replace(b"\r", b"\n")
        if carry:
            yield chunker.chunk(carry)
    elif carry:
        info.ends_mid_line = True
        yield chunker.chunk(carry.replace(b"\r", b"\n"))


def no_records_error(info: LogInfo) -> TraceDiffError:
    """The error for a log without a single trace record, saying what it holds instead."""
    if info.chars == 0:
        return TraceDiffError("empty file, no trace records", info.path)
    if _looks_binary(info.path):
        return TraceDiffError("binary data, not a text trace log", info.path)
    return TraceDiffError(f"no trace records in {info.lines_read} lines", info.path)


def parse_log(
    path: str | Path, keys: KeyTable | None = None, *, require_records: bool = True,
    aliases: dict[str, str] | None = None,
) -> TraceLog:
    """Parse every trace record of the log at ``path`` into a :class:`TraceLog`.

    With ``require_records`` (the default) a log without any trace record is an error.
    """
    info = LogInfo(Path(path))
    keys = keys if keys is not None else KeyTable()
    log = TraceLog.from_batches(list(iter_batches(path, keys, info, aliases=aliases)), keys, info)
    if require_records and len(log) == 0:
        raise no_records_error(info)
    return log
