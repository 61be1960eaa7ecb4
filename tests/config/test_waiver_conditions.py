"""Waiver conditions that read the candidate's other fields: when_cand_fields, rotated_by, along."""

from __future__ import annotations

WAIVE = '[[waive]]\nfield = "v"\nreason = "quirk"\n'


def _code(cli, write, ref: str, cand: str, config: str) -> int:
    return cli("compare", write("r.log", ref), write("c.log", cand), "--config", write("t.toml", WAIVE + config)).code


def test_when_cand_fields_needs_the_field_printed_and_not_zero(cli, write):
    ref = "TRACE_C: v 1.5\nTRACE_C: phi 0.5\n"
    config = 'when_cand_fields = { "phi#0" = "nonzero" }\n'
    assert _code(cli, write, ref, "TRACE_PY: v 2.5\nTRACE_PY: phi 0.5\n", config) == 0
    assert _code(cli, write, ref.replace("0.5", "0"), "TRACE_PY: v 2.5\nTRACE_PY: phi 0\n", config) == 1
    assert _code(cli, write, "TRACE_C: v 1.5\n", "TRACE_PY: v 2.5\n", config) == 1  # not printed: not waived


def test_rotated_by(cli, write):
    rot = "TRACE_C:R=[0 -1 0; 1 0 0; 0 0 1]\nTRACE_C:t=0 1 0\n"
    ref = "TRACE_C:v=0 0 1\n" + rot
    config = 'when_cand_equals = "rotated_by:R#0:t#0"\n'
    assert _code(cli, write, ref, ("TRACE_C:v=1 0 0\n" + rot).replace("TRACE_C", "TRACE_PY"), config) == 0
    assert _code(cli, write, ref, ("TRACE_C:v=0 1 0\n" + rot).replace("TRACE_C", "TRACE_PY"), config) == 1


def test_along_a_cross_product(cli, write):
    axes = "TRACE_C: b 0 2 0\nTRACE_C: c 0 0 3\n"
    ref = "TRACE_C: v 0 0.5 0\n" + axes
    config = 'when_cand_equals = "along:b,c"\n'
    assert _code(cli, write, ref, ("TRACE_C: v 0.5 0 0\n" + axes).replace("TRACE_C", "TRACE_PY"), config) == 0
    assert _code(cli, write, ref, ("TRACE_C: v -0.5 0 0\n" + axes).replace("TRACE_C", "TRACE_PY"), config) == 1
    assert _code(cli, write, ref, ("TRACE_C: v 0.3 0.4 0\n" + axes).replace("TRACE_C", "TRACE_PY"), config) == 1
