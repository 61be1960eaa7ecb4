"""Index arithmetic over flat value arrays: where each record's numbers lie, occurrence counts.

Records keep their numbers in one flat float64 array; a record is a segment of it.
These helpers are shared by the parser, the column-wise log and the comparison, and
depend on nothing else in the package.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def segment_indices(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Indices ``starts[i] .. starts[i] + counts[i] - 1`` for every i, concatenated."""
    total = int(counts.sum())
    if total == 0:
        return np.empty(0, dtype=np.int64)
    ends = np.cumsum(counts)
    shift = np.repeat(starts - (ends - counts), counts)
    return np.arange(total) + shift


@dataclass(frozen=True)
class Segments:
    """Consecutive segments of a flat array, ``counts[i]`` elements each.

    Most batches hold records of one length (three numbers per line, say): then every
    spread and reduction is a reshape, which costs a fraction of ``np.repeat`` with an
    array of counts and of ``ufunc.reduceat``.
    """

    counts: np.ndarray  # int64
    starts: np.ndarray  # int64, where each segment begins
    uniform: int  # the one length of every segment, or 0 when they differ (or some are empty)

    @classmethod
    def of(cls, counts: np.ndarray) -> "Segments":
        counts = np.asarray(counts, dtype=np.int64)
        starts = np.zeros(len(counts), np.int64)
        if len(counts):
            np.cumsum(counts[:-1], out=starts[1:])
        k = int(counts[0]) if len(counts) and counts[0] > 0 and (counts == counts[0]).all() else 0
        return cls(counts, starts, k)

    @property
    def total(self) -> int:
        return int(self.starts[-1] + self.counts[-1]) if len(self.counts) else 0

    def spread(self, per_segment: np.ndarray) -> np.ndarray:
        """Each segment's value repeated onto its elements."""
        return np.repeat(per_segment, self.uniform if self.uniform else self.counts)

    def reduce(self, ufunc: np.ufunc, elements: np.ndarray) -> np.ndarray:
        """``ufunc`` over each segment's elements (segments must not be empty)."""
        if 0 < self.uniform <= 16:  # column by column: numpy reduces short rows slowly
            rows = elements.reshape(-1, self.uniform)
            out = rows[:, 0].copy()
            for j in range(1, self.uniform):
                ufunc(out, rows[:, j], out=out)
            return out
        return ufunc.reduceat(elements, self.starts)

    def gather(self, offsets: np.ndarray) -> np.ndarray | slice:
        """Where the elements of segments that begin at ``offsets`` elsewhere lie, end to end:
        an index array, or a slice when they lie end to end there too (no copy)."""
        offsets = np.asarray(offsets, np.int64)
        if len(offsets) and offsets[-1] - offsets[0] == self.starts[-1] and (offsets - offsets[0] == self.starts).all():
            return slice(int(offsets[0]), int(offsets[0]) + self.total)
        if self.uniform:
            return (offsets[:, None] + np.arange(self.uniform)).ravel()
        return segment_indices(offsets, self.counts)


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


def distinct(values: np.ndarray, *, presorted: bool = False) -> np.ndarray:
    """The sorted distinct values: ``np.unique`` without its hash table, which costs more
    on the short integer arrays of a chunk (and whose first call imports ``numpy.ma``)."""
    ordered = values if presorted else np.sort(values)
    if len(ordered) < 2:
        return ordered
    keep = np.empty(len(ordered), dtype=bool)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


def member(ids: np.ndarray, wanted: list[int] | np.ndarray) -> np.ndarray:
    """``np.isin`` for integer ids, by a lookup table; a negative id (none) is in no set."""
    wanted = np.asarray(wanted, dtype=np.int64)
    found = np.zeros(len(ids), dtype=bool)
    if len(ids) == 0 or len(wanted) == 0:
        return found
    table = np.zeros(int(max(ids.max(), wanted.max())) + 1, dtype=bool)
    table[wanted[wanted >= 0]] = True
    valid = ids >= 0
    found[valid] = table[ids[valid]]
    return found
