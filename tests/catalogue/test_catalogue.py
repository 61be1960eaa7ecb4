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
            assert f.c_print.op in cat.C_PRINT_OPS and f.quirk and f.quirk_ids, f
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


def test_c_print_of_the_per_pixel_print_quirks() -> None:
    """scattering_vec_A_inv: C (1/m) = ours (1/Å) x 1e10; rot_*_star_A_inv: the C's is unrotated."""
    scattering = cat.field("scattering_vec_A_inv")
    assert scattering.unit == "1/Å"
    assert scattering.c_print == cat.CPrint("scale", 1e10)
    for x in "abc":
        spec = cat.field(f"rot_{x}_star_A_inv")
        assert spec.c_print is not None and spec.c_print.op == "unrotated"
        assert "same norm" in str(spec.c_print.arg)
    assert {f.name for f in cat.quirky_fields() if f.block in ("pixel_geometry", "orientation")} == {
        "scattering_vec_A_inv", "rot_a_star_A_inv", "rot_b_star_A_inv", "rot_c_star_A_inv"}


def test_crystal_narrative_lines_and_fields_agree() -> None:
    names = {f.name for f in cat.block_fields("crystal_setup")}
    keys = [line.key for line in cat.CRYSTAL_NARRATIVE]
    assert len(keys) == len(set(keys))
    used = set()
    for line in cat.CRYSTAL_NARRATIVE:
        assert line.when in cat.NARRATIVE_WHEN
        assert line.text.count("{}") == len(line.fields) == len(line.units), line
        for name, unit in zip(line.fields, line.units):
            spec = cat.field(name, "crystal_setup")
            assert spec.style == "narrative" and spec.kind in ("scalar", "vector")
            assert unit == spec.unit or spec.name.startswith("|"), (line.key, name)
            used.add(name)
    assert used == names
    assert cat.STYLE_PREFIX["narrative"] == "TRACE: "
    assert cat.field("tracing", "trace_config").style == "config"


def test_narrative_conditions() -> None:
    always = cat.narrative_lines()
    assert always[0].text == "Computing cross products of reciprocal vectors:"
    assert always[-1].text == "  cp = {} |cp| = {} meters"
    full = cat.narrative_lines({"matrix", "misset"})
    assert [line.key for line in full] == [line.key for line in cat.CRYSTAL_NARRATIVE]
    assert full[0].text == "Raw matrix values from file:"
    with pytest.raises(KeyError):
        cat.narrative_lines({"nope"})


def _narrative_pattern(line: cat.NarrativeLine) -> re.Pattern[str]:
    number = r"-?(?:nan|inf|[0-9.]+(?:e[+-][0-9]+)?)"
    vector = rf"\[{number}, {number}, {number}\]"
    parts = line.text.split("{}")
    body = re.escape(parts[0])
    for name, part in zip(line.fields, parts[1:]):
        kind = cat.field(name, "crystal_setup").kind
        body += (vector if kind == "vector" else number) + re.escape(part)
    return re.compile("TRACE: " + body + "$")


def test_the_c_narrative_follows_the_catalogue() -> None:
    """Every `TRACE:` line the C prints before TRACE_CONFIG is the catalogue's next narrative line."""
    for log in FIXTURES.glob("*/trace_c.log"):
        lines = log.read_text(encoding="utf-8").splitlines()
        narrative = [x for x in lines[: next(i for i, x in enumerate(lines) if x.startswith("TRACE_CONFIG:"))]
                     if x.startswith("TRACE:")]
        expected = cat.narrative_lines({"matrix"} if "-mat" in (log.parent / "args.txt").read_text() else ())
        assert len(narrative) == len(expected), log
        for text, line in zip(narrative, expected):
            assert _narrative_pattern(line).match(text), (log.parent.name, text, line.text)


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
