"""The bulk path of the parser: number tokens and line skeletons of a whole chunk, with numpy.

A line's *skeleton* is its text with every number token replaced by one byte naming the
token's class (integer, other number, integer too long for a double).  Two lines with
the same skeleton differ only in their numbers, so the dialect rules parse them the same
way: the parser runs those rules once per skeleton (see :mod:`tracediff.trace.recipes`)
and takes the numbers of every line from one numpy conversion of the chunk.  This works
for every dialect at once (``TAG: name v v v``, ``name = [ a b c ]``, ``rotx:a roty:b``,
``TAG_PHI k=v k=v``, units, comma lists) and never depends on a dialect list.

A number token is a run of ``[0-9+-.eE]`` that reads as a number (``1``, ``-2.5e-3``,
``.5``) or a ``nan``/``inf``/``infinity`` (any case, optional sign), touching no letter,
digit, ``_``, ``.``, ``/`` or ``^`` and not followed by ``:``.  Everything else (``1-2``,
``1e``, ``field_12``, ``m^-1``, ``TRACE_PY_SOURCE 0:``) stays literal text in the
skeleton.  Whether a skeleton may be reused is decided by the parser, which checks that
the dialect rules read exactly the line's tokens as its values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from tracediff.trace.decimals import to_float64
from tracediff.trace.segments import segment_indices
from tracediff.trace.values import NUMBER

# token classes, written into skeletons in place of the token
INT_TOKEN, FLOAT_TOKEN, BIG_TOKEN = 1, 2, 3
PLACEHOLDERS = bytes([INT_TOKEN, FLOAT_TOKEN, BIG_TOKEN])
BIG_DIGITS = 16  # an integer of this many digits may not fit a double exactly

_DIGIT, _SIGN, _DOT, _EXP, _BOUNDARY, _PLACE, _BEFORE_COLON = 1, 2, 4, 8, 16, 32, 64
_NUMERIC = _DIGIT | _SIGN | _DOT | _EXP


def _class_table() -> np.ndarray:
    table = np.zeros(256, dtype=np.uint8)
    # a number touching one of these is part of a word, a path or a unit (``m^-1``, ``1/m``)
    for byte in b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_0123456789./^":
        table[byte] |= _BOUNDARY
    table[ord(":")] |= _BEFORE_COLON  # a number before ':' is a tag index or a time, not a value
    table[np.frombuffer(b"0123456789", np.uint8)] |= _DIGIT
    table[np.frombuffer(b"+-", np.uint8)] |= _SIGN
    table[ord(".")] |= _DOT
    table[np.frombuffer(b"eE", np.uint8)] |= _EXP
    table[np.frombuffer(PLACEHOLDERS, np.uint8)] |= _PLACE
    return table


_NUMBER_RE = re.compile(rf"{NUMBER}\Z")
_CLASS_TABLE = _class_table().tobytes()  # for bytes.translate, faster than np.take
_LOWER = bytes(range(256)).translate(bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ", b"abcdefghijklmnopqrstuvwxyz"))


@dataclass
class Tokens:
    """The number tokens of a chunk, in order: byte span, class, value."""

    start: np.ndarray  # int64
    end: np.ndarray  # int64, exclusive
    kind: np.ndarray  # uint8: INT_TOKEN, FLOAT_TOKEN or BIG_TOKEN
    special: np.ndarray  # bool: nan / inf spelled out
    values: np.ndarray  # float64


def _runs(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start and end (exclusive) of every run of True in ``mask``."""
    edges = np.flatnonzero(np.diff(np.concatenate([[False], mask, [False]]).view(np.int8)))
    return edges[0::2], edges[1::2]


MAX_TOKEN = 4096  # longer runs of number characters are no number token


