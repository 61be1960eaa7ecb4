"""The bulk path of the parser: number tokens and line skeletons of a whole chunk, with numpy.

A line's *skeleton* is its text with every number token replaced by one byte naming the
token's class (integer, other number, integer too long for a double, nan or inf).  Two lines with
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

from tracediff.trace.decimals import read_decimals
from tracediff.trace.segments import distinct
from tracediff.trace.values import NUMBER

# token classes, written into skeletons in place of the token
INT_TOKEN, FLOAT_TOKEN, BIG_TOKEN, WORD_TOKEN = 1, 2, 3, 4  # WORD_TOKEN: nan or inf spelled out
PLACEHOLDERS = bytes([INT_TOKEN, FLOAT_TOKEN, BIG_TOKEN, WORD_TOKEN])
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
_PLACEHOLDER_BYTES = [bytes([b]) for b in PLACEHOLDERS]
_CLASS_TABLE = _class_table().tobytes()  # for bytes.translate, faster than np.take
_WORD_LETTERS = bytes(range(256)).translate(bytes.maketrans(b"NAIF", b"naif"))
_NOT_WORD_LETTERS = bytes(b for b in range(256) if b not in b"nNaAiIfF")  # dropped: what is left holds every nan/inf
_LOWER = bytes(range(256)).translate(bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ", b"abcdefghijklmnopqrstuvwxyz"))


@dataclass
class Tokens:
    """The number tokens of a chunk, in order: byte span, class, value."""

    start: np.ndarray  # int64
    end: np.ndarray  # int64, exclusive
    kind: np.ndarray  # uint8: INT_TOKEN, FLOAT_TOKEN, BIG_TOKEN or WORD_TOKEN
    special: np.ndarray  # bool: nan / inf spelled out
    values: np.ndarray  # float64


def _runs(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start and end (exclusive) of every run of True in ``mask``."""
    if len(mask) == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    change = np.flatnonzero(mask[1:] != mask[:-1]) + 1
    edges = np.concatenate([[0] if mask[0] else [], change, [len(mask)] if mask[-1] else []]).astype(np.int64)
    return edges[0::2], edges[1::2]


MAX_TOKEN = 4096  # longer runs of number characters are no number token


def _number_runs(cls: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Runs of number characters standing alone: (start, end); not yet checked to read as numbers."""
    start, end = _runs((cls & _NUMERIC) != 0)
    n = len(cls)
    before = np.where(start > 0, cls[np.maximum(start - 1, 0)], 0)
    after = np.where(end < n, cls[np.minimum(end, n - 1)], 0)
    alone = ((before & _BOUNDARY) == 0) & ((after & (_BOUNDARY | _BEFORE_COLON)) == 0) & (end - start <= MAX_TOKEN)
    return start[alone], end[alone]


def _special_tokens(data: bytes, cls: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``nan``, ``inf``, ``infinity`` in any case, with an optional sign: (start, end)."""
    letters = data.translate(_WORD_LETTERS, _NOT_WORD_LETTERS)  # only n, a, i, f: a short string, a superset
    if b"nan" not in letters and b"inf" not in letters:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    lower = data.translate(_LOWER)
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
    start, end = _number_runs(cls)
    s_start, s_end = _special_tokens(data, cls)
    special = np.zeros(len(start), bool)
    if len(s_start):
        order = np.argsort(np.concatenate([start, s_start]), kind="stable")
        start = np.concatenate([start, s_start])[order]
        end = np.concatenate([end, s_end])[order]
        special = np.concatenate([special, np.ones(len(s_start), bool)])[order]
    values, valid, integral = _convert(data, start, end)
    integral &= ~special
    if not valid.all():
        start, end, integral, special, values = start[valid], end[valid], integral[valid], special[valid], values[valid]
    digits = end - start - ((cls[start] & _SIGN) != 0)
    kind = np.where(integral, np.where(digits >= BIG_DIGITS, BIG_TOKEN, INT_TOKEN), FLOAT_TOKEN).astype(np.uint8)
    kind[special] = WORD_TOKEN  # the rules may read a word where they read a number: its own skeleton
    placeholders = np.empty(0, dtype=np.int64)
    if any(byte in data for byte in _PLACEHOLDER_BYTES):  # four byte searches, cheaper than a pass over cls
        placeholders = distinct(line_of(np.flatnonzero(cls & _PLACE), line_starts), presorted=True)
    return Tokens(start, end, kind, special, values), placeholders


def _convert(data: bytes, start: np.ndarray, end: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every run as float64, whether it reads as exactly one number, and whether it is an integer
    (no dot, no exponent).

    :func:`~tracediff.trace.decimals.read_decimals` reads the runs in bulk, bit for bit as
    ``float()``; only the few it leaves (no number, ``nan``/``inf``, more than 19 digits,
    subnormal or overflowing values) are checked one by one and read with ``float()``.
    """
    if len(start) == 0:
        return np.empty(0), np.empty(0, dtype=bool), np.empty(0, dtype=bool)
    values, valid, integral = read_decimals(np.frombuffer(data, dtype=np.uint8), start, end)
    if not valid.all():
        rest = np.flatnonzero(~valid)
        runs = [data[s:e].decode("ascii", "replace") for s, e in zip(start[rest].tolist(), end[rest].tolist())]
        numbers = [_NUMBER_RE.match(r) is not None for r in runs]
        values[rest] = [float(r) if number else np.nan for r, number in zip(runs, numbers)]
        valid[rest] = numbers
        integral[rest] = [not any(c in r for c in ".eE") for r in runs]
    return values, valid, integral


def skeleton_lines(data: bytes, tokens: Tokens) -> list[bytes]:
    """The skeleton of every line of ``data``, one bytes object per line: each token replaced by its class byte.

    The bytes kept alternate with the bytes dropped (a token's after its first): one
    ``np.repeat`` of True/False over those spans makes the mask, without an index or
    a running sum per byte.  Python's own ``split`` and dictionary then group and look
    up the lines exactly.
    """
    text = np.frombuffer(data, dtype=np.uint8)
    if len(tokens.start):
        bounds = np.empty(2 * len(tokens.start) + 2, dtype=np.int64)
        bounds[0], bounds[-1] = 0, len(text)
        bounds[1:-1:2], bounds[2:-1:2] = tokens.start + 1, tokens.end  # kept up to a token's first byte, then dropped
        kept = np.zeros(len(bounds) - 1, dtype=bool)
        kept[0::2] = True
        keep = np.repeat(kept, np.diff(bounds))
        text = text.copy()
        text[tokens.start] = tokens.kind
        text = text[keep]
    return text.tobytes().split(b"\n")


def line_of(positions: np.ndarray, line_starts: np.ndarray) -> np.ndarray:
    """The chunk line holding each byte position."""
    return np.searchsorted(line_starts, positions, side="right") - 1
