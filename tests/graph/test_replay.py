"""Stage replay names the stage that adds an error, even where its inputs already differ."""

from __future__ import annotations

import re

import pytest

from tracediff.catalogue.graph import NANOBRAGG_GRAPH
from tracediff.compare.engine import compare_logs
from tracediff.config.loader import build_options
from tracediff.rootcause.classify import ROOT, root_causes
from tracediff.rootcause.replay import INHERITED_ONLY, THIS_STAGE, replay_stages

from tests.capture.reference_cases import ENV_CASES, SKIP_REASON
from tests.graph.capture_chain import capture_text

pytestmark = pytest.mark.skipif(not ENV_CASES, reason=SKIP_REASON)


def _case():
    return next(c for c in ENV_CASES if c.name == "mosflm-default-cubic")


def _replays(tmp_path, extra, edit=None):
    case = _case()
    text = capture_text(case / "args.txt", extra)
    if edit:
        text, n = re.subn(edit[0], edit[1], text, count=1, flags=re.M)
        assert n == 1
    cand = tmp_path / "cand.log"
    cand.write_text(text)
    result = compare_logs(case / "trace_c.log", cand, build_options(profile="nanobragg", use_project_config=False,
                                                                    keep_all=True))
    analysis = root_causes(result, NANOBRAGG_GRAPH)
    return analysis, {s.node: s for s in replay_stages(result, analysis)}


def test_a_consistent_candidate_adds_no_stage_error_below_its_roots(tmp_path):
    analysis, stages = _replays(tmp_path, ["-distance", "111"])
    assert [r.node for r in analysis.roots] == ["distance_m"]
    assert stages["distance_m"].verdict == THIS_STAGE and stages["distance_m"].inputs_error == 0
    assert stages["pix0_vector"].candidate == "pass" and stages["pix0_vector"].verdict == INHERITED_ONLY
    assert stages["I_pixel_final"].reference == "pass" and stages["I_pixel_final"].verdict == INHERITED_ONLY


def test_a_wrong_stage_behind_a_diverged_input_is_found(tmp_path):
    # the distance moves everything; on top of that the candidate's F_latt is not the product of its factors
    analysis, stages = _replays(tmp_path, ["-distance", "111"], (r"^(TRACE_PY: F_latt )(\S+)", r"\g<1>123.0"))
    assert analysis.causes["F_latt"].kind != ROOT  # its inputs differ: the graph alone calls it inherited
    f_latt = stages["F_latt"]
    assert f_latt.inputs_error > 0 and f_latt.reference == "pass" and f_latt.candidate == "FAIL"
    assert f_latt.verdict == THIS_STAGE
    assert stages["pix0_vector"].verdict == INHERITED_ONLY


def test_compare_mentions_a_self_check_failure_as_a_hint(tmp_path, cli):
    case = _case()
    text = capture_text(case / "args.txt", [])
    text, n = re.subn(r"^(TRACE_PY:pix0_vector=)(\S+)", r"\g<1>0.2", text, count=1, flags=re.M)
    assert n == 1
    cand = tmp_path / "cand.log"
    cand.write_text(text)
    result = cli("compare", case / "trace_c.log", cand, "--profile", "nanobragg")
    assert result.code == 1
    assert "hint: the candidate's own trace breaks pix0_sum" in result.stdout
    assert "reference's own trace breaks" not in result.stdout
    assert result.stdout.startswith("ROOT CAUSE (1): pix0_vector")
