"""Renderers of a :class:`~tracediff.compare.result.Comparison`: table, JSON, Markdown, JUnit.

Each format's module is imported when a report in it is asked for: a compare pays
only for the renderer it uses (JUnit's XML library costs a start-up of its own).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tracediff.compare.result import Comparison

#: format -> (module, function) of its renderer
RENDERERS: dict[str, tuple[str, str]] = {
    "table": ("tracediff.report.text", "render_table"),
    "json": ("tracediff.report.text", "render_json"),
    "markdown": ("tracediff.report.markdown", "render_markdown"),
    "junit": ("tracediff.report.junit", "render_junit"),
}


def render(comparison: Comparison, fmt: str, **options: object) -> str:
    """The report of ``comparison`` in format ``fmt`` (one of :data:`RENDERERS`)."""
    module, function = RENDERERS[fmt]
    return getattr(import_module(module), function)(comparison, **options)


def render_quiet(comparison: Comparison) -> str:
    """The one summary line of ``--quiet``."""
    from tracediff.report.text import render_quiet as quiet

    return quiet(comparison)


__all__ = ["RENDERERS", "render", "render_quiet"]
