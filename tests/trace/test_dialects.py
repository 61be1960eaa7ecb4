"""Every trace dialect, read from the hand-written logs in ``fixtures/logs/``.

Expected records are written out by hand from the fixture text: line number, tag, tag
family (side marker removed), field, occurrence (earlier records with the same family
and field), value and unit.  They are checked through ``tracediff show --format json``,
whose schema is ``{"records": [{line, tag, family, field, occurrence, value, unit}...],
"lines": N, "skipped": M}``, and, where JSON cannot carry the value (NaN, infinities),
through :func:`tracediff.parse_log`.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from tracediff import parse_log

RECORD_KEYS = {"line", "tag", "family", "field", "occurrence", "value", "unit"}


def _reject_constant(name: str) -> None:
    raise AssertionError(f"show --format json wrote the non-JSON constant {name}")


def show_json(cli, path: Path) -> dict:
    result = cli("show", path, "--format", "json")
    assert result.code == 0, result.stderr
    assert result.stderr == ""
    doc = json.loads(result.stdout, parse_constant=_reject_constant)
    assert set(doc) >= {"records", "lines", "skipped"}
    for record in doc["records"]:
        assert set(record) >= RECORD_KEYS, record
    return doc


def rows(doc: dict) -> list[tuple]:
    return [
        (r["line"], r["tag"], r["family"], r["field"], r["occurrence"], r["value"], r["unit"])
        for r in doc["records"]
    ]


def test_space_dialect(cli, logs):
    """``TAG: key v v v``: the first word is the key, the rest are the numbers."""
    doc = show_json(cli, logs / "dialect_space.log")
    assert rows(doc) == [
        (2, "TRACE_C", "TRACE", "pix0_vector_meters", 0, [0.1, 0.0065, -0.0065], None),
        (3, "TRACE_C", "TRACE", "R_distance_meters", 0, 0.100001224992497, None),
        (4, "TRACE_C", "TRACE", "hkl_rounded", 0, [0, 0, 0], None),
        (5, "TRACE_C", "TRACE", "steps", 0, 12, None),
        (6, "TRACE_C", "TRACE", "F_latt", 0, -0.441906188316127, None),
        (8, "TRACE_C", "TRACE", "scattering_vec_A_inv", 0,
         [-122497.749108774, -34999571.2578781, 34999571.2578781], None),
        (9, "TRACE_C", "TRACE", "r_e_sqr", 0, 7.94079248018965e-30, None),
    ]
    # 9 lines: the banner (1) and the progress line (7) are not trace lines
    assert doc["lines"] == 9
    assert doc["skipped"] == 2


def test_integer_value_stays_an_integer(cli, logs):
    doc = show_json(cli, logs / "dialect_space.log")
    steps = next(r for r in doc["records"] if r["field"] == "steps")
    assert isinstance(steps["value"], int) and steps["value"] == 12


def test_equals_dialect(cli, logs):
    """``TAG:key=v v v``, including a text value and a line that is no trace line."""
    doc = show_json(cli, logs / "dialect_equals.log")
    assert rows(doc) == [
        (2, "TRACE_C", "TRACE", "fdet_after_rotz", 0, [0, 0, 1], None),
        (3, "TRACE_C", "TRACE", "Fbeam_m", 0, 0.0065, None),
        (4, "TRACE_C", "TRACE", "distance_m", 0, 0.1, None),
        (5, "TRACE_C", "TRACE", "term_fast", 0, [0, 0, -0.0065], None),
        (6, "TRACE_C", "TRACE", "detector_convention", 0, "MOSFLM", None),
        (8, "TRACE_C", "TRACE", "pix0_vector", 0, [0.1, 0.0065, -0.0065], None),
        (9, "TRACE_C", "TRACE", "convention_mapping", 0,
         "Fbeam←Ybeam_mm(+0.5px),Sbeam←Xbeam_mm(+0.5px),beam_vec=[1 0 0]", None),
    ]
    assert doc["lines"] == 9
    assert doc["skipped"] == 2  # the convention banner and DETECTOR_PIX0_VECTOR


def test_negative_zero_is_read_as_zero_with_its_sign(logs):
    log = parse_log(logs / "dialect_equals.log")
    term_fast = next(r for r in log.records() if r.field == "term_fast")
    numbers = term_fast.value.numbers
    assert list(numbers) == [0.0, 0.0, -0.0065]
    assert math.copysign(1.0, numbers[0]) == -1.0 and math.copysign(1.0, numbers[1]) == -1.0


def test_matrix_dialect(cli, logs):
    """``TAG:key=[a b c; d e f; g h i]`` is a 3x3 matrix, row by row."""
    doc = show_json(cli, logs / "dialect_matrix.log")
    assert rows(doc) == [
        (1, "TRACE_C", "TRACE", "Rx", 0, [[1, 0, 0], [0, 0.995, -0.0998], [0, 0.0998, 0.995]], None),
        (2, "TRACE_C", "TRACE", "R_total", 0, [[1, 0, 0], [0, 1, 0], [0, 0, 1]], None),
    ]
    log = parse_log(logs / "dialect_matrix.log")
    rx = next(log.records())
    assert rx.value.shape == (3, 3)
    assert list(rx.value.numbers) == [1, 0, 0, 0, 0.995, -0.0998, 0, 0.0998, 0.995]


def test_named_subvalue_dialect(cli, logs):
    """``TAG:key=sub:v sub:v`` (and ``TAG: key sub:v ...``) keep their sub-names in order."""
    doc = show_json(cli, logs / "dialect_named.log")
    assert rows(doc) == [
        (1, "TRACE_C", "TRACE", "angles_rad", 0, {"rotx": 0, "roty": 0, "rotz": 0, "twotheta": 0.1}, None),
        (2, "TRACE_C", "TRACE", "beam_center_m", 0, {"X": 6.45e-06, "Y": 6.45e-06, "pixel_mm": 0.1}, None),
        # same family (TRACE), same field: the second print is occurrence 1
        (3, "TRACE_PY", "TRACE", "beam_center_m", 1, {"X": 6.45e-06, "Y": 6.45e-06, "pixel_mm": 0.1}, None),
    ]
    assert list(doc["records"][0]["value"]) == ["rotx", "roty", "rotz", "twotheta"]


def test_bracketed_comma_list_dialect(cli, logs):
    """``TAG: key = [a, b, c]`` and ``TAG: key = v``."""
    doc = show_json(cli, logs / "dialect_list.log")
    assert rows(doc) == [
        (1, "TRACE_PY", "TRACE", "a_star", 0, [0.01, 0, 0], None),
        (2, "TRACE_PY", "TRACE", "pixel_pos", 0, [0.1, -0.00035, 0.00035], None),
        (3, "TRACE_PY", "TRACE", "close_distance", 0, 0.1, None),
    ]


@pytest.mark.parametrize("name, tag", [("dialect_phi_c.log", "TRACE_C_PHI"), ("dialect_phi_py.log", "TRACE_PY_PHI")])
def test_phi_key_value_dialect(cli, logs, name, tag):
    """``TAG_PHI k=v k=v``: one field per key, family TRACE_PHI for both sides, its own
    occurrence numbering (F_latt in TRACE_PHI does not count TRACE's F_latt)."""
    side = "TRACE_C" if tag == "TRACE_C_PHI" else "TRACE_PY"
    doc = show_json(cli, logs / name)
    assert rows(doc) == [
        (1, side, "TRACE", "F_latt", 0, -0.441906188316127, None),
        (2, tag, "TRACE_PHI", "phi_tic", 0, 0, None),
        (2, tag, "TRACE_PHI", "phi_deg", 0, 5, None),
        (2, tag, "TRACE_PHI", "k_frac", 0, -0.197109330877383, None),
        (2, tag, "TRACE_PHI", "F_latt_b", 0, 0.0782043655323442, None),
        (2, tag, "TRACE_PHI", "F_latt", 0, -0.441906188316127, None),
        (3, side, "TRACE", "F_cell", 0, 100, None),
        (4, tag, "TRACE_PHI", "phi_tic", 1, 1, None),
        (4, tag, "TRACE_PHI", "phi_deg", 1, 5.5, None),
        (4, tag, "TRACE_PHI", "k_frac", 1, -0.196885105127429, None),
        (4, tag, "TRACE_PHI", "F_latt_b", 1, 0.0843493017070176, None),
        (4, tag, "TRACE_PHI", "F_latt", 1, -0.478739098492151, None),
    ]


def test_c_and_py_phi_lines_pair_up(cli, logs):
    result = cli("compare", logs / "dialect_phi_c.log", logs / "dialect_phi_py.log", "--format", "json")
    assert result.code == 0, result.stdout
    counts = result.json()["counts"]
    assert counts["compared"] == 12
    assert counts["only_in_ref"] == 0 and counts["only_in_cand"] == 0


ANGSTROM_INV = {"1/Å", "Å^-1", "Å⁻¹", "1/A", "A^-1"}
ANGSTROM = {"Å", "A", "Angstroms", "Angstrom", "angstroms"}


def test_units_are_split_from_keys_and_values(cli, logs):
    """``(m)`` in the key, a trailing `` m``, ``Å^-1``, ``Angstroms``: the value stays numeric,
    the key loses its unit, and the unit is reported."""
    doc = show_json(cli, logs / "dialect_units.log")
    got = {r["field"]: r for r in doc["records"]}
    assert [r["field"] for r in doc["records"]] == ["Position", "distance", "q_magnitude", "lambda0", "Airpath"]
    assert [r["line"] for r in doc["records"]] == [1, 2, 3, 4, 5]
    assert got["Position"]["value"] == [0.1, 0.2, 0.3] and got["Position"]["unit"] == "m"
    assert got["distance"]["value"] == 0.1 and got["distance"]["unit"] == "m"
    assert got["q_magnitude"]["value"] == 1.5 and got["q_magnitude"]["unit"] in ANGSTROM_INV
    assert got["lambda0"]["value"] == 6.2 and got["lambda0"]["unit"] in ANGSTROM
    assert got["Airpath"]["value"] == 0.1001798382909 and got["Airpath"]["unit"] == "m"


def test_trace_line_starting_mid_line(cli, logs):
    """nanoBragg's interpolation warning ends without a newline: the trace line that
    follows starts in the middle of the warning's line."""
    doc = show_json(cli, logs / "dialect_midline.log")
    assert rows(doc) == [
        (3, "TRACE_C", "TRACE", "F_cell", 0, 50, None),
        (4, "TRACE_C", "TRACE", "I_before_scaling", 0, 2500, None),
        (5, "TRACE_C", "TRACE", "F_latt", 0, 125, None),
    ]
    assert doc["lines"] == 5 and doc["skipped"] == 2


def test_narrative_and_non_trace_lines_give_no_record(cli, logs):
    """``TRACE: Raw matrix values from file:`` and section markers are narrative; banner,
    progress, blank and statistics lines are not trace lines.  All are skipped."""
    doc = show_json(cli, logs / "dialect_narrative.log")
    assert rows(doc) == [
        (5, "TRACE", "TRACE", "a_star", 0, [0.01, 0, 0], None),
        (8, "TRACE_C", "TRACE", "I_pixel_final", 0, 0.00287079523165602, None),
    ]
    assert doc["lines"] == 9
    assert doc["skipped"] == 7


def test_narrative_header_alone_gives_no_record(write):
    path = write("narrative.log", "TRACE: Raw matrix values from file:\nTRACE_C: x 1\n")
    assert [(r.line, r.field) for r in parse_log(path).records()] == [(2, "x")]


SPECIALS = {
    "close_distance": "nan", "neg_nan": "nan", "pos_inf": math.inf, "cap_inf": math.inf,
    "neg_inf": -math.inf, "upper_nan": "nan", "mixed_nan": "nan", "eq_nan": "nan",
}


def test_nan_and_inf_in_any_case(logs):
    records = {r.field: r for r in parse_log(logs / "dialect_specials.log").records()}
    assert len(records) == 10
    for name, expected in SPECIALS.items():
        (value,) = records[name].value.numbers
        if expected == "nan":
            assert math.isnan(value), name
        else:
            assert value == expected, name
    assert list(records["int_min"].value.numbers) == [-2147483648]
    one, nan, minus_inf = records["vec_special"].value.numbers
    assert one == 1 and math.isnan(nan) and minus_inf == -math.inf


def test_show_json_is_strict_json_with_nan_and_inf(cli, logs):
    doc = show_json(cli, logs / "dialect_specials.log")  # fails on bare NaN / Infinity
    assert len(doc["records"]) == 10


def test_every_line_is_either_a_record_or_skipped(logs):
    for path in sorted(logs.glob("dialect_*.log")):
        log = parse_log(path)
        record_lines = {r.line for r in log.records()}
        n_lines = len(path.read_text(encoding="utf-8").splitlines())
        assert log.info.lines_read == n_lines, path.name
        assert log.info.skipped == n_lines - len(record_lines), path.name


def test_occurrences_count_per_family_and_field(logs):
    """Repeated blocks: the k-th print of a field is occurrence k, counted separately for
    each (family, field)."""
    log = parse_log(logs / "align" / "subpixels_ref.log")
    seen: dict[tuple[str, str], int] = {}
    lines = (logs / "align" / "subpixels_ref.log").read_text(encoding="utf-8").splitlines()
    for record in log.records():
        key = (record.family, record.field)
        assert record.occurrence == seen.get(key, 0), (record.line, key)
        seen[key] = seen.get(key, 0) + 1
        assert record.tag in lines[record.line - 1]
    # 4 sub-pixel blocks, each printing these once
    for key in [("TRACE", "subpixel_pos"), ("TRACE", "hkl_frac"), ("TRACE", "F_latt"),
                ("TRACE", "I_before_scaling"), ("TRACE_PHI", "F_latt"), ("TRACE_PHI", "k_frac")]:
        assert seen[key] == 4, key
    assert seen[("TRACE", "pix0_vector_meters")] == 1


@pytest.mark.parametrize("token", ["1e", "--1", "1-2", "1.2.3", "+-1", "e5", ".", "-", "+", "e", "1e5e", "0x10", "1_000"])
@pytest.mark.parametrize("form", ["TRACE_C: label {}", "TRACE_C:label={}"], ids=["space", "equals"])
def test_numeric_looking_text_stays_text(write, token, form):
    """Characters of numbers that make no number are text, not NaN."""
    path = write("t.log", form.format(token) + "\n")
    (record,) = parse_log(path).records()
    assert record.field == "label"
    assert record.kind == "text", record
    assert record.value.text == token
    assert record.value.numbers == ()


@pytest.mark.parametrize("text, value", [("+3", 3), ("-.5", -0.5), ("5.", 5.0), ("1.5E+3", 1500.0), ("-0", 0.0)])
def test_number_spellings(write, text, value):
    path = write("n.log", f"TRACE_C: x {text}\nTRACE_C:y={text}\n")
    assert [list(r.value.numbers) for r in parse_log(path).records()] == [[value], [value]]


@pytest.mark.parametrize(
    "line",
    ["TRACE_C: pix0_vector\t0.1 0.0065 -0.0065", "TRACE_C: pix0_vector  0.1 0.0065 -0.0065",
     "TRACE_C:\tpix0_vector 0.1 0.0065 -0.0065", "TRACE_C: pix0_vector 0.1\t0.0065\t-0.0065",
     "\tTRACE_C: pix0_vector 0.1 0.0065 -0.0065"],
    ids=["tab-after-name", "two-spaces", "tab-after-tag", "tabs-between-values", "indented"],
)
def test_whitespace_variants_of_the_space_dialect(write, line):
    """Tabs and repeated blanks are whitespace like a single space: the name is the first
    word, the numbers are the rest."""
    (record,) = parse_log(write("ws.log", line + "\n")).records()
    assert record.field == "pix0_vector"
    assert list(record.value.numbers) == [0.1, 0.0065, -0.0065]


def test_numpy_style_array(write):
    path = write("np.log", "TRACE_PY:fdet_vec=[ 0.031 -0.096  0.99 ]\nTRACE_PY: sdet_vec [-0.5  0.25 1.  ]\n")
    got = [(r.field, list(r.value.numbers)) for r in parse_log(path).records()]
    assert got == [("fdet_vec", [0.031, -0.096, 0.99]), ("sdet_vec", [-0.5, 0.25, 1.0])]


def test_unified_diff_and_side_by_side_listings(write):
    """``-TRACE_C:`` / ``+TRACE_PY:`` lines of a diff and tab-separated C | PY listings are
    read as the trace lines they quote."""
    diff = write("diff.txt", "--- c.log\n+++ py.log\n@@ -1,2 +1,2 @@\n TRACE_C: a 1.5\n-TRACE_C: b 2.5\n+TRACE_PY: b 2.75\n")
    got = [(r.line, r.tag, r.field, r.occurrence, list(r.value.numbers)) for r in parse_log(diff).records()]
    assert got == [(4, "TRACE_C", "a", 0, [1.5]), (5, "TRACE_C", "b", 0, [2.5]), (6, "TRACE_PY", "b", 1, [2.75])]
    side = write("side.tsv", "TRACE_C: hkl_frac 1 2 3\tTRACE_PY: hkl_frac 1 2 3.5\n")
    got = [(r.line, r.tag, r.field, list(r.value.numbers)) for r in parse_log(side).records()]
    assert got == [(1, "TRACE_C", "hkl_frac", [1, 2, 3]), (1, "TRACE_PY", "hkl_frac", [1, 2, 3.5])]
