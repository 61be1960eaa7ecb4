"""Where a trace line starts, what its tag is, and how its body splits into fields.

Real logs mix every shape below (see the corpus INDEX's F-codes); one table of
patterns, tried in order, turns a body into ``(field, value text)`` pairs:

* ``TAG:key=v v v`` / ``TAG:key=[a b c; ...]`` / ``TAG:key=sub:v sub:v``   one field
* ``TAG_PHI phi_tic=0 phi_deg=0 k_frac=...`` (only ``key=value`` pairs)     one field per key
* ``TAG: key = [a, b, c]`` / ``TAG: Position (m) = a, b, c``               text before `` = `` is the key
* ``TAG: key v v v`` / ``TAG: key sub:v sub:v``                              first word is the key
* ``TAG: Some narrative header:`` / ``TAG: === Section ===``                 no field

A trace line may begin mid-line after other output (nanoBragg's interpolation warning
has no newline), and a unified diff's ``-TRACE_C:``/``+TRACE_PY:`` are read as the
trace lines they quote.  Several tags on one line (side-by-side listings) give one
body each.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

from tracediff.trace.units import canonical_unit
from tracediff.trace.values import TEXT, ParsedValue, parse_value

# A tag starts at a word boundary: TRACE, TRACE_C, TRACE_PY_PHI, TRACE_C_SOURCE2, ...
# followed by ':' or by a space and then a body.  An optional " <int>:" index follows
# some tags (``TRACE_PY_SOURCE 0: key v``).
TAG_RE = regex.compile(r"(?<![A-Za-z0-9_])(TRACE[A-Z0-9_]*)(?:\s+(\d+))?(:|\s)")
SIDE_MARKERS = ("C", "PY")

_PAIR_RE = regex.compile(r"(?P<key>[A-Za-z_][\w.\[\]]*)=(?P<value>.*?)(?=\s+[A-Za-z_][\w.\[\]]*=|\s*$)")
_KEY_UNIT_RE = regex.compile(r"^(?P<key>.*?)\s*\((?P<unit>[^()]*)\)$")
_EMBEDDED_PAIR_RE = regex.compile(
    r"(?<![\w.])(?P<key>[A-Za-z_]\w*)=(?P<value>[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)(?![\w.])"
)
_LEADING_UNIT_RE = regex.compile(r"^\((?P<unit>[^()\s]+)\)\s+(?=\S)")
_VALUE_START_RE = regex.compile(r"^[\[(]?\s*[-+]?(?:\d|\.\d|(?i:nan|inf))")


@dataclass(frozen=True, slots=True)
class Body:
    """One tag occurrence on a line and the text that belongs to it."""

    tag: str
    family: str
    text: str


def family_of(tag: str, index: str | None = None) -> str:
    """The tag with its side marker removed: TRACE_C, TRACE_PY, TRACE -> TRACE."""
    parts = tag.split("_")
    if len(parts) > 1 and parts[1] in SIDE_MARKERS:
        del parts[1]
    family = "_".join(parts)
    return family + index if index else family


def find_bodies(line: str) -> list[Body]:
    """Every tag on ``line`` with its body text (up to the next tag)."""
    matches = list(TAG_RE.finditer(line))
    bodies = []
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(line)
        tag, index = match.group(1), match.group(2)
        text = line[match.end():end]
        if i + 1 < len(matches):
            text = text.rstrip().rstrip("|\t").rstrip()
        bodies.append(Body(tag, family_of(tag, index), text))
    return bodies


def _key_and_unit(key: str) -> tuple[str, str | None]:
    """``Position (m)`` -> (``Position``, ``m``); other parentheses stay in the key."""
    key = " ".join(key.split())
    match = _KEY_UNIT_RE.match(key)
    if match:
        unit = canonical_unit(match["unit"])
        if unit is not None:
            return match["key"], unit
    return key, None


def _all_pairs(text: str) -> list[tuple[str, str]] | None:
    pairs, pos = [], 0
    for match in _PAIR_RE.finditer(text):
        if text[pos:match.start()].strip():
            return None
        pairs.append((match["key"], match["value"].strip()))
        pos = match.end()
    if not pairs or text[pos:].strip():
        return None
    return pairs


def _is_narrative(text: str) -> bool:
    stripped = text.strip()
    return (
        not stripped
        or stripped.endswith(":")
        or stripped.startswith(("===", "---", "***"))
        or set(stripped) <= set("=-*# ")
    )


def split_fields(text: str, family: str = "TRACE") -> list[tuple[str, str, str | None, bool]]:
    """A body's ``(field, value text, unit from the key, optional)``; [] for narrative."""
    return [(name, value, unit, optional) for name, value, unit, optional in _fields(text)]


