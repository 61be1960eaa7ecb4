"""End to end through compare: planted divergences are named, continuous shifts recovered, matches left alone."""

from __future__ import annotations

import re

import pytest

from tracediff.explain.result import NOTHING, REPRODUCED
from tracediff.explain.scenario import Budget
from tracediff.explain.search import explain


def _run(p, **kw):
    return explain(p.reference, p.candidate, p.flags, **kw)


def test_a_matching_pair_has_nothing_to_explain(planted):
    p = planted("mat-simplecubic-nopolar")
    result = _run(p)
    assert result.candidate_side.verdict == NOTHING and result.exit_code == 0
    assert result.candidate_side.explanations == () and result.runs == 0


@pytest.mark.parametrize("case, flags, parameter, flag, value", [
    ("adxv-twotheta-forced-beam", ("-distance", "120.37"), "distance", "-distance", 120.37),
    ("mat-simplecubic-nopolar", ("-Xbeam", "15.0873"), "sbeam", "-Xbeam", 15.0873),
    ("xds-twotheta-rotz-orgx", ("-detector_rotz", "3.95"), "rotz", "-detector_rotz", 3.95),
])
def test_a_planted_continuous_shift_is_recovered(planted, case, flags, parameter, flag, value):
    result = _run(planted(case, *flags))
    side = result.candidate_side
    fitted = [e for e in side.explanations if e.source == "fit"]
    assert fitted and fitted[0] is side.top, [e.change for e in side.explanations[:3]]
    moves = {m.parameter: m for m in fitted[0].moves}
    assert set(moves) == {parameter}, moves
    assert moves[parameter].flag == flag
    assert abs(moves[parameter].end - value) <= 1e-9 * abs(value)
    assert not side.top.unexplained and not side.top.broken and side.top.residual < 1e-12


def test_a_one_pixel_default_centre_is_said_in_flags(planted):
    # MOSFLM, 300 x 0.1 mm: the default Ybeam is (30 + 0.1)/2 = 15.05 mm; one pixel more is 15.15
    result = _run(planted("mat-simplecubic-nopolar", "-Ybeam", "15.15"), use_fit=False)
    top = result.candidate_side.top
    assert top is not None and top.source == "table:fast-plus-one"
    assert top.change == "-Ybeam 15.15 (one pixel, 0.1 mm, more)"
    assert not top.unexplained and top.residual < 1e-12 and top.confidence == 1.0
    assert result.reference_side.verdict == REPRODUCED


def test_a_print_only_unit_error_is_named(planted):
    def metres_as_mm(text: str) -> str:
        return re.sub(r"(TRACE_PY: R_distance_meters )(\S+)", lambda m: m[1] + repr(float(m[2]) * 1e3), text)

    result = _run(planted("mat-simplecubic-nopolar", edit=metres_as_mm), use_fit=False)
    side = result.candidate_side
    assert side.diverging == ("R_distance_meters",)
    assert side.top is not None and side.top.source == "units"
    assert side.top.unit_errors == ("R_distance_meters",) and "millimetres under a metre name" in side.top.change


def test_float32_arithmetic_is_named(planted):
    result = _run(planted("xds-twotheta-rotz-orgx", dtype="float32"), use_fit=False)
    top = result.candidate_side.top
    assert top is not None and top.change == "--dtype float32"
    assert "float32" in top.rule and not top.broken


def test_the_search_stops_at_its_budget(planted):
    result = _run(planted("mat-simplecubic-nopolar", "-Ybeam", "15.15"), budget=Budget(max_runs=4))
    assert result.budget_spent and result.runs <= 4


def test_cli_reports_text_json_and_exit_codes(planted, cli):
    p = planted("mat-simplecubic-nopolar", "-Ybeam", "15.15")
    text = cli("explain", "--args-file", p.flags.args_file, "--no-fit", p.reference, p.candidate)
    assert text.code == 1 and "-Ybeam 15.15 (one pixel, 0.1 mm, more)" in text.stdout
    data = cli("explain", "--args-file", p.flags.args_file, "--no-fit", "-f", "json", p.reference, p.candidate)
    assert data.code == 1 and data.json()["candidate_side"]["explanations"][0]["source"] == "table:fast-plus-one"
    same = cli("explain", "--args-file", p.flags.args_file, p.reference, p.reference)
    assert same.code == 0 and NOTHING in same.stdout
    bad = cli("explain", p.reference, p.candidate)
    assert bad.code == 2 and bad.stderr.count("\n") == 1 and "no nanoBragg flags" in bad.stderr


def test_compare_explain_adds_the_hint_and_keeps_its_exit_code(planted, cli):
    p = planted("mat-simplecubic-nopolar", "-Ybeam", "15.15")
    plain = cli("compare", "-q", p.reference, p.candidate)
    hinted = cli("compare", "-q", "--explain", p.flags.args_file, p.reference, p.candidate)
    assert plain.code == hinted.code == 1 and plain.stdout == hinted.stdout
    assert "hint: explain: -Ybeam 15.15 (one pixel, 0.1 mm, more)" in hinted.stderr and "hint" not in plain.stderr


def test_compare_explain_reaches_json_text_and_html(planted, cli, tmp_path):
    p = planted("mat-simplecubic-nopolar", "-Ybeam", "15.15")
    args = ("compare", "--explain", p.flags.args_file, p.reference, p.candidate)
    data = cli(*args, "--format", "json")
    assert data.code == 1
    doc = data.json()
    top = doc["explanations"]["candidate_side"]["explanations"][0]
    assert top["change"] == "-Ybeam 15.15 (one pixel, 0.1 mm, more)"
    assert [h["code"] for h in doc["hints"]].count("explain") == 1
    text = cli(*args)
    assert text.code == 1 and "explain: -Ybeam 15.15 (one pixel, 0.1 mm, more)" in text.stdout
    page = cli(*args, "--format", "html", "-o", tmp_path / "report.html")
    html = (tmp_path / "report.html").read_text()
    assert page.code == 1 and "id='explanations'" in html and "-Ybeam 15.15 (one pixel, 0.1 mm, more)" in html
    plain = cli("compare", "--format", "json", p.reference, p.candidate)
    assert "explanations" not in plain.json()  # off by default: no model run
    plain_page = cli("compare", "--format", "html", "-o", tmp_path / "plain.html", p.reference, p.candidate)
    assert plain_page.code == 1 and "id='explanations'" not in (tmp_path / "plain.html").read_text()
