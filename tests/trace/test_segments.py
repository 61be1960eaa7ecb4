"""Segments of a flat array: the reshape path for records of one length must give what the general path gives."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracediff.trace.segments import Segments, segment_indices


def general_reduce(ufunc: np.ufunc, elements: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """One call of ``ufunc.reduce`` per segment: the plain definition."""
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
    return np.array([ufunc.reduce(elements[s:s + c]) for s, c in zip(starts, counts)])


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 20), st.integers(1, 12), st.sampled_from(["fmax", "maximum", "logical_and"]))
def test_uniform_segments_reduce_like_each_segment_alone(n, k, name):
    rng = np.random.default_rng(n * 100 + k)
    counts = np.full(n, k)
    elements = rng.normal(size=n * k)
    elements[rng.random(n * k) < 0.1] = np.nan  # fmax skips NaN, maximum keeps it
    ufunc = getattr(np, name)
    if name == "logical_and":
        elements = elements > 0
    got = Segments.of(counts).reduce(ufunc, elements)
    np.testing.assert_array_equal(got, general_reduce(ufunc, elements, counts))


def test_mixed_lengths_take_the_general_path_and_agree():
    counts = np.array([3, 1, 4, 2])
    elements = np.arange(10, dtype=float)[::-1]
    seg = Segments.of(counts)
    assert seg.uniform == 0
    np.testing.assert_array_equal(seg.reduce(np.maximum, elements), general_reduce(np.maximum, elements, counts))
    np.testing.assert_array_equal(seg.spread(np.array([1, 2, 3, 4])), [1, 1, 1, 2, 3, 3, 3, 3, 4, 4])


def test_one_length_is_recognised_and_spread_repeats_each_value():
    seg = Segments.of(np.array([3, 3, 3]))
    assert seg.uniform == 3 and seg.total == 9
    np.testing.assert_array_equal(seg.starts, [0, 3, 6])
    np.testing.assert_array_equal(seg.spread(np.array([7, 8, 9])), [7, 7, 7, 8, 8, 8, 9, 9, 9])


@pytest.mark.parametrize("counts", [[3, 3, 3], [2, 5, 1]])
def test_gather_finds_the_elements_of_segments_elsewhere(counts):
    counts = np.array(counts)
    seg = Segments.of(counts)
    values = np.arange(100.0)
    scattered = np.array([40, 7, 90])
    np.testing.assert_array_equal(values[seg.gather(scattered)], values[segment_indices(scattered, counts)])
    end_to_end = np.concatenate([[10], 10 + np.cumsum(counts)[:-1]])
    where = seg.gather(end_to_end)
    assert isinstance(where, slice)  # laid out end to end there too: a view, no copy
    np.testing.assert_array_equal(values[where], values[segment_indices(end_to_end, counts)])


def test_empty_segments_are_not_uniform():
    assert Segments.of(np.array([0, 0])).uniform == 0
    assert Segments.of(np.array([], dtype=np.int64)).total == 0
