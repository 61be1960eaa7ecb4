"""Stream a log file into trace records, column-wise.

The file is read in chunks of whole lines.  In each chunk every line holding ``TRACE``
is reduced to its skeleton (:mod:`tracediff.trace.fastpath`): its text with the number
tokens replaced by their class.  The dialect rules (:mod:`tracediff.trace.dialects`)
run once per new skeleton and the result is kept as a recipe
(:mod:`tracediff.trace.recipes`); every line of a known skeleton is then laid out with
numpy, its numbers taken from one conversion of the whole chunk.  A recipe is only kept
when the rules read exactly the line's number tokens, in order, as its values; lines
whose skeleton is not reusable (a number inside a text value, an index inside a tag,
integers beyond 2**53, numbers that overflow a double) take the general path one by
one, and never take the other lines of their chunk with them.  Values are parsed once.

Memory grows with the number of trace records only: other lines are counted and dropped.
:func:`iter_batches` yields one :class:`~tracediff.trace.log.Batch` per chunk (the
comparison streams both logs this way); :func:`parse_log` gathers them into a
:class:`~tracediff.trace.log.TraceLog`.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from itertools import repeat
from pathlib import Path

import numpy as np

from tracediff.errors import TraceDiffError
from tracediff.trace.dialects import LineField, read_line
from tracediff.trace.fastpath import BIG_TOKEN, Tokens, find_tokens, line_of, skeleton_lines
from tracediff.trace.log import Batch, KeyTable, LogInfo, TraceLog
from tracediff.trace.recipes import (
    COLUMNS, KIND_CODE, FieldShape, Interned, RecipeTable, field_shapes, rows_for, template,
)
from tracediff.trace.segments import cumcount, distinct
from tracediff.trace.sources import STDIN, UTF16_MESSAGE, is_stdin, looks_utf16, open_log
from tracediff.trace.values import ParsedValue

CHUNK_BYTES = 384 << 10  # 256 KiB parses ~7% slower; 512 KiB takes both processes to 60 MiB (384 KiB: 56 MiB)
MAX_SKELETON = 4096  # longer lines are read one by one: their skeletons are not worth keeping
MAX_RECIPES = 50_000  # beyond this many skeletons the recipes start afresh (bounded memory)
_NOT_KNOWN, _GENERAL, _NO_TRACE = -2, -1, -3


def _reusable(fields: list[LineField], shape: bytes, numbers: np.ndarray) -> bool:
    """Whether every line of this skeleton reads as this one does, its numbers taken in order from its tokens."""
    if bytes([BIG_TOKEN]) in shape:
        return False
    read = [x for f in fields for x in f.value.numbers]
    if len(read) != len(numbers) or not np.array_equal(np.array(read, dtype=np.float64), numbers, equal_nan=True):
        return False  # the rules did not read exactly the tokens as values
    return not any(f.value.text is not None and f.value.kind != "text" for f in fields)


class _SkeletonFields:
    """What the dialect rules read from each skeleton, shared by every log this process parses.

    A recipe's ids (fields, tags, units) belong to one log, but the rules' reading of a
    skeleton does not: a directory of per-pixel traces prints the same lines in every
    file, and the rules then run once per skeleton for all of them, not once per file.
    """

    def __init__(self, limit: int = MAX_RECIPES) -> None:
        self.limit = limit
        self._fields: dict[bytes, tuple[FieldShape, ...] | None] = {}  # None: the lines take the general path

    def __contains__(self, shape: bytes) -> bool:
        return shape in self._fields

    def get(self, shape: bytes) -> tuple[FieldShape, ...] | None:
        return self._fields.get(shape)

    def remember(self, shape: bytes, fields: tuple[FieldShape, ...] | None) -> None:
        if len(self._fields) >= self.limit:
            self._fields.clear()  # bounded memory: start afresh
        self._fields[shape] = fields


_SHAPES = _SkeletonFields()


class _Chunker:
    """Turns whole lines of text into one :class:`Batch` per chunk."""

    def __init__(self, keys: KeyTable, info: LogInfo, aliases: dict[str, str] | None = None) -> None:
        self.keys = keys
        self.info = info
        self.aliases = aliases or {}
        self.tags, self.units = Interned(info.tags), Interned(info.units)
        self.read_now: dict[int, list[LineField]] = {}
        self.counts = np.zeros(0, dtype=np.int64)  # records seen so far per key
        self._fresh_recipes()

    def _fresh_recipes(self) -> None:
        self.recipes = RecipeTable()
        self.skeleton_recipe: dict[bytes, int] = {}

    def _key(self, family: str, name: str) -> int:
        """The key of a field, under the reference name it stands for (``aliases``)."""
        return self.keys.id(family, self.aliases.get(name, name))

    def chunk(self, data: bytes) -> Batch:
        """Parse ``data`` (whole lines, ``\\n``-separated, without the final newline)."""
        if len(self.recipes) > MAX_RECIPES:
            self._fresh_recipes()
        b = np.frombuffer(data, dtype=np.uint8)
        newlines = np.flatnonzero(b == 10)
        starts = np.concatenate([[0], newlines + 1]).astype(np.int64, copy=False)
        ends = np.concatenate([newlines, [len(b)]]).astype(np.int64, copy=False)
        base = self.info.lines_read
        self.info.lines_read = base + len(starts)
        if b"TRACE" not in data:
            self.info.skipped += len(starts)
            return self._finish([])
        tokens, placeholder_lines = find_tokens(data, starts)
        first_token = np.searchsorted(tokens.start, np.append(starts, len(b) + 1))  # line i: tokens first[i]..first[i+1]
        recipe = self._recipes_of(data, starts, ends, tokens, first_token, placeholder_lines)
        parts = [self._fast(recipe, tokens, first_token, base),
                 self._general(data, np.flatnonzero(recipe == _GENERAL), starts, ends, base)]
        with_records = len(distinct(np.concatenate([p["line"] for p in parts])))
        self.info.skipped += len(starts) - with_records
        return self._finish(parts)

    def _recipes_of(self, data: bytes, starts: np.ndarray, ends: np.ndarray, tokens: Tokens,
                    first_token: np.ndarray, placeholder_lines: np.ndarray) -> np.ndarray:
        """Each line's recipe id; -1 for a line the general path reads, -3 for a line without TRACE."""
        lines = skeleton_lines(data, tokens)
        known = self.skeleton_recipe
        recipe = np.fromiter(map(known.get, lines, repeat(_NOT_KNOWN)), dtype=np.int64, count=len(lines))
        forced = np.zeros(len(starts), dtype=bool)
        forced[placeholder_lines] = True  # bytes 1-4 would read as token classes
        forced[ends - starts > MAX_SKELETON] = True
        overflow = np.isinf(tokens.values) & ~tokens.special  # 1e999: its printed text is kept
        forced[line_of(tokens.start[overflow], starts)] = True
        self.read_now: dict[int, list[LineField]] = {}  # lines of this chunk the rules have read
        for i in np.flatnonzero((recipe == _NOT_KNOWN) & ~forced).tolist():  # a skeleton not seen before
            found = known.get(lines[i], _NOT_KNOWN)
            if found == _NOT_KNOWN:
                numbers = tokens.values[first_token[i]:first_token[i + 1]]
                found = known[lines[i]] = self._new_recipe(i, data[starts[i]:ends[i]], lines[i], numbers)
            recipe[i] = found
        for i in np.flatnonzero(forced).tolist():
            recipe[i] = _GENERAL if b"TRACE" in data[starts[i]:ends[i]] else _NO_TRACE
        return recipe

    def _new_recipe(self, i: int, line: bytes, shape: bytes, numbers: np.ndarray) -> int:
        """The recipe of a skeleton from its line ``i``; -1 when it is not reusable, -3 for no trace line."""
        if b"TRACE" not in shape:
            return _NO_TRACE
        if shape not in _SHAPES:
            read = self.read_now[i] = read_line(line.decode("utf-8", errors="replace"))
            _SHAPES.remember(shape, field_shapes(read) if _reusable(read, shape, numbers) else None)
        fields = _SHAPES.get(shape)
        if fields is None:
            return _GENERAL
        return self.recipes.add(rows_for(fields, self._key, self.tags, self.units, self.recipes))

    def _fast(self, recipe: np.ndarray, tokens: Tokens, first_token: np.ndarray, base: int) -> dict:
        """The records of the lines with a recipe (``recipe`` >= 0, per line of the chunk), laid out by numpy."""
        fast = recipe >= 0
        lines = np.flatnonzero(fast)
        rows, per_line = self.recipes.rows_of(recipe[fast])
        part = {name: self.recipes.column(name, rows) for name in COLUMNS}
        part["line"] = np.repeat(lines + base + 1, per_line)
        per_line_tokens = np.diff(first_token)
        if fast[per_line_tokens > 0].all():
            part["values"] = tokens.values  # every token lies on a line with a recipe
        else:
            part["values"] = tokens.values[np.repeat(fast, per_line_tokens)]
        used = distinct(part["layout"][part["layout"] >= 0])
        part["layouts"] = [self.recipes.templates[u] for u in used.tolist()]
        part["layout"] = np.where(part["layout"] >= 0, np.searchsorted(used, part["layout"]), -1).astype(np.int32)
        return part

    def _general(self, data: bytes, lines: np.ndarray, starts: np.ndarray, ends: np.ndarray, base: int) -> dict:
        """The records of lines read one by one by the dialect rules."""
        rows: list[dict] = []
        numbers: list[float] = []
        layouts: list[ParsedValue] = []
        for i in lines.tolist():
            fields = self.read_now.get(i)
            if fields is None:
                fields = read_line(data[starts[i]:ends[i]].decode("utf-8", errors="replace"))
            for f in fields:
                rows.append(self._row(f, base + i + 1, layouts))
                numbers.extend(f.value.numbers)
        part = {name: np.array([r[name] for r in rows], dtype=dtype) for name, dtype in _PART_DTYPES.items()}
        part["values"] = np.array(numbers, dtype=np.float64)
        part["layouts"] = layouts
        return part

    def _row(self, f: LineField, line: int, layouts: list[ParsedValue]) -> dict:
        shape = template(f.value)
        if shape is not None:
            layouts.append(shape)
        return dict(
            line=line, key=self._key(f.family, f.name), tag=self.tags.id(f.tag), kind=KIND_CODE[f.value.kind],
            integral=f.value.integral, unit=self.units.id(f.unit) if f.unit else -1, count=len(f.value.numbers),
            layout=len(layouts) - 1 if shape is not None else -1, optional=f.optional,
        )

    def _finish(self, parts: list[dict]) -> Batch:
        """Merge the parts into line order and count occurrences."""
        parts = [p for p in parts if len(p["line"])]
        if not parts:
            return Batch.empty()
        batches = [_batch(p) for p in parts]
        batch = batches[0] if len(batches) == 1 else Batch.join(batches)
        if len(batches) > 1:
            batch = batch.take(np.argsort(batch.line, kind="stable"))
        key = batch.key
        if len(self.keys) > len(self.counts):
            self.counts = np.concatenate([self.counts, np.zeros(len(self.keys) - len(self.counts), np.int64)])
        batch.occurrence = (self.counts[key] + cumcount(key)).astype(np.int32)
        self.counts += np.bincount(key, minlength=len(self.counts))
        return batch


