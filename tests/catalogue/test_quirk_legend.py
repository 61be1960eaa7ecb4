"""Every quirk code cited in the package resolves in the legend inside it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tracediff import catalogue as cat
from tracediff.catalogue.quirks import QUIRKS, cite, quirk

PACKAGE = Path(cat.__file__).resolve().parents[1]
CODE = re.compile(r"\b(Q[0-9]{1,2}|[GBSPCO][0-9])\b")


def test_every_code_of_the_catalogue_is_in_the_legend() -> None:
    for spec in cat.FIELDS:
        for code in spec.quirk_ids:
            assert code in QUIRKS, (spec.key, code)


def test_every_code_cited_in_the_package_is_in_the_legend() -> None:
    cited = {}
    for path in [*PACKAGE.rglob("*.py"), *PACKAGE.rglob("*.toml")]:
        for code in CODE.findall(path.read_text(encoding="utf-8")):
            cited.setdefault(code, path.relative_to(PACKAGE))
    missing = {code: str(where) for code, where in cited.items() if code not in QUIRKS}
    assert not missing


def test_legend_entries_say_what_and_where() -> None:
    assert len(QUIRKS) >= 60
    for code, entry in QUIRKS.items():
        assert entry.code == code and entry.summary
        assert re.fullmatch(r"([0-9]+(-[0-9]+)?)(, [0-9]+(-[0-9]+)?)*|", entry.c_lines), code


def test_citation() -> None:
    assert cite(("Q4", "B3")) == "nanoBragg.c lines 1851-1853; quirks Q4/B3"
    assert cite(("Q2", "B1")) == "nanoBragg.c line 1839; quirks Q2/B1"
    assert cite(("Q31",)) == "quirk Q31"
    with pytest.raises(KeyError, match="Z9"):
        quirk("Z9")
