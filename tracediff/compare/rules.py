"""Per-field decisions, resolved once per distinct field name and kept as arrays."""

from __future__ import annotations

import fnmatch

import numpy as np

from tracediff.compare.options import CompareOptions, UnitRule
from tracediff.trace.log import KeyTable
from tracediff.trace.segments import member
from tracediff.trace.units import conversion_factor


def _unit_factor(unit: str | None, target: str | None) -> float:
    if unit is None or target is None:
        return 1.0
    return conversion_factor(unit, target)


class KeyRules:
    """Selection, tolerance and unit factors of every key id, grown as keys appear."""

    def __init__(self, keys: KeyTable, options: CompareOptions) -> None:
        self.keys, self.options = keys, options
        self.selected = np.zeros(0, bool)
        self.rtol = np.zeros(0)
        self.atol = np.zeros(0)
        self.elementwise = np.zeros(0, bool)
        self.ref_factor = np.ones(0)
        self.cand_factor = np.ones(0)
        self.describe: list[str] = []
        self.sub_units: dict[int, list[UnitRule]] = {}
        self.unit_rule: dict[int, UnitRule] = {}  # the rule whose factors a key carries
        # on the candidate side, key k stands for reference key partner[k] (aliases, families);
        # rank orders several candidate names for one reference field: its own name 0, aliases by listing
        self.partner = np.zeros(0, np.int64)
        self.rank = np.zeros(0, np.int16)
        self.family_map = {cand: ref for ref, cand in options.families.items()}  # candidate -> reference family
        self._alias_rank = {name: n + 1 for n, name in enumerate(options.aliases)}

    def update(self) -> None:
        """Resolve the rules of keys interned since the last call (partners intern keys too)."""
        while len(self.describe) < len(self.keys):
            self._grow(len(self.describe), len(self.keys))

    def _grow(self, start: int, n: int) -> None:
        grow = n - start
        self.selected = np.r_[self.selected, np.zeros(grow, bool)]
        self.rtol = np.r_[self.rtol, np.zeros(grow)]
        self.atol = np.r_[self.atol, np.zeros(grow)]
        self.elementwise = np.r_[self.elementwise, np.zeros(grow, bool)]
        self.ref_factor = np.r_[self.ref_factor, np.ones(grow)]
        self.cand_factor = np.r_[self.cand_factor, np.ones(grow)]
        self.partner = np.r_[self.partner, np.arange(start, n)]
        self.rank = np.r_[self.rank, np.zeros(grow, np.int16)]
        for k in range(start, n):
            self._resolve(k, self.keys.fields[k])
            self._pair(k)

    def _pair(self, k: int) -> None:
        """The reference key that candidate key ``k`` stands for."""
        family, name = self.keys.families[k], self.keys.fields[k]
        target = (self.family_map.get(family, family), self.options.aliases.get(name, name))
        if target != (family, name):
            self.partner[k] = self.keys.id(*target)
            self.rank[k] = self._alias_rank.get(name, 0)

    def map_family(self, cand_family: str, ref_family: str) -> None:
        """Pair the candidate's family ``cand_family`` with the reference's ``ref_family`` from now on."""
        self.family_map[cand_family] = ref_family
        for k in [k for k, f in enumerate(self.keys.families[:len(self.describe)]) if f == cand_family]:
            self._pair(k)
        self.update()

    def _resolve(self, k: int, name: str) -> None:
        options = self.options
        self.selected[k] = (not options.only or any(fnmatch.fnmatchcase(name, p) for p in options.only)) and not any(
            fnmatch.fnmatchcase(name, p) for p in options.ignore
        )
        tol, describe = options.tolerances.resolve(name)
        self.rtol[k], self.atol[k], self.elementwise[k] = tol.rtol, tol.atol, tol.elementwise
        for unit in options.units:
            if fnmatch.fnmatchcase(name, unit.field):
                target = unit.ref or unit.cand  # both sides are expressed in the reference's unit
                self.ref_factor[k] = _unit_factor(unit.ref, target)
                self.cand_factor[k] = _unit_factor(unit.cand, target)
                self.unit_rule[k] = unit
                describe += f"; units ref={unit.ref} cand={unit.cand} ({unit.source})"
            elif unit.field.startswith(name + "."):
                self.sub_units.setdefault(k, []).append(unit)
        self.describe.append(describe)

    def has_unit_rule(self, keys: np.ndarray) -> np.ndarray:
        """Per key: a unit rule (of the field or of its named sub-values) may rescale it."""
        ruled = (self.ref_factor[keys] != 1.0) | (self.cand_factor[keys] != 1.0)
        if self.sub_units:
            ruled |= member(keys, list(self.sub_units))
        return ruled

    def sub_factors(self, k: int, names: tuple[tuple[str, int], ...], side: str) -> np.ndarray:
        """Element factors of a named value whose sub-values have their own unit rules."""
        factors = []
        for name, count in names:
            factor = 1.0
            for unit in self.sub_units.get(k, []):
                if unit.field == f"{self.keys.fields[k]}.{name}":
                    factor = _unit_factor(getattr(unit, side), unit.ref or unit.cand)
            factors.extend([factor] * count)
        return np.asarray(factors)
