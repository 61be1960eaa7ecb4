"""What a config table may hold: every table's documented keys and their types, as data.

A config is checked like code before anything is applied: an unknown key, a value of the
wrong type, an unknown unit or profile, or a regex that does not compile is one
:class:`~tracediff.errors.TraceDiffError` naming the file, the table and the key (with the
nearest valid key when one is close), never a rule silently dropped.  A misspelled waiver
key (``when_ref_equal``) would otherwise make the waiver unconditional: a false pass.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import regex

from tracediff.compare.waivers import FIELD_CONDITIONS
from tracediff.errors import TraceDiffError
from tracediff.trace.units import UNIT_FACTORS, canonical_unit

#: a check of one value: returns a complaint ("must be ...") or None when the value fits
Check = Callable[[Any], str | None]


@dataclass(frozen=True)
class Place:
    """Where a table is: the file (or profile), and the table as the user writes it there."""

    source: str
    prefix: str = ""  #: ``tool.tracediff`` in a pyproject.toml, empty elsewhere
    label: str = ""  #: ``[tool.tracediff.fields."pix0*"]``; empty: the config's own table

    def sub(self, name: str, key: str | None = None, *, entry: int | None = None) -> Place:
        """The place of table ``name`` (``fields``), of its ``key`` or of its entry ``#entry``."""
        dotted = f"{self.prefix}.{name}" if self.prefix else name
        if entry is not None:
            return Place(self.source, self.prefix, f"[[{dotted}]] #{entry}")
        if key is not None:
            dotted += f".{key}" if key.replace("_", "").isalnum() else f'."{key}"'
        return Place(self.source, self.prefix, f"[{dotted}]")

    def fail(self, reason: str) -> TraceDiffError:
        table = self.label or (f"[{self.prefix}]" if self.prefix else "top level")
        return TraceDiffError(f"{table}: {reason}", self.source)


def _number(value: Any) -> str | None:
    ok = not isinstance(value, bool) and isinstance(value, (int, float)) and value == value and value >= 0
    return None if ok else f"must be a number >= 0, got {value!r}"


def _boolean(value: Any) -> str | None:
    return None if isinstance(value, bool) else f"must be true or false, got {value!r}"


def _text(value: Any) -> str | None:
    return None if isinstance(value, str) else f"must be text, got {value!r}"


def _reason(value: Any) -> str | None:
    return None if isinstance(value, str) and value.strip() else "must be a non-empty text saying why"


def _texts(value: Any) -> str | None:
    ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
    return None if ok else f"must be a list of texts, got {value!r}"


def _occurrence(value: Any) -> str | None:
    ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
    return None if ok else f"must be an integer >= 0, got {value!r}"


def _date(value: Any) -> str | None:
    if isinstance(value, (dt.date, dt.datetime)):
        return None
    try:
        dt.date.fromisoformat(str(value))
    except ValueError:
        return f"must be a date YYYY-MM-DD, got {value!r}"
    return None


def _unit(value: Any) -> str | None:
    if isinstance(value, str) and (canonical_unit(value) or value) in UNIT_FACTORS:
        return None
    return f"unknown unit {value!r} (known: {', '.join(UNIT_FACTORS)})"


def _condition(value: Any) -> str | None:
    """A waiver condition (see :class:`tracediff.compare.options.Waiver`); regexes compiled here."""
    if isinstance(value, str):
        if value.startswith("regex:"):
            try:
                regex.compile(value[6:])
            except regex.error as exc:
                return f"invalid regex {value[6:]!r} ({exc})"
        if value.startswith(FIELD_CONDITIONS) and not value.partition(":")[2]:
            return f"{value!r} names no field"
        return None
    if isinstance(value, bool):
        return f"must be text, a number, a list or a table of factors, got {value!r}"
    if isinstance(value, (int, float)):
        return None
    if isinstance(value, list) and value and (all(isinstance(v, str) for v in value)
                                             or all(_number_like(v) for v in value)):
        return None
    if isinstance(value, dict) and value and all(_number_like(v) for v in value.values()):
        return None
    return f"must be text, a number, a list of texts or numbers, or a table of factors, got {value!r}"


