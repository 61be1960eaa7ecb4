"""Value divergences first, missing fields summarised, rules that fit the data or stay
silent, occurrence counts, families, aliases and one verdict for library, CLI and pytest helper."""

from __future__ import annotations

import pytest

from tracediff import CompareOptions, compare_logs
from tracediff.compare.options import UnitRule, Waiver
from tracediff.testing import assert_traces_match

REF = "TRACE_C: a 1\nTRACE_C: b 2\nTRACE_C: c 3\nTRACE_C: d 4\n"


def _logs(write, ref: str, cand: str):
    return write("ref.log", ref), write("cand.log", cand)


def test_the_first_value_divergence_heads_the_report_before_missing_fields(write, cli):
    ref, cand = _logs(write, REF, "TRACE_PY: c 3\nTRACE_PY: d 5\n")
    result = compare_logs(ref, cand, config=None)
    assert result.first_divergence.field == "d"
    assert result.first_missing.field == "a"
    (group,) = result.missing
    assert (group.count, group.first_line, group.last_line, group.names) == (2, 1, 2, ["a", "b"])
    run = cli("compare", ref, cand, "--format", "json")
    doc = run.json()
    assert run.code == 1
    assert doc["first_divergence"]["field"] == "d" and doc["first_missing"]["field"] == "a"
    assert doc["missing"]["count"] == 2
    table = cli("compare", ref, cand).stdout
    assert table.startswith("FIRST DIVERGENCE: TRACE d") and "not in the candidate, reference lines 1-2 (a, b)" in table


def test_a_missing_field_heads_the_report_only_when_no_value_diverges(write):
    ref, cand = _logs(write, REF, "TRACE_PY: c 3\nTRACE_PY: d 4\n")
    result = compare_logs(ref, cand, config=None)
    assert result.first_divergence.field == "a" and result.first_divergence.status == "missing"
    assert compare_logs(ref, cand, config=None, allow_missing=True).first_divergence is None


def _unit_rule(write, cand_line: str):
    ref, cand = _logs(write, "TRACE_C: q 1e10 2e10\n", cand_line)
    rule = UnitRule("q", ref="1/m", cand="1/Å", source="profile")
    return compare_logs(ref, cand, CompareOptions(units=[rule], keep_all=True)).rows[0]


def test_a_unit_rule_applies_where_it_makes_the_sides_agree(write):
    assert _unit_rule(write, "TRACE_PY: q 1 2\n").status == "match"


def test_a_unit_rule_never_turns_a_match_into_a_divergence(write):
    row = _unit_rule(write, "TRACE_PY: q 1e10 2e10\n")
    assert row.status == "match" and "did not apply" in row.note


def test_a_unit_rule_that_fits_neither_way_keeps_the_values_as_printed(write):
    row = _unit_rule(write, "TRACE_PY: q 1e10 3e10\n")
    assert row.status == "diverged" and row.component == 1 and "did not apply" in row.note


def test_a_candidate_that_declares_the_rules_unit_is_converted(write):
    assert _unit_rule(write, "TRACE_PY: q 1 2 Å^-1\n").status == "match"


def test_a_waiver_never_turns_a_match_into_anything_else(write):
    ref, cand = _logs(write, "TRACE_C: a 1\n", "TRACE_PY: a 1\n")
    result = compare_logs(ref, cand, CompareOptions(waivers=[Waiver("a", "always")], keep_all=True))
    assert result.rows[0].status == "match" and result.counts.waived == 0


def test_several_candidate_names_for_one_field_are_reported(write):
    """The port prints F_cell_interpolated and F_cell_nearest; both are aliases of F_cell."""
    ref, cand = _logs(write, "TRACE_C: F_cell 100\n", "TRACE_PY: F_cell_interpolated 24.7\nTRACE_PY: F_cell_nearest 100\n")
    aliases = {"F_cell_nearest": "F_cell", "F_cell_interpolated": "F_cell"}
    result = compare_logs(ref, cand, CompareOptions(aliases=aliases, keep_all=True))
    (row,) = [r for r in result.rows if r.field == "F_cell"]
    assert row.status == "match"  # F_cell_nearest is listed first
    assert "F_cell_nearest and F_cell_interpolated" in row.note
    assert any("ambiguous alias" in n for n in result.notes)


def test_the_references_own_name_beats_an_alias(write):
    ref, cand = _logs(write, "TRACE_C: F_cell 100\n", "TRACE_PY: F_cell_interpolated 24.7\nTRACE_PY: F_cell 100\n")
    result = compare_logs(ref, cand, CompareOptions(aliases={"F_cell_interpolated": "F_cell"}, keep_all=True))
    (row,) = [r for r in result.rows if r.field == "F_cell"]
    assert row.status == "match" and row.cand_line == 2
    assert result.counts.only_in_cand == 1


def test_occurrence_counts_that_differ_are_said(write):
    ref, cand = _logs(write, "TRACE_C: x 1\nTRACE_C: x 2\nTRACE_C: x 3\n", "TRACE_PY: x 1\n")
    result = compare_logs(ref, cand, CompareOptions(keep_all=True))
    assert "printed 3 times in the reference, 1 in the candidate" in result.rows[0].note
    assert any("occurrences differ: x" in n for n in result.notes)


BASE_REF = "TRACE_C: a 1\nTRACE: a_star 1 2 3\nTRACE: b_star 4 5 6\n"
BASE_CAND = "TRACE_PY: a 1\nTRACE_PY_BASE: a_star 1 2 3\nTRACE_PY_BASE: b_star 4 5 7\n"


def test_families_that_do_not_meet_are_paired_by_name_and_said(write):
    ref, cand = _logs(write, BASE_REF, BASE_CAND)
    result = compare_logs(ref, cand, CompareOptions(keep_all=True))
    assert result.counts.compared == 3 and result.first_divergence.field == "b_star"
    assert result.first_divergence.component == 2
    assert any("paired by name" in n and "TRACE_BASE" in n for n in result.notes)


def test_family_option_maps_families_by_hand(write, cli):
    ref, cand = _logs(write, BASE_REF, BASE_CAND)
    run = cli("compare", ref, cand, "--family", "TRACE=TRACE_BASE", "--format", "json")
    doc = run.json()
    assert doc["counts"]["compared"] == 3 and not any("paired by name" in n for n in doc["notes"])
    assert cli("compare", ref, cand, "--family", "TRACE").code == 2


PROJECT = '[tool.tracediff]\nrtol = 1e-3\n'


def test_library_cli_and_pytest_helper_read_the_same_config(write, cli, tmp_path, monkeypatch):
    ref, cand = _logs(write, "TRACE_C: a 1.0\n", "TRACE_PY: a 1.0001\n")
    write("pyproject.toml", PROJECT)
    monkeypatch.chdir(tmp_path)
    assert cli("compare", ref, cand).code == 0
    assert compare_logs(ref, cand).exit_code == 0
    assert_traces_match(ref, cand)
    assert compare_logs(ref, cand, config=None).exit_code == 1
    with pytest.raises(AssertionError):
        assert_traces_match(ref, cand, config=None)
    assert compare_logs(ref, cand, config=tmp_path / "pyproject.toml").exit_code == 0


def test_library_accepts_a_profile(write):
    ref, cand = _logs(write, "TRACE_C: a 1\n", "TRACE_PY: a 1\n")
    assert compare_logs(ref, cand, profile="nanobragg", config=None).verdict == "match"
    with pytest.raises(TypeError):
        compare_logs(ref, cand, CompareOptions(), profile="nanobragg")
