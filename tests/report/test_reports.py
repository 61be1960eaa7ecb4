"""``tracediff compare`` reports: JSON schema, --quiet, --output, formats, exit codes."""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET

import pytest

FIRST_DIVERGENCE_KEYS = {"family", "field", "occurrence", "ref_line", "cand_line", "ref_value",
                         "cand_value", "abs_error", "rel_error"}
COUNT_KEYS = {"compared", "diverged", "only_in_ref", "only_in_cand", "waived"}

REF = "banner\nTRACE_C: lambda_meters 1e-10\nTRACE_C: hkl_frac 0.25 -0.5 2\nTRACE_C: F_cell 100.5\n"
CAND_SAME = "TRACE_PY: lambda_meters 1e-10\nTRACE_PY: hkl_frac 0.25 -0.5 2\nTRACE_PY: F_cell 100.5\n"
CAND_DIFF = "TRACE_PY: lambda_meters 1e-10\nTRACE_PY: hkl_frac 0.25 -0.5 2.5\nTRACE_PY: F_cell 100.5\n"


def test_json_schema_on_a_match(compare_json):
    code, doc = compare_json(REF, CAND_SAME)
    assert code == 0
    assert doc["verdict"] == "match"
    assert doc["first_divergence"] is None
    assert set(doc["counts"]) >= COUNT_KEYS
    assert doc["counts"] == {**doc["counts"], "compared": 3, "diverged": 0, "only_in_ref": 0,
                             "only_in_cand": 0, "waived": 0}
    assert isinstance(doc["fields"], list) and len(doc["fields"]) == 3


def test_json_schema_on_a_divergence(compare_json):
    code, doc = compare_json(REF, CAND_DIFF)
    assert code == 1
    assert doc["verdict"] == "diverged"
    first = doc["first_divergence"]
    assert set(first) >= FIRST_DIVERGENCE_KEYS
    assert (first["family"], first["field"], first["occurrence"]) == ("TRACE", "hkl_frac", 0)
    assert (first["ref_line"], first["cand_line"]) == (3, 2)
    assert first["ref_value"] == [0.25, -0.5, 2]
    assert first["cand_value"] == [0.25, -0.5, 2.5]
    # the third component decides: |2 - 2.5| = 0.5, scale of the field max(|.|) = 2.5
    assert first["abs_error"] == pytest.approx(0.5, rel=1e-12)
    assert first["rel_error"] == pytest.approx(0.2, rel=1e-12)
    assert doc["counts"]["compared"] == 3 and doc["counts"]["diverged"] == 1
    statuses = {row["field"]: row["status"] for row in doc["fields"]}
    assert statuses == {"lambda_meters": "match", "hkl_frac": "diverged", "F_cell": "match"}


def test_named_subvalue_divergence_is_named(compare_json):
    ref = "TRACE_C:angles_rad=rotx:0 roty:0 rotz:0 twotheta:0.1\n"
    cand = "TRACE_PY:angles_rad=rotx:0 roty:0 rotz:0 twotheta:0.10001\n"
    code, doc = compare_json(ref, cand)
    assert code == 1
    assert doc["first_divergence"]["field"] == "angles_rad.twotheta"
    assert doc["first_divergence"]["abs_error"] == pytest.approx(1e-5, rel=1e-6)
    assert [row["field"] for row in doc["fields"] if row["status"] == "diverged"] == ["angles_rad.twotheta"]


@pytest.mark.parametrize("cand, code", [(CAND_SAME, 0), (CAND_DIFF, 1)])
def test_quiet_prints_one_line(cli, write, cand, code):
    result = cli("compare", write("ref.log", REF), write("cand.log", cand), "--quiet")
    assert result.code == code
    assert result.stdout.strip() != ""
    assert "\n" not in result.stdout.strip()
    assert result.stderr == ""


@pytest.mark.parametrize("fmt", ["table", "json", "markdown", "junit"])
def test_format_does_not_change_the_exit_code(cli, write, fmt):
    ref = write("ref.log", REF)
    assert cli("compare", ref, write("same.log", CAND_SAME), "--format", fmt).code == 0
    assert cli("compare", ref, write("diff.log", CAND_DIFF), "--format", fmt).code == 1


def test_table_names_the_first_divergence(cli, write):
    result = cli("compare", write("ref.log", REF), write("cand.log", CAND_DIFF))
    assert result.code == 1
    assert "hkl_frac" in result.stdout


@pytest.mark.parametrize("fmt", ["json", "markdown", "junit", "table"])
def test_output_writes_the_report_and_leaves_no_temp_file(cli, write, tmp_path, fmt):
    ref, cand = write("ref.log", REF), write("cand.log", CAND_DIFF)
    printed = cli("compare", ref, cand, "--format", fmt)
    out = tmp_path / "reports" / f"report.{fmt}"
    out.parent.mkdir()
    result = cli("compare", ref, cand, "--format", fmt, "--output", out)
    assert result.code == 1
    assert out.is_file()
    assert out.read_text(encoding="utf-8").strip() == printed.stdout.strip()
    assert sorted(p.name for p in out.parent.iterdir()) == [out.name]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cand.log", "ref.log", "reports"]
    # overwriting an existing report works the same way
    result = cli("compare", ref, write("same.log", CAND_SAME), "--format", fmt, "--output", out)
    assert result.code == 0
    assert sorted(p.name for p in out.parent.iterdir()) == [out.name]