def _number_runs(cls: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Runs of number characters standing alone: (start, end, integral); not yet checked to read as numbers."""
    start, end = _runs((cls & _NUMERIC) != 0)
    padded = np.concatenate([[0], cls, [0]])  # padded[k + 1] is byte k
    alone = (
        ((padded[start] & _BOUNDARY) == 0) & ((padded[end + 1] & (_BOUNDARY | _BEFORE_COLON)) == 0)
        & (end - start <= MAX_TOKEN)
    )
    start, end = start[alone], end[alone]
    if len(start) == 0:
        return start, end, np.zeros(0, dtype=bool)
    bounds = np.empty(2 * len(start), dtype=np.int64)
    bounds[0::2], bounds[1::2] = start, end
    marks = np.bitwise_or.reduceat(np.append(cls & (_DOT | _EXP), np.uint8(0)), bounds)
    integral = marks[0::2] == 0
    return start, end, integral


def _special_tokens(data: bytes, cls: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``nan``, ``inf``, ``infinity`` in any case, with an optional sign: (start, end)."""
    lower = data.translate(_LOWER)
    if b"nan" not in lower and b"inf" not in lower:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    padded = np.concatenate([[0, 0], cls, np.zeros(9, np.uint8)])  # padded[k + 2] is byte k
    start = np.concatenate([_find(lower, word) for word in (b"nan", b"inf", b"infinity")])
    end = start + np.repeat([3, 3, 8], [len(_find(lower, w)) for w in (b"nan", b"inf", b"infinity")])
    signed = (padded[start + 1] & _SIGN) != 0  # the byte before is + or -
    before = np.where(signed, padded[start], padded[start + 1])
    keep = ((padded[end + 2] & (_BOUNDARY | _BEFORE_COLON)) == 0) & ((before & (_BOUNDARY | _SIGN)) == 0)
    return (start - signed)[keep], end[keep]


def _find(data: bytes, needle: bytes) -> np.ndarray:
    """Every position where ``needle`` starts in ``data``."""
    n = len(data)
    b = np.frombuffer(data + b"\0" * len(needle), dtype=np.uint8)
    hit = b[:n] == needle[0]
    for k, byte in enumerate(needle[1:], start=1):
        hit &= b[k:k + n] == byte
    return np.flatnonzero(hit)


def find_tokens(data: bytes, line_starts: np.ndarray) -> tuple[Tokens, np.ndarray]:
    """The number tokens of ``data``, and the lines holding bytes that look like token classes."""
    cls = np.frombuffer(data.translate(_CLASS_TABLE), dtype=np.uint8)
    start, end, integral = _number_runs(cls)
    s_start, s_end = _special_tokens(data, cls)
    special = np.zeros(len(start), bool)
    if len(s_start):
        order = np.argsort(np.concatenate([start, s_start]), kind="stable")
        start = np.concatenate([start, s_start])[order]
        end = np.concatenate([end, s_end])[order]
        integral = np.concatenate([integral, np.zeros(len(s_start), bool)])[order]
        special = np.concatenate([special, np.ones(len(s_start), bool)])[order]
    values, valid = _convert(data, start, end)
    if not valid.all():
        start, end, integral, special, values = start[valid], end[valid], integral[valid], special[valid], values[valid]
    digits = end - start - ((cls[start] & _SIGN) != 0)
    kind = np.where(integral, np.where(digits >= BIG_DIGITS, BIG_TOKEN, INT_TOKEN), FLOAT_TOKEN).astype(np.uint8)
    placeholders = np.unique(line_of(np.flatnonzero(cls & _PLACE), line_starts))
    return Tokens(start, end, kind, special, values), placeholders


def _convert(data: bytes, start: np.ndarray, end: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every run as float64 and whether it reads as exactly one number.

    :func:`~tracediff.trace.decimals.to_float64` reads the runs in bulk, bit for bit as
    ``float()``; only the few it leaves (no number, ``nan``/``inf``, more than 19 digits,
    subnormal or overflowing values) are checked one by one and read with ``float()``.
    """
    if len(start) == 0:
        return np.empty(0), np.empty(0, dtype=bool)
    values, valid = to_float64(np.frombuffer(data, dtype=np.uint8), start, end)
    if not valid.all():
        rest = np.flatnonzero(~valid)
        runs = [data[s:e].decode("ascii", "replace") for s, e in zip(start[rest].tolist(), end[rest].tolist())]
        numbers = [_NUMBER_RE.match(r) is not None for r in runs]
        values[rest] = [float(r) if number else np.nan for r, number in zip(runs, numbers)]
        valid[rest] = numbers
    return values, valid


@dataclass
class Skeletons:
    """The skeletons of a chunk's lines, as one byte array with line spans, grouped."""

    text: np.ndarray  # uint8: the chunk with each token replaced by its class byte
    start: np.ndarray  # int64 per line
    end: np.ndarray

    def of(self, line: int) -> bytes:
        return self.text[self.start[line]:self.end[line]].tobytes()

    def groups(self, lines: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Lines with equal skeletons, found with numpy: ``(first, group)``.

        ``first`` holds one line of each group, ``group[k]`` the group of ``lines[k]``.
        Lines are grouped by a 64-bit polynomial hash of their skeleton and then compared
        byte for byte with their group's first line; a line that differs (a collision)
        gets a group of its own.
        """
        start, end = self.start[lines], self.end[lines]
        hashes = _span_hashes(self.text, start, end)
        _, first, group = np.unique(hashes, return_index=True, return_inverse=True)
        group = group.ravel()
        length = end - start
        rep = first[group]
        same = length == length[rep]
        if same.any():
            idx = np.flatnonzero(same)
            a = segment_indices(start[idx], length[idx])
            b = segment_indices(start[rep[idx]], length[idx])
            equal = np.ones(len(idx), dtype=bool)
            nonempty = length[idx] > 0
            if nonempty.any():
                offsets = np.r_[0, np.cumsum(length[idx])[:-1]]
                matches = (self.text[a] == self.text[b]).view(np.uint8)
                equal[nonempty] = np.minimum.reduceat(matches, offsets[nonempty]) == 1 if len(matches) else True
            same[idx] = equal
        if not same.all():  # a hash collision: those lines stand alone
            lonely = np.flatnonzero(~same)
            group = group.copy()
            group[lonely] = len(first) + np.arange(len(lonely))
            first = np.concatenate([first, lonely])
        return lines[first], group


_HASH_BASE = 0x9E3779B97F4A7C15  # odd, so it has an inverse modulo 2**64
_powers = np.ones(1, dtype=np.uint64)
_inverse_powers = np.ones(1, dtype=np.uint64)


def _power_tables(n: int) -> tuple[np.ndarray, np.ndarray]:
    """``base**j`` and ``base**-j`` modulo 2**64 for ``j < n``, grown on demand."""
    global _powers, _inverse_powers
    if len(_powers) < n:
        size = max(n, 2 * len(_powers))
        _powers = np.cumprod(np.r_[1, np.full(size - 1, _HASH_BASE, dtype=np.uint64)].astype(np.uint64))
        inverse = pow(_HASH_BASE, -1, 1 << 64)
        _inverse_powers = np.cumprod(np.r_[1, np.full(size - 1, inverse, dtype=np.uint64)].astype(np.uint64))
    return _powers[:n], _inverse_powers[:n]


def _span_hashes(text: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """A polynomial hash of every span ``text[start:end]``, from one prefix sum."""
    powers, inverse = _power_tables(len(text) + 1)
    prefix = np.zeros(len(text) + 1, dtype=np.uint64)
    np.cumsum((text.astype(np.uint64) + np.uint64(1)) * powers[:len(text)], out=prefix[1:])
    hashes = (prefix[end] - prefix[start]) * inverse[start]
    return hashes ^ (end - start).astype(np.uint64)


def skeletons(data: bytes, tokens: Tokens) -> Skeletons:
    """The skeleton of every line of ``data``: each token replaced by its class byte."""
    b = np.frombuffer(data, dtype=np.uint8)
    if len(tokens.start):
        b = b.copy()
        keep = np.ones(len(b), dtype=bool)
        keep[segment_indices(tokens.start, tokens.end - tokens.start)] = False
        keep[tokens.start] = True
        b[tokens.start] = tokens.kind
        b = b[keep]
    newlines = np.flatnonzero(b == 10)
    return Skeletons(b, np.r_[0, newlines + 1].astype(np.int64), np.r_[newlines, len(b)].astype(np.int64))


def line_of(positions: np.ndarray, line_starts: np.ndarray) -> np.ndarray:
    """The chunk line holding each byte position."""
    return np.searchsorted(line_starts, positions, side="right") - 1


def lines_with(data: bytes, needle: bytes, line_starts: np.ndarray) -> np.ndarray:
    """Indices of the lines containing ``needle``, vectorised."""
    return np.unique(line_of(_find(data, needle), line_starts))
