"""When a waiver's condition holds: the reference shows exactly the quirk it explains."""

from __future__ import annotations

import numpy as np

from tracediff.compare.options import Waiver
from tracediff.compare.result import FieldResult
from tracediff.trace.log import Batch
from tracediff.trace.values import NAMED, TEXT, ParsedValue, parse_value


class CandidateMemory:
    """Keeps the candidate values that waiver conditions (``"field:NAME"``) refer to."""

    def __init__(self, waivers: list[Waiver]) -> None:
        self.wanted = {
            w.when_ref_equals[6:] for w in waivers
            if isinstance(w.when_ref_equals, str) and w.when_ref_equals.startswith("field:")
        }
        self.values: dict[tuple[str, int], np.ndarray] = {}
        self.keys = None

    def remember(self, batch: Batch) -> None:
        if not self.wanted or len(batch) == 0:
            return
        offset = batch.offset
        fields = self._fields
        for i in range(len(batch)):
            name = fields(int(batch.key[i]))
            if name in self.wanted:
                start = int(offset[i])
                self.values[(name, int(batch.occurrence[i]))] = batch.values[start:start + int(batch.count[i])].copy()

    def bind(self, keys) -> None:
        self.keys = keys

    def _fields(self, key: int) -> str:
        return self.keys.fields[key] if self.keys is not None else ""

    def get(self, name: str, occurrence: int) -> np.ndarray | None:
        return self.values.get((name, occurrence))


def _close(a: np.ndarray, b: np.ndarray, rtol: float = 1e-9, atol: float = 0.0) -> bool:
    """The comparison's own rule (field scale), for a waiver's condition."""
    if a.shape != b.shape:
        return False
    scale = max(float(np.max(np.abs(a), initial=0.0)), float(np.max(np.abs(b), initial=0.0)))
    return bool(np.all((a == b) | (np.abs(a - b) <= max(atol, rtol * scale))))


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


def waiver_applies(waiver: Waiver, row: FieldResult, memory: CandidateMemory) -> bool:
    """True when ``waiver`` explains the divergence in ``row``."""
    condition = waiver.when_ref_equals
    if condition is None:
        return True
    ref_value, cand_value = row.ref_value, row.cand_value
    tol = (max(row.rtol, 1e-9), row.atol)
    if isinstance(condition, dict):
        return cand_value is not None and _scaled_subvalues(ref_value, cand_value, condition, tol)
    if condition == "same_norm":
        if cand_value is None or ref_value.kind == TEXT or cand_value.kind == TEXT:
            return False
        norms = np.linalg.norm(_numbers(ref_value)), np.linalg.norm(_numbers(cand_value))
        return _close(np.array([norms[0]]), np.array([norms[1]]), *tol)
    if isinstance(condition, str) and condition.startswith("field:"):
        other = memory.get(condition[6:], row.occurrence)
        return other is not None and ref_value.kind != TEXT and _close(_numbers(ref_value), other, *tol)
    if isinstance(condition, str):
        expected = parse_value(condition)
        if expected.kind == TEXT or ref_value.kind == TEXT:
            return ref_value.text == expected.text
        return _close(_numbers(ref_value), np.asarray(expected.numbers), *tol)
    expected_numbers = np.atleast_1d(np.asarray(condition, dtype=float))
    return ref_value.kind != TEXT and _close(_numbers(ref_value), expected_numbers, *tol)
