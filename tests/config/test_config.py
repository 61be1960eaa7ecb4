"""Project configuration: ``[tool.tracediff]`` in a pyproject.toml found from the working
directory (every command here runs with cwd = the test's own tmp folder)."""

from __future__ import annotations

import datetime as dt
import textwrap
import xml.etree.ElementTree as ET

import pytest

REF = "TRACE_C: lambda_meters 1e-10\nTRACE_C: F_latt 2.5\nTRACE_C: F_cell 100.5\n"
# F_latt changed by 1e-6 relative: fails at rtol 1e-9, passes at 1e-5
CAND = "TRACE_PY: lambda_meters 1e-10\nTRACE_PY: F_latt 2.5000025\nTRACE_PY: F_cell 100.5\n"


@pytest.fixture
def project(tmp_path, write):
    """Write the two logs and (optionally) a pyproject.toml into tmp_path."""

    def _project(toml: str | None) -> tuple:
        if toml is not None:
            (tmp_path / "pyproject.toml").write_text(textwrap.dedent(toml), encoding="utf-8")
        return write("ref.log", REF), write("cand.log", CAND)

    return _project


def run(cli, tmp_path, ref, cand, *options):
    result = cli("compare", ref, cand, "--format", "json", *options, cwd=tmp_path)
    assert result.code in (0, 1), result.stderr
    doc = result.json()
    assert doc["verdict"] == ("match" if result.code == 0 else "diverged")
    return result.code, doc


def test_without_config_the_change_fails(cli, tmp_path, project):
    ref, cand = project(None)
    code, doc = run(cli, tmp_path, ref, cand)
    assert code == 1
    assert doc["first_divergence"]["field"] == "F_latt"


def test_top_level_rtol(cli, tmp_path, project):
    ref, cand = project("""
        [tool.tracediff]
        rtol = 1e-5
        """)
    assert run(cli, tmp_path, ref, cand)[0] == 0


def test_config_is_found_from_a_subfolder(cli, tmp_path, project):
    ref, cand = project("""
        [tool.tracediff]
        rtol = 1e-5
        """)
    sub = tmp_path / "deep" / "er"
    sub.mkdir(parents=True)
    result = cli("compare", ref, cand, "--quiet", cwd=sub)
    assert result.code == 0


def test_per_field_rtol(cli, tmp_path, project):
    ref, cand = project("""
        [tool.tracediff]
        rtol = 1e-9
        [tool.tracediff.fields.F_latt]
        rtol = 1e-5
        """)
    code, doc = run(cli, tmp_path, ref, cand)
    assert code == 0
    assert doc["counts"]["compared"] == 3


def test_per_field_rtol_applies_to_that_field_only(cli, tmp_path, write):
    (tmp_path / "pyproject.toml").write_text(
        "[tool.tracediff]\n[tool.tracediff.fields.F_cell]\nrtol = 1e-5\n", encoding="utf-8")
    ref, cand = write("ref.log", REF), write("cand.log", CAND)
    code, doc = run(cli, tmp_path, ref, cand)
    assert code == 1
    assert doc["first_divergence"]["field"] == "F_latt"


def test_per_field_rule_with_a_glob(cli, tmp_path, project):
    ref, cand = project("""
        [tool.tracediff.fields."F_*"]
        rtol = 1e-5
        """)
    assert run(cli, tmp_path, ref, cand)[0] == 0


def test_cli_rtol_overrides_the_file(cli, tmp_path, project):
    ref, cand = project("""
        [tool.tracediff]
        rtol = 1e-5
        """)
    assert run(cli, tmp_path, ref, cand)[0] == 0
    code, doc = run(cli, tmp_path, ref, cand, "--rtol", "1e-9")
    assert code == 1
    assert doc["first_divergence"]["field"] == "F_latt"


def test_cli_tol_overrides_a_field_rule_of_the_file(cli, tmp_path, project):
    ref, cand = project("""
        [tool.tracediff.fields.F_latt]
        rtol = 1e-5
        """)
    assert run(cli, tmp_path, ref, cand, "--tol", "F_latt=1e-9")[0] == 1


