"""Index arithmetic over flat value arrays: where each record's numbers lie, occurrence counts.

Records keep their numbers in one flat float64 array; a record is a segment of it.
These helpers are shared by the parser, the column-wise log and the comparison, and
depend on nothing else in the package.
"""

from __future__ import annotations

import numpy as np


def segment_indices(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Indices ``starts[i] .. starts[i] + counts[i] - 1`` for every i, concatenated."""
    total = int(counts.sum())
    if total == 0:
        return np.empty(0, dtype=np.int64)
    ends = np.cumsum(counts)
    shift = np.repeat(starts - (ends - counts), counts)
    return np.arange(total) + shift


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
