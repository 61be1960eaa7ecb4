"""A trace's numbers by graph node and occurrence, with the print precision of each field."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

import numpy as np

from tracediff.catalogue import fields_named
from tracediff.catalogue.graph import node_name
from tracediff.trace.parser import parse_log
from tracediff.trace.values import TEXT

#: significant digits a line style prints (the C's %g narrative; %.15g everywhere else)
STYLE_DIGITS = {"narrative": 6}
DEFAULT_DIGITS = 15
#: nanoBragg's untagged banner naming the detector convention (the BEAM block prints MOSFLM whatever it is)
CONVENTION_BANNER = re.compile(r"^(\w+) convention selected\.")
BANNER_LINES = 200  # the banner is among the first lines of a run


@dataclass
class TraceValues:
    """Every numeric record of one log: ``values[node][occurrence]`` as a float64 array."""

    path: Path
    values: dict[str, list[np.ndarray]] = field(default_factory=dict)
    side: str = ""  #: "C" for a TRACE_C log, "PY" for TRACE_PY, "" when unknown
    convention: str = ""  #: from the run's banner (``custom convention selected.``), upper case

    def get(self, node: str, occurrence: int = 0) -> np.ndarray | None:
        found = self.values.get(node)
        return found[occurrence] if found is not None and occurrence < len(found) else None

    def count(self, node: str) -> int:
        return len(self.values.get(node, ()))


def print_digits(node: str) -> int:
    """Significant digits the catalogue's line style prints for this field."""
    name = node.split(".", 1)[1] if "." in node and node.split(".", 1)[0].isupper() else node
    specs = fields_named(name)
    return min((STYLE_DIGITS.get(s.style, DEFAULT_DIGITS) for s in specs), default=DEFAULT_DIGITS)


def read_values(path: str | Path) -> TraceValues:
    """Parse ``path`` (any dialect) and keep its numbers by node (raises TraceDiffError on bad input)."""
    log = parse_log(path)
    out = TraceValues(Path(path))
    for record in log.records():
        parts = record.tag.split("_")
        if not out.side and len(parts) > 1 and parts[1] in ("C", "PY"):
            out.side = parts[1]
        if record.value.kind == TEXT:
            continue
        out.values.setdefault(node_name(record.family, record.field), []).append(
            np.asarray(record.value.numbers, dtype=np.float64))
    out.convention = _convention(Path(path))
    return out


def _convention(path: Path) -> str:
    with path.open("r", encoding="utf-8", errors="replace") as handle:
        for line in islice(handle, BANNER_LINES):
            match = CONVENTION_BANNER.match(line)
            if match:
                return match.group(1).upper()
    return ""
