"""Each table row, planted as the divergence, is the change the search ranks first (and nothing else is).

The model runs with every row once per case; each run in turn is the target (its diverging fields are
those it changes), so every row is tried as the planted change against all the others.
"""

from __future__ import annotations

import pytest

from tracediff.explain.scenario import Budget, Runner, Scenario
from tracediff.explain.scoring import reproduces
from tracediff.explain.search import Search, ranked, try_table
from tracediff.explain.table import load_table
from tracediff.explain.target import FieldValue, Target

#: cases (with extra flags) chosen so that together they make every row change something
CASES = {
    "xds-twotheta-rotz-orgx": ("-detector_rotx", "2"),
    "mat-simplecubic-nopolar": ("-twotheta", "6", "-detector_roty", "1.5"),
    "custom-xdslike-orgx-close-distance": ("-pix0_vector_mm", "-20", "15", "150"),
}


def _target(values, baseline) -> Target:
    """What a port that made this change would print, judged with compare's default tolerance."""
    diverging, agreeing = {}, {}
    for key, numbers in values.items():
        want = FieldValue(numbers, 1e-9, 0.0)
        (agreeing if reproduces(baseline.get(key), want) else diverging)[key] = want
    return Target("candidate", None, diverging, agreeing)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def searches(flags_of) -> dict[str, Search]:
    out = {}
    for case, extra in CASES.items():
        search = Search(Runner(flags_of(case).plus(extra), Budget(1000, 600.0)), load_table())
        search.baseline = search.runner.run(Scenario())
        try_table(search)
        out[case] = search
    return out


@pytest.mark.parametrize("case", list(CASES))
def test_each_planted_row_ranks_first(searches, case):
    search = searches[case]
    assert len(search.tried) >= 15
    for tried in search.tried:
        target = _target(tried.values, search.baseline)
        assert target.diverging, tried.source
        _, found = ranked(search, target)
        assert found and found[0].source == tried.source, (tried.source, [e.source for e in found[:3]])
        top = found[0]
        assert not top.unexplained and not top.broken, tried.source


def test_the_cases_together_try_every_row(searches):
    tried = {c.source.removeprefix("table:") for s in searches.values() for c in s.tried}
    assert tried == {row.id for row in load_table().hypotheses}
