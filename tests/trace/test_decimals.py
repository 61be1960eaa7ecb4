"""Bulk decimal conversion must give Python's ``float()`` bit for bit wherever it says ok.

``to_float64`` may give up on a token (``ok`` False: the caller reads it the slow way),
but never return a wrong value; and it must give up rarely on ordinary printf/repr
output, or the fast path is not used.
"""

from __future__ import annotations

import math
import random
import struct
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracediff.trace import decimals
from tracediff.trace.decimals import to_float64
from tracediff.trace.fastpath import find_tokens


@pytest.fixture(autouse=True, params=["extended", "eisel-lemire"])
def value_path(request, monkeypatch):
    """Every test runs on both ways to the value: extended precision (where the machine has it) and Eisel-Lemire."""
    if request.param == "extended" and not decimals._EXTENDED:
        pytest.skip("no 80-bit extended precision on this machine")
    monkeypatch.setattr(decimals, "_EXTENDED", request.param == "extended")
    return request.param


def convert(tokens: list[str], sep: str = " ") -> tuple[np.ndarray, np.ndarray]:
    """``to_float64`` over the tokens written one after the other with ``sep`` between."""
    data = sep.join(tokens).encode()
    lengths = np.array([len(t) for t in tokens], dtype=np.int64)
    start = np.concatenate([[0], np.cumsum(lengths + len(sep))[:-1]]).astype(np.int64)
    return to_float64(np.frombuffer(data, dtype=np.uint8), start, start + lengths)


def bits(x: float) -> int:
    return struct.unpack("<Q", struct.pack("<d", x))[0]


def assert_exact(tokens: list[str], sep: str = " ") -> np.ndarray:
    """Every token converted with ok True equals ``float(token)`` bit for bit; returns ok."""
    values, ok = convert(tokens, sep)
    wrong = [(t, v, float(t)) for t, v, good in zip(tokens, values.tolist(), ok) if good and bits(v) != bits(float(t))]
    assert not wrong, wrong[:5]
    return ok


finite = st.floats(allow_nan=False, allow_infinity=False, width=64)
NORMAL_RANGE = (1e-300, 1e300)  # far from subnormal and overflowing results
FORMATS = ["%.17g", "%.15g", "%.6g", "%e", "%r", "%f"]


def printed(fmt: str, x: float) -> str:
    return repr(x) if fmt == "%r" else fmt % x


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(finite, min_size=1, max_size=40), st.sampled_from(FORMATS))
def test_printed_floats_read_exactly(xs, fmt):
    tokens = [printed(fmt, x) for x in xs]
    ok = assert_exact(tokens)
    if fmt != "%f":  # %f of a large value has more than 19 digits
        usual = [x == 0 or NORMAL_RANGE[0] < abs(x) < NORMAL_RANGE[1] for x in xs]
        assert ok[usual].all(), [t for t, u, good in zip(tokens, usual, ok) if u and not good]


def test_random_bit_patterns_of_every_exponent():
    rng = np.random.default_rng(17)
    x = rng.integers(0, 2**64, 20000, dtype=np.uint64).view(np.float64)
    x = x[np.isfinite(x)].tolist()
    for fmt in ("%.17g", "%r", "%.6g", "%e"):
        ok = assert_exact([printed(fmt, v) for v in x])
        assert ok.mean() > 0.99  # only subnormal results (1/2048 of the patterns) are left


def test_boundaries_of_the_double_range():
    edges = [2.2250738585072014e-308, 5e-324, 1.7976931348623157e308, 2.0**-1022, 2.0**1023, 1.0, 2.0**53]
    xs = []
    for e in edges:
        xs += [e, -e]
        for direction in (0.0, math.inf):
            y = e
            for _ in range(5):
                y = math.nextafter(y, direction)
                xs += [y, -y]
    tokens = [printed(fmt, x) for x in xs for fmt in ("%.17g", "%r", "%.16e", "%.20g")]
    tokens += ["1.7976931348623157e308", "1.7976931348623158e308", "1.7976931348623159e308", "1e309", "1e-400"]
    tokens += ["2.4703282292062327e-324", "2.4703282292062328e-324", "2.2250738585072011e-308", "4.9e-324"]
    ok = assert_exact(tokens)
    assert ok[tokens.index("1.7976931348623157e308")]
    assert ok[tokens.index(repr(2.2250738585072014e-308))]


def ties() -> list[str]:
    """Decimals exactly halfway between two doubles, with at most 19 significant digits."""
    rng = np.random.default_rng(5)
    out = ["9007199254740993", "9007199254740995", "-9007199254740993", "18014398509481990", "18014398509481986"]
    for k in range(54, 64):
        for m in rng.integers(2**52, 2**53, 20).tolist():
            tie = (2 * m + 1) << (k - 53)  # odd in its last kept bit: exactly halfway
            if tie < 10**19:
                out.append(str(tie))
            for j in range(1, 5):  # the same tie divided by 2**j, written as an exact decimal
                exact = Decimal(tie) / Decimal(2**j)
                text = format(exact, "f")
                if len(text.replace(".", "").lstrip("0")) <= 19:
                    out.append(text)
    return out


