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

from tracediff.compare.engine import compare_logs
from tracediff.compare.result import Comparison
from tracediff.config.loader import build_options
from tracediff.report.text import render_table


def assert_traces_match(reference: str | Path, candidate: str | Path, **options: Any) -> Comparison:
    """Compare two trace logs and raise AssertionError unless they agree.

    ``options`` are those of :func:`tracediff.config.loader.build_options`: ``rtol``,
    ``atol``, ``tol`` (``["FIELD=RTOL,ATOL", ...]``), ``elementwise``, ``only``,
    ``ignore``, ``allow_missing``, ``strict``, ``profile``, ``config`` and
    ``use_project_config`` (default False here, so a test means the same everywhere).
    Returns the comparison when the traces agree.
    """
    options.setdefault("use_project_config", False)
    result = compare_logs(reference, candidate, build_options(**options))
    if result.failed:
        raise AssertionError("\n" + render_table(result, diverged_only=True))
    return result
