"""One rule for every judge: converted units, element-wise scale, the worst component,
waiver conditions, and ``--first`` giving the same rows from the library and the CLI.

Expected components are read off the numbers written in each test, never from the code.
"""

from __future__ import annotations

import numpy as np
import pytest

from tracediff import CompareOptions, compare_logs
from tracediff.compare.judge import close
from tracediff.compare.options import Waiver
from tracediff.compare.tolerance import Tolerance, ToleranceRules


def _compare(write, ref: str, cand: str, elementwise: bool = False, **options):
    r, c = write("ref.log", ref + "\n"), write("cand.log", cand + "\n")
    tol = ToleranceRules(default=Tolerance(elementwise=elementwise))
    result = compare_logs(r, c, CompareOptions(tolerances=tol, keep_all=True, **options))
    (row,) = [row for row in result.rows if row.field == "v"]
    return result, row


@pytest.mark.parametrize("ref, cand", [
    ("1 1e-20 m", "1000 0 mm"),
    ("1 1e-20", "1 0"),
    ("1000 1e-17 mm", "1 0 m"),
    ("1 1e-20 1 m", "1e+10 0 1e+10 Angstroms"),
    ("0.001 1e-23 km", "1000 0 mm"),
])
def test_elementwise_judges_converted_fields_like_plain_ones(write, ref, cand):
    """With element-wise scale, 1e-20 against 0 diverges (relative error 1) whatever the units."""
    result, row = _compare(write, f"TRACE_C: v {ref}", f"TRACE_PY: v {cand}", elementwise=True)
    assert row.status == "diverged", row
    assert row.component == 1
    assert row.rel_error == pytest.approx(1.0)
    assert result.failed


@pytest.mark.parametrize("ref, cand, component", [
    ("1 2 3 m", "1000 2000 3001 mm", 2),
    ("1 2 3", "1 2 3.001", 2),
    ("1 2 3 m", "1000 2001 3000 mm", 1),
    ("3 2 1 m", "3001 2000 1000 mm", 0),
    ("1 2 3 m", "1 2 3.001 m", 2),
])
def test_the_divergent_component_is_reported_after_conversion(write, ref, cand, component):
    result, row = _compare(write, f"TRACE_C: v {ref}", f"TRACE_PY: v {cand}")
    assert row.status == "diverged"
    assert row.component == component
    assert [c.index for c in row.components] == [component]
    assert result.to_json()["first_divergence"]["component"] == component


def test_converted_values_that_agree_still_match(write):
    _, row = _compare(write, "TRACE_C: v 1 2 3 m", "TRACE_PY: v 1000 2000 3000 mm")
    assert row.status == "match"


def test_the_worst_component_not_the_first_names_the_divergence(write):
    """Component 0 is off by 5e-4 relative, components 1 and 2 by far more: 2 is the worst."""
    result, row = _compare(write, "TRACE_C: v 2.09 2.01 -12.87", "TRACE_PY: v 2.091 2.11 -12.0", elementwise=True)
    assert row.component == 2
    assert [c.index for c in row.components] == [2, 0, 1]  # worst first, then in order
    worst = row.components[0]
    assert worst.ref == -12.87 and worst.cand == -12.0
    assert row.rel_error == pytest.approx(0.87 / 12.87)
    assert row.digits == 1
    doc = result.to_json()["first_divergence"]
    assert doc["component"] == 2 and [c["component"] for c in doc["components"]] == [2, 0, 1]


def test_the_worst_named_sub_value_is_named(write):
    result, row = _compare(write, "TRACE_C: v rotx:0.1 roty:0.2 rotz:0.3", "TRACE_PY: v rotx:0.1000001 roty:0.2 rotz:0.4")
    assert row.sub == "rotz" and row.component == 2
    assert {c.sub for c in row.components} == {"rotx", "rotz"}


def test_the_one_rule_treats_nan_alike_everywhere():
    nan = float("nan")
    assert close(np.array([nan, 1.0]), np.array([nan, 1.0]), 1e-9, 0.0)
    assert not close(np.array([nan]), np.array([1.0]), 1e-9, 0.0)
    assert close(np.array([1.0, 6e-17]), np.array([1.0, 0.0]), 1e-9, 0.0)
    assert not close(np.array([1.0, 6e-17]), np.array([1.0, 0.0]), 1e-9, 0.0, elementwise=True)


def test_a_waiver_condition_with_nan_is_judged_by_the_one_rule(write):
    """A waiver whose condition expects NaN where the reference prints NaN applies, as the comparison
    itself holds NaN equal to NaN."""
    waiver = Waiver(field="v", reason="the C prints nan here", when_ref_equals="nan 1")
    result, row = _compare(write, "TRACE_C: v nan 1", "TRACE_PY: v 0 1", waivers=[waiver])
    assert row.status == "waived"
    assert not result.failed


def test_first_gives_the_same_rows_from_the_library_and_the_cli(write, cli):
    ref = write("ref.log", "TRACE_C: a 1\nTRACE_C: b 2\nTRACE_C: c 3\n")
    cand = write("cand.log", "TRACE_PY: a 1\nTRACE_PY: b 2.5\nTRACE_PY: c 4\n")
    library = compare_logs(ref, cand, CompareOptions(first_only=True)).to_json()
    run = cli("compare", ref, cand, "--first", "--format", "json")
    assert run.code == 1
    doc = run.json()
    assert [f["field"] for f in library["fields"]] == [f["field"] for f in doc["fields"]] == ["b"]
    assert library["fields_complete"] is doc["fields_complete"] is False