def test_halfway_cases_round_to_even():
    tokens = ties()
    ok = assert_exact(tokens)
    assert ok.all(), [t for t, good in zip(tokens, ok) if not good][:5]
    assert convert(["9007199254740993"])[0][0] == 9007199254740992.0


def near_halfway() -> list[str]:
    """Decimals of 17 to 19 digits next to (never at) a point halfway between two doubles: where one
    rounding to 64 bits and then to 53 could go the wrong way."""
    rng = np.random.default_rng(11)
    out = []
    for x in rng.uniform(-1e3, 1e3, 400).tolist() + (10.0 ** rng.uniform(-25, 25, 400)).tolist():
        half = (Decimal(x) + Decimal(math.nextafter(x, math.inf))) / 2
        for digits in (17, 18, 19):
            text = format(half, f".{digits - 1}e")
            if Decimal(text) != half:
                out.append(text)
    return out


def test_decimals_next_to_halfway_points_round_the_right_way():
    tokens = near_halfway()
    ok = assert_exact(tokens)
    assert ok.mean() > 0.99


def test_integers_up_to_nineteen_digits():
    rng = random.Random(3)
    tokens = []
    for digits in range(1, 22):  # 20 and 21 digits may be left to the caller, never wrong
        for _ in range(50):
            n = rng.randrange(10 ** (digits - 1), 10**digits)
            tokens += [str(n), f"-{n}", f"+{n}"]
    ok = assert_exact(tokens)
    nineteen = np.array([len(t.lstrip("+-")) <= 19 for t in tokens])
    assert ok[nineteen].all()


@pytest.mark.parametrize(
    "token",
    ["0.000000000123", "1230000000000000000", "000123", "0000.5000", "-0", "-0.0", "+0.0e-999", "0e400",
     ".5", "5.", "-.5e-3", "1E5", "1e+300", "1e-05", "+7", "12345678901234567890e-10", "0.00000000000000000001234"],
)
def test_leading_and_trailing_zeros_and_other_spellings(token):
    values, ok = convert([token])
    assert ok[0]
    assert bits(values[0]) == bits(float(token))  # -0.0 keeps its sign


@pytest.mark.parametrize(
    "token",
    ["1-2", "1e", ".", "+", "-", "1.2.3", "--1", "+-1", "1e5e5", "e5", ".e1", "1e+", "1.e", "1e5.0", "1e-",
     "nan", "inf", "-inf", "Infinity", "NaN", ""],
)
def test_no_number_is_not_ok(token):
    assert not convert([token])[1][0]


def test_bytes_around_a_token_do_not_leak_into_it():
    # tokens touching digits, letters and separators that the start/end spans leave out
    text = "x=1.5;y 22e3: 7e1x .25]9 -3q"
    spans = [(2, 5), (8, 12), (14, 17), (19, 22), (25, 27)]
    start = np.array([s for s, _ in spans], dtype=np.int64)
    end = np.array([e for _, e in spans], dtype=np.int64)
    values, ok = to_float64(np.frombuffer(text.encode(), dtype=np.uint8), start, end)
    assert ok.all()
    assert values.tolist() == [1.5, 22e3, 7e1, 0.25, -3.0]


def test_the_fast_path_settles_nearly_every_printed_double():
    rng = np.random.default_rng(11)
    x = rng.standard_normal(100_000) * 10.0 ** rng.uniform(-300, 300, 100_000)
    ok = assert_exact(["%.17g" % v for v in x.tolist()], sep=",")
    assert ok.mean() >= 0.999


def test_long_tokens_are_left_to_the_caller_or_exact():
    tokens = ["1." + "0" * 40, "3.14159265358979323846264338327950288", "1" * 25, "0." + "0" * 30 + "1"]
    assert_exact(tokens)


def test_find_tokens_reads_what_float_reads():
    """The parser's bulk path: fast tokens, and the ones left to float() (nan, inf, long, subnormal)."""
    line = "a 1.5 nan -inf 1.0000000000000000000000001 5e-324 1e400 -0.0 1-2 .5\n"
    tokens, _ = find_tokens(line.encode(), np.array([0], dtype=np.int64))
    texts = [line[s:e] for s, e in zip(tokens.start.tolist(), tokens.end.tolist())]
    assert texts == ["1.5", "nan", "-inf", "1.0000000000000000000000001", "5e-324", "1e400", "-0.0", ".5"]
    expected = [float(t) for t in texts]
    assert [bits(v) for v in tokens.values.tolist()] == [bits(v) for v in expected]
