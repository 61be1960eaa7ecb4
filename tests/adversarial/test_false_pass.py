"""The false-pass group: inputs on which a CI gate must diverge (or error), never pass.

Each case goes through ``tracediff compare`` and asserts the exit code and the field named.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

FIXTURES = settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def row(report: dict[str, Any], name: str, occurrence: int = 0) -> dict[str, Any]:
    """The report row of field ``name`` (its ``occurrence``-th printing)."""
    rows = [r for r in report["fields"] if r["field"] == name and r["occurrence"] == occurrence]
    assert rows, f"no row for {name}#{occurrence} in {[r['field'] for r in report['fields']]}"
    return rows[0]


def logs(ref_body: str, cand_body: str) -> tuple[str, str]:
    return f"TRACE_C: {ref_body}\n", f"TRACE_PY: {cand_body}\n"


# chain lines with text

def test_chain_text_difference_diverges(compare):
    code, report, _ = compare(*logs("mode = XDS, count = 5", "mode = MOSFLM, count = 5"))
    assert code == 1
    assert row(report, "mode")["status"] == "diverged"
    assert row(report, "count")["status"] == "match"


def test_chain_of_two_texts_is_two_fields(compare):
    code, report, _ = compare(*logs("convention = XDS, pivot = BEAM", "convention = XDS, pivot = SAMPLE"))
    assert code == 1
    assert row(report, "convention")["status"] == "match"
    assert row(report, "convention")["ref_value"] == "XDS"
    assert row(report, "pivot")["status"] == "diverged"


# integers everywhere

BIG = st.integers(min_value=10**9, max_value=10**25)


@FIXTURES
@given(BIG, st.integers(min_value=1, max_value=3))
def test_integer_in_named_sub_value_is_exact(compare, n, delta):
    code, report, _ = compare(*logs(f"counts n:{n} m:2.5", f"counts n:{n + delta} m:2.5"), "--rtol", "1e-3")
    assert code == 1
    diverged = [r for r in report["fields"] if r["status"] == "diverged"]
    assert diverged and diverged[0]["components"][0]["ref"] == n
    assert diverged[0]["components"][0]["cand"] == n + delta


@FIXTURES
@given(st.lists(st.integers(min_value=-10**12, max_value=10**12), min_size=4, max_size=4), st.integers(0, 3))
def test_integer_in_matrix_is_exact(compare, numbers, k):
    other = list(numbers)
    other[k] += 1
    fmt = lambda xs: f"[{xs[0]} {xs[1]}; {xs[2]} {xs[3]}]"
    code, report, _ = compare(*logs(f"M {fmt(numbers)}", f"M {fmt(other)}"), "--rtol", "1e-2")
    assert code == 1
    component = row(report, "M")["components"][0]
    assert (component["component"], component["ref"], component["cand"]) == (k, numbers[k], other[k])


@FIXTURES
@given(st.lists(st.integers(min_value=-10**15, max_value=10**15), min_size=2, max_size=6))
def test_equal_integers_everywhere_match(compare, numbers):
    named = " ".join(f"n{i}:{x}" for i, x in enumerate(numbers))
    body = f"v {' '.join(map(str, numbers))}\nTRACE_C: s {named}"
    code, _, _ = compare(f"TRACE_C: {body}\n", f"TRACE_PY: {body.replace('TRACE_C', 'TRACE_PY')}\n")
    assert code == 0


def test_integer_in_vector_is_exact(compare):
    code, report, _ = compare(*logs("v 1000 2000 3000", "v 1000 2000 3001"), "--rtol", "0.5")
    assert code == 1
    assert row(report, "v")["components"][0]["cand"] == 3001


def test_big_integer_in_named_value_keeps_its_digits(compare):
    code, report, _ = compare(*logs("counts n:123456789012345678901", "counts n:123456789012345678902"))
    assert code == 1
    component = [r for r in report["fields"] if r["status"] == "diverged"][0]["components"][0]
    assert (component["ref"], component["cand"]) == (123456789012345678901, 123456789012345678902)


def test_float_printed_like_an_integer_takes_the_tolerance(compare):
    code, _, _ = compare(*logs("x 100.0", "x 101"), "--rtol", "0.1")
    assert code == 0
    code, _, _ = compare(*logs("M [1.0 2; 3 4]", "M [1 2; 3 4]"), "--rtol", "0.1")
    assert code == 0


def test_integer_pair_ignores_the_tolerance(compare):
    code, report, _ = compare(*logs("x 100", "x 101"), "--rtol", "0.1")
    assert code == 1 and row(report, "x")["status"] == "diverged"


# overflow on reading

def test_overflow_equal_text_matches(compare):
    assert compare(*logs("e 1e999", "e 1e999"))[0] == 0


def test_overflow_different_text_diverges_with_a_note(compare):
    code, report, _ = compare(*logs("e 1e999", "e 1e998"))
    assert code == 1
    assert "overflows a double" in row(report, "e")["note"]


def test_overflow_against_inf_diverges(compare):
    code, report, _ = compare(*logs("e 1e999", "e inf"))
    assert code == 1 and row(report, "e")["status"] == "diverged"


def test_overflow_inside_named_value_diverges(compare):
    code, _, _ = compare(*logs("s a:1e999 b:2", "s a:1e998 b:2"))
    assert code == 1


# shapes, NaN, signed zero

def test_matrix_against_flat_vector_diverges(compare):
    code, report, _ = compare(*logs("M [1 2; 3 4]", "M 1 2 3 4"))
    assert code == 1
    assert "shape" in row(report, "M")["note"]


def test_nan_against_number_diverges(compare):
    code, report, _ = compare(*logs("x nan", "x 1.5"), "--rtol", "1")
    assert code == 1 and row(report, "x")["status"] == "diverged"


def test_negative_zero_equals_zero(compare):
    assert compare(*logs("x -0", "x 0"))[0] == 0
    assert compare(*logs("v -0.0 1", "v 0.0 1"))[0] == 0


# config

def test_misspelled_waiver_key_is_a_usage_error(cli, tmp_path):
    (tmp_path / "ref.log").write_text("TRACE_C: x 1\n")
    (tmp_path / "cand.log").write_text("TRACE_PY: x 2\n")
    (tmp_path / "pyproject.toml").write_text(
        '[[tool.tracediff.waive]]\nfield = "x"\nreason = "r"\nwhen_ref_equal = 1\n')
    result = cli("compare", "ref.log", "cand.log")
    assert result.code == 2
    assert "when_ref_equal" in result.stderr and "when_ref_equals" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


# structure of the candidate

def test_candidate_cut_short_diverges_naming_the_missing_field(compare):
    code, report, _ = compare("TRACE_C: a 1\nTRACE_C: b 2\nTRACE_C: c 3\n", "TRACE_PY: a 1\nTRACE_PY: b 2\nTRACE_PY: c")
    assert code == 1
    assert "c" in [m["field"] if isinstance(m, dict) else m for m in report["missing"]] or \
        row(report, "c")["status"] != "match"


def test_swapped_pair_of_fields_diverges(compare):
    code, report, _ = compare("TRACE_C: a 1\nTRACE_C: b 2\n", "TRACE_PY: a 2\nTRACE_PY: b 1\n")
    assert code == 1
    assert row(report, "a")["status"] == row(report, "b")["status"] == "diverged"


def test_duplicate_field_names_in_one_block_align_by_occurrence(compare):
    code, report, _ = compare("TRACE_C: x 1\nTRACE_C: x 2\n", "TRACE_PY: x 2\nTRACE_PY: x 1\n")
    assert code == 1
    assert row(report, "x", 0)["status"] == row(report, "x", 1)["status"] == "diverged"
    code, report, _ = compare("TRACE_C: x 1\nTRACE_C: x 2\n", "TRACE_PY: x 1\nTRACE_PY: x 3\n")
    assert code == 1
    assert row(report, "x", 0)["status"] == "match" and row(report, "x", 1)["status"] == "diverged"
