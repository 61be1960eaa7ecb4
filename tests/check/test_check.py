"""``tracediff check``: real C logs and captures satisfy every identity; edited traces do not."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tracediff.check.engine import FAIL, PASS, UNCHECKED, check_trace
from tracediff.check.identities import IDENTITIES

from tests.capture.reference_cases import ENV_CASES, FIXTURE_CASES, SKIP_REASON
from tests.graph.capture_chain import capture_text


def _statuses(path: Path) -> dict[str, str]:
    return {r.identity.name: r.status for r in check_trace(path).results}


@pytest.mark.skipif(not ENV_CASES, reason=SKIP_REASON)
@pytest.mark.parametrize("case", ENV_CASES, ids=[c.name for c in ENV_CASES])
def test_every_real_c_log_passes(case):
    report = check_trace(case / "trace_c.log")
    assert not report.failed, [(r.identity.name, r.detail) for r in report.failed]
    assert sum(r.status == PASS for r in report.results) >= 15  # it checked something


def test_the_c_prints_the_scattering_vector_per_metre_and_that_is_named():
    report = check_trace(FIXTURE_CASES[0] / "trace_c.log")
    scattering = next(r for r in report.results if r.identity.name == "scattering")
    assert scattering.status == PASS and scattering.quirk.startswith("Q8")


@pytest.mark.parametrize("case", FIXTURE_CASES, ids=[c.name for c in FIXTURE_CASES])
def test_captures_pass_without_quirks(tmp_path, case):
    log = tmp_path / "trace_py.log"
    log.write_text(capture_text(case / "args.txt", []))
    report = check_trace(log)
    assert not report.failed, [(r.identity.name, r.detail) for r in report.failed]
    assert not [r.quirk for r in report.results if r.quirk]  # tracediff prints the true values


def _edited(tmp_path: Path, pattern: str, replace: str) -> Path:
    source = (FIXTURE_CASES[0] / "trace_c.log").read_text()
    edited, count = re.subn(pattern, replace, source, count=1, flags=re.M)
    assert count == 1, pattern
    path = tmp_path / "edited.log"
    path.write_text(edited)
    return path


def test_a_hand_edited_pix0_fails(tmp_path, cli):
    path = _edited(tmp_path, r"^(TRACE_C:pix0_vector=)(\S+)", r"\g<1>0.123456")
    statuses = _statuses(path)
    assert statuses["pix0_sum"] == FAIL and statuses["pixel_pix0"] == FAIL
    result = cli("check", path)
    assert result.code == 1 and result.stdout.startswith("FAIL: ")


def test_a_rounding_edit_fails(tmp_path):
    path = _edited(tmp_path, r"^(TRACE_C: hkl_rounded) (-?\d+)", r"\g<1> 7")
    assert _statuses(path)["hkl_rounded"] == FAIL


def test_a_last_digit_change_of_a_full_precision_factor_fails(tmp_path):
    path = _edited(tmp_path, r"^(TRACE_C: polar )(\d\.\d{6})", r"\g<1>\g<2>9")  # ~1e-7 relative
    assert _statuses(path)["I_pixel_final"] == FAIL


def test_six_digit_narrative_values_pass_at_their_precision(write):
    log = write("narrative.log", "TRACE:   V_star = a_star . (b_star x c_star) = 2.23457e-06\n"
                                 "TRACE: Direct-space cell volume: V_cell = 1/V_star = 447513\n")
    assert _statuses(log)["cell_volume"] == PASS
    log = write("narrative_bad.log", "TRACE:   V_star = a_star . (b_star x c_star) = 2.23457e-06\n"
                                     "TRACE: Direct-space cell volume: V_cell = 1/V_star = 447613\n")
    assert _statuses(log)["cell_volume"] == FAIL


def test_absent_fields_cannot_be_checked_and_do_not_fail(write, cli):
    log = write("short.log", "TRACE_C: hkl_frac 1.2 2.7 -3.5\nTRACE_C: hkl_rounded 1 3 -4\n")
    statuses = _statuses(log)
    assert statuses["hkl_rounded"] == PASS
    assert statuses["pix0_sum"] == UNCHECKED and len(statuses) == len(IDENTITIES)
    result = cli("check", log, "--format", "json")
    assert result.code == 0
    row = next(r for r in result.json()["identities"] if r["identity"] == "pix0_sum")
    assert row["status"] == UNCHECKED and "absent: pix0_vector" in row["detail"]


def test_not_a_trace_is_a_one_line_error(write, cli):
    result = cli("check", write("notes.txt", "nothing traced here\n"))
    assert result.code == 2 and len(result.stderr.strip().splitlines()) == 1 and "notes.txt" in result.stderr


def test_check_never_imports_torch(write):
    import subprocess
    import sys

    log = write("t.log", "TRACE_C: hkl_frac 1.2 2.7 -3.5\nTRACE_C: hkl_rounded 1 3 -4\n")
    code = ("import sys; from tracediff.cli_main import main\n"
            "try:\n    main(['check', sys.argv[1]])\nexcept SystemExit as e:\n    assert e.code == 0, e.code\n"
            "assert 'torch' not in sys.modules")
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", code, str(log)], cwd=root, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
