"""Divergences made by running tracediff's own model with changed flags or decisions.

``planted(case, *flags)`` writes ``ref.log`` (the model with the case's flags) and ``cand.log`` (the
model with ``flags`` appended) and returns their paths and the case's flags. Cases come from the
repository's ``fixtures/reference`` (always there) or ``$TRACEDIFF_REFERENCE`` (skipped when unset).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from tracediff.explain.model import Flags, capture_text

FIXTURE_CASES = Path(__file__).resolve().parents[2] / "fixtures" / "reference"


@dataclass(frozen=True)
class Planted:
    reference: Path
    candidate: Path
    flags: Flags


def case_flags(case: str) -> Flags:
    """A shipped fixture case, or one of ``$TRACEDIFF_REFERENCE`` (skip when it is not there)."""
    shipped = FIXTURE_CASES / case / "args.txt"
    if shipped.is_file():
        return Flags(shipped)
    root = os.environ.get("TRACEDIFF_REFERENCE")
    if not root or not (Path(root) / case / "args.txt").is_file():
        pytest.skip(f"reference case {case} needs TRACEDIFF_REFERENCE")
    return Flags(Path(root) / case / "args.txt")


@pytest.fixture(scope="session")
def flags_of():
    """``flags_of(case)``: the case's flags (see :func:`case_flags`)."""
    return case_flags


@pytest.fixture
def planted(tmp_path: Path):
    def _plant(case: str, *words: str, dtype: str = "float64", edit=None) -> Planted:
        flags = case_flags(case)
        ref, cand = tmp_path / "ref.log", tmp_path / "cand.log"
        ref.write_text(capture_text(flags), encoding="utf-8")
        text = capture_text(flags.plus(words), dtype)
        cand.write_text(edit(text) if edit else text, encoding="utf-8")
        return Planted(ref, cand, flags)

    return _plant
