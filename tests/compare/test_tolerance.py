"""The tolerance rules of ``tracediff/compare/tolerance.py``, one by one.

A value passes when ``a == b`` or ``|a - b| <= max(atol, rtol * s)``; ``s`` is
``max(|a|, |b|)`` for a scalar and the largest finite magnitude of the whole field for a
vector or matrix (each component's own with ``--elementwise``); named sub-values each
have their own scale.  Defaults: rtol 1e-9, atol 0.  Every expectation below is worked
out from that formula by hand.
"""

from __future__ import annotations

import pytest


def one(name: str, ref: str, cand: str) -> tuple[str, str]:
    return f"TRACE_C: {name} {ref}\n", f"TRACE_PY: {name} {cand}\n"


def verdict(compare_json, ref: str, cand: str, *options: str) -> tuple[int, dict]:
    code, doc = compare_json(ref, cand, *options)
    assert doc["verdict"] == ("match" if code == 0 else "diverged")
    return code, doc


# --- scalars -------------------------------------------------------------


def test_default_rtol_is_1e_9(compare_json):
    # |a-b| = 5e-10 <= 1e-9 * 1.0000000005: passes
    assert verdict(compare_json, *one("x", "1", "1.0000000005"))[0] == 0
    # |a-b| = 2e-9 > 1e-9 * 1.000000002: fails
    assert verdict(compare_json, *one("x", "1", "1.000000002"))[0] == 1


def test_default_atol_is_0(compare_json):
    # at atol 0, a value against 0 fails however small: s = 1e-20, |a-b| = 1e-20 > 1e-29
    assert verdict(compare_json, *one("x", "0", "1e-20"))[0] == 1


@pytest.mark.parametrize("ref, cand", [("1.0", "2.0"), ("2.0", "1.0")])
def test_scalar_scale_is_max_of_both_sides(compare_json, ref, cand):
    """rtol 0.5, |1-2| = 1 <= 0.5 * max(1, 2) = 1: passes whichever side is the reference
    (a reference-only or min-based scale would give 0.5 and fail one of the orders)."""
    assert verdict(compare_json, *one("x", ref, cand), "--rtol", "0.5")[0] == 0


@pytest.mark.parametrize("ref, cand", [("1.0", "2.01"), ("2.01", "1.0")])
def test_scalar_scale_just_beyond(compare_json, ref, cand):
    # |1-2.01| = 1.01 > 0.5 * 2.01 = 1.005: fails in both orders
    assert verdict(compare_json, *one("x", ref, cand), "--rtol", "0.5")[0] == 1


def test_errors_reported_for_a_scalar(compare_json):
    code, doc = verdict(compare_json, *one("F_cell", "2.0", "2.5"))
    assert code == 1
    first = doc["first_divergence"]
    assert first["abs_error"] == pytest.approx(0.5, rel=1e-12)
    assert first["rel_error"] == pytest.approx(0.5 / 2.5, rel=1e-12)  # scale max(|a|, |b|)


# --- special values ----------------------------------------------------------


@pytest.mark.parametrize(
    "ref, cand, code",
    [
        ("nan", "nan", 0),
        ("-nan", "nan", 0),
        ("NaN", "-nan", 0),
        ("nan", "1.5", 1),
        ("2.5", "nan", 1),
        ("nan", "inf", 1),
        ("inf", "-inf", 1),
        ("inf", "inf", 0),
        ("-inf", "-inf", 0),
        ("Inf", "inf", 0),
        ("inf", "1e308", 1),
        ("-0", "0", 0),
        ("0", "-0", 0),
        ("1e-300", "1e-300", 0),
        ("0", "1e-300", 1),
    ],
)
def test_special_values(compare_json, ref, cand, code):
    assert verdict(compare_json, *one("x", ref, cand))[0] == code


def test_tiny_value_against_zero_passes_with_atol(compare_json):
    assert verdict(compare_json, *one("x", "0", "1e-300"), "--atol", "1e-299")[0] == 0
    assert verdict(compare_json, *one("x", "0", "1e-300"), "--atol", "1e-301")[0] == 1


