"""When a waiver's condition holds: the reference shows exactly the quirk it explains."""

from __future__ import annotations

import numpy as np

from tracediff.compare.options import CompareOptions, Waiver
from tracediff.trace.log import TraceLog
from tracediff.trace.values import NAMED, TEXT, parse_value


def _close(a: np.ndarray, b: np.ndarray, rtol: float = 1e-9) -> bool:
    if a.shape != b.shape:
        return False
    scale = max(float(np.max(np.abs(a), initial=0.0)), float(np.max(np.abs(b), initial=0.0)))
    return bool(np.all((a == b) | (np.abs(a - b) <= rtol * scale)))


def _scaled_subvalues(ref_value, cand_value, factors: dict) -> bool:
    """Named sub-values where the reference prints ``factor`` times the candidate's value."""
    if ref_value.kind != NAMED or cand_value.kind != NAMED or ref_value.names != cand_value.names:
        return False
    pos = 0
    for name, count in ref_value.names:
        a = np.asarray(ref_value.numbers[pos:pos + count])
        b = np.asarray(cand_value.numbers[pos:pos + count]) * float(factors.get(name, 1.0))
        if not _close(a, b):
            return False
        pos += count
    return True


def waiver_applies(waiver: Waiver, ref: TraceLog, cand: TraceLog, i: int, j: int, options: CompareOptions) -> bool:
    """True when waiver ``waiver`` explains the divergence of reference record ``i``."""
    condition = waiver.when_ref_equals
    if condition is None:
        return True
    ref_value = ref.parsed_value(i)
    if isinstance(condition, dict):
        return j >= 0 and _scaled_subvalues(ref_value, cand.parsed_value(j), condition)
    if isinstance(condition, str) and condition == "same_norm":
        if j < 0 or ref_value.kind == TEXT:
            return False
        return _close(np.array([np.linalg.norm(ref.numbers(i))]), np.array([np.linalg.norm(cand.numbers(j))]))
    if isinstance(condition, str) and condition.startswith("field:"):
        other = cand.keys.by_family.get(ref.family(i), {}).get(condition[6:])
        if other is None:
            return False
        match = np.flatnonzero((cand.key == other) & (cand.occurrence == ref.occurrence[i]))
        return bool(len(match)) and _close(ref.numbers(i), cand.numbers(int(match[0])))
    if isinstance(condition, str):
        expected = parse_value(condition)
        if expected.kind == TEXT or ref_value.kind == TEXT:
            return ref_value.text == expected.text
        return _close(ref.numbers(i), np.asarray(expected.numbers))
    return _close(ref.numbers(i), np.atleast_1d(np.asarray(condition, dtype=float)))
