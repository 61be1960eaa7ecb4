"""The reference cases the capture parity tests run on.

``FIXTURE_CASES``: the few copied into ``fixtures/reference`` (a fresh clone has them);
``ENV_CASES``: every case under ``$TRACEDIFF_REFERENCE`` (the full C reference set), empty
when the variable is unset, so those tests skip.
"""

from __future__ import annotations

import os
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "reference"
SKIP_REASON = "set TRACEDIFF_REFERENCE to ../shared/reference/nanobragg-c"


def cases(root: Path | None) -> list[Path]:
    """The case folders under ``root`` that hold both ``args.txt`` and ``trace_c.log``."""
    if root is None or not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if (p / "args.txt").is_file() and (p / "trace_c.log").is_file())


ENV_ROOT = os.environ.get("TRACEDIFF_REFERENCE")
ENV_CASES = cases(Path(ENV_ROOT) if ENV_ROOT else None)
FIXTURE_CASES = cases(FIXTURES)
