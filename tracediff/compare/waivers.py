"""When a waiver's condition holds: the reference shows exactly the quirk it explains."""

from __future__ import annotations

import numpy as np
import regex

from tracediff.compare.judge import close
from tracediff.compare.options import Waiver
from tracediff.compare.result import FieldResult
from tracediff.trace.log import Batch, KeyTable
from tracediff.trace.segments import member
from tracediff.trace.values import NAMED, TEXT, ParsedValue, parse_value


class CandidateMemory:
    """Keeps the candidate values that waiver conditions (``"field:NAME"``) refer to."""

    def __init__(self, waivers: list[Waiver], keys: KeyTable) -> None:
        self.wanted = {name for w in waivers for name in referenced_fields(w)}
        self.keys = keys
        self.values: dict[tuple[str, int], np.ndarray] = {}

    def remember(self, batch: Batch, partner: np.ndarray) -> None:
        """Copy the wanted fields' values out of ``batch`` under the reference names they stand
        for (``partner``: key -> reference key), a vectorised pick, then a few rows."""
        if not self.wanted or len(batch) == 0:
            return
        wanted_ids = [k for k, name in enumerate(self.keys.fields) if name in self.wanted]
        keys = partner[batch.key]
        rows = np.flatnonzero(member(keys, wanted_ids))
        if len(rows) == 0:
            return
        offset = batch.offset
        for i in rows.tolist():
            start = int(offset[i])
            name = self.keys.fields[int(keys[i])]
            self.values[(name, int(batch.occurrence[i]))] = batch.values[start:start + int(batch.count[i])].copy()

    def get(self, name: str, occurrence: int) -> np.ndarray | None:
        return self.values.get((name, occurrence))

    def lookup(self, ref: str, occurrence: int) -> np.ndarray | None:
        """The value of ``NAME#OCC`` (``NAME`` alone: at ``occurrence``, the row's own)."""
        name, _, occ = ref.partition("#")
        return self.get(name, int(occ) if occ else occurrence)


#: conditions that read other fields of the candidate (kept by CandidateMemory)
FIELD_CONDITIONS = ("field:", "rotated_by:", "along:")


def referenced_fields(waiver: Waiver) -> list[str]:
    """The candidate fields a waiver's conditions read (what :class:`CandidateMemory` keeps)."""
    refs = [ref for ref, _ in waiver.when_cand_fields]
    for condition in (waiver.when_ref_equals, waiver.when_cand_equals):
        if isinstance(condition, str) and condition.startswith(FIELD_CONDITIONS):
            refs += condition.partition(":")[2].replace(",", ":").split(":")
    return [ref.partition("#")[0] for ref in refs]


def _close(a: np.ndarray, b: np.ndarray, rtol: float = 1e-9, atol: float = 0.0) -> bool:
    """The comparison's own rule (field scale), for a waiver's condition."""
    return close(a, b, rtol, atol)


def _numbers(value: ParsedValue | None) -> np.ndarray:
    return np.asarray(value.numbers if value is not None else (), dtype=float)


def _scaled_subvalues(ref_value: ParsedValue, cand_value: ParsedValue, factors: dict, tol: tuple) -> bool:
    """Named sub-values where the reference prints ``factor`` times the candidate's value."""
    if ref_value.kind != NAMED or cand_value.kind != NAMED or ref_value.names != cand_value.names:
        return False
    pos = 0
    for name, count in ref_value.names:
        a = np.asarray(ref_value.numbers[pos:pos + count])
        b = np.asarray(cand_value.numbers[pos:pos + count]) * float(factors.get(name, 1.0))
        if not _close(a, b, *tol):
            return False
        pos += count
    return True


def _holds(condition: object, value: ParsedValue | None, other: ParsedValue | None,
           row: FieldResult, memory: CandidateMemory, tol: tuple) -> bool:
    """Whether ``value`` (one side) meets ``condition``; ``other`` is the other side's value."""
    if value is None:
        return False
    if isinstance(condition, dict):
        return other is not None and _scaled_subvalues(value, other, condition, tol)
    if condition == "same_norm":
        if other is None or value.kind == TEXT or other.kind == TEXT:
            return False
        norms = np.linalg.norm(_numbers(value)), np.linalg.norm(_numbers(other))
        return _close(np.array([norms[0]]), np.array([norms[1]]), *tol)
    if condition == "unit_norm":
        return value.kind != TEXT and _close(np.array([np.linalg.norm(_numbers(value))]), np.array([1.0]), *tol)
    if isinstance(condition, str) and condition.startswith("regex:"):
        return value.kind == TEXT and regex.fullmatch(condition[6:], value.text or "") is not None
    if isinstance(condition, str) and condition.startswith("field:"):
        found = memory.lookup(condition[6:], row.occurrence)
        return found is not None and value.kind != TEXT and _close(_numbers(value), found, *tol)
    if isinstance(condition, str) and condition.startswith(("rotated_by:", "along:")):
        return value.kind != TEXT and _relation_holds(condition, _numbers(value), row.occurrence, memory, tol)
    if isinstance(condition, str):
        expected = parse_value(condition)
        if expected.kind == TEXT or value.kind == TEXT:
            return value.text == expected.text
        return _close(_numbers(value), np.asarray(expected.numbers), *tol)
    if isinstance(condition, list) and all(isinstance(c, str) for c in condition):
        return value.kind == TEXT and value.text in condition  # one of these texts
    expected_numbers = np.atleast_1d(np.asarray(condition, dtype=float))
    return value.kind != TEXT and _close(_numbers(value), expected_numbers, *tol)


def _relation_holds(condition: str, v: np.ndarray, occurrence: int, memory: CandidateMemory, tol: tuple) -> bool:
    """``rotated_by:M:T`` (M·v = T) or ``along:B,C`` (v points along B × C), on candidate fields."""
    kind, _, body = condition.partition(":")
    if kind == "rotated_by":
        matrix, target = (memory.lookup(ref, occurrence) for ref in body.split(":"))
        if matrix is None or target is None or matrix.size != v.size ** 2:
            return False
        return _close(matrix.reshape(v.size, v.size) @ v, target, *tol)
    b, c = (memory.lookup(ref, occurrence) for ref in body.split(","))
    if b is None or c is None or not v.shape == b.shape == c.shape == (3,):
        return False
    axis, length = np.cross(b, c), float(np.linalg.norm(v))
    return length > 0 and _close(v / length, axis / max(float(np.linalg.norm(axis)), 1e-300), *tol)


def _context_holds(waiver: Waiver, row: FieldResult, memory: CandidateMemory) -> bool:
    """Each ``when_cand_fields`` entry: the candidate printed that field, and it is not zero."""
    for ref, _nonzero in waiver.when_cand_fields:
        found = memory.lookup(ref, row.occurrence)
        if found is None or not np.any(found != 0):
            return False
    return True


def waiver_applies(waiver: Waiver, row: FieldResult, memory: CandidateMemory) -> bool:
    """True when ``waiver`` explains the divergence in ``row``: each of its conditions holds."""
    tol = (max(row.rtol, 1e-9), row.atol)
    if not _context_holds(waiver, row, memory):
        return False
    if waiver.when_ref_equals is not None and not _holds(
        waiver.when_ref_equals, row.ref_value, row.cand_value, row, memory, tol
    ):
        return False
    if waiver.when_cand_equals is not None and not _holds(
        waiver.when_cand_equals, row.cand_value, row.ref_value, row, memory, tol
    ):
        return False
    return True
