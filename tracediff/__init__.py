"""tracediff: prove, number by number, that a port computes what the C program computes.

Library use (no torch needed)::

    from tracediff import compare_logs, parse_log
    result = compare_logs("trace_c.log", "trace_py.log")
    result.verdict, result.counts, result.first_divergence

``tracediff.capture`` (which needs torch) produces TRACE_PY logs from nanoBragg flags.
"""

from __future__ import annotations

__version__ = "0.1.0"

from typing import TYPE_CHECKING, Any

from tracediff.errors import TraceDiffError

__all__ = ["CompareOptions", "TraceDiffError", "__version__", "compare_logs", "parse_log"]

_LAZY = {
    "compare_logs": "tracediff.compare.engine",
    "CompareOptions": "tracediff.compare.options",
    "parse_log": "tracediff.trace.parser",
}

if TYPE_CHECKING:  # pragma: no cover
    from tracediff.compare.engine import compare_logs
    from tracediff.compare.options import CompareOptions
    from tracediff.trace.parser import parse_log


def __getattr__(name: str) -> Any:
    """Import the library lazily, so ``tracediff --help`` starts without numpy."""
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'tracediff' has no attribute {name!r}")