def test_no_config_ignores_the_file(cli, tmp_path, project):
    ref, cand = project("""
        [tool.tracediff]
        rtol = 1e-5
        """)
    assert run(cli, tmp_path, ref, cand, "--no-config")[0] == 1


def test_waiver_turns_the_divergence_into_a_pass(cli, tmp_path, project):
    ref, cand = project("""
        [tool.tracediff]
        [[tool.tracediff.waive]]
        field = "F_latt"
        reason = "the port sums the lattice factor in float32 (issue 12)"
        """)
    code, doc = run(cli, tmp_path, ref, cand)
    assert code == 0
    assert doc["counts"]["waived"] >= 1
    assert doc["counts"]["diverged"] == 0
    rows = {row["field"]: row for row in doc["fields"]}
    assert rows["F_latt"]["status"] == "waived"
    assert rows["F_cell"]["status"] == "match"
    assert doc["unused_waivers"] == []


def test_waiver_does_not_hide_other_fields(cli, tmp_path, write):
    (tmp_path / "pyproject.toml").write_text(textwrap.dedent("""
        [[tool.tracediff.waive]]
        field = "F_latt"
        reason = "known"
        """), encoding="utf-8")
    ref = write("ref.log", REF)
    cand = write("cand.log", CAND.replace("F_cell 100.5", "F_cell 101.5"))
    code, doc = run(cli, tmp_path, ref, cand)
    assert code == 1
    assert doc["first_divergence"]["field"] == "F_cell"


def test_expired_waiver_no_longer_applies(cli, tmp_path, project):
    yesterday = dt.date.today() - dt.timedelta(days=1)
    ref, cand = project(f"""
        [[tool.tracediff.waive]]
        field = "F_latt"
        reason = "was to be fixed by now"
        until = {yesterday.isoformat()}
        """)
    code, doc = run(cli, tmp_path, ref, cand)
    assert code == 1
    assert doc["counts"]["waived"] == 0
    assert doc["first_divergence"]["field"] == "F_latt"


def test_waiver_valid_until_a_future_date_applies(cli, tmp_path, project):
    later = dt.date.today() + dt.timedelta(days=30)
    ref, cand = project(f"""
        [[tool.tracediff.waive]]
        field = "F_latt"
        reason = "fix planned"
        until = {later.isoformat()}
        """)
    assert run(cli, tmp_path, ref, cand)[0] == 0


def test_unused_waiver_is_listed_and_fails_with_strict(cli, tmp_path, write):
    (tmp_path / "pyproject.toml").write_text(textwrap.dedent("""
        [[tool.tracediff.waive]]
        field = "no_such_field"
        reason = "left over from an old port"
        """), encoding="utf-8")
    ref, cand = write("ref.log", REF), write("cand.log", REF.replace("TRACE_C", "TRACE_PY"))
    code, doc = run(cli, tmp_path, ref, cand)
    assert code == 0
    assert len(doc["unused_waivers"]) == 1
    assert "no_such_field" in doc["unused_waivers"][0]
    code, doc = run(cli, tmp_path, ref, cand, "--strict")
    assert code == 1
    assert doc["counts"]["diverged"] == 0


def test_used_waiver_passes_with_strict(cli, tmp_path, project):
    ref, cand = project("""
        [[tool.tracediff.waive]]
        field = "F_latt"
        reason = "known"
        """)
    assert run(cli, tmp_path, ref, cand, "--strict")[0] == 0


def test_waiver_without_reason_is_a_config_error(cli, tmp_path, project):
    ref, cand = project("""
        [[tool.tracediff.waive]]
        field = "F_latt"
        """)
    result = cli("compare", ref, cand, cwd=tmp_path)
    assert result.code == 2
    assert "pyproject.toml" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("toml", ["[tool.tracediff]\nrtol = -1\n", "[tool.tracediff]\nrtol = \"tight\"\n",
                                  "[tool.tracediff\nrtol = 1\n"])
