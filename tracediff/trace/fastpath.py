"""The vectorised fast path of the parser: common trace lines recognised with numpy.

Almost every line of a long trace has one of three shapes::

    TRACE_C: name 1.5 -2 3e-10        (TAG: name values)
    TRACE_PY:name=1.5 -2 3e-10        (TAG:name=values)
    TRACE: name 1.5                   (the generic tag)

with plain numbers separated by single spaces.  Instead of a Python loop over lines,
this module finds such lines in a whole chunk of bytes at once (prefix tests, running
sums of "bad" bytes over each region), so the Python work left per record is one slice
for its name.  Any line it does not certify goes to the general path.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from tracediff.trace.segments import segment_indices

_TAGS = {5: "TRACE", 7: "TRACE_C", 8: "TRACE_PY"}
# byte classes, one table lookup per chunk
_NUMBER, _NON_INTEGRAL = 1, 2
_CLASS = np.zeros(256, dtype=np.uint8)
_CLASS[np.frombuffer(b"0123456789-+ ", np.uint8)] = _NUMBER
_CLASS[np.frombuffer(b".eE", np.uint8)] = _NUMBER | _NON_INTEGRAL
_CLASS_TABLE = _CLASS.tobytes()  # for bytes.translate, several times faster than np.take
_DIGITS = np.zeros(256, dtype=bool)
_DIGITS[np.frombuffer(b"0123456789", np.uint8)] = True


class _Redo(Exception):
    """Lines the fast path must hand back to the general path (by line index)."""

    def __init__(self, lines: np.ndarray) -> None:
        self.lines = lines


@dataclass
class FastLines:
    """The certified lines of a chunk: where they are, their tag, name span and numbers."""

    line_index: np.ndarray  # int64, index of the line within the chunk
    tag_len: np.ndarray  # 5, 7 or 8: TRACE, TRACE_C, TRACE_PY
    name_start: np.ndarray
    name_end: np.ndarray
    count: np.ndarray  # int32 numbers on the line
    integral: np.ndarray  # bool
    values: np.ndarray  # float64, all numbers in line order
    is_fast: np.ndarray  # bool per line of the chunk

    def subset(self, keep: np.ndarray) -> "FastLines":
        """Only the records where ``keep`` is true (the others return to the general path)."""
        offset = np.zeros(len(self.count), dtype=np.int64)
        np.cumsum(self.count[:-1], out=offset[1:])
        is_fast = self.is_fast.copy()
        is_fast[self.line_index[~keep]] = False
        return FastLines(
            self.line_index[keep], self.tag_len[keep], self.name_start[keep], self.name_end[keep],
            self.count[keep], self.integral[keep],
            self.values[segment_indices(offset[keep], self.count[keep].astype(np.int64))], is_fast,
        )


class _Counter:
    """How many flagged bytes lie in ``[lo, hi)``: positions once, then binary searches."""

    def __init__(self, flags: np.ndarray | None = None, positions: np.ndarray | None = None) -> None:
        self.positions = np.flatnonzero(flags) if positions is None else positions

    def __call__(self, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
        return np.searchsorted(self.positions, hi) - np.searchsorted(self.positions, lo)


def _next_at_or_after(positions: np.ndarray, where: np.ndarray, default: np.ndarray) -> np.ndarray:
    k = np.searchsorted(positions, where)
    found = k < len(positions)
    return np.where(found, positions[np.minimum(k, max(len(positions) - 1, 0))] if len(positions) else default, default)


def find_fast_lines(data: bytes, starts: np.ndarray, ends: np.ndarray) -> FastLines:
    """Certify the lines of ``data`` (line ``i`` is ``data[starts[i]:ends[i]]``)."""
    try:
        return _certify(data, starts, ends, None)
    except _Redo as redo:
        return _certify(data, starts, ends, redo.lines)


def _certify(data: bytes, starts: np.ndarray, ends: np.ndarray, exclude: np.ndarray | None) -> FastLines:
    b = np.frombuffer(data, dtype=np.uint8)
    n = len(b)
    padded = np.concatenate([b, np.zeros(16, dtype=np.uint8)])
    length = ends - starts
    at = lambda k: padded[starts + k]  # noqa: E731 - byte k of every line
    traced = (length >= 8) & (at(0) == 84) & (at(1) == 82) & (at(2) == 65) & (at(3) == 67) & (at(4) == 69)
    c_tag = (at(5) == 95) & (at(6) == 67) & (at(7) == 58)  # "_C:"
    py_tag = (at(5) == 95) & (at(6) == 80) & (at(7) == 89) & (at(8) == 58)  # "_PY:"
    plain_tag = at(5) == 58  # ":"
    tag_len = np.where(c_tag, 7, np.where(py_tag, 8, np.where(plain_tag, 5, 0)))
    candidate = traced & (tag_len > 0)
    colon = starts + tag_len
    spaced = padded[colon + 1] == 32
    name_start = np.where(spaced, colon + 2, colon + 1)
    space_positions = np.flatnonzero(b == 32)
    keyed = candidate & ~spaced  # TAG:name=values lines need the '=' positions
    equals = np.flatnonzero(b == 61) if keyed.any() else np.empty(0, dtype=np.int64)
    name_end = np.where(
        spaced,
        _next_at_or_after(space_positions, name_start, ends),
        _next_at_or_after(equals, name_start, ends),
    )
    value_start = name_end + 1
    spaces = _Counter(positions=space_positions)
    double_space = _Counter(positions=space_positions[:-1][np.diff(space_positions) == 1])
    lo, hi = np.minimum(value_start, n), np.minimum(ends, n)
    ok = (
        candidate
        & (name_end > name_start) & (value_start < ends)
        & (spaces(name_start, name_end) == 0) & (name_end - name_start <= NAME_WIDTH)
        & ~_DIGITS[padded[name_start]]
        & (double_space(lo, np.maximum(hi - 1, lo)) == 0)
        & (padded[value_start] != 32) & (padded[np.maximum(ends - 1, 0)] != 32)
    )
    if exclude is not None:
        ok[exclude] = False
    idx = np.flatnonzero(ok)
    vs, ve = value_start[idx], ends[idx]
    # per value region, with one pass each: any byte that is no number character, any '.eE'
    cls = np.frombuffer(data.translate(_CLASS_TABLE) + b"\0", dtype=np.uint8)
    bounds = np.empty(2 * len(idx), dtype=np.int64)
    bounds[0::2], bounds[1::2] = vs, ve
    if len(idx):
        numeric = np.minimum.reduceat(cls, bounds)[0::2] > 0
        integral = (np.bitwise_or.reduceat(cls, bounds)[0::2] & _NON_INTEGRAL) == 0
        if not numeric.all():
            ok[idx[~numeric]] = False
            idx, vs, ve, integral = idx[numeric], vs[numeric], ve[numeric], integral[numeric]
    else:
        integral = np.zeros(0, dtype=bool)
    count = (spaces(vs, ve) + 1).astype(np.int32)
    # bytes inside a value region: alternate runs outside/inside, laid out by np.repeat
    edges = np.empty(2 * len(vs) + 2, dtype=np.int64)
    edges[0], edges[-1] = 0, n
    edges[1:-1:2], edges[2:-1:2] = vs, ve
    runs = np.zeros(2 * len(vs) + 1, dtype=bool)
    runs[1::2] = True
    inside = np.repeat(runs, np.diff(edges))
    values = _parse_numbers(np.where(inside, b, np.uint8(32)).tobytes(), int(count.sum()))
    if len(values) and integral.any():
        # integers a double cannot hold exactly go to the general path, which keeps their digits
        big = np.maximum.reduceat(np.abs(values), np.r_[0, np.cumsum(count)[:-1]]) >= 2.0**53
        if (big & integral).any():
            raise _Redo(idx[big & integral])
    return FastLines(idx, tag_len[idx], name_start[idx], name_end[idx], count, integral, values, ok)


def _parse_numbers(text: bytes, expected: int) -> np.ndarray:
    """All whitespace-separated numbers of ``text`` as float64, in one C-level pass.

    A token the byte test let through but that is no number (``1e``, ``-``) stops
    numpy early; then ValueError sends the chunk's lines to the general path.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        values = np.fromstring(text, dtype=np.float64, sep=" ")  # noqa: NPY201 - text mode is supported
    if len(values) != expected:
        raise ValueError("a token is not a number")
    return values


