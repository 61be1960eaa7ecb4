"""The crystal set-up narrative (spec 6.2 F) and TRACE_CONFIG (6.2 G): parity with the real C traces.

Every ``TRACE:`` / ``TRACE_CONFIG:`` record of a reference ``trace_c.log`` must have a tracediff record
of the same (name, occurrence) that matches at rtol 1e-9 / atol 1e-15, judged by tracediff's own
library (:func:`tracediff.compare.engine.compare_logs`). The only exception is the C's hard-wired
``TRACE:`` block of pixel (512, 512) (spec P9 / Q16), printed inside the pixel loop after
``TRACE_CONFIG``, which tracediff does not reproduce: those records must be missing, nothing else.
The narrative is also checked line by line as text (the C's ``%g`` and tracediff's are the same
function). Runs on ``fixtures/reference`` always and on ``$TRACEDIFF_REFERENCE`` when set.
"""

from __future__ import annotations

import io
import math
from functools import cache
from pathlib import Path

import pytest
import torch

from tracediff import catalogue as cat
from tracediff.capture.physics.crystal.cell import build_crystal
from tracediff.capture.printing.crystal import (
    emit_crystal_trace,
    narrative_conditions,
    narrative_values,
)
from tracediff.capture.printing.writer import TraceWriter, fill_narrative, format_g, format_g_list
from tracediff.capture.cmdline.walk import parse_argv
from tracediff.capture.runner import capture
from tracediff.compare.engine import compare_logs
from tracediff.compare.options import CompareOptions
from tracediff.compare.status import Status
from tracediff.compare.tolerance import Tolerance, ToleranceRules
from tracediff.errors import TraceDiffError
from tracediff.trace.parser import parse_log
from reference_cases import ENV_CASES, FIXTURE_CASES, FIXTURES

NARRATIVE_TAGS = ("TRACE", "TRACE_CONFIG")





@cache
def captured(args_file: Path) -> str:
    out = io.StringIO()
    capture([], args_file=args_file, stream=out, notes_stream=io.StringIO())
    return out.getvalue()


def _narrative_text(lines: list[str]) -> list[str]:
    """The C's set-up narrative: ``TRACE:`` lines before ``TRACE_CONFIG`` (the rest is P9)."""
    out = []
    for line in lines:
        if line.startswith("TRACE_CONFIG:"):
            break
        if line.startswith("TRACE:"):
            out.append(line)
    return out


def check_case(case: Path, tmp_path: Path) -> None:
    c_log = case / "trace_c.log"
    py_log = tmp_path / "trace_py.log"
    py_log.write_text(captured(case / "args.txt"), encoding="utf-8")

    # text: the narrative and the banner, line for line
    c_lines = c_log.read_text(encoding="utf-8").splitlines()
    py_lines = py_log.read_text(encoding="utf-8").splitlines()
    assert _narrative_text(py_lines) == _narrative_text(c_lines)
    banner = [x for x in c_lines if x.startswith("TRACE_CONFIG:")]
    assert [x for x in py_lines if x.startswith("TRACE_CONFIG:")] == banner

    # records: every TRACE / TRACE_CONFIG record of the C, paired by (name, occurrence)
    ref = parse_log(c_log)
    wanted = [r for r in ref.records() if r.tag in NARRATIVE_TAGS]
    config_lines = [r.line for r in wanted if r.tag == "TRACE_CONFIG"]
    assert len(set(config_lines)) == 1  # one banner line (its key=value pairs are records of their own)
    p9 = {(r.line, r.field, r.occurrence) for r in wanted if r.line > config_lines[0]}
    options = CompareOptions(tolerances=ToleranceRules(default=Tolerance(rtol=1e-9, atol=1e-15)), keep_all=True)
    result = compare_logs(c_log, py_log, options)
    assert result.rows_complete
    rows = {(row.ref_line, row.field, row.occurrence): row for row in result.rows if row.ref_line is not None}
    assert len(wanted) >= 40
    for r in wanted:
        key = (r.line, r.field, r.occurrence)
        row = rows.get(key)
        assert row is not None, f"{case.name}: C record {key} not judged"
        # P9 records are missing from the capture (prose of a narrative header: optional, never failing)
        ok = row.status.missing if key in p9 else row.status is Status.MATCHED
        assert ok, f"{case.name}: {r.field}#{r.occurrence} (C line {r.line}) is {row.status}"
    # P9 only where the detector has a pixel (512, 512) inside the ROI
    if p9:
        text = (case / "args.txt").read_text()
        assert "-phi" in text or "-mosaic" in text


