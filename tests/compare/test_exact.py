"""Integers compare exactly inside matrices and named values, on the bulk path too."""

from __future__ import annotations

import json
from pathlib import Path

from tracediff import compare_logs
from tracediff.trace.values import parse_value


def test_parser_records_per_number_integrality():
    assert parse_value("n:3 m:2.5 k:[1 2.0]").exact == (True, False, True, False)
    assert parse_value("[1 2; 3 4.0]").exact == (True, True, True, False)
    assert parse_value("n:123456789012345678901 m:0.5").integers() == (123456789012345678901, None)


def test_overflow_keeps_printed_text_in_named_values():
    assert parse_value("a:1e999 b:2").printed == "1e999 2"
    assert parse_value("a:inf b:2").printed is None


def test_integers_in_named_values_are_exact_on_the_bulk_path(cli, tmp_path):
    # many lines of one skeleton: their records share one value template
    ref = "".join(f"TRACE_C: s n:{10**10 + i} m:0.5\n" for i in range(200))
    cand = ref.replace("TRACE_C", "TRACE_PY").replace(f"n:{10**10 + 150} ", f"n:{10**10 + 151} ")
    (tmp_path / "r.log").write_text(ref)
    (tmp_path / "c.log").write_text(cand)
    result = cli("compare", "r.log", "c.log", "--rtol", "1e-3", "--format", "json", "--no-config")
    assert result.code == 1
    diverged = [r for r in json.loads(result.stdout)["fields"] if r["status"] == "diverged"]
    assert len(diverged) == 1 and diverged[0]["occurrence"] == 150
    assert diverged[0]["components"][0]["cand"] == 10**10 + 151


def test_floats_in_named_values_keep_the_tolerance(cli, tmp_path):
    (tmp_path / "r.log").write_text("TRACE_C: s n:3 m:0.5\n")
    (tmp_path / "c.log").write_text("TRACE_PY: s n:3 m:0.5001\n")
    assert cli("compare", "r.log", "c.log", "--rtol", "1e-3", "--no-config").code == 0


def test_integers_in_a_vector_that_also_holds_floats_are_exact(tmp_path: Path) -> None:
    """``v 1 2.5 12345678901`` against ``... 12345678902``: the integer is compared exactly, on the bulk path too."""
    lines = 3000
    ref = "".join(f"TRACE_C: v 1 2.5 12345678901\n" for _ in range(lines))
    cand = ["TRACE_PY: v 1 2.5 12345678901\n"] * lines
    cand[1234] = "TRACE_PY: v 1 2.5 12345678902\n"
    (tmp_path / "r.log").write_text(ref)
    (tmp_path / "c.log").write_text("".join(cand))
    result = compare_logs(tmp_path / "r.log", tmp_path / "c.log", config=None)
    assert result.counts.diverged == 1 and result.first_divergence.occurrence == 1234
    assert result.first_divergence.component == 2