def test_bad_config_is_an_input_error(cli, tmp_path, project, toml):
    ref, cand = project(toml)
    result = cli("compare", ref, cand, cwd=tmp_path)
    assert result.code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "pyproject.toml" in lines[0]
    assert "Traceback" not in result.stderr


def test_junit_counts_with_waiver(cli, tmp_path, write):
    (tmp_path / "pyproject.toml").write_text(textwrap.dedent("""
        [[tool.tracediff.waive]]
        field = "F_latt"
        reason = "known"
        """), encoding="utf-8")
    ref = write("ref.log", REF + "TRACE_C: I_pixel_final 0.0028\nTRACE_C: steps 12\n")
    cand = write("cand.log", CAND.replace("F_cell 100.5", "F_cell 100.6")
                 + "TRACE_PY: I_pixel_final 0.0029\nTRACE_PY: steps 12\nTRACE_PY: extra 1\n")
    doc = run(cli, tmp_path, ref, cand)[1]
    counts = doc["counts"]
    assert (counts["compared"], counts["diverged"], counts["waived"], counts["only_in_cand"]) == (5, 2, 1, 1)
    result = cli("compare", ref, cand, "--format", "junit", cwd=tmp_path)
    assert result.code == 1
    root = ET.fromstring(result.stdout)
    assert len(root.findall(".//testcase")) == counts["compared"]
    assert len(root.findall(".//testcase/failure")) == counts["diverged"]
    assert sum(int(s.get("failures", "0")) for s in root.iter("testsuite")) == counts["diverged"]


def test_markdown_contains_the_failing_field(cli, tmp_path, project):
    ref, cand = project(None)
    result = cli("compare", ref, cand, "--format", "markdown", cwd=tmp_path)
    assert result.code == 1
    assert "F_latt" in result.stdout


def test_each_row_names_the_rule_that_decided_it(cli, tmp_path, project):
    ref, cand = project("""
        [tool.tracediff.fields.F_latt]
        rtol = 1e-5
        """)
    code, doc = run(cli, tmp_path, ref, cand, "--tol", "F_cell=1e-3")
    assert code == 0
    rules = {row["field"]: row["rule"] for row in doc["fields"]}
    assert "pyproject.toml" in rules["F_latt"] and "F_latt" in rules["F_latt"]
    assert "--tol" in rules["F_cell"] and "F_cell" in rules["F_cell"]
    assert "F_latt" not in rules["lambda_meters"] and "--tol" not in rules["lambda_meters"]


def test_config_of_the_wrong_shape_is_an_input_error(write, cli):
    """A table where a list belongs (or a number where a table belongs) is exit 2, one line."""
    ref = write("ref.log", "TRACE_C: a 1\n")
    cand = write("cand.log", "TRACE_PY: a 1\n")
    for text in ("fields = 5\n", "waive = 5\n", '[units.a]\nref = "furlong"\n', "optional_tags = 5\n"):
        config = write("bad.toml", text)
        result = cli("compare", ref, cand, "--config", config)
        assert result.code == 2, text
        assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_a_waiver_needs_the_candidate_condition_too(write, cli):
    """when_cand_equals: a broken candidate is never waived."""
    ref = write("ref.log", "TRACE_C:detector_convention=MOSFLM\nTRACE_C: x 1\n")
    good = write("good.log", "TRACE_PY:detector_convention=ADXV\nTRACE_PY: x 1\n")
    bad = write("bad.log", "TRACE_PY:detector_convention=GARBAGE\nTRACE_PY: x 1\n")
    config = write("tracediff.toml", '[[waive]]\nfield = "detector_convention"\nwhen_ref_equals = "MOSFLM"\n'
                   'when_cand_equals = ["ADXV", "XDS"]\nreason = "C hard-codes MOSFLM"\n')
    assert cli("compare", ref, good, "--config", config).code == 0
    assert cli("compare", ref, bad, "--config", config).code == 1
