"""Pairing: by (family, field, occurrence), in the reference's order.

Line numbers expected below are found by reading the fixture text (the k-th line that
prints a field), never from what the parser produced.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tracediff import compare_logs


def nth_line(path: Path, needle: str, n: int) -> int:
    """1-based number of the n-th (0-based) line of ``path`` containing ``needle``."""
    hits = [i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1) if needle in line]
    return hits[n]


def compare(cli, ref: Path, cand: Path, *options: object):
    result = cli("compare", ref, cand, "--format", "json", "--all", *options)
    assert result.code in (0, 1), result.stderr
    doc = result.json()
    assert doc["verdict"] == ("match" if result.code == 0 else "diverged")
    return result.code, doc


def test_repeated_blocks_align_one_to_one(cli, logs):
    ref, cand = logs / "align" / "subpixels_ref.log", logs / "align" / "subpixels_cand.log"
    code, doc = compare(cli, ref, cand)
    assert code == 1
    first = doc["first_divergence"]
    # the third sub-pixel block (occurrence 2) prints a different I_before_scaling
    assert (first["family"], first["field"], first["occurrence"]) == ("TRACE", "I_before_scaling", 2)
    assert first["ref_line"] == nth_line(ref, "I_before_scaling", 2)
    assert first["cand_line"] == nth_line(cand, "I_before_scaling", 2)
    assert first["ref_line"] != first["cand_line"]  # the candidate's extra lines shift it
    counts = doc["counts"]
    # reference: 1 + 4 x (2 TRACE + 4 TRACE_PHI keys + 2 TRACE) + 1 = 34 records
    assert counts["compared"] == 34
    assert counts["diverged"] == 1
    assert counts["only_in_ref"] == 0
    assert counts["only_in_cand"] == 4  # spindle_axis, once per block
    # every pair is the k-th print of the field on both sides
    for row in doc["fields"]:
        if row["status"] in ("match", "diverged"):
            needle = {"TRACE": f"TRACE_C: {row['field']} ", "TRACE_PHI": f" {row['field']}="}
            assert row["ref_line"] == nth_line(ref, needle[row["family"]], row["occurrence"]), row
    diverged = [(r["field"], r["occurrence"]) for r in doc["fields"] if r["status"] == "diverged"]
    assert diverged == [("I_before_scaling", 2)]


def test_repeated_blocks_all_agree_when_identical(cli, logs, write):
    ref = logs / "align" / "subpixels_ref.log"
    cand_text = ref.read_text(encoding="utf-8").replace("TRACE_C", "TRACE_PY")
    code, doc = compare(cli, ref, write("cand.log", cand_text))
    assert code == 0
    assert doc["counts"]["compared"] == 34 and doc["counts"]["diverged"] == 0


def test_a_block_missing_from_the_candidate_shifts_nothing(cli, logs, write):
    """Dropping the last sub-pixel block: blocks 0-2 still pair with blocks 0-2, and the
    fourth block's fields are missing (not paired with another block's values)."""
    ref = logs / "align" / "subpixels_ref.log"
    lines = ref.read_text(encoding="utf-8").replace("TRACE_C", "TRACE_PY").splitlines(keepends=True)
    start = nth_line(ref, "subpixel_pos", 3) - 1
    end = nth_line(ref, "I_before_scaling", 3)
    cand = write("cand.log", "".join(lines[:start] + lines[end:]))
    code, doc = compare(cli, ref, cand)
    assert code == 1
    assert doc["counts"]["diverged"] == 0
    assert doc["counts"]["only_in_ref"] == 8  # one block: 2 + 4 + 2 records
    first = doc["first_divergence"]
    assert (first["field"], first["occurrence"]) == ("subpixel_pos", 3)
    assert first["ref_line"] == start + 1
    assert first["cand_line"] is None


def test_fields_only_in_the_candidate_are_reported_but_do_not_fail(cli, logs, write):
    ref = logs / "align" / "order_ref.log"
    cand_text = ref.read_text(encoding="utf-8").replace("TRACE_C", "TRACE_PY")
    cand_text += "TRACE_PY: spindle_axis_x 1\nTRACE_PY: F_cell_interpolated 100\n"
    code, doc = compare(cli, ref, write("cand.log", cand_text))
    assert code == 0
    assert doc["counts"]["only_in_cand"] == 2
    assert doc["counts"]["compared"] == 5
    extra = {r["field"] for r in doc["fields"] if r["status"] not in ("match", "diverged", "missing", "waived")}
    assert extra == {"spindle_axis_x", "F_cell_interpolated"}


def test_a_reference_field_missing_from_the_candidate_fails(cli, logs):
    ref, cand = logs / "align" / "order_ref.log", logs / "align" / "missing_cand.log"
    code, doc = compare(cli, ref, cand)
    assert code == 1
    assert doc["counts"]["only_in_ref"] == 1
    assert doc["counts"]["only_in_cand"] == 1
    assert doc["counts"]["diverged"] == 0
    first = doc["first_divergence"]
    assert (first["field"], first["occurrence"]) == ("F_latt", 0)
    assert first["ref_line"] == nth_line(ref, "F_latt", 0)
    assert first["cand_line"] is None


def test_allow_missing(cli, logs):
    ref, cand = logs / "align" / "order_ref.log", logs / "align" / "missing_cand.log"
    code, doc = compare(cli, ref, cand, "--allow-missing")
    assert code == 0
    assert doc["counts"]["only_in_ref"] == 1
    assert doc["counts"]["compared"] == 4


def test_allow_missing_does_not_hide_a_divergence(cli, logs, write):
    ref = logs / "align" / "order_ref.log"
    cand = write("cand.log", "TRACE_PY: lambda_meters 1e-10\nTRACE_PY: F_cell 100.5\n")
    code, doc = compare(cli, ref, cand, "--allow-missing")
    assert code == 1
    assert doc["first_divergence"]["field"] == "F_cell"


@pytest.mark.parametrize("cut_after", ["I_before_scaling 30771", "k_frac=-0.198109330877383 F_la"])
def test_a_candidate_cut_short_fails(cli, logs, write, cut_after):
    """The port crashed: its log stops (mid-line or at a line end) inside block 2."""
    ref = logs / "align" / "subpixels_ref.log"
    text = ref.read_text(encoding="utf-8").replace("TRACE_C", "TRACE_PY")
    cut = text.index(cut_after) + len(cut_after)
    cand = write("cand.log", text[:cut])
    code, doc = compare(cli, ref, cand)
    assert code == 1
    first = doc["first_divergence"]
    assert first["ref_line"] is not None
    # everything before the cut pairs and agrees; the first failure is at or after it
    cut_line = text[:cut].count("\n") + 1
    assert first["ref_line"] >= cut_line - 1
    assert doc["counts"]["only_in_ref"] > 0


def test_first_divergence_is_in_reference_order(cli, logs):
    """The candidate's first line (F_cell) diverges, but hkl_frac comes first in the
    reference and diverges too: it is the first divergence."""
    ref, cand = logs / "align" / "order_ref.log", logs / "align" / "order_cand.log"
    code, doc = compare(cli, ref, cand)
    assert code == 1
    first = doc["first_divergence"]
    assert (first["field"], first["occurrence"]) == ("hkl_frac", 0)
    assert first["ref_line"] == 2
    assert first["cand_line"] == 4
    assert doc["counts"]["diverged"] == 2
    assert doc["counts"]["compared"] == 5


def test_library_api_agrees_with_cli(logs):
    result = compare_logs(logs / "align" / "order_ref.log", logs / "align" / "order_cand.log")
    assert result.verdict == "diverged"
    assert result.exit_code == 1
    assert result.first_divergence.field == "hkl_frac"
    assert result.counts.diverged == 2


def test_c_and_py_tags_share_a_family(cli, write):
    """TRACE_C, TRACE_PY and TRACE are one family; TRACE_C_PHI and TRACE_PY_PHI another."""
    ref = write("ref.log", "TRACE_C: a 1\nTRACE: b 2\nTRACE_C_PHI phi_tic=0 k=3\n")
    cand = write("cand.log", "TRACE_PY: a 1\nTRACE_PY: b 2\nTRACE_PY_PHI phi_tic=0 k=3\n")
    code, doc = compare(cli, ref, cand)
    assert code == 0
    assert doc["counts"]["compared"] == 4
    # but a PHI field does not pair with the same name in the plain family
    cand2 = write("cand2.log", "TRACE_PY: a 1\nTRACE_PY: b 2\nTRACE_PY: phi_tic 0\nTRACE_PY: k 3\n")
    code, doc = compare(cli, ref, cand2)
    assert code == 1
    assert doc["counts"]["only_in_ref"] == 2 and doc["counts"]["only_in_cand"] == 2


def test_the_first_value_divergence_comes_before_missing_fields(cli, write):
    """Issue 11: the headline is the first value divergence; the missing field that precedes
    it is ``first_missing`` (it used to be the headline, burying the divergence)."""
    ref = write("ref.log", "TRACE_C: a 1.5\nTRACE_C: b 2.5\nTRACE_C: c 3.5\n")
    cand = write("cand.log", "TRACE_PY: b 2.75\nTRACE_PY: c 3.5\n")
    code, doc = compare(cli, ref, cand)
    assert code == 1
    assert (doc["first_divergence"]["field"], doc["first_divergence"]["ref_line"]) == ("b", 2)
    assert (doc["first_missing"]["field"], doc["first_missing"]["ref_line"]) == ("a", 1)
    code, doc = compare(cli, ref, cand, "--allow-missing")
    assert code == 1
    assert (doc["first_divergence"]["field"], doc["first_divergence"]["ref_line"]) == ("b", 2)


def test_an_extra_occurrence_in_the_candidate_is_only_in_candidate(cli, write):
    ref = write("ref.log", "TRACE_C: F_latt 1.5\nTRACE_C: F_latt 2.5\n")
    cand = write("cand.log", "TRACE_PY: F_latt 1.5\nTRACE_PY: F_latt 2.5\nTRACE_PY: F_latt 3.5\n")
    code, doc = compare(cli, ref, cand)
    assert code == 0
    assert doc["counts"]["compared"] == 2 and doc["counts"]["only_in_cand"] == 1
    extra = [r for r in doc["fields"] if r["field"] == "F_latt" and r["cand_line"] == 3]
    assert len(extra) == 1 and extra[0]["occurrence"] == 2 and extra[0]["ref_line"] is None


def test_alignment_holds_in_long_logs_printed_in_another_order(tmp_path):
    """Megabytes of trace: the candidate prints every field in the reverse order.  Each
    field still pairs with its partner, and of the two divergences the one earlier in the
    reference is the first, although it is the later one in the candidate."""
    n = 100_000

    def line(i: int, side: str, value: str | None = None) -> str:
        return f"TRACE_{side}: g{i} {value or f'{i}.25'} {i}.5 -{i}.75"

    ref = tmp_path / "ref.log"
    ref.write_text("".join(f"{line(i, 'C')}\n{'-' * 40}\n" for i in range(n)), encoding="utf-8")
    assert ref.stat().st_size > 5_000_000
    cand_lines = [line(i, "PY") for i in range(n)]
    cand_lines[100] = line(100, "PY", "999.5")
    cand_lines[n - 100] = line(n - 100, "PY", "999.5")
    cand_lines.reverse()
    cand = tmp_path / "cand.log"
    cand.write_text("\n".join(cand_lines) + "\n", encoding="utf-8")
    result = compare_logs(ref, cand)
    assert result.exit_code == 1
    assert (result.counts.compared, result.counts.diverged) == (n, 2)
    assert result.counts.only_in_ref == 0 and result.counts.only_in_cand == 0
    first = result.first_divergence
    assert (first.field, first.occurrence) == ("g100", 0)
    assert first.ref_line == 2 * 100 + 1
    assert first.cand_line == n - 100

    short = tmp_path / "short.log"
    short.write_text("\n".join(line(i, "PY") for i in range(60_000)) + "\n", encoding="utf-8")
    result = compare_logs(ref, short)
    assert result.exit_code == 1
    assert (result.counts.compared, result.counts.only_in_ref, result.counts.diverged) == (60_000, 40_000, 0)
    assert (result.first_divergence.field, result.first_divergence.ref_line) == ("g60000", 2 * 60_000 + 1)


def test_first_stops_reading_at_a_settled_first_divergence(tmp_path):
    """--first: once nothing read later can precede it, the divergence is reported at once."""
    from tracediff.compare.engine import compare_logs
    from tracediff.compare.options import CompareOptions

    ref = tmp_path / "ref.log"
    cand = tmp_path / "cand.log"
    n = 200_000
    ref.write_text("".join(f"TRACE_C: f{i % 50} {i}.5\n" for i in range(n)))
    cand.write_text("".join(f"TRACE_PY: f{i % 50} {i + (1 if i == 10 else 0)}.5\n" for i in range(n)))
    full = compare_logs(ref, cand, CompareOptions())
    first = compare_logs(ref, cand, CompareOptions(first_only=True))
    assert full.counts.compared == n and full.counts.diverged == 1
    assert first.first_divergence.ref_line == full.first_divergence.ref_line == 11
    assert first.counts.diverged == 1 and first.counts.compared < n  # stopped early
    assert first.exit_code == 1
