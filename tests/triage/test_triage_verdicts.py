"""The rule that turns the pairwise comparisons into a verdict."""

from __future__ import annotations

import pytest

from tracediff.triage.verdicts import VERDICTS, decide


@pytest.mark.parametrize(("c_port", "c_model", "model_port", "c_production", "verdict"), [
    ("diverged", "diverged", "diverged", "diverged", "all differ"),
    ("diverged", "match", "diverged", None, "port bug"),
    ("diverged", "diverged", "match", None, "C quirk or bug"),
    ("diverged", "diverged", "diverged", None, "all differ"),
    ("diverged", "match", "diverged", "match", "print only"),
    ("diverged", "match", "diverged", "diverged", "port bug"),
    ("diverged", "missing", None, None, "no witness"),
    ("diverged", None, None, None, "no witness"),
    ("missing", "match", "missing", None, "not in port trace"),
])
def test_decide(c_port: str, c_model: str | None, model_port: str | None, c_production: str | None,
                verdict: str) -> None:
    assert decide(c_port, c_model, model_port, c_production) == verdict


def test_production_agreeing_with_the_model_makes_it_the_c() -> None:
    """The port's trace print is wrong too, but what it computes agrees with tracediff's model."""
    assert decide("diverged", "diverged", "diverged", "diverged", "match") == "C quirk or bug"
    assert decide("diverged", "diverged", "diverged", "diverged", "diverged") == "all differ"


def test_only_unexplained_verdicts_fail() -> None:
    failing = {name for name, v in VERDICTS.items() if v.fails}
    assert failing == {"port bug", "all differ", "no witness"}