_PART_DTYPES = dict(line=np.int64, **{name: Batch.DTYPES.get(name, np.bool_) for name in COLUMNS})


def _batch(part: dict) -> Batch:
    optional = part["optional"].astype(bool)
    return Batch(
        **{name: part[name].astype(Batch.DTYPES[name], copy=False) for name in Batch.COLUMNS if name != "occurrence"},
        occurrence=np.zeros(len(part["line"]), dtype=np.int32), values=part["values"], layouts=part["layouts"],
        optional=optional if optional.any() else None,
    )


def iter_batches(
    path: str | Path, keys: KeyTable, info: LogInfo | None = None, *, aliases: dict[str, str] | None = None,
) -> Iterator[Batch]:
    """Yield the records of ``path`` one chunk at a time; ``info`` collects line counts.

    ``path`` may be a file, a FIFO, ``-`` (standard input) or a gzip file.  Undecodable
    bytes are replaced, CRLF and CR line ends read as newlines, and lines of any length
    accepted (an unterminated line is gathered in pieces, never copied again per read).
    ``aliases`` renames fields as they are read (candidate name -> reference name).
    Raises :class:`TraceDiffError` for a missing or unreadable file.
    """
    path = Path(path) if not is_stdin(path) else Path(STDIN)
    info = info if info is not None else LogInfo(path)
    chunker = _Chunker(keys, info, aliases)
    tail: list[bytes] = []  # the unfinished last line, in pieces
    held_cr = False  # a block ended with CR: it may be half of a CRLF
    try:
        with open_log(path) as handle:
            while block := handle.read(CHUNK_BYTES):
                if info.chars == 0:
                    _check_first_block(block, path, info)
                info.chars += len(block)
                if held_cr:
                    block = b"\r" + block
                held_cr = block.endswith(b"\r")
                if held_cr:
                    block = block[:-1]
                if b"\r" in block:
                    block = block.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
                cut = block.rfind(b"\n")
                if cut < 0:
                    tail.append(block)
                    continue
                data = b"".join([*tail, block[:cut]]) if tail else block[:cut]
                tail = [block[cut + 1:]]
                if info.chars > CHUNK_BYTES:
                    _tune_allocator()  # a log of more than one chunk: its arrays are worth keeping
                yield chunker.chunk(data)
    except OSError as exc:
        raise TraceDiffError(f"cannot read the file ({exc.strerror or exc})", path) from None
    except EOFError:
        raise TraceDiffError("the gzip data ends early (a truncated .gz file?)", path) from None
    last = b"".join(tail)
    if held_cr:  # the last line ended with a lone CR: complete
        yield chunker.chunk(last)
    elif last:
        info.ends_mid_line = True
        yield chunker.chunk(last)


@cache
def _tune_allocator() -> None:
    """Once per process: keep freed blocks for the next chunk (see :mod:`tracediff.trace.allocator`)."""
    from tracediff.trace.allocator import keep_freed_blocks

    keep_freed_blocks()


def _check_first_block(block: bytes, path: Path, info: LogInfo) -> None:
    """Refuse what is no text log from its first block, so an endless stream fails at once."""
    if looks_utf16(block):
        raise TraceDiffError(UTF16_MESSAGE, path)
    if b"\x00" in block[:8192]:
        info.binary = True
        if b"TRACE" not in block:  # an image, /dev/urandom: say so now, not after reading it all
            raise TraceDiffError("binary data, not a text trace log", path)


def no_records_error(info: LogInfo) -> TraceDiffError:
    """The error for a log without a single trace record, saying what it holds instead."""
    if info.chars == 0:
        return TraceDiffError("empty file, no trace records", info.path)
    if info.binary:
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
