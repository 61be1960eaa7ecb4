"""The dataflow graph: complete over the catalogue, acyclic, read from config, and true to the model."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracediff.catalogue import FIELDS
from tracediff.catalogue.graph import NANOBRAGG_GRAPH, catalogue_node, graph_from_table, node_name
from tracediff.compare.engine import compare_logs
from tracediff.compare.options import CompareOptions
from tracediff.compare.status import Status
from tracediff.compare.tolerance import ToleranceRules
from tracediff.errors import TraceDiffError

from tests.graph.capture_chain import capture_text, known_flags


def test_every_catalogued_field_is_a_node_and_every_node_is_catalogued():
    catalogued = {catalogue_node(f.block, f.name) for f in FIELDS}
    declared = {n.name for n in NANOBRAGG_GRAPH.nodes}
    assert catalogued == declared
    assert NANOBRAGG_GRAPH.names == declared  # no input outside the catalogue


def test_key_stages_read_what_the_issue_names():
    g = NANOBRAGG_GRAPH
    assert set(g.inputs("pix0_vector")) == {"term_fast", "term_slow", "term_beam"}
    assert {"scattering_vec_A_inv", "rot_a_angstroms", "rot_b_angstroms", "rot_c_angstroms"} == set(g.inputs("hkl_frac"))
    assert set(g.inputs("F_latt_a")) == {"hkl_frac"} and "-N" in g.params("F_latt_a")
    assert {"I_before_scaling", "polar", "omega_pixel", "capture_fraction"} <= set(g.inputs("I_pixel_final"))


def test_params_are_flags_of_the_model():
    unknown = sorted({p for n in NANOBRAGG_GRAPH.nodes for p in n.params} - known_flags())
    assert not unknown


def test_absent_inputs_are_looked_through():
    g = NANOBRAGG_GRAPH
    present = {"pix0_vector", "pix0_vector_meters"}  # DETECTOR_PIX0_VECTOR has no tag
    assert g.effective_inputs("pix0_vector_meters", present) == {"pix0_vector"}


def test_node_names_follow_the_family():
    assert node_name("TRACE_PHI", "k_frac") == "PHI.k_frac"
    assert node_name("TRACE", "hkl_frac") == "hkl_frac"
    assert node_name("TRACE_SOURCE2", "F_cell") == "SOURCE2.F_cell"


def test_config_table_is_read_and_checked():
    g = graph_from_table({"pix0": ["term_f", "term_s"], "I": ["pix0"]})
    assert g.inputs("pix0") == ("term_f", "term_s") and len(g.edges) == 3
    with pytest.raises(TraceDiffError, match="cycle"):
        graph_from_table({"x": ["y"], "y": ["x"]})
    with pytest.raises(TraceDiffError, match="must be a list"):
        graph_from_table({"x": "y"})
    with pytest.raises(TraceDiffError, match="itself"):
        graph_from_table({"x": ["x"]})


# ----------------------------------------------------------------------------------------------------
# the graph against the model: perturb one flag, and every field that changes must read that flag or
# have an input that changed too (a missing edge shows as a change with no cause)

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "reference"
BASE = ["-misset", "1", "2", "3", "-phisteps", "2", "-osc", "0.5", "-phi", "2"]

PERTURBATIONS = [  # (case, flag words appended to BASE)
    ("mat-simplecubic-nopolar", ["-distance", "101"]),
    ("mat-simplecubic-nopolar", ["-lambda", "1.3"]),
    ("mat-simplecubic-nopolar", ["-default_F", "123"]),
    ("mat-simplecubic-nopolar", ["-N", "7"]),
    ("mat-simplecubic-nopolar", ["-misset", "1", "2", "3.5"]),
    ("mat-simplecubic-nopolar", ["-Xbeam", "10.3", "-Ybeam", "12.1"]),
    ("adxv-twotheta-forced-beam", ["-twotheta", "3"]),
    ("adxv-twotheta-forced-beam", ["-detector_rotx", "0.5"]),
    ("custom-xdslike-orgx-close-distance", ["-close_distance", "120"]),
    ("xds-twotheta-rotz-orgx", ["-detector_rotz", "2"]),
    ("xds-twotheta-rotz-orgx", ["-phi", "3"]),
    ("xds-twotheta-rotz-orgx", ["-polar", "0.7"]),
]


def _changed_nodes(tmp_path: Path, case: Path, extra: list[str]) -> tuple[set[str], set[str]]:
    """(nodes whose value changed, nodes the trace prints)."""
    base = tmp_path / "base.log"
    changed = tmp_path / "changed.log"
    base.write_text(capture_text(case / "args.txt", BASE))
    changed.write_text(capture_text(case / "args.txt", BASE + extra))
    options = CompareOptions(tolerances=ToleranceRules(), keep_all=True)
    result = compare_logs(base, changed, options)
    assert result.required_missing == 0 and result.counts.only_in_cand == 0, "the flag changed which lines print"
    present = {node_name(r.family, r.field) for r in result.rows}
    return {node_name(r.family, r.field) for r in result.rows if r.status is Status.DIVERGED}, present


@pytest.mark.parametrize("case, extra", PERTURBATIONS, ids=[f"{c}:{' '.join(e)}" for c, e in PERTURBATIONS])
def test_each_changed_field_reads_the_flag_or_a_changed_input(tmp_path, case, extra):
    changed, present = _changed_nodes(tmp_path, FIXTURES / case, extra)
    assert changed, "the perturbation changed nothing: it checks nothing"
    flags = {w for w in extra if w.startswith("-") and not w[1:].replace(".", "").isdigit()}
    unexplained = sorted(
        name for name in changed
        if not (flags & set(NANOBRAGG_GRAPH.params(name))) and not (NANOBRAGG_GRAPH.effective_inputs(name, present) & changed)
    )
    assert not unexplained, f"changed with no declared cause: {unexplained}"
