"""What the fit reports as moved, and which fits are too far-fetched to report."""

from __future__ import annotations

from tracediff.explain.fit import FitResult


def _result(**end: float) -> FitResult:
    start = {"distance": 0.1, "rotx": 0.0}
    return FitResult(start, {**start, **end}, 1.0, 0.0, 3, 10)


def test_only_inputs_that_moved_beyond_rounding_are_reported():
    assert _result(distance=0.1 + 1e-12).moved() == {}
    assert _result(distance=0.10037).moved() == {"distance": (0.1, 0.10037)}
    assert _result(rotx=2e-12).moved() == {"rotx": (0.0, 2e-12)}  # a zero start is judged by its step


def test_a_fit_that_runs_off_by_thousands_of_steps_is_not_plausible():
    assert _result(distance=0.2, rotx=0.5).plausible
    assert not _result(rotx=-1977.6).plausible
