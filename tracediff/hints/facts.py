"""What the detectors look at: the judged rows, grouped, and the tags each log prints."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from tracediff.compare.result import Comparison, FieldResult
from tracediff.compare.status import Status
from tracediff.trace.values import ParsedValue

HEAD_BYTES = 256 << 10  # the tags of a log are judged from its first 256 KiB (thousands of lines)
_TAG = re.compile(rb"^\s*(TRACE_[A-Z]+)", re.MULTILINE)


@dataclass(frozen=True)
class Hint:
    """One suggestion: a stable code, a sentence for people, and the data it rests on."""

    code: str
    message: str
    evidence: str

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "evidence": self.evidence}


def log_tags(path: Path) -> Counter[str]:
    """How often each ``TRACE_...`` tag starts a line in the first part of the log (empty if unreadable)."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(HEAD_BYTES)
    except OSError:
        return Counter()
    return Counter(m.decode("ascii") for m in _TAG.findall(head))


@dataclass
class Facts:
    """A comparison as the detectors read it."""

    comparison: Comparison
    ref_tags: Counter[str] = field(default_factory=Counter)
    cand_tags: Counter[str] = field(default_factory=Counter)

    @classmethod
    def of(cls, comparison: Comparison) -> Facts:
        return cls(comparison, log_tags(Path(comparison.ref_path)), log_tags(Path(comparison.cand_path)))

    @cached_property
    def diverged(self) -> list[FieldResult]:
        return [r for r in self.comparison.rows if r.status is Status.DIVERGED]

    @cached_property
    def missing(self) -> list[FieldResult]:
        return [r for r in self.comparison.rows if r.status.missing]

    @cached_property
    def extra(self) -> list[FieldResult]:
        return [r for r in self.comparison.rows if r.status is Status.EXTRA]

    @cached_property
    def judged(self) -> list[FieldResult]:
        """Rows with both values, judged by a tolerance (matched, diverged or waived)."""
        return [r for r in self.comparison.rows if r.ref_value is not None and r.cand_value is not None]


def numbers(row: FieldResult) -> tuple[tuple[float, ...], tuple[float, ...]] | None:
    """Both sides' numbers when both are numeric and of one length, else None."""
    if row.ref_value is None or row.cand_value is None:
        return None
    ref, cand = row.ref_value.numbers, row.cand_value.numbers
    if not ref or len(ref) != len(cand):
        return None
    return ref, cand


def close(a: float, b: float, rtol: float, scale: float | None = None) -> bool:
    """``a`` and ``b`` agree to ``rtol`` of ``scale`` (default: the larger of the two)."""
    s = max(abs(a), abs(b)) if scale is None else scale
    return abs(a - b) <= rtol * s



def shown(value: ParsedValue | None, limit: int = 60) -> str:
    """A value in a hint's sentence: its text, or its numbers at ``%.15g``, cut past ``limit``."""
    if value is None:
        return "nothing"
    text = value.text if value.text is not None and not value.numbers else " ".join("%.15g" % x for x in value.numbers)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def listed(names: list[str], limit: int = 3) -> str:
    """``a, b, c and 4 more``."""
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")