@pytest.mark.parametrize("case", FIXTURE_CASES, ids=[c.name for c in FIXTURE_CASES])
def test_fixture_case_crystal_narrative_matches_c(case: Path, tmp_path: Path) -> None:
    check_case(case, tmp_path)


@pytest.mark.skipif(not ENV_CASES, reason="set TRACEDIFF_REFERENCE to the nanobragg-c reference folder")
@pytest.mark.parametrize("case", ENV_CASES, ids=[c.name for c in ENV_CASES])
def test_reference_case_crystal_narrative_matches_c(case: Path, tmp_path: Path) -> None:
    check_case(case, tmp_path)


def test_fixtures_cover_cell_and_matrix() -> None:
    names = {c.name for c in FIXTURE_CASES}
    assert "mat-simplecubic-nopolar" in names  # -mat
    assert names - {"mat-simplecubic-nopolar"}  # -cell


# --- order of the set-up output -------------------------------------------------------------------


def test_output_order_detector_summary_narrative_config_pixel() -> None:
    case = FIXTURES / "mat-simplecubic-nopolar"
    lines = captured(case / "args.txt").splitlines()
    pix0 = lines.index(next(x for x in lines if x.startswith("DETECTOR_PIX0_VECTOR")))
    assert lines[pix0 + 1].startswith("XDS incident beam: ")
    assert lines[pix0 + 2] == "auto-selected no interpolation"
    assert lines[pix0 + 3] == "TRACE: Raw matrix values from file:"
    config = lines.index("TRACE_CONFIG: tracing pixel (spixel=161, fpixel=131)")
    assert lines[config - 1].startswith("TRACE:   cp = ")
    assert lines[config + 1].startswith("TRACE_PY: pix0_vector_meters ")


def test_plain_false_leaves_out_untagged_lines() -> None:
    out = io.StringIO()
    capture([], args_file=FIXTURES / "mat-simplecubic-nopolar" / "args.txt", stream=out,
            notes_stream=io.StringIO(), plain=False)
    assert all(line.startswith("TRACE") for line in out.getvalue().splitlines())


def test_no_trace_pixel_still_prints_the_set_up_without_banner() -> None:
    out = io.StringIO()
    result = capture(["-cell", "100", "100", "100", "90", "90", "90", "-default_F", "1", "-detpixels", "16"],
                     stream=out, notes_stream=io.StringIO())
    text = out.getvalue()
    assert "TRACE: Computing cross products of reciprocal vectors:" in text
    assert "TRACE_CONFIG" not in text and not result.pixel_traced


def test_a_traced_pixel_outside_the_roi_is_refused_before_anything_is_printed() -> None:
    """The C prints the banner, no pixel and exits 0; capture refuses instead (an empty trace is no proof)."""
    out = io.StringIO()
    with pytest.raises(TraceDiffError, match=r"-trace_pixel 9 9: outside -roi 0 3 0 3"):
        capture(["-cell", "100", "100", "100", "90", "90", "90", "-default_F", "1", "-detpixels", "16",
                 "-roi", "0", "3", "0", "3", "-trace_pixel", "9", "9"], stream=out, notes_stream=io.StringIO())
    assert out.getvalue() == ""


# --- the narrative's values ------------------------------------------------------------------------


