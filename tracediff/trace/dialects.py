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

import re

from tracediff.trace.units import canonical_unit
from tracediff.trace.values import TEXT, ParsedValue, parse_value

# A tag starts at a word boundary: TRACE, TRACE_C, TRACE_PY_PHI, TRACE_C_SOURCE2, ...
# followed by ':' or by a space and then a body.  An optional " <int>:" index follows
# some tags (``TRACE_PY_SOURCE 0: key v``).
TAG_RE = re.compile(r"(?<![A-Za-z0-9_])(TRACE[A-Z0-9_]*)(?:\s+(\d+))?(:|\s)")
SIDE_MARKERS = ("C", "PY")

_PAIR_KEY_RE = re.compile(r"([A-Za-z_][\w.\[\]]*+)=")  # a word that starts a key=value pair
_FORMULA_NAME_RE = re.compile(r"[^\w.\[\]|]")  # a space, ':', '/', ... : prose or a formula, not a name
_KEY_UNIT_RE = re.compile(r"^(?P<key>.*?)\s*\((?P<unit>[^()]*)\)$")
_EMBEDDED_PAIR_RE = re.compile(
    r"(?<![\w.])(?P<key>[A-Za-z_]\w*)=(?P<value>[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)(?![\w.])"
)
_LEADING_UNIT_RE = re.compile(r"^\((?P<unit>[^()\s]+)\)\s+(?=\S)")
_VALUE_START_RE = re.compile(r"^[\[(]?\s*[-+]?(?:\d|\.\d|(?i:nan|inf))")


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
    """``k=v k=v ...`` covering the whole text (a value runs to the next ``key=``), else None.

    Word by word, so its time is linear in the text whatever its words and blanks.
    """
    pairs: list[tuple[str, list[str]]] = []
    for word in text.split():
        match = _PAIR_KEY_RE.match(word)
        if match:
            rest = word[match.end():]
            pairs.append((match[1], [rest] if rest else []))
        elif pairs:
            pairs[-1][1].append(word)
        else:
            return None
    return [(key, " ".join(words)) for key, words in pairs] or None


def _is_narrative(text: str) -> bool:
    stripped = text.strip()
    return (
        not stripped
        or stripped.endswith(":")
        or stripped.startswith(("===", "---", "***"))
        or set(stripped) <= set("=-*# ")
    )


def split_fields(text: str, family: str = "TRACE") -> list[tuple[str, str, str | None, bool]]:
    """A body's ``(field, value text, unit from the key, optional)``; [] for narrative.

    ``optional`` marks prose: key=value pairs inside a narrative header or a
    description, every ``TRACE_CONFIG`` field, names that are formulas or sentences
    (``a_star x b_star``, ``Before conversion: a``) and values defined by an expression
    (``V_star = a_star . (b_star x c_star) = 1e-06``).  They are read like any field,
    but a log that lacks them is not missing anything.
    """
    description = family == "TRACE_CONFIG"
    return [
        (name, value, unit, optional or description or _FORMULA_NAME_RE.search(name) is not None)
        for name, value, unit, optional in _fields(text)
    ]


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
    if "=" in rest and parse_value(rest).kind == TEXT:
        embedded = _EMBEDDED_PAIR_RE.finditer(rest)  # a description: "tracing pixel (spixel=65, fpixel=65)"
        described = [(m["key"], m["value"], None, True) for m in embedded]
        if described:
            return described
    return [(word, rest, None, False)]


def _equals_chain(text: str) -> list[tuple[str, str, str | None, bool]]:
    """``key = v``, ``key = expr = v``, ``a = [..] |a| = 100 Angstroms``, ``mode = XDS, count = 5``.

    Each `` = `` separates a key from a value whose last word is the next key; in a
    list (``a = X, b = Y``) the next key is what follows the last comma, and every
    value, text included, is a field.  A segment that is neither a value nor a list
    item (an expression such as ``a_star . (b_star x c_star)``) defines the current
    key, whose value is the number after it: such a field is optional, like every
    field of a line whose first key is a sentence (``Before conversion: a = ...``).
    """
    parts = text.split(" = ")
    key = parts[0]
    if key.endswith(":"):
        return []
    fields = []
    defined = False
    prose = _FORMULA_NAME_RE.search(_key_and_unit(key)[0]) is not None  # "Before conversion: a = ..."
    for i, segment in enumerate(parts[1:], start=1):
        value, next_key, listed = _chain_segment(segment, last=i == len(parts) - 1)
        if value and (listed or next_key is None or parse_value(value).kind != TEXT):
            name, unit = _key_and_unit(key)
            fields.append((name, value, unit, defined or prose))
            if next_key is not None:
                key, defined = next_key, False
        else:
            defined = True
    return fields


def _chain_segment(segment: str, last: bool) -> tuple[str, str | None, bool]:
    """``(value, next key, is a list item)`` of one segment between two `` = ``."""
    if last:
        return segment, None, False
    body = segment.rstrip(" ,")
    head, comma, tail = body.rpartition(", ")
    if comma and tail and " " not in tail:
        return head.strip(), tail, True
    value, _, next_key = body.rpartition(" ")
    return value.rstrip(" ,"), next_key, False


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
