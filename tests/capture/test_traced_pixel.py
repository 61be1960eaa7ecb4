"""A pixel the C would not trace (outside the detector or -roi) is refused; a misspelled flag gets a hint.

The C walks only the detector's pixels inside the inclusive ROI and prints a pixel's trace from inside
that loop: for any other ``-trace_pixel`` it prints the ``TRACE_CONFIG`` banner, no pixel, and exits 0.
capture exits 2 with one line instead, so an empty trace is never taken for a passing one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

Cli = Callable[..., Any]
BASE = ["-cell", "100", "100", "100", "90", "90", "90", "-default_F", "100", "-detpixels", "32"]


@pytest.mark.parametrize("extra, reason", [
    (["-trace_pixel", "40", "3"], "-trace_pixel 40 3: outside the detector (32 slow x 32 fast pixels"),
    (["-trace_pixel", "3", "32"], "-trace_pixel 3 32: outside the detector"),
    (["-trace_pixel", "-1", "3"], "-trace_pixel -1 3: outside the detector"),
    (["-roi", "0", "9", "0", "9", "-trace_pixel", "3", "10"], "-trace_pixel 3 10: outside -roi 0 9 0 9"),
    (["-roi", "5", "9", "5", "9", "-trace_pixel", "4", "6"], "-trace_pixel 4 6: outside -roi 5 9 5 9"),
])
def test_untraceable_pixel_is_exit_2_with_one_line(cli: Cli, extra: list[str], reason: str) -> None:
    result = cli("capture", "--", *BASE, *extra)
    assert result.code == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and reason in result.stderr, result.stderr
    assert "nanoBragg would print no pixel trace" in result.stderr


@pytest.mark.parametrize("extra", [["-trace_pixel", "31", "31"], ["-roi", "0", "9", "0", "9", "-trace_pixel", "9", "9"]])
def test_pixels_on_the_inclusive_edges_are_traced(cli: Cli, extra: list[str]) -> None:
    result = cli("capture", "--", *BASE, *extra)
    assert result.code == 0, result.stderr
    assert "TRACE_PY: I_pixel_final" in result.stdout


@pytest.mark.parametrize("typo, flag", [("-distanse", "-distance"), ("-lamda", "-lambda"),
                                        ("-trace_pixl", "-trace_pixel"), ("-oversampl", "-oversample")])
def test_a_misspelled_flag_gets_the_nearest_flag(cli: Cli, typo: str, flag: str) -> None:
    result = cli("capture", "--", *BASE, typo, "100")
    assert result.code == 2
    assert f"unknown nanoBragg flag '{typo}' (did you mean {flag}?)" in result.stderr


def test_no_suggestion_when_nothing_is_near(cli: Cli) -> None:
    result = cli("capture", "--", *BASE, "-zzzzzz")
    assert result.code == 2 and "unknown nanoBragg flag '-zzzzzz'" in result.stderr
    assert "did you mean" not in result.stderr
