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

from dataclasses import dataclass

import numpy as np

_TAGS = {5: "TRACE", 7: "TRACE_C", 8: "TRACE_PY"}
# byte classes, one table lookup per chunk
_NUMBER, _NON_INTEGRAL = 1, 2
_CLASS = np.zeros(256, dtype=np.uint8)
_CLASS[np.frombuffer(b"0123456789-+ ", np.uint8)] = _NUMBER
_CLASS[np.frombuffer(b".eE", np.uint8)] = _NUMBER | _NON_INTEGRAL
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
        from tracediff.trace.parser import segment_indices

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
    equals = np.flatnonzero(b == 61)
    name_end = np.where(
        spaced,
        _next_at_or_after(space_positions, name_start, ends),
        _next_at_or_after(equals, name_start, ends),
    )
    value_start = name_end + 1
    cls = np.take(_CLASS, b)
    non_number = _Counter(cls == 0)
    spaces = _Counter(positions=space_positions)
    double_space = _Counter(positions=space_positions[:-1][np.diff(space_positions) == 1])
    non_integral = _Counter(cls & _NON_INTEGRAL)
    lo, hi = np.minimum(value_start, n), np.minimum(ends, n)
    ok = (
        candidate
        & (name_end > name_start) & (value_start < ends)
        & (spaces(name_start, name_end) == 0) & (name_end - name_start <= NAME_WIDTH)
        & ~_DIGITS[padded[name_start]]
        & (non_number(lo, hi) == 0)
        & (double_space(lo, np.maximum(hi - 1, lo)) == 0)
        & (padded[value_start] != 32) & (padded[np.maximum(ends - 1, 0)] != 32)
    )
    if exclude is not None:
        ok[exclude] = False
    idx = np.flatnonzero(ok)
    vs, ve = value_start[idx], ends[idx]
    count = (spaces(vs, ve) + 1).astype(np.int32)
    integral = non_integral(vs, ve) == 0
    delta = np.zeros(n + 1, dtype=np.int8)  # +1 where a value region starts, -1 after it ends
    delta[vs] = 1
    delta[ve] -= 1
    inside = np.cumsum(delta[:n], dtype=np.int8).view(bool)
    numbers = np.where(inside, b, np.uint8(32)).tobytes().split()
    values = np.array(numbers, dtype=np.bytes_).astype(np.float64) if numbers else np.empty(0)
    if len(values) and integral.any():
        # integers a double cannot hold exactly go to the general path, which keeps their digits
        big = np.maximum.reduceat(np.abs(values), np.r_[0, np.cumsum(count)[:-1]]) >= 2.0**53
        if (big & integral).any():
            raise _Redo(idx[big & integral])
    return FastLines(idx, tag_len[idx], name_start[idx], name_end[idx], count, integral, values, ok)


def lines_with_trace(data: bytes, ends: np.ndarray) -> np.ndarray:
    """Indices of the lines (``ends`` of each) containing the text ``TRACE``, vectorised."""
    b = np.frombuffer(data, dtype=np.uint8)
    padded = np.concatenate([b, np.zeros(5, dtype=np.uint8)])
    t = np.flatnonzero(b == 84)
    hit = t[(padded[t + 1] == 82) & (padded[t + 2] == 65) & (padded[t + 3] == 67) & (padded[t + 4] == 69)]
    has = np.zeros(len(ends), dtype=bool)
    has[np.searchsorted(ends, hit)] = True
    return np.flatnonzero(has)


NAME_WIDTH = 48


def name_codes(data: bytes, start: np.ndarray, end: np.ndarray) -> tuple[np.ndarray, list[bytes]]:
    """Group equal names without a Python loop per record.

    Returns, for each record, an index into the list of distinct names (as bytes).  Names
    longer than NAME_WIDTH bytes are grouped by their text in Python (rare).
    """
    b = np.frombuffer(data, dtype=np.uint8)
    padded = np.concatenate([b, np.zeros(NAME_WIDTH, dtype=np.uint8)])
    length = end - start
    short = length <= NAME_WIDTH
    cols = np.arange(NAME_WIDTH)
    window = padded[start[:, None] + cols[None, :]]
    window[cols[None, :] >= length[:, None]] = 0
    rows = np.ascontiguousarray(window).view(f"V{NAME_WIDTH}").ravel()
    uniq, first, inverse = np.unique(rows, return_index=True, return_inverse=True)
    names = [data[start[i]:end[i]] for i in first.tolist()]
    codes = inverse.astype(np.int64).ravel()
    for i in np.flatnonzero(~short).tolist():  # long names: exact text
        name = data[start[i]:end[i]]
        if name not in names:
            names.append(name)
        codes[i] = names.index(name)
    return codes, names


def tag_name(tag_len: int) -> str:
    return _TAGS[tag_len]
