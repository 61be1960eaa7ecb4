"""The terminal report fits its width: a summary for a match, failing rows and a legend
for a divergence, plain lines when narrow, colour only where asked or on a terminal."""

from __future__ import annotations

import re

import pytest

from tracediff.compare.engine import compare_logs
from tracediff.compare.options import CompareOptions
from tracediff.report.text import render_table

BOX = re.compile("[│┃┏┓┗┛━╭╮╰╯]")
REF = "".join(f"TRACE_C: field_{i} {i}.25 {i}.5 -{i}\n" for i in range(40))
LONG = " ".join(f"{0.1234567890123 + k:.15g}" for k in range(12))
LONG_BAD = " ".join(f"{0.1234567890123 + k + (1e-3 if k == 9 else 0):.15g}" for k in range(12))


def _compare(write, ref: str, cand: str, **options) -> object:
    return compare_logs(write("ref.log", ref), write("cand.log", cand), CompareOptions(**options))


def _report(write, ref, cand, width, **view) -> str:
    return render_table(_compare(write, ref, cand), width=width, **view)


def test_a_match_is_a_short_summary_without_a_table(write):
    text = _report(write, REF, REF.replace("TRACE_C", "TRACE_PY"), 80)
    lines = text.splitlines()
    assert lines[0] == "MATCH: 40 fields agree"
    assert len(lines) <= 8
    assert "field_3" not in text and "rules" in text


def test_all_lists_every_row_of_a_match(write):
    text = _report(write, REF, REF.replace("TRACE_C", "TRACE_PY"), 100, show_all=True)
    assert all(f"field_{i}" in text for i in range(40))


@pytest.mark.parametrize("width", [80, 60])
def test_a_divergence_shows_the_failing_rows_and_a_legend_within_the_width(write, width):
    cand = REF.replace("TRACE_C", "TRACE_PY").replace("field_7 7.25", "field_7 7.26").replace("field_30 30.25", "field_30 31")
    text = _report(write, REF, cand, width)
    lines = text.splitlines()
    assert lines[0] == "FIRST DIVERGENCE: TRACE field_7 component 0"
    assert all(len(line) <= width for line in lines), [line for line in lines if len(line) > width]
    assert not BOX.search(text)
    assert "field_7" in text and "field_30" in text and "field_8" not in text  # failing rows only
    legend = [line for line in lines if line.startswith("rule 1: ")]
    assert len(legend) == 1 and "rtol=1e-09" in legend[0]
    assert text.count("rtol=1e-09") == 1  # the rule lives in the legend, not in every row
    assert lines[-1].startswith("40 compared, 2 diverged")


def test_narrow_terminals_get_aligned_plain_lines(write):
    cand = REF.replace("TRACE_C", "TRACE_PY").replace("field_7 7.25", "field_7 7.26")
    text = _report(write, REF, cand, 60)
    assert "  ref  8  7.25 7.5 -7" in text and "  cand 8  7.26 7.5 -7" in text
    wide = _report(write, REF, cand, 80)
    assert "reference / candidate" in wide  # a table header at 80 columns


@pytest.mark.parametrize("width", [80, 60])
def test_the_diverging_component_is_always_shown_whole(write, width):
    text = _report(write, f"TRACE_C: v {LONG}\nTRACE_C: a 1\n", f"TRACE_PY: v {LONG_BAD}\nTRACE_PY: a 1\n", width)
    assert "component 9" in text
    assert f"{0.1234567890123 + 9:.15g}" in text and f"{0.1234567890123 + 9 + 1e-3:.15g}" in text
    assert "…" in text  # the rest elided around it
    assert all(len(line) <= width for line in text.splitlines())


def test_a_text_divergence_headline_reads_well(write):
    text = _report(write, "TRACE_C: mode = XDS\nTRACE_C: a 1\n", "TRACE_PY: mode = MOSFLM\nTRACE_PY: a 1\n", 80)
    assert "error ," not in text and "err ," not in text
    assert "the values differ" in text
    assert "differs" in text  # the row's error column says why there is no number


def test_colour_is_forced_or_refused_and_off_when_piped(cli, write, monkeypatch):
    ref, cand = write("r.log", "TRACE_C: a 1\n"), write("c.log", "TRACE_PY: a 2\n")
    assert "\x1b[" in cli("compare", ref, cand, "--color").stdout
    assert "\x1b[" not in cli("compare", ref, cand, "--no-color").stdout
    assert "\x1b[" not in cli("compare", ref, cand).stdout  # captured, not a terminal
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert "\x1b[" not in cli("compare", ref, cand).stdout


def test_the_width_follows_the_terminal(cli, write, monkeypatch):
    cand = REF.replace("TRACE_C", "TRACE_PY").replace("field_7 7.25", "field_7 7.26")
    ref, cand = write("r.log", REF), write("c.log", cand)
    for width in (60, 80, 140):
        monkeypatch.setenv("COLUMNS", str(width))
        out = cli("compare", ref, cand).stdout
        assert max(len(line) for line in out.splitlines()) <= width


def test_diverged_values_come_before_missing_fields(write):
    ref = "TRACE_C: a 1\nTRACE_C: b 2\nTRACE_C: c 3\nTRACE_C: d 4\n"
    text = _report(write, ref, "TRACE_PY: c 3\nTRACE_PY: d 5\n", 80)
    rows = [line.split()[0] for line in text.splitlines() if line.startswith(("DIVERGED", "MISSING"))]
    assert rows == ["DIVERGED", "MISSING", "MISSING"]