def lines_with_trace(data: bytes, ends: np.ndarray) -> np.ndarray:
    """Indices of the lines (``ends`` of each) containing the text ``TRACE``, vectorised."""
    b = np.frombuffer(data, dtype=np.uint8)
    padded = np.concatenate([b, np.zeros(5, dtype=np.uint8)])
    t = np.flatnonzero(b == 84)
    hit = t[(padded[t + 1] == 82) & (padded[t + 2] == 65) & (padded[t + 3] == 67) & (padded[t + 4] == 69)]
    has = np.zeros(len(ends), dtype=bool)
    has[np.searchsorted(ends, hit)] = True
    return np.flatnonzero(has)


NAME_WIDTH = 48  # a multiple of 8: names are hashed as 64-bit words


_HASH_MULTIPLIERS = np.array(
    [0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93,
     0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53], dtype=np.uint64,
)


def _group(data: bytes, start: np.ndarray, length: np.ndarray, width: int) -> tuple[np.ndarray, np.ndarray]:
    """Group names of at most ``width`` bytes: a 64-bit hash per name, then exact check.

    Returns ``(first, inverse)``: the position of one name of each group, and each name's
    group.  Names whose hash collides with a different name (never seen in practice) are
    separated by comparing their bytes.
    """
    padded = np.concatenate([np.frombuffer(data, dtype=np.uint8), np.zeros(width, dtype=np.uint8)])
    cols = np.arange(width)
    window = padded[start[:, None] + cols[None, :]]
    window[cols[None, :] >= length[:, None]] = 0
    words = window.view(np.uint64)
    with np.errstate(over="ignore"):
        hashes = (words * _HASH_MULTIPLIERS[: words.shape[1]]).sum(axis=1, dtype=np.uint64)
    hashes ^= length.astype(np.uint64)
    _, first, inverse = np.unique(hashes, return_index=True, return_inverse=True)
    inverse = inverse.ravel()
    if not np.array_equal(window, window[first[inverse]]):  # a collision: group by the bytes
        rows = np.ascontiguousarray(window).view(f"V{width}").ravel()
        _, first, inverse = np.unique(rows, return_index=True, return_inverse=True)
        inverse = inverse.ravel()
    return first, inverse


def name_codes(data: bytes, start: np.ndarray, end: np.ndarray) -> tuple[np.ndarray, list[bytes]]:
    """Group equal names without a Python loop per record.

    Returns, for each record, an index into the list of distinct names (as bytes).  Short
    names (most) are grouped through a narrow window; names up to NAME_WIDTH bytes through
    a wide one.
    """
    length = end - start
    codes = np.zeros(len(start), dtype=np.int64)
    names: list[bytes] = []
    for group in (np.flatnonzero(length <= 24), np.flatnonzero(length > 24)):
        if len(group) == 0:
            continue
        width = 24 if length[group[0]] <= 24 else NAME_WIDTH
        first, inverse = _group(data, start[group], length[group], width)
        codes[group] = inverse + len(names)
        names += [data[start[group[i]]:end[group[i]]] for i in first.tolist()]
    return codes, names


def tag_name(tag_len: int) -> str:
    return _TAGS[tag_len]
