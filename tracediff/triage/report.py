"""The plain-text triage report: the headline, then one line per judged field."""

from __future__ import annotations

from tracediff.triage.engine import TriageResult
from tracediff.triage.verdicts import VERDICTS


def text_report(result: TriageResult, show_missing: bool = False) -> str:
    """Headline, a row per field (verdict, field, C / port / model values, quirk), the counts."""
    lines = [result.headline(), ""]
    for f in result.fields:
        if f.verdict == "not in port trace" and not show_missing:
            continue
        name = f"{f.field}#{f.occurrence}" if f.occurrence else f.field
        lines.append(f"{f.verdict:<16} {name}")
        lines.append(f"    C: {f.c_value}   port: {f.port_value}   model: {f.model_value}")
        if f.production_value is not None:
            lines.append(f"    port production value: {f.production_value}")
        if f.quirk and f.verdict in ("C quirk or bug", "all differ", "print only"):
            lines.append(f"    catalogue quirk {f.quirk}")
    counts = result.counts()
    lines.append("")
    lines.append(", ".join(f"{n} {name}" for name, n in counts.items()))
    lines.append("verdicts: " + "; ".join(f"{v.name}: {v.meaning}" for v in VERDICTS.values()))
    return "\n".join(lines) + "\n"