def test_nan_in_a_vector(compare_json):
    assert verdict(compare_json, *one("v", "1 nan 3", "1 nan 3"))[0] == 0
    assert verdict(compare_json, *one("v", "1 nan 3", "1 2 3"))[0] == 1


# --- integers and text: exact ----------------------------------------------------


def test_integers_compare_exactly(compare_json):
    # relative difference 8.1e-13 would pass at rtol 1e-9 if these were floats
    assert verdict(compare_json, *one("seed", "1234567890123", "1234567890124"))[0] == 1
    assert verdict(compare_json, *one("seed", "1234567890123", "1234567890123"))[0] == 0
    assert verdict(compare_json, *one("hkl", "-3 0 12", "-3 0 12"))[0] == 0
    assert verdict(compare_json, *one("hkl", "-3 0 12", "-3 0 13"))[0] == 1


def test_integers_beyond_float_precision_compare_exactly(compare_json):
    """2**53 + 1 and 2**53 are different integers, although both round to the same double."""
    assert verdict(compare_json, *one("count", "9007199254740993", "9007199254740992"))[0] == 1


def test_integer_against_float_uses_the_tolerance(compare_json):
    # printed as an integer on one side only: compared with the tolerance, not exactly
    assert verdict(compare_json, *one("F_cell", "100", "100.00000000001"))[0] == 0


@pytest.mark.parametrize(
    "ref, cand, code",
    [
        ("MOSFLM", "MOSFLM", 0),
        ("MOSFLM", "XDS", 1),
        ("MOSFLM", "mosflm", 1),
        ("-", "+", 1),
        ("e", "E", 1),
        ("Fbeam←Ybeam_mm(+0.5px),Sbeam←Xbeam_mm(+0.5px)", "Fbeam←Ybeam_mm(+0.5px),Sbeam←Xbeam_mm(+0.5px)", 0),
        ("Fbeam←Ybeam_mm(+0.5px),Sbeam←Xbeam_mm(+0.5px)", "Fbeam←Ybeam_mm(-0.5px),Sbeam←Xbeam_mm(+0.5px)", 1),
    ],
)
@pytest.mark.parametrize("form", ["TRACE_{side}:label={value}\n", "TRACE_{side}: label {value}\n"], ids=["equals", "space"])
def test_text_compares_exactly(compare_json, ref, cand, code, form):
    ref_log = form.format(side="C", value=ref)
    cand_log = form.format(side="PY", value=cand)
    result, doc = verdict(compare_json, ref_log, cand_log)
    assert result == code, doc["fields"]
    assert doc["counts"]["compared"] == 1


def test_text_against_number_diverges(compare_json):
    assert verdict(compare_json, "TRACE_C:label=MOSFLM\n", "TRACE_PY:label=1\n")[0] == 1


# --- vectors, matrices, named sub-values ------------------------------------------


def test_vector_scale_is_the_whole_field(compare_json):
    """A rotated unit vector: 6e-17 against 0 is round-off at the field's scale (1)."""
    ref, cand = one("fdet_vec", "1 6e-17 0", "1 0 0")
    assert verdict(compare_json, ref, cand)[0] == 0
    code, doc = verdict(compare_json, ref, cand, "--elementwise")
    assert code == 1
    assert doc["first_divergence"]["field"] == "fdet_vec"


def test_vector_component_beyond_the_field_scale_fails(compare_json):
    # largest magnitude 1: 1e-8 off on the small component is 1e-8 > 1e-9
    assert verdict(compare_json, *one("fdet_vec", "1 0.5 0", "1 0.50000001 0"))[0] == 1


