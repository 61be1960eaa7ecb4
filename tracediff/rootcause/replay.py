"""Stage replay: the error each stage adds, from each side's own printed inputs.

For a stage with a formula (the stage identities of :mod:`tracediff.check.identities`: ``pix0`` from
its terms, ``hkl_frac`` from the rotated axes and S, ``F_latt`` from its factors, ``I_pixel_final``
from its factors, ...), the formula is replayed from the reference's printed inputs and compared with
the reference's printed output, and likewise for the candidate. A stage that reproduces the
reference but not the candidate is where the candidate goes wrong, even when its inputs already
differ. Tolerances follow the print precision, as in ``tracediff check``. The formulas are small
numpy ones, not the capture model's torch stages (compare never imports torch).

Every diverged field also gets the comparison's own view of its stage: how far its inputs agree
and how far its output differs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from tracediff.check.engine import FAIL, PASS, check_identity
from tracediff.check.identities import IDENTITIES, Identity
from tracediff.check.values import TraceValues, read_values
from tracediff.compare.result import Comparison
from tracediff.rootcause.classify import Analysis, row_node, row_role
from tracediff.trace.record import json_number

#: the identities that compute one traced field from others: output field -> identity
STAGES: dict[str, Identity] = {i.anchor: i for i in IDENTITIES if i.name in (
    "pix0_sample_sum", "term_fast", "term_slow", "pix0_sum", "R_distance", "close_distance", "obliquity",
    "diffracted", "lambda", "scattering", "hkl_frac", "hkl_rounded", "F_latt", "r_e_sqr", "I_pixel_final",
    "floatimage", "cos_2theta", "cell_volume")}

THIS_STAGE, INHERITED_ONLY, UNREPLAYED = "this stage", "inherited", "no formula"


@dataclass
class StageReplay:
    """One diverged field's stage."""

    node: str
    inputs_error: float  #: largest relative difference of its inputs between the sides (0: they agree)
    output_error: float  #: its own relative difference
    reference: str  #: the stage replayed from the reference's inputs: pass, FAIL, or no formula
    candidate: str
    detail: str = ""
    verdict: str = ""

    def describe(self) -> str:
        inputs = "inputs agree" if self.inputs_error == 0 else f"inputs differ by {self.inputs_error:.2g}"
        output = ("printed by one side only" if math.isinf(self.output_error)
                  else f"output differs by {self.output_error:.2g}")
        return f"{self.node}: {inputs}, {output}: {self.verdict}" + (f" ({self.detail})" if self.detail else "")

    def to_json(self) -> dict[str, Any]:
        return {"field": self.node, "inputs_rel_error": json_number(self.inputs_error),
                "output_rel_error": json_number(self.output_error),
                "reference_replay": self.reference, "candidate_replay": self.candidate, "verdict": self.verdict,
                "detail": self.detail}


def _side(trace: TraceValues, node: str) -> tuple[str, str]:
    identity = STAGES.get(node)
    if identity is None:
        return UNREPLAYED, ""
    result = check_identity(identity, trace)
    return result.status, result.detail


def _verdict(replay: StageReplay) -> str:
    if replay.candidate == FAIL and replay.reference != FAIL:
        return THIS_STAGE  # the candidate's own inputs do not give its output
    if replay.inputs_error == 0:
        return THIS_STAGE  # same inputs, different output
    return INHERITED_ONLY if replay.candidate == PASS or replay.candidate == UNREPLAYED else replay.candidate


def replay_stages(comparison: Comparison, analysis: Analysis,
                  sides: tuple[TraceValues, TraceValues] | None = None) -> list[StageReplay]:
    """The stage of every diverged field, in trace order (``sides``: both logs' values, read again
    when not given)."""
    ref, cand = sides or (read_values(comparison.ref_path), read_values(comparison.cand_path))
    errors: dict[str, float] = {}
    for row in comparison.rows:
        node = row_node(row)
        err = 0.0 if row_role(row) != "diverged" else (row.rel_error if row.rel_error is not None else math.inf)
        errors[node] = max(errors.get(node, 0.0), err)
    present = set(errors)
    out = []
    for node, cause in analysis.causes.items():
        inputs = analysis.graph.effective_inputs(node, present)
        ref_status, _ = _side(ref, node)
        cand_status, detail = _side(cand, node)
        replay = StageReplay(node, max((errors[i] for i in inputs), default=0.0), errors.get(node, math.inf),
                             ref_status, cand_status, detail if cand_status == FAIL else "")
        replay.verdict = _verdict(replay)
        out.append(replay)
    return out
