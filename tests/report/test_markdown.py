"""Markdown and --append: a compact report for a pull-request comment."""

from __future__ import annotations

ROWS = 40
REF = "".join(f"TRACE_C: f{i} {i}.5\n" for i in range(ROWS))
SAME = REF.replace("TRACE_C", "TRACE_PY")
DIFF = SAME.replace("f7 7.5", "f7 7.6")


def _table_rows(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("| ") and not line.startswith("| status")]


def test_a_passing_markdown_report_is_a_few_lines(cli, write):
    result = cli("compare", write("r.log", REF), write("c.log", SAME), "--format", "markdown")
    assert result.code == 0
    assert _table_rows(result.stdout) == []
    assert len(result.stdout.splitlines()) <= 10
    assert "tracediff: match" in result.stdout and "**Counts:** 40 compared" in result.stdout


def test_a_failing_markdown_report_lists_the_failing_rows_only(cli, write):
    result = cli("compare", write("r.log", REF), write("c.log", DIFF), "--format", "markdown")
    assert result.code == 1
    rows = _table_rows(result.stdout)
    assert len(rows) == 1 and rows[0].startswith("| DIVERGED | f7 | 8:8 | 7.5 | 7.6 |")
    assert "1. " in result.stdout and "rtol=1e-09" in result.stdout  # the legend of rules


def test_all_gives_every_row(cli, write):
    result = cli("compare", write("r.log", REF), write("c.log", DIFF), "--format", "markdown", "--all")
    assert len(_table_rows(result.stdout)) == ROWS


def test_append_writes_the_compact_report(cli, write, tmp_path):
    log = tmp_path / "runs.md"
    assert cli("compare", write("r.log", REF), write("c.log", SAME), "--append", log).code == 0
    assert cli("compare", "r.log", write("c2.log", DIFF), "--append", log).code == 1
    text = log.read_text(encoding="utf-8")
    assert text.count("\n## ") == 2
    assert len(_table_rows(text)) == 1  # the one failing row; no MATCH rows
