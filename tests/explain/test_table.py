"""The hypothesis table is well-formed data: every row can run, and every convention maps its beam centre."""

from __future__ import annotations

from tracediff.explain.fit import SCALES
from tracediff.explain.table import KINDS, load_table


def test_ids_are_unique_and_kinds_known():
    rows = load_table().hypotheses
    assert len({r.id for r in rows}) == len(rows)
    assert {r.kind for r in rows} == set(KINDS)


def test_each_row_carries_what_its_kind_needs():
    for row in load_table().hypotheses:
        if row.kind == "flags":
            assert row.words and row.words[0].startswith("-"), row.id
        elif row.kind == "shift":
            assert row.pixels != 0.0, row.id
        elif row.kind == "scale":
            assert row.parameter in SCALES and row.factor not in (0.0, 1.0), row.id
        elif row.kind == "frame":
            decisions = [row.pivot, row.beam, row.twotheta_axis, row.pix0, row.rotation_order != "xyz" or None]
            assert sum(d is not None for d in decisions) == 1, row.id
        elif row.kind == "dtype":
            assert row.dtype == "float32" and 0.0 < row.rtol < 1e-3, row.id


def test_every_convention_and_pivot_the_c_resolves_has_beam_centre_flags():
    table = load_table()
    for convention, pivot in [("MOSFLM", "BEAM"), ("DENZO", "BEAM"), ("ADXV", "BEAM"), ("XDS", "SAMPLE"),
                              ("DIALS", "SAMPLE"), ("CUSTOM", "BEAM"), ("CUSTOM", "SAMPLE")]:
        row = table.centre_flags(convention, pivot)
        assert row is not None and abs(row.fast_sign) == abs(row.slow_sign) == 1.0, (convention, pivot)


def test_unit_factors_are_distinct_and_not_one():
    factors = [u.factor for u in load_table().units]
    assert len(set(factors)) == len(factors) and 1.0 not in factors
