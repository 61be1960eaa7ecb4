"""tracediff: prove, number by number, that a port computes what the C program computes.

Library use (no torch needed)::

    from tracediff import compare_logs, parse_log
    result = compare_logs("trace_c.log", "trace_py.log")
    result.verdict, result.counts, result.first_divergence

``tracediff.capture`` (which needs torch) produces TRACE_PY logs from nanoBragg flags.
"""

from __future__ import annotations

__version__ = "0.1.0"

from tracediff.compare.engine import compare_logs
from tracediff.compare.options import CompareOptions
from tracediff.errors import TraceDiffError
from tracediff.trace.parser import parse_log

__all__ = ["CompareOptions", "TraceDiffError", "__version__", "compare_logs", "parse_log"]