def _fields(text: str) -> list[tuple[str, str, str | None, bool]]:
    if _is_narrative(text):
        # a header may still carry values: "Copying vectors to a0 (phi=0 mosaic=0 reference):"
        return [(m["key"], m["value"], None, True) for m in _EMBEDDED_PAIR_RE.finditer(text)]
    stripped = text.strip()
    if not text.startswith((" ", "\t")) or "=" in stripped.split(None, 1)[0]:
        pairs = _all_pairs(stripped)
        if pairs is not None:
            return [(key, value, None, False) for key, value in pairs if key and value]
    if " = " in stripped:
        return _equals_chain(stripped)
    parts = stripped.split(None, 1)
    word, rest = parts[0], (parts[1].strip() if len(parts) > 1 else "")
    if "=" in word and not rest:
        key, _, value = word.partition("=")  # index-as-key: "[0,1,3]=105.41"
        return [(key, value, None, False)] if key and value else []
    if _VALUE_START_RE.match(stripped):
        return [("value", stripped, None, False)]  # a bare value: "TRACE_PY_H_COORDS: [1, 2, 3]"
    word = word.rstrip(":=")
    if not rest or not word:
        return []
    unit_match = _LEADING_UNIT_RE.match(rest)  # "Airpath (m) 0.5": the unit stands in the key
    if unit_match and canonical_unit(unit_match["unit"]):
        return [(word, rest[unit_match.end():], canonical_unit(unit_match["unit"]), False)]
    return [(word, rest, None, False)]


def _equals_chain(text: str) -> list[tuple[str, str, str | None, bool]]:
    """``key = v``, ``key = expr = v``, ``a = [..] |a| = 100 Angstroms``, ``V = 1, W = 2``.

    Each `` = `` separates a key from a value whose last word is the next key; a
    segment that is no value (an expression such as ``a_star . (b_star x c_star)``)
    is the definition of the current key, whose value comes after it.
    """
    parts = text.split(" = ")
    key = parts[0]
    if key.endswith(":"):
        return []
    fields = []
    for i, segment in enumerate(parts[1:], start=1):
        if i == len(parts) - 1:
            value, next_key = segment, None
        else:
            value, _, next_key = segment.rstrip(" ,").rpartition(" ")
            value = value.rstrip(" ,")
        if value and parse_value(value).kind != TEXT:
            name, unit = _key_and_unit(key)
            fields.append((name, value, unit, False))
            if next_key is not None:
                key = next_key
        elif next_key is None and value:
            name, unit = _key_and_unit(key)
            fields.append((name, value, unit, False))
    return fields


@dataclass(frozen=True, slots=True)
class LineField:
    """One field of a trace line as the dialect rules read it."""

    tag: str
    family: str
    name: str
    value: ParsedValue
    unit: str | None  # printed after the value or inside the key
    optional: bool  # prose: a narrative header's or a description's key=value


def read_line(line: str) -> list[LineField]:
    """Every field of one line, by the dialect rules (the general path of the parser)."""
    fields = []
    for body in find_bodies(line):
        for name, text, key_unit, optional in split_fields(body.text, body.family):
            value = parse_value(text)
            fields.append(LineField(body.tag, body.family, name, value, value.unit or key_unit, optional))
    return fields
