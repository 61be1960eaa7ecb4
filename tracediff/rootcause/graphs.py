"""Which dataflow graph a comparison uses: the project's ``[tool.tracediff.graph]`` or its profile's.

Precedence as for the other rules: a project's own graph table replaces the profile's shipped graph
(``--profile nanobragg`` brings :data:`~tracediff.catalogue.graph.NANOBRAGG_GRAPH`). No graph, no
root causes: the reports are as before.
"""

from __future__ import annotations

from pathlib import Path

from tracediff.catalogue.graph import SHIPPED_GRAPHS, Graph, graph_from_table
from tracediff.config.loader import find_config, read_config_file
from tracediff.errors import TraceDiffError


def load_graph(*, config: Path | None = None, profile: str | None = None, use_project_config: bool = True,
               search_from: Path | None = None) -> Graph | None:
    """The graph for these config sources (the same arguments as the comparison options take)."""
    project = None
    if config is not None:
        project = read_config_file(config)
    elif use_project_config:
        project = find_config(search_from)
    if project is not None and "graph" in project.table:
        table = project.table["graph"]
        if not isinstance(table, dict):
            raise TraceDiffError("[tool.tracediff.graph] must be a table of FIELD = [\"INPUT\", ...]", project.path)
        return graph_from_table(table, source=f"{project.path} [graph]")
    name = profile or (project.table.get("profile") if project else None)
    return SHIPPED_GRAPHS.get(name) if name else None
