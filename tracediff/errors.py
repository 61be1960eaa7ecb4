"""The one exception type that reaches users.

Every problem with what the user passed in (a file, a flag, an option) is raised as
:class:`TraceDiffError` where it is found, carrying the file, the line and the reason;
the CLI turns it into a one-line message and exit code 2 in a single place.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass
class TraceDiffError(Exception):
    """A usage or input error: which file (or flag), which line, and why."""

    reason: str
    path: str | Path | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = str(self.path)
            if self.line is not None:
                where += f":{self.line}"
            where += ": "
        return f"{where}{self.reason}"
