"""The field catalogue: complete, consistent, torch-free, and in step with the C logs."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tracediff import catalogue as cat

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "reference"


def test_catalogue_does_not_import_torch() -> None:
    code = "import sys, tracediff.catalogue; sys.exit('torch' in sys.modules)"
    root = Path(__file__).resolve().parents[2]
    assert subprocess.run([sys.executable, "-c", code], cwd=root).returncode == 0


def test_fields_are_well_formed() -> None:
    assert len({f.key for f in cat.FIELDS}) == len(cat.FIELDS)
    for f in cat.FIELDS:
        assert f.block in cat.BLOCKS and f.style in cat.STYLES and f.kind in cat.KINDS, f
        assert (f.unit is None) == (f.kind in ("text", "pairs")), f
        if f.kind == "named":
            assert f.components, f
        if f.c_print is not None:
            assert f.c_print.op in ("scale", "const", "same_as") and f.quirk and f.quirk_ids, f
        if f.c_print is not None and f.c_print.op == "same_as":
            cat.field(str(f.c_print.arg), f.block)


def test_spec_blocks_are_complete() -> None:
    assert len(cat.block_fields("detector_sample")) == 17
    assert len(cat.block_fields("detector_general")) == 7
    assert len(cat.block_fields("detector_beam")) == 25
    assert [f.name for f in cat.block_fields("pixel_geometry")][-1] == "scattering_vec_A_inv"
    assert [f.name for f in cat.block_fields("closing")][-1] == "floatimage_accumulated"
    assert [f.name for f in cat.block_fields("phi")] == ["phi_tic", "phi_deg", "k_frac", "F_latt_b", "F_latt"]


def test_lookups() -> None:
    assert cat.field("ratio").block == "detector_sample"
    assert cat.field("distance_m", "detector_beam").quirk_ids == ("Q7", "B6")
    with pytest.raises(KeyError, match="several blocks"):
        cat.field("fdet_after_rotz")
    with pytest.raises(KeyError):
        cat.field("no_such_field")
    with pytest.raises(KeyError):
        cat.block_fields("nope")
    assert cat.detector_blocks("SAMPLE")[0] == "detector_sample"
    assert cat.detector_blocks("BEAM")[2] == "detector_beam"


@pytest.mark.parametrize("name, block, ids", [
    ("beam_center_m", "detector_sample", "Q1"), ("detector_convention", "detector_beam", "Q2"),
    ("beam_center_m", "detector_beam", "Q3"), ("initial_fdet", "detector_beam", "Q4"),
    ("fdet_after_rotz", "detector_beam", "Q5"), ("convention_mapping", "detector_beam", "Q6"),
    ("scattering_vec_A_inv", "pixel_geometry", "Q8"), ("rot_a_star_A_inv", "orientation", "Q9"),
    ("floatimage_accumulated", "closing", "G4"),
])
def test_documented_quirks(name: str, block: str, ids: str) -> None:
    assert ids in cat.field(name, block).quirk_ids


def test_every_traced_name_in_the_c_logs_is_catalogued() -> None:
    pixel_names = {f.name for f in cat.FIELDS if f.style == "pixel"}
    setup_names = {f.name for f in cat.FIELDS if f.style == "setup"}
    phi_keys = {f.name for f in cat.block_fields("phi")}
    for log in FIXTURES.glob("*/trace_c.log"):
        for line in log.read_text(encoding="utf-8").splitlines():
            if m := re.match(r"TRACE_C: (\w+) ", line):
                assert m.group(1) in pixel_names, line
            elif m := re.match(r"TRACE_C:(\w+)=", line):
                assert m.group(1) in setup_names, line
            elif line.startswith("TRACE_C_PHI "):
                assert {kv.split("=")[0] for kv in line.split()[1:]} == phi_keys