def test_vector_scale_ignores_infinities(compare_json):
    # finite scale 3: |2-3| = 1 > 3e-9 fails (an infinite scale would let it pass)
    assert verdict(compare_json, *one("v", "inf 1 2", "inf 1 3"))[0] == 1
    # 1e-10 on the third component of a field whose finite scale is 1: passes
    assert verdict(compare_json, *one("v", "inf 1 1e-10", "inf 1 1.1e-10"))[0] == 0


def test_matrix_scale_is_the_whole_matrix(compare_json):
    ref = "TRACE_C:R_total=[1 0 0; 0 1 -6e-17; 0 0 1]\n"
    cand = "TRACE_PY:R_total=[1 0 0; 0 1 0; 0 0 1]\n"
    assert verdict(compare_json, ref, cand)[0] == 0
    assert verdict(compare_json, ref, cand, "--elementwise")[0] == 1
    assert verdict(compare_json, ref, "TRACE_PY:R_total=[1 0 0; 0 1 0; 0 0 1.000001]\n")[0] == 1


def test_named_subvalues_each_have_their_own_scale(compare_json):
    ref = "TRACE_C:angles_rad=rotx:0 roty:0 rotz:1e-17 twotheta:0.1\n"
    cand = "TRACE_PY:angles_rad=rotx:0 roty:0 rotz:0 twotheta:0.1\n"
    code, doc = verdict(compare_json, ref, cand)
    assert code == 1
    assert doc["first_divergence"]["field"] == "angles_rad.rotz"


def test_shape_mismatch_is_a_divergence_not_a_crash(compare_json):
    code, doc = verdict(compare_json, *one("pix0_vector", "0.1 0.2 0.3", "0.1 0.2"))
    assert code == 1
    assert doc["counts"]["diverged"] == 1
    assert doc["first_divergence"]["field"] == "pix0_vector"
    code, doc = verdict(compare_json, "TRACE_C:R=[1 0; 0 1]\n", "TRACE_PY:R=[1 0 0 1]\n")
    assert code in (0, 1)  # a 2x2 matrix against 4 numbers: any verdict, but no crash
    code, doc = verdict(compare_json, "TRACE_C:a=rotx:0 roty:0\n", "TRACE_PY:a=rotx:0 rotz:0\n")
    assert code == 1  # different sub-names are different quantities


# --- --rtol / --atol / --tol ---------------------------------------------------


def test_rtol_option(compare_json):
    ref, cand = one("x", "1.0", "1.000001")  # relative difference 1e-6
    assert verdict(compare_json, ref, cand)[0] == 1
    assert verdict(compare_json, ref, cand, "--rtol", "1e-5")[0] == 0
    assert verdict(compare_json, ref, cand, "--rtol", "1e-7")[0] == 1


def test_atol_option(compare_json):
    ref, cand = one("x", "1.0", "1.000001")
    assert verdict(compare_json, ref, cand, "--atol", "2e-6")[0] == 0
    assert verdict(compare_json, ref, cand, "--atol", "5e-7")[0] == 1


LOG_REF = "TRACE_C: F_latt_a 1.0\nTRACE_C: F_latt_b 2.0\nTRACE_C: F_cell 3.0\n"
LOG_CAND = "TRACE_PY: F_latt_a 1.000001\nTRACE_PY: F_latt_b 2.000002\nTRACE_PY: F_cell 3.000003\n"


def test_tol_option_with_a_glob(compare_json):
    code, doc = verdict(compare_json, LOG_REF, LOG_CAND, "--tol", "F_latt*=1e-5")
    assert code == 1
    assert [f["field"] for f in doc["fields"] if f["status"] == "diverged"] == ["F_cell"]
    assert doc["first_divergence"]["field"] == "F_cell"
    assert verdict(compare_json, LOG_REF, LOG_CAND, "--tol", "F_*=1e-5")[0] == 0


