"""Trace parity assertions for pytest users.

    from tracediff.testing import assert_traces_match

    def test_port_matches_c():
        assert_traces_match("trace_c.log", "trace_py.log", profile="nanobragg", rtol=1e-12)

On failure the AssertionError's first line is the whole headline (the first divergence:
where, both values, the errors), so ``pytest -ra`` shows it in the short summary; the
fields that did not match and the counts follow.  The helper's own frame is hidden from
pytest's traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tracediff.compare.engine import AUTO, compare_logs
from tracediff.compare.options import CompareOptions
from tracediff.compare.result import Comparison
from tracediff.report.text import headline, render_table

REPORT_WIDTH = 100  # the failing rows' table; the one-line headline is never cut


def failure_message(result: Comparison) -> str:
    """The headline on one line (pytest's short summary shows only the first), then the
    failing rows and the counts."""
    first = "; ".join(part.strip() for part in headline(result, width=10_000).splitlines())
    table = render_table(result, diverged_only=True, width=REPORT_WIDTH).splitlines()
    rows = table[len(headline(result, REPORT_WIDTH).splitlines()):]  # the table opens with the headline
    return "\n".join([first, *rows])


def assert_traces_match(reference: str | Path, candidate: str | Path, options: CompareOptions | None = None, *,
                        profile: str | None = None, config: str | Path | None = AUTO,
                        **settings: Any) -> Comparison:
    """Compare two trace logs and raise AssertionError unless they agree.

    Takes exactly the options of :func:`tracediff.compare.engine.compare_logs`: a complete
    ``options``, or ``profile``, ``config`` (``"auto"``: the nearest ``pyproject.toml`` with
    ``[tool.tracediff]`` or ``tracediff.toml`` from the working directory; a path; or None
    for none) and the command line's settings (``rtol``, ``atol``, ``tol``
    (``["FIELD=RTOL,ATOL", ...]``), ``elementwise``, ``only``, ``ignore``,
    ``allow_missing``, ``strict``, ``families``), so the test, the library and the command
    line give one verdict.  Returns the comparison when the traces agree.
    """
    __tracebackhide__ = True  # pytest shows the caller's line, not this helper's
    result = compare_logs(reference, candidate, options, profile=profile, config=config, **settings)
    if result.failed:
        raise AssertionError(failure_message(result))
    return result
