"""Renderers of a :class:`~tracediff.compare.result.Comparison`: table, JSON, Markdown, JUnit."""

from __future__ import annotations

from collections.abc import Callable

from tracediff.compare.result import Comparison
from tracediff.report.junit import render_junit
from tracediff.report.markdown import render_markdown
from tracediff.report.text import render_json, render_quiet, render_table

RENDERERS: dict[str, Callable[..., str]] = {
    "table": render_table,
    "json": render_json,
    "markdown": render_markdown,
    "junit": render_junit,
}


def render(comparison: Comparison, fmt: str, **options: object) -> str:
    """The report of ``comparison`` in format ``fmt`` (one of :data:`RENDERERS`)."""
    return RENDERERS[fmt](comparison, **options)


__all__ = ["RENDERERS", "render", "render_quiet"]