def test_tol_option_with_rtol_and_atol(compare_json):
    # rtol 0 and atol 4e-6 for every F_ field: all three differences (<= 3e-6) pass
    assert verdict(compare_json, LOG_REF, LOG_CAND, "--tol", "F_*=0,4e-6")[0] == 0
    # atol 1.5e-6: F_latt_b (2e-6) and F_cell (3e-6) fail
    code, doc = verdict(compare_json, LOG_REF, LOG_CAND, "--tol", "F_*=0,1.5e-6")
    assert code == 1
    assert doc["counts"]["diverged"] == 2


def test_tol_option_repeated(compare_json):
    assert verdict(compare_json, LOG_REF, LOG_CAND, "--tol", "F_latt*=1e-5", "--tol", "F_cell=1e-5")[0] == 0


def test_tol_more_specific_than_rtol(compare_json):
    # a per-field rule tightens one field below a loose global rtol
    code, doc = verdict(compare_json, LOG_REF, LOG_CAND, "--rtol", "1e-5", "--tol", "F_cell=1e-9")
    assert code == 1
    assert doc["first_divergence"]["field"] == "F_cell"


# --- --only / --ignore ---------------------------------------------------------


def test_only_option(compare_json):
    code, doc = verdict(compare_json, LOG_REF, LOG_CAND, "--only", "F_latt_?")
    assert code == 1
    assert doc["counts"]["compared"] == 2
    assert {f["field"] for f in doc["fields"]} == {"F_latt_a", "F_latt_b"}


def test_ignore_option(compare_json):
    ref = "TRACE_C: a 1\nTRACE_C: b_diverges 2\nTRACE_C: c 3\n"
    cand = "TRACE_PY: a 1\nTRACE_PY: b_diverges 5\nTRACE_PY: c 3\n"
    assert verdict(compare_json, ref, cand)[0] == 1
    code, doc = verdict(compare_json, ref, cand, "--ignore", "b_*")
    assert code == 0
    assert doc["counts"]["compared"] == 2
    assert doc["counts"]["diverged"] == 0


def test_only_and_ignore_together(compare_json):
    code, doc = verdict(compare_json, LOG_REF, LOG_CAND, "--only", "F_*", "--ignore", "F_latt*", "--tol", "F_cell=1e-5")
    assert code == 0
    assert doc["counts"]["compared"] == 1


@pytest.mark.parametrize(
    "ref, cand",
    [
        ("TRACE_C: pix0_vector 0.1 0.0065 -0.0065\n", "TRACE_PY: pix0_vector = [0.1, 0.0065, -0.0065]\n"),
        ("TRACE_C:pix0_vector=0.1 0.0065 -0.0065\n", "TRACE_PY: pix0_vector 1.000000000000000e-01 6.500000000000000e-03 -6.500000000000000e-03\n"),
        ("TRACE_C: hkl_rounded 0 0 0\n", "TRACE_PY: hkl_rounded 0.000000000000000e+00 0.000000000000000e+00 -0.000000000000000e+00\n"),
        ("TRACE_C: F_cell 100\n", "TRACE_PY: F_cell = 100.0\n"),
    ],
    ids=["space-vs-list", "equals-vs-exponent", "ints-vs-exponent", "int-vs-float"],
)
def test_the_same_values_in_different_dialects_match(compare_json, ref, cand):
    code, doc = compare_json(ref, cand)
    assert code == 0, doc["fields"]
    assert doc["counts"]["compared"] == 1


def test_printed_units_are_converted_or_flagged(write):
    """1 m vs 1000 mm agree; 1 m vs 1 mm diverge; m vs deg cannot be compared."""
    from tracediff.compare.engine import compare_logs

    ref = write("ref.log", "TRACE_C: a 1 m\nTRACE_C: b 1 m\nTRACE_C: c 3 m\n")
    cand = write("cand.log", "TRACE_PY: a 1000 mm\nTRACE_PY: b 1 mm\nTRACE_PY: c 3 deg\n")
    rows = {r.field: r for r in compare_logs(ref, cand).rows}
    assert rows["a"].status == "match"
    assert rows["b"].status == "diverged"
    assert rows["c"].status == "diverged" and "units differ" in rows["c"].note
