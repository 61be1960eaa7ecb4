"""The verdicts of a triage, and the rule that picks one from the pairwise comparisons.

Each field where the port's trace departs from the C's is judged from three (four) pairs:
C vs port, C vs model (tracediff's own, which reproduces the C), model vs port, and, when a
port adapter read the port's production objects, C vs production and model vs production.
"""

from __future__ import annotations

from dataclasses import dataclass

from tracediff.compare.status import Status

MATCH, DIVERGED, WAIVED = Status.MATCHED, Status.DIVERGED, Status.WAIVED
MISSING = (Status.MISSING_REQUIRED, Status.MISSING_OPTIONAL)


@dataclass(frozen=True)
class Verdict:
    name: str
    meaning: str
    fails: bool  #: whether it makes ``triage`` exit 1


#: one source of truth for the verdicts, in the order a report lists them
VERDICTS: dict[str, Verdict] = {v.name: v for v in (
    Verdict("port bug", "the port differs from the C and tracediff's model agrees with the C", True),
    Verdict("all differ", "the C, the port and tracediff's model all differ: nobody knows yet", True),
    Verdict("no witness", "the port differs from the C and tracediff's model does not trace the field", True),
    Verdict("C quirk", "the C prints the field in a way the catalogue records as a print quirk (named), "
            "and that quirk's rule explains the difference", False),
    Verdict("C quirk or bug", "the port and tracediff's model agree, the C differs", False),
    Verdict("print only", "the port's trace differs from the C but its production value (read by the "
            "adapter) agrees: the port's trace print is wrong, not its physics", False),
    Verdict("not in port trace", "the C prints the field, the port's trace does not", False),
)}


def decide(c_port: str, c_model: str | None, model_port: str | None, c_production: str | None = None,
           model_production: str | None = None) -> str:
    """The verdict for a field whose C-vs-port status is not a match.

    The other arguments are the statuses of the other pairs (``match``, ``diverged``,
    ``missing``), None where that pair was not compared. The port's production value
    counts as the port's word where it was read: when it agrees with tracediff's model
    and the C differs, the C is the odd one out even if the port's trace print is wrong too.
    """
    if c_port in MISSING:
        return "not in port trace"
    if c_production == MATCH:
        return "print only"
    if c_model == MATCH:
        return "port bug"
    if c_model is None or c_model in MISSING:
        return "no witness"
    if MATCH in (model_port, model_production):
        return "C quirk or bug"
    return "all differ"


__all__ = ["DIVERGED", "MATCH", "MISSING", "VERDICTS", "WAIVED", "Verdict", "decide"]
