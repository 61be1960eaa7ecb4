"""Hints: each situation of a careful colleague's checklist produces its hint, derived from
the data; plain cases (a match, an unexplained divergence) produce none."""

from __future__ import annotations

import math
import re
import struct

import pytest

from tracediff.compare.engine import compare_logs
from tracediff.compare.options import CompareOptions
from tracediff.hints import find_hints

FIELDS = {
    "beam_center_m": "X:0.0513 Y:0.0513 pixel_mm:0.1",
    "pix0_vector_meters": "0.1 0.0513 -0.0513",
    "fdet_vec": "0 0 1",
    "sdet_vec": "0 -1 0",
    "pixel_pos_meters": "0.1 0.00288333333333333 0.00711666666666667",
    "R_distance_meters": "0.100294369510734",
    "omega_pixel_sr": "9.91220652763787e-07",
    "diffracted_vec": "0.997064944800296 0.0287487059084085 0.0709577885716211",
    "lambda_meters": "1.2e-10",
    "rot_a_angstroms": "62.1893915386668 25.6435096159021 -19.3620761962537",
    "rot_a_star_A_inv": "0.0117488354723314 0.00678319332261517 -0.00493776092541037",
    "hkl_frac": "-0.819201689636376 4.12345678901234 5.98765432109876",
    "F_latt": "1.21657682080788",
    "I_pixel_final": "0.155139688512909",
}


def log(tag: str, fields: dict[str, str], extra: str = "") -> str:
    return "nanoBragg banner\n" + "".join(f"{tag}: {k} {v}\n" for k, v in fields.items()) + extra


def changed(**values: str) -> dict[str, str]:
    return {**FIELDS, **values}


def scaled(text: str, factor: float) -> str:
    return " ".join(f"{float(x) * factor:.15g}" for x in text.split())


@pytest.fixture
def hints_of(write):
    def _hints(ref: str, cand: str, **options) -> list:
        result = compare_logs(write("ref.log", ref), write("cand.log", cand), CompareOptions(keep_all=True, **options))
        return find_hints(result)

    return _hints


def codes(hints) -> list[str]:
    return [h.code for h in hints]


C = log("TRACE_C", FIELDS)


def test_a_match_has_no_hint(hints_of):
    assert hints_of(C, log("TRACE_PY", FIELDS)) == []


def test_an_unexplained_divergence_has_no_hint(hints_of):
    assert hints_of(C, log("TRACE_PY", changed(I_pixel_final="0.15514"))) == []


@pytest.mark.parametrize("field, factor, words", [
    ("pix0_vector_meters", 1e3, ("x 1000", "mm against m")),
    ("pix0_vector_meters", 1e-3, ("x 1/1000", "m against mm")),
    ("rot_a_angstroms", 1e-10, ("x 1e-10", "m against Å")),
    ("rot_a_angstroms", 1e10, ("x 1e10", "Å against m")),
    ("F_latt", 180 / math.pi, ("x 180/pi", "degrees against radians")),
    ("F_latt", math.pi / 180, ("x pi/180", "radians against degrees")),
    ("hkl_frac", 2 * math.pi, ("x 2pi",)),
    ("diffracted_vec", -1, ("= -reference", "sign flip")),
])
def test_a_unit_factor_is_named(hints_of, field, factor, words):
    hints = hints_of(C, log("TRACE_PY", changed(**{field: scaled(FIELDS[field], factor)})))
    assert codes(hints) == ["unit-factor"]
    assert field in hints[0].message and all(w in hints[0].message for w in words), hints[0].message


def test_permuted_components_are_named(hints_of):
    h, k, l = FIELDS["hkl_frac"].split()
    hints = hints_of(C, log("TRACE_PY", changed(hkl_frac=f"{k} {l} {h}")))
    assert codes(hints) == ["components-permuted"]
    assert "(1, 2, 0)" in hints[0].message


def test_a_partial_sign_flip_is_named(hints_of):
    h, k, l = FIELDS["hkl_frac"].split()
    hints = hints_of(C, log("TRACE_PY", changed(hkl_frac=f"{h} -{k} {l}")))
    assert codes(hints) == ["sign-flip"] and "[1]" in hints[0].message


