"""On reference cases, one, two and three planted faults are exactly the root causes found."""

from __future__ import annotations

import pytest

from tests.capture.reference_cases import ENV_CASES, SKIP_REASON
from tests.graph.planted import FAULTS, plant

CASES = ("mosflm-default-cubic", "cell-triclinic-misset-os3", "mosaic-domains-phi", "xds-default-center")
PLANS = (("geometry",), ("structure factor",), ("orientation",), ("geometry", "structure factor"),
         ("geometry", "structure factor", "orientation"))


@pytest.mark.skipif(not ENV_CASES, reason=SKIP_REASON)
@pytest.mark.parametrize("faults", PLANS, ids=["+".join(p) for p in PLANS])
@pytest.mark.parametrize("name", CASES)
def test_planted_faults_are_the_root_causes(tmp_path, name, faults):
    case = next((c for c in ENV_CASES if c.name == name), None)
    if case is None:
        pytest.skip(f"reference case {name} not present")
    planted = plant(case, faults, tmp_path)
    found = planted.roots_by_fault()
    assert all(len(nodes) == 1 for nodes in found.values()), found  # one root per fault
    assert len(planted.found) == len(faults), planted.found
    flags = {FAULTS[f][1] for f in faults}
    assert all(len(flags & set(planted.analysis.graph.params(n))) == 1 for n in planted.found)
    if faults == ("structure factor",) or "geometry" not in faults:
        assert not planted.analysis.possible_roots  # only a moved index makes a lookup ambiguous
    assert not planted.unexplained
