"""Trace parity assertions for pytest users.

    from tracediff.testing import assert_traces_match

    def test_port_matches_c():
        assert_traces_match("trace_c.log", "trace_py.log", profile="nanobragg", rtol=1e-12)

On failure the AssertionError carries the headline (the first divergence) and the table
of the fields that did not match.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tracediff.compare.engine import AUTO, compare_logs
from tracediff.compare.result import Comparison
from tracediff.report.text import render_table


def assert_traces_match(reference: str | Path, candidate: str | Path, *, profile: str | None = None,
                        config: str | Path | None = AUTO, **options: Any) -> Comparison:
    """Compare two trace logs and raise AssertionError unless they agree.

    Reads the same configuration as ``tracediff compare`` (``config="auto"``: the nearest
    ``pyproject.toml`` with ``[tool.tracediff]`` or ``tracediff.toml`` from the working
    directory; a path; or None for none), so the test, the library and the command line
    give one verdict.  ``options`` are the command line's (``rtol``, ``atol``, ``tol``
    (``["FIELD=RTOL,ATOL", ...]``), ``elementwise``, ``only``, ``ignore``,
    ``allow_missing``, ``strict``, ``families``).  Returns the comparison when the traces agree.
    """
    result = compare_logs(reference, candidate, profile=profile, config=config, **options)
    if result.failed:
        raise AssertionError("\n" + render_table(result, diverged_only=True))
    return result
