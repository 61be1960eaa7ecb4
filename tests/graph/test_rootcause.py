"""Root causes: a diverged field whose inputs agree is a root; one with a diverged input inherits."""

from __future__ import annotations

import pytest

GRAPH = """
[graph]
y = ["x"]
z = ["y"]
w = ["z", "v"]
v = []
"""


def _log(tag: str, values: dict[str, str]) -> str:
    return "".join(f"{tag}: {k} {v}\n" for k, v in values.items())


REF = {"x": "1", "y": "2", "z": "3", "v": "4", "w": "5"}


@pytest.fixture
def project(tmp_path):
    (tmp_path / "tracediff.toml").write_text(GRAPH)
    return tmp_path


def _compare(compare_json, project, cand: dict[str, str], *options: str) -> dict:
    code, doc = compare_json(_log("TRACE_C", REF), _log("TRACE_PY", {**REF, **cand}), *options)
    assert code == 1
    return doc


def test_one_root_explains_its_downstream_fields(compare_json, project):
    doc = _compare(compare_json, project, {"y": "2.5", "z": "3.5", "w": "5.5"})
    assert [r["field"] for r in doc["root_causes"]] == ["y"]
    assert doc["root_causes"][0]["explains"] == 2
    causes = {f["field"]: f["cause"] for f in doc["fields"]}
    assert causes["x"] is None and causes["y"]["kind"] == "root"
    assert causes["z"]["root"] == "y" and causes["w"]["root"] == "y"


def test_two_independent_roots(compare_json, project):
    doc = _compare(compare_json, project, {"y": "2.5", "z": "3.5", "v": "4.5", "w": "5.5"})
    assert [r["field"] for r in doc["root_causes"]] == ["y", "v"]
    w = next(f for f in doc["fields"] if f["field"] == "w")["cause"]
    assert w["roots"] == ["y", "v"] and w["root"] == "y"


def test_a_field_with_agreeing_inputs_is_a_root_even_downstream(compare_json, project):
    doc = _compare(compare_json, project, {"w": "6"})
    assert [r["field"] for r in doc["root_causes"]] == ["w"]


def test_growth_across_a_stage_is_named(compare_json, project):
    # y off by 1e-6 relative, z by 1e-2: amplified; w by 1e-12 (tolerance 1e-14): absorbed
    doc = _compare(compare_json, project, {"y": "2.000002", "z": "3.03", "w": "5.000000000005"}, "--rtol", "1e-14")
    kinds = {f["field"]: (f["cause"] or {}).get("kind") for f in doc["fields"]}
    assert kinds["z"] == "amplified" and kinds["w"] == "absorbed"


def test_without_a_graph_the_report_is_as_before(compare_json, tmp_path):
    code, doc = compare_json(_log("TRACE_C", REF), _log("TRACE_PY", {**REF, "y": "3"}))
    assert code == 1 and "root_causes" not in doc and "cause" not in doc["fields"][0]


def test_table_headline_names_the_root_causes(write, cli, project):
    r = write("ref.log", _log("TRACE_C", REF))
    c = write("cand.log", _log("TRACE_PY", {**REF, "y": "2.5", "z": "3.5", "v": "4.5", "w": "5.5"}))
    out = cli("compare", r, c)
    assert out.code == 1
    first = out.stdout.splitlines()[0]
    assert first.startswith("ROOT CAUSES (2): y (explains 2 downstream fields), v (explains 1 downstream field)")
    assert "└ z" in out.stdout and "FIRST DIVERGENCE" in out.stdout  # the usual table follows


def test_a_bad_graph_table_is_a_one_line_error(write, cli, tmp_path):
    (tmp_path / "tracediff.toml").write_text('[graph]\nx = "y"\n')
    r = write("ref.log", _log("TRACE_C", REF))
    out = cli("compare", r, r)
    assert out.code == 2 and "must be a list" in out.stderr and len(out.stderr.strip().splitlines()) == 1


def test_a_candidate_only_field_the_graph_does_not_know_is_no_root(compare_json, project):
    """A port's own extra lines are not the program's dataflow: only the diverged ``y`` is a root."""
    doc = _compare(compare_json, project, {"y": "2.5", "port_debug": "7"})
    assert [r["field"] for r in doc["root_causes"]] == ["y"]