def _steps(*words: str, base: Path | None = None):  # type: ignore[no-untyped-def]
    crystal = build_crystal(parse_argv([*words, "-default_F", "1"], base_dir=base))
    assert crystal.steps is not None
    return crystal.steps


def _narrative(steps) -> list[str]:  # type: ignore[no-untyped-def]
    out = io.StringIO()
    emit_crystal_trace(steps, TraceWriter(out), plain=True)
    return out.getvalue().splitlines()


def test_every_line_gets_exactly_its_values() -> None:
    steps = _steps("-cell", "70", "80", "90", "75", "85", "95", "-misset", "10", "20", "30")
    values = narrative_values(steps)
    lines = cat.narrative_lines(narrative_conditions(steps))
    assert {line.key for line in lines if line.fields} == set(values)
    for line in lines:
        assert len(values.get(line.key, ())) == len(line.fields), line.key


def test_cubic_cell_prints_the_cos90_residues_and_signed_zeros() -> None:
    lines = _narrative(_steps("-cell", "100", "100", "100", "90", "90", "90"))
    assert "TRACE:     b_star = [-6.12323e-19, 0.01, 0]" in lines
    assert "TRACE:     a_star x b_star = [0, -0, 0.0001]" in lines
    assert "TRACE:   V_cell = 1e+06, V_star = 1e-06" in lines
    assert "TRACE:   a = [100, 6.12323e-15, 6.12323e-15] |a| = 100" in lines
    assert "TRACE:   After conversion: a = [1e-08, 6.12323e-25, 6.12323e-25] |a| = 1e-08 meters" in lines
    assert not any("misset" in x or "raw" in x for x in lines)


def test_cell_values_before_the_override_and_stale_slots() -> None:
    """-cell: the cross products are printed before the rescaling, V* before the override; the
    misset leaves the length slots (|a_star|) alone."""
    steps = _steps("-cell", "70", "80", "90", "75", "85", "95", "-misset", "10", "20", "30")
    assert steps.misset is not None and not steps.misset.random
    assert steps.v_star_dot != steps.v_star  # a*.(b* x c*) before the override, 1/V of the cell after
    assert math.isclose(steps.v_star * steps.v_cell, 1.0, rel_tol=1e-15)
    assert steps.star_cross[1] != steps.star_cross_used[0]  # b* x c* before / after the rescaling
    lengths = [math.sqrt(sum(x * x for x in v)) for v in steps.misset.after]
    assert lengths[2] != steps.slots[2]  # c*: the formula length, not the vector's
    lines = _narrative(steps)
    after_c = f"TRACE:   c_star = {format_g_list(steps.misset.after[2])} |c_star| = {format_g(steps.slots[2])}"
    assert lines.count(after_c) == 1
    assert "TRACE:   misset angles = [10, 20, 30] degrees" in lines


def test_matrix_lines(tmp_path: Path) -> None:
    (tmp_path / "A.mat").write_text("-0.02 0.01 0.03\n0.001 -0.04 0.002\n0.01 0.02 -0.03\n")
    steps = _steps("-mat", "A.mat", "-lambda", "1.54", base=tmp_path)
    lines = _narrative(steps)
    assert lines[:7] == [
        "TRACE: Raw matrix values from file:",
        "TRACE:   a_star (raw) = [-0.02, 0.001, 0.01]",
        "TRACE:   b_star (raw) = [0.01, -0.04, 0.02]",
        "TRACE:   c_star (raw) = [0.03, 0.002, -0.03]",
        "TRACE:   lambda0 = 1.54 Angstroms",
        "TRACE:   scaling factor = 1e-10/lambda0 = 0.649351",
        "TRACE: After wavelength correction:",
    ]
    assert narrative_conditions(steps) == {"matrix"}