def _number_like(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _context(value: Any) -> str | None:
    ok = isinstance(value, dict) and value and all(v == "nonzero" for v in value.values())
    return None if ok else f'must be a table of field = "nonzero", got {value!r}'


def _families(value: Any) -> str | None:
    ok = isinstance(value, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items())
    return None if ok else f'must be a table of REFERENCE_FAMILY = "CANDIDATE_FAMILY", got {value!r}'


def _graph(value: Any) -> str | None:
    """``[graph]`` FIELD = ["INPUT", ...]; its cycles and names are checked by tracediff.rootcause.graphs."""
    return None if isinstance(value, dict) else f'must be a table of FIELD = ["INPUT", ...], got {value!r}'


FIELD_KEYS: dict[str, Check] = {"rtol": _number, "atol": _number, "elementwise": _boolean}
UNIT_KEYS: dict[str, Check] = {"ref": _unit, "cand": _unit}
WAIVE_KEYS: dict[str, Check] = {
    "field": _text, "reason": _reason, "occurrence": _occurrence, "until": _date,
    "when_ref_equals": _condition, "when_cand_equals": _condition, "when_cand_fields": _context,
}
WAIVE_REQUIRED = ("field", "reason")

#: the keys of a project config's table; a profile's table has these but ``profile``, plus
#: ``quirks_from_catalogue`` (its quirk rules come from the field catalogue)
TOP_KEYS: dict[str, Check] = {
    "description": _text, "profile": _text, "rtol": _number, "atol": _number, "elementwise": _boolean,
    "optional_tags": _texts, "fields": lambda v: None, "aliases": lambda v: None, "units": lambda v: None,
    "waive": lambda v: None, "family": _families, "graph": _graph,
}
PROFILE_KEYS: dict[str, Check] = {
    **{k: v for k, v in TOP_KEYS.items() if k != "profile"}, "quirks_from_catalogue": _boolean,
}


def check_keys(table: dict[str, Any], keys: dict[str, Check], place: Place) -> None:
    """Each key of ``table`` is one of ``keys`` and its value passes that key's check."""
    for key, value in table.items():
        if key not in keys:
            near = difflib.get_close_matches(key, list(keys), n=1, cutoff=0.6)
            hint = f" (did you mean {near[0]!r}?)" if near else f" (valid keys: {', '.join(keys)})"
            raise place.fail(f"unknown key {key!r}{hint}")
        complaint = keys[key](value)
        if complaint:
            raise place.fail(f"{key} {complaint}")


def _subtables(table: dict[str, Any], name: str, place: Place) -> dict[str, Any]:
    sub = table.get(name, {})
    if not isinstance(sub, dict):
        raise place.sub(name).fail(f"{name} must be a table, got {sub!r}")
    return sub


def check_table(table: dict[str, Any], place: Place, *, profile: bool = False) -> None:
    """Check a whole config table (a project's or a profile's) and every table inside it."""
    check_keys(table, PROFILE_KEYS if profile else TOP_KEYS, place)
    for name, keys in (("fields", FIELD_KEYS), ("units", UNIT_KEYS)):
        for pattern, spec in _subtables(table, name, place).items():
            where = place.sub(name, pattern)
            if not isinstance(spec, dict):
                raise where.fail(f"must be a table of {' / '.join(keys)}, got {spec!r}")
            check_keys(spec, keys, where)
    for cand, ref in _subtables(table, "aliases", place).items():
        if not isinstance(ref, str):
            raise place.sub("aliases").fail(f"{cand} must name a reference field (text), got {ref!r}")
    _check_waivers(table.get("waive", []), place)


def _check_waivers(waivers: Any, place: Place) -> None:
    if not isinstance(waivers, list) or not all(isinstance(w, dict) for w in waivers):
        raise place.sub("waive", entry=1).fail(f"waive must be a list of tables, got {waivers!r}")
    for n, spec in enumerate(waivers):
        where = place.sub("waive", entry=n + 1)
        check_keys(spec, WAIVE_KEYS, where)
        missing = [key for key in WAIVE_REQUIRED if key not in spec]
        if missing:
            raise where.fail(f"a waiver needs {' and '.join(repr(k) for k in missing)} (field: text, reason: why)")