def test_two_swapped_fields_are_named(hints_of):
    hints = hints_of(C, log("TRACE_PY", changed(fdet_vec=FIELDS["sdet_vec"], sdet_vec=FIELDS["fdet_vec"])))
    assert codes(hints) == ["fields-swapped"]
    assert "fdet_vec" in hints[0].message and "sdet_vec" in hints[0].message


@pytest.mark.parametrize("shift, words", [(0.5e-4, "half a pixel"), (1e-4, "one pixel")])
def test_an_offset_of_half_or_one_pixel_is_named(hints_of, shift, words):
    x, y, z = (float(v) for v in FIELDS["pixel_pos_meters"].split())
    hints = hints_of(C, log("TRACE_PY", changed(pixel_pos_meters=f"{x:.15g} {y + shift:.15g} {z:.15g}")))
    assert codes(hints) == ["pixel-offset"]
    assert words in hints[0].message and "component 1" in hints[0].message


def test_no_pixel_hint_without_a_pixel_size_in_the_trace(hints_of):
    fields = {k: v for k, v in FIELDS.items() if k != "beam_center_m"}
    x, y, z = (float(v) for v in FIELDS["pixel_pos_meters"].split())
    hints = hints_of(log("TRACE_C", fields), log("TRACE_PY", {**fields, "pixel_pos_meters": f"{x} {y + 0.5e-4} {z}"}))
    assert hints == []


def _float32(text: str) -> str:
    if ":" in text:
        return text
    return " ".join(f"{struct.unpack('f', struct.pack('f', float(x)))[0]:.15g}" for x in text.split())


def test_a_float32_candidate_is_recognised(hints_of):
    hints = hints_of(C, log("TRACE_PY", {k: _float32(v) for k, v in FIELDS.items()}))
    assert codes(hints) == ["float32"]
    assert "float32" in hints[0].message and "float32 values" in hints[0].evidence


def _six_digits(text: str) -> str:
    if ":" in text:
        return text
    return " ".join(f"{float(x):.6g}" for x in text.split())


def test_fewer_printed_digits_offer_the_print_precision_tolerance(hints_of):
    hints = hints_of(C, log("TRACE_PY", {k: _six_digits(v) for k, v in FIELDS.items()}))
    assert codes(hints) == ["print-precision"]  # print rounding, not float32
    message = next(h.message for h in hints if h.code == "print-precision")
    assert "6 significant digits" in message and "15" in message and "--rtol 5e-06" in message


def test_swapped_arguments_are_suspected(hints_of):
    hints = hints_of(log("TRACE_PY", FIELDS), log("TRACE_C", FIELDS))
    assert codes(hints) == ["arguments-swapped"]


def test_different_traced_pixels_are_named(hints_of):
    ref = C + "TRACE_CONFIG: tracing pixel (spixel=100, fpixel=200)\n"
    cand = log("TRACE_PY", FIELDS) + "TRACE_CONFIG: tracing pixel (spixel=101, fpixel=200)\n"
    hints = hints_of(ref, cand)
    assert codes(hints) == ["different-pixels"]
    message = hints[0].message  # the banner's spixel/fpixel pairs are fields of their own
    assert "spixel" in message and "100" in message and "101" in message


def test_different_runs_are_named(hints_of):
    hints = hints_of(C, log("TRACE_PY", changed(lambda_meters="6.2e-10")))
    assert codes(hints) == ["different-runs"] and "lambda_meters" in hints[0].message


def test_a_c_quirk_without_the_profile_suggests_it(hints_of):
    quirky = changed(rot_a_star_A_inv="0.0117464503273368 0.00678181694820523 -0.00493675796315074")
    hints = hints_of(C, log("TRACE_PY", quirky))
    assert codes(hints) == ["use-profile"] and "--profile nanobragg" in hints[0].message