def test_random_misset_prints_the_untagged_angles_before_the_misset_block() -> None:
    # (-misset_seed first: it also matches -misset and would read three angles after it)
    lines = _narrative(_steps("-cell", "100", "100", "100", "90", "90", "90", "-misset_seed", "7",
                              "-misset", "random"))
    i = next(i for i, x in enumerate(lines) if x.startswith("random orientation misset angles: "))
    assert lines[i + 1] == "TRACE: Before misset rotation:"
    assert lines[i].endswith(" deg") and len(lines[i].split()) == 8


def test_cell_and_matrix_together_take_directions_from_the_matrix_and_lengths_from_the_cell(tmp_path: Path) -> None:
    (tmp_path / "A.mat").write_text("0.01 0 0\n0 0.01 0\n0 0 0.01\n")
    steps = _steps("-cell", "50", "60", "70", "90", "90", "90", "-mat", "A.mat", "-lambda", "1", base=tmp_path)
    assert steps.matrix is not None and steps.slots == steps.matrix.lengths
    assert [round(x, 9) for x in steps.real_lengths] == [50.0, 60.0, 70.0]


# --- the emitter -----------------------------------------------------------------------------------


def test_fill_narrative_formats_like_c_printf() -> None:
    assert fill_narrative("  a = {} |a| = {}", [(100.0, 6.123233995736766e-15, -0.0), 100.0]) == \
        "  a = [100, 6.12323e-15, -0] |a| = 100"
    assert fill_narrative("V = {}", [torch.tensor(1e6, dtype=torch.float64)]) == "V = 1e+06"
    assert fill_narrative("v = {}", [torch.tensor([1.0, 2.5, -3e-5])]) == "v = [1, 2.5, -3e-05]"
    with pytest.raises(ValueError):
        fill_narrative("v = {}", [])


def test_writer_tags() -> None:
    out = io.StringIO()
    writer = TraceWriter(out)
    writer.tagged("SOURCE2", "F_cell", 24.5)
    writer.narrative("Computing cross products of reciprocal vectors:")
    writer.config("tracing pixel (spixel=1, fpixel=2)")
    assert out.getvalue().splitlines() == [
        "TRACE_PY_SOURCE2: F_cell 24.5",
        "TRACE: Computing cross products of reciprocal vectors:",
        "TRACE_CONFIG: tracing pixel (spixel=1, fpixel=2)",
    ]
    assert writer.lines_written == 3


# --- bad input files: one error, no partial trace --------------------------------------------------


@pytest.mark.parametrize("name, content, flag, line", [
    ("bad.mat", "1 2 3\n4 5\n", "-mat", 2),
    ("bad.hkl", "h k l F\n", "-hkl", 1),
])
def test_bad_input_file_fails_before_anything_is_printed(
    tmp_path: Path, name: str, content: str, flag: str, line: int
) -> None:
    (tmp_path / name).write_text(content)
    crystal = ["-cell", "100", "100", "100", "90", "90", "90"] if flag != "-mat" else []
    argv = [*crystal, flag, str(tmp_path / name), "-default_F", "1", "-detpixels", "16", "-trace_pixel", "2", "2"]
    out = io.StringIO()
    with pytest.raises(TraceDiffError) as info:
        capture(argv, stream=out, notes_stream=io.StringIO())
    assert out.getvalue() == ""
    message = str(info.value)
    assert message.startswith(f"{tmp_path / name}:{line}: ") and "\n" not in message


def test_bad_input_file_cli_exit_2_and_empty_stdout(run_module, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "bad.mat").write_text("1 2 3\n")
    result = run_module("capture", "--", "-mat", str(tmp_path / "bad.mat"), "-default_F", "1", "-trace_pixel", "1", "1")
    assert result.code == 2
    assert result.stdout == ""
    errors = [x for x in result.stderr.splitlines() if "error" in x]
    assert errors == [
        f"tracediff: error: {tmp_path / 'bad.mat'}:1: expected 9 numbers (3 lines of a*, b*, c* components), found 3"
    ]
