"""Write config tables back as TOML text (for the rules a profile generates), the inverse of tomllib
for the few value types the config uses: text, numbers, booleans, lists and inline tables."""

from __future__ import annotations

import json
import re
from typing import Any

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def toml_key(key: str) -> str:
    return key if _BARE_KEY.fullmatch(key) else json.dumps(key, ensure_ascii=False)


def toml_value(value: Any) -> str:
    """One value as TOML (JSON's string escapes are TOML's basic-string escapes)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{toml_key(k)} = {toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"no TOML form for {type(value).__name__}")


def rules_text(units: dict[str, dict[str, Any]], waivers: list[dict[str, Any]]) -> str:
    """``[units.NAME]`` tables and ``[[waive]]`` entries, each after a blank line."""
    lines: list[str] = []
    for name, spec in units.items():
        lines += ["", f"[units.{toml_key(name)}]", *(f"{k} = {toml_value(v)}" for k, v in spec.items())]
    for entry in waivers:
        lines += ["", "[[waive]]", *(f"{k} = {toml_value(v)}" for k, v in entry.items())]
    return "\n".join(lines) + "\n"