PHI_C = "".join(f"TRACE_C_PHI phi_tic={t} phi_deg={d} k_frac={k}\n" for t, d, k in (
    (0, 0, "2.17026639453307"), (1, 0.1, "2.16705711972617"), (2, 0.2, "2.16812691204025"),
    (3, 0.3, "2.16919667139544"), (4, 0.4, "2.17026639453307")))
PHI_PY = PHI_C.replace("TRACE_C_PHI", "TRACE_PY_PHI").replace("phi_deg=0 k_frac=2.17026639453307",
                                                               "phi_deg=0 k_frac=2.16598732014527")


def test_the_c_phi_carry_over_is_recognised_and_named(hints_of):
    hints = hints_of(log("TRACE_C", FIELDS, PHI_C), log("TRACE_PY", FIELDS, PHI_PY))
    assert codes(hints) == ["c-phi-carry-over"]
    assert "carry-over" in hints[0].message and "tic 0 = tic 4" in hints[0].message


def test_a_phi_trace_that_agrees_has_no_carry_over_hint(hints_of):
    assert hints_of(log("TRACE_C", FIELDS, PHI_C), log("TRACE_PY", FIELDS, PHI_C.replace("_C_", "_PY_"))) == []


def test_a_missing_block_suggests_allow_missing(hints_of):
    block = ("pixel_pos_meters", "R_distance_meters", "omega_pixel_sr", "diffracted_vec", "lambda_meters")
    hints = hints_of(C, log("TRACE_PY", {k: v for k, v in FIELDS.items() if k not in block}))
    assert codes(hints) == ["block-missing"]
    assert "--allow-missing" in hints[0].message and "pixel_pos_meters" in hints[0].evidence


def test_a_renamed_field_suggests_the_alias(hints_of):
    cand = {("airpath_m" if k == "R_distance_meters" else k): v for k, v in FIELDS.items()}
    hints = hints_of(C, log("TRACE_PY", cand))
    assert codes(hints) == ["renamed-field"]
    assert '"airpath_m" = "R_distance_meters"' in hints[0].message


def test_hints_reach_the_json_and_the_text_report(cli, write):
    ref = write("ref.log", C)
    cand = write("cand.log", log("TRACE_PY", changed(pix0_vector_meters=scaled(FIELDS["pix0_vector_meters"], 1e3))))
    doc = cli("compare", ref, cand, "--format", "json").json()
    assert [h["code"] for h in doc["hints"]] == ["unit-factor"]
    assert set(doc["hints"][0]) == {"code", "message", "evidence"}
    text = cli("compare", ref, cand).stdout
    assert "hint: candidate = reference x 1000" in text
    same = write("same.log", log("TRACE_PY", FIELDS))
    assert cli("compare", ref, same, "--format", "json").json()["hints"] == []
    assert "hint:" not in cli("compare", ref, same).stdout


def test_no_reference_case_gets_a_hint_against_a_perfect_port(reference_dir, tmp_path):
    cases = sorted(p.parent for p in reference_dir.glob("*/trace_c.log"))
    assert cases
    for case in cases:
        text = (case / "trace_c.log").read_text(encoding="utf-8")
        port = tmp_path / f"{case.name}.log"
        port.write_text(re.sub(r"TRACE_C(?=[:_ =])", "TRACE_PY", text), encoding="utf-8")
        for cand in (case / "trace_c.log", port):
            hints = find_hints(compare_logs(case / "trace_c.log", cand, CompareOptions(keep_all=True)))
            assert hints == [], (case.name, hints)


def test_overflowed_values_get_no_unit_factor_hint(tmp_path) -> None:
    """``1e999`` against ``1e998`` both read as inf: a divergence by printed text, not a sign flip or a factor."""
    ref, cand = tmp_path / "ref.log", tmp_path / "cand.log"
    ref.write_text("TRACE_C: big 1e999\n")
    cand.write_text("TRACE_PY: big 1e998\n")
    result = compare_logs(ref, cand, config=None)
    assert result.counts.diverged == 1
    assert not [h for h in find_hints(result) if h.code in ("unit-factor", "sign-flip")]
