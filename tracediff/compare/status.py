"""The verdict of one field, decided once by the engine and read everywhere else.

The engine gives every row one :class:`Status`; the result's gate, the headline, the
renderers and the JUnit writer only read it (``status.fails``), so "does a missing field
fail?" has one answer: a field the candidate must print and does not is
``MISSING_REQUIRED`` and fails unless ``--allow-missing``; one it need not print (an
optional tag, a field parsed from prose) is ``MISSING_OPTIONAL`` and never fails.
The values are the words the JSON report prints.
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    MATCHED = "match"
    DIVERGED = "diverged"
    WAIVED = "waived"
    MISSING_REQUIRED = "missing"
    MISSING_OPTIONAL = "missing-optional"
    EXTRA = "only_in_cand"

    def fails(self, allow_missing: bool = False) -> bool:
        """Whether a row with this status fails the gate (the one place this is decided)."""
        return self is Status.DIVERGED or (self is Status.MISSING_REQUIRED and not allow_missing)

    @property
    def missing(self) -> bool:
        """A reference field the candidate does not print."""
        return self in (Status.MISSING_REQUIRED, Status.MISSING_OPTIONAL)

    @property
    def label(self) -> str:
        """The word a table shows."""
        return _LABELS[self]


_LABELS = {
    Status.MATCHED: "MATCH", Status.DIVERGED: "DIVERGED", Status.WAIVED: "WAIVED",
    Status.MISSING_REQUIRED: "MISSING", Status.MISSING_OPTIONAL: "MISSING (optional)", Status.EXTRA: "EXTRA",
}
