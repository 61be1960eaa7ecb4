"""The nanobragg profile's quirk rules come from the catalogue, one rule per ``c_print`` entry."""

from __future__ import annotations

import tomllib
from importlib import resources

import pytest

from tracediff import catalogue as cat
from tracediff.catalogue.quirks import cite
from tracediff.config.loader import load_options, load_profile, profile_text
from tracediff.config.quirk_rules import quirk_table

QUIRKY = cat.quirky_fields()


def _shipped() -> dict:
    return tomllib.loads(resources.files("tracediff.config.profiles").joinpath("nanobragg.toml").read_text("utf-8"))


def _expected_ref_condition(cp: cat.CPrint) -> object:
    """The rule each c_print op stands for, written out here independently of the generator."""
    if cp.op == "scale":
        return {name: cp.arg for name in cp.components or ()}
    return {"const": cp.arg, "same_as": f"field:{cp.arg}", "unrotated": "same_norm"}[cp.op]


def test_the_shipped_profile_holds_no_quirk_rule() -> None:
    shipped = _shipped()
    assert "waive" not in shipped and "units" not in shipped
    assert shipped["quirks_from_catalogue"] is True
    assert shipped["aliases"] and shipped["optional_tags"] and shipped["fields"]


@pytest.mark.parametrize("spec", QUIRKY, ids=lambda f: f"{f.block}.{f.name}")
def test_each_quirk_has_exactly_its_rule(spec: cat.FieldSpec) -> None:
    table = quirk_table()
    cp = spec.c_print
    assert cp is not None
    waivers = [w for w in table["waive"] if w["reason"].endswith(f"({cite(spec.quirk_ids)})")
               and w["field"] == spec.name]
    if cp.op == "scale" and cp.components is None:
        assert waivers == []
        unit = table["units"][spec.name]
        assert unit["cand"] == spec.unit
        assert unit == {"ref": "1/m", "cand": "1/Å"}  # the only whole-field scale: 1e10 x (1/Å)
        return
    assert len(waivers) == 1, waivers
    waiver = waivers[0]
    assert waiver["when_ref_equals"] == _expected_ref_condition(cp)
    sound = list(cp.sound) if isinstance(cp.sound, tuple) else cp.sound
    assert waiver.get("when_cand_equals") == sound
    assert waiver.get("when_cand_fields", {}) == dict(cp.shown_when)
    assert spec.quirk in waiver["reason"]


def test_no_rule_without_a_quirk() -> None:
    table = quirk_table()
    scaled_fields = [f for f in QUIRKY if f.c_print and f.c_print.op == "scale" and not f.c_print.components]
    assert len(table["waive"]) + len(table["units"]) == len(QUIRKY)
    assert set(table["units"]) == {f.name for f in scaled_fields}


def test_the_second_copy_of_a_name_is_waived_at_its_occurrence_only() -> None:
    by_field = {w["field"]: w for w in quirk_table()["waive"]}
    for axis in ("fdet", "sdet", "odet"):
        assert by_field[f"{axis}_after_rotz"]["occurrence"] == 1  # general block first, BEAM block second
    assert "occurrence" not in by_field["detector_convention"]


def test_profile_show_is_what_applies() -> None:
    """The generated rules are written into the profile's text, and loading parses that text."""
    text = profile_text("nanobragg")
    assert tomllib.loads(text) == load_profile("nanobragg")
    loaded = load_profile("nanobragg")
    table = quirk_table()
    assert loaded["waive"] == table["waive"]
    assert loaded["units"] == table["units"]
    options, _ = load_options(profile="nanobragg", use_project_config=False)
    assert [w.field for w in options.waivers] == [w["field"] for w in table["waive"]]
    assert all(w.source == "profile nanobragg" for w in options.waivers)
    assert [(u.field, u.ref, u.cand) for u in options.units] == [("scattering_vec_A_inv", "1/m", "1/Å")]