def test_output_file_has_ordinary_permissions(cli, write, tmp_path):
    """The report is a normal file: readable by whoever may read files the user creates
    (the process umask decides, as for any file the tool writes)."""
    ref, cand = write("ref.log", REF), write("cand.log", CAND_SAME)
    out = tmp_path / "report.json"
    assert cli("compare", ref, cand, "--format", "json", "--output", out).code == 0
    plain = tmp_path / "plain.txt"
    plain.write_text("x")
    assert oct(out.stat().st_mode & 0o777) == oct(plain.stat().st_mode & 0o777)


def test_output_onto_a_directory_fails_cleanly(cli, write, tmp_path):
    ref, cand = write("ref.log", REF), write("cand.log", CAND_SAME)
    target = tmp_path / "a_folder"
    target.mkdir()
    before = sorted(p.name for p in tmp_path.iterdir())
    result = cli("compare", ref, cand, "--format", "json", "--output", target)
    assert result.code == 2
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no temp file left behind
    assert list(target.iterdir()) == []


def test_output_into_a_missing_folder_is_an_input_error(cli, write, tmp_path):
    ref, cand = write("ref.log", REF), write("cand.log", CAND_SAME)
    result = cli("compare", ref, cand, "--output", tmp_path / "no" / "such" / "report.json")
    assert result.code == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "no").exists()


# --- verdict, exit code and counts always agree -----------------------------------

SCENARIOS = {
    "match": (REF, CAND_SAME, ()),
    "diverged": (REF, CAND_DIFF, ()),
    "missing": (REF, "TRACE_PY: lambda_meters 1e-10\nTRACE_PY: F_cell 100.5\n", ()),
    "missing-allowed": (REF, "TRACE_PY: lambda_meters 1e-10\nTRACE_PY: F_cell 100.5\n", ("--allow-missing",)),
    "extra": (REF, CAND_SAME + "TRACE_PY: spindle_axis 0 0 1\n", ()),
    "diverged-and-missing": (REF, "TRACE_PY: lambda_meters 2e-10\n", ()),
    "ignored-divergence": (REF, CAND_DIFF, ("--ignore", "hkl*")),
    "loose": (REF, CAND_DIFF, ("--rtol", "0.5")),
    "cut-short": (REF, "TRACE_PY: lambda_meters 1e-10\nTRACE_PY: hkl_frac 0.25 -0.5", ()),
    # every value printed in full, only the final newline missing: pass or fail, the
    # counts and the first divergence must say the same as the verdict
    "no-final-newline": (REF, CAND_SAME.rstrip("\n"), ()),
}


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_verdict_and_exit_code_agree_with_counts(compare_json, cli, name):
    ref, cand, options = SCENARIOS[name]
    code, doc = compare_json(ref, cand, *options)
    counts = doc["counts"]
    failed = counts["diverged"] > 0 or (counts["only_in_ref"] > 0 and "--allow-missing" not in options)
    assert code == (1 if failed else 0), counts
    assert doc["verdict"] == ("diverged" if failed else "match")
    assert (doc["first_divergence"] is not None) == failed
    statuses = [row["status"] for row in doc["fields"]]
    assert statuses.count("diverged") == counts["diverged"]
    assert statuses.count("missing") == counts["only_in_ref"]
    assert statuses.count("match") + statuses.count("diverged") + statuses.count("waived") == counts["compared"]
    quiet = cli("compare", "ref.log", "cand.log", "--quiet", *options)
    assert quiet.code == code
    line = quiet.stdout.strip().upper()
    assert "\n" not in line
    # the verdict is the summary's first word of the two (counts may say "0 diverged" later)
    assert re.findall(r"\b(MATCH|DIVERGED)\b", line)[0] == doc["verdict"].upper()


# --- junit and markdown ----------------------------------------------------------


def test_junit_counts(cli, logs):
    result = cli("compare", logs / "align" / "subpixels_ref.log", logs / "align" / "subpixels_cand.log",
                 "--format", "junit")
    assert result.code == 1
    root = ET.fromstring(result.stdout)
    cases = root.findall(".//testcase")
    json_doc = cli("compare", logs / "align" / "subpixels_ref.log", logs / "align" / "subpixels_cand.log",
                   "--format", "json").json()
    counts = json_doc["counts"]
    assert len(cases) == counts["compared"] == 34
    failures = root.findall(".//testcase/failure")
    assert len(failures) == counts["diverged"] == 1
    suites = root.iter("testsuite")
    assert sum(int(s.get("failures", 0)) for s in suites) == counts["diverged"]
    assert any("I_before_scaling" in (c.get("name") or "") for c in cases if c.find("failure") is not None)


def test_markdown_names_the_failing_field(cli, write):
    result = cli("compare", write("ref.log", REF), write("cand.log", CAND_DIFF), "--format", "markdown")
    assert result.code == 1
    assert "hkl_frac" in result.stdout
    assert "|" in result.stdout  # a Markdown table


def test_inputs_are_left_untouched(cli, write):
    ref, cand = write("ref.log", REF), write("cand.log", CAND_DIFF)
    before = (ref.read_bytes(), cand.read_bytes(), os.stat(ref).st_mtime_ns, os.stat(cand).st_mtime_ns)
    for fmt in ("table", "json", "markdown", "junit"):
        cli("compare", ref, cand, "--format", fmt)
    assert (ref.read_bytes(), cand.read_bytes(), os.stat(ref).st_mtime_ns, os.stat(cand).st_mtime_ns) == before
