"""``--format html``: one self-contained page with the root causes, the coloured graph and the digits chart."""

from __future__ import annotations

import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.capture.reference_cases import ENV_CASES, SKIP_REASON
from tests.graph.capture_chain import capture_text


class Page(HTMLParser):
    """Every start tag with its attributes, and the text of the headline."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.stack: list[str] = []
        self.text: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {k: v or "" for k, v in attrs}))
        self.stack.append(dict(attrs).get("id") or "")

    def handle_endtag(self, tag):
        if self.stack:
            self.stack.pop()

    def handle_data(self, data):
        for ident in self.stack:
            if ident:
                self.text[ident] = self.text.get(ident, "") + data

    def having(self, tag: str, **attrs: str) -> list[dict[str, str]]:
        return [a for t, a in self.tags if t == tag and all(a.get(k.replace("_", "-")) == v for k, v in attrs.items())]


def _page(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def _assert_self_contained(page: Page) -> None:
    for _, attrs in page.tags:
        for key in ("src", "href"):
            assert not attrs.get(key, "").startswith(("http:", "https:", "//")), attrs
    assert not page.having("script") and not page.having("link")


REF = "".join(f"TRACE_C: {k} {v}\n" for k, v in {"x": 1, "y": 2, "z": 3, "v": 4, "w": 5}.items())
CAND = "".join(f"TRACE_PY: {k} {v}\n" for k, v in {"x": 1, "y": 2.5, "z": 3.5, "v": 4, "w": 5.5}.items())


def test_small_graph_page(write, cli, tmp_path):
    (tmp_path / "tracediff.toml").write_text('[graph]\ny = ["x"]\nz = ["y"]\nw = ["z", "v"]\n')
    out = tmp_path / "report.html"
    result = cli("compare", write("ref.log", REF), write("cand.log", CAND), "--format", "html", "--output", out)
    assert result.code == 1
    page = _page(out)
    _assert_self_contained(page)
    status = {a["data-field"]: a["data-status"] for a in page.having("g", **{"class": "node"})}
    assert status == {"x": "match", "y": "root", "z": "inherited", "v": "match", "w": "inherited"}
    assert len(page.having("rect", **{"class": "bar"})) == 5
    assert page.having("polyline", id="tolerance")
    assert [a for a in page.having("tr") if a.get("class") == "root-cause"]
    assert page.text["root-cause-headline"] == "ROOT CAUSE (1): y (explains 2 downstream fields)"


def test_without_a_graph_the_page_says_so(write, cli, tmp_path):
    out = tmp_path / "report.html"
    result = cli("compare", write("ref.log", REF), write("cand.log", CAND), "--format", "html", "-o", out)
    assert result.code == 1
    page = _page(out)
    assert not page.having("g", **{"class": "node"}) and len(page.having("rect", **{"class": "bar"})) == 5
    assert "FIRST DIVERGENCE: TRACE y" in page.text["headline"]


@pytest.mark.skipif(not ENV_CASES, reason=SKIP_REASON)
def test_planted_faults_are_marked_on_the_nanobragg_graph(cli, tmp_path):
    case = next(c for c in ENV_CASES if c.name == "mosflm-default-cubic")
    cand = tmp_path / "cand.log"
    cand.write_text(capture_text(case / "args.txt", ["-distance", "111", "-default_F", "123"]))
    out = tmp_path / "report.html"
    result = cli("compare", case / "trace_c.log", cand, "--profile", "nanobragg", "--format", "html", "-o", out)
    assert result.code == 1
    page = _page(out)
    _assert_self_contained(page)
    roots = sorted(a["data-field"] for a in page.having("g", **{"class": "node"}, data_status="root"))
    assert roots == ["F_cell", "distance_m"]
    assert page.having("g", **{"class": "node"}, data_status="waived")  # beam_center_m's C quirk
    blocks = {a["data-block"] for a in page.having("rect", **{"class": "block"})}
    assert {"detector_beam", "pixel_geometry", "closing"} <= blocks


def _browser() -> str | None:
    return next((shutil.which(b) for b in ("chromium", "chromium-browser", "google-chrome") if shutil.which(b)), None)


@pytest.mark.skipif(_browser() is None, reason="no headless chromium on this machine")
def test_page_renders_headless(write, cli, tmp_path):
    (tmp_path / "tracediff.toml").write_text('[graph]\ny = ["x"]\nz = ["y"]\nw = ["z", "v"]\n')
    out = tmp_path / "report.html"
    cli("compare", write("ref.log", REF), write("cand.log", CAND), "--format", "html", "-o", out)
    dom = subprocess.run([_browser(), "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", out.as_uri()],
                         capture_output=True, text=True, timeout=120)
    assert dom.returncode == 0, dom.stderr[-500:]
    assert "data-status=\"root\"" in dom.stdout and "id=\"digits\"" in dom.stdout
