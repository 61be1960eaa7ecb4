"""Import the user's port from their source tree, and refuse a stale installed copy.

The trap this guards against: a harness that does ``import nanobrag_torch`` gets whatever
copy Python finds first (an old ``pip install``, another checkout), and the trace describes
code that is not the code being debugged. Here the source tree goes first on ``sys.path``,
any copy already imported is dropped, and the imported package must live inside the tree;
otherwise the capture stops with an error that names both places.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from tracediff.errors import TraceDiffError

PACKAGE = "nanobrag_torch"
DISTRIBUTION = "nanobrag-torch"


@dataclass
class ImportedPort:
    """The port's package as imported, and what was noticed on the way."""

    package: ModuleType
    source: Path  #: the ``src/`` folder it was imported from
    location: Path  #: the package folder
    notes: list[str] = field(default_factory=list)


def default_source(start: Path | None = None) -> Path:
    """``src/`` under the git root of ``start`` (the current directory), or a clear error."""
    start = start or Path.cwd()
    try:
        root = subprocess.run(["git", "-C", str(start), "rev-parse", "--show-toplevel"], capture_output=True,
                              text=True, timeout=30, check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        raise TraceDiffError(f"--source not given and {start} is not inside a git repository; "
                             f"pass --source DIR (the folder holding {PACKAGE}/)") from None
    return Path(root) / "src"


def _package_root(source: Path) -> Path:
    """The folder to put on ``sys.path``: ``source`` itself or its ``src/``."""
    for candidate in (source, source / "src"):
        if (candidate / PACKAGE / "__init__.py").is_file():
            return candidate
    raise TraceDiffError(f"--source {source}: no {PACKAGE}/__init__.py in it or in its src/ folder")


def _installed_elsewhere(root: Path) -> list[str]:
    """Where installed ``nanobrag-torch`` distributions point, when that is not ``root``."""
    out = []
    for dist in importlib.metadata.distributions(name=DISTRIBUTION):
        origin = dist.read_text("direct_url.json") or ""  # an editable install names its project folder
        location = Path(str(dist.locate_file(""))).resolve()
        project = json.loads(origin).get("url", "").removeprefix("file://") if origin.strip() else ""
        places = {location, Path(project).resolve()} if project else {location}
        if not places & {root, root.parent}:
            out.append(project or str(location))
    return out


def import_port(source: Path) -> ImportedPort:
    """Import ``nanobrag_torch`` from ``source`` (its ``src/`` folder or the package's parent).

    Raises :class:`TraceDiffError` when the package imported is not the one in ``source``.
    """
    root = _package_root(source.resolve())
    for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
        del sys.modules[name]  # a copy imported earlier (from anywhere) must not be reused
    sys.path.insert(0, str(root))
    importlib.invalidate_caches()
    # the port wraps its kernels in torch.compile at import time unless told not to: tracing
    # needs the eager code (and compiling costs minutes)
    os.environ.setdefault("NANOBRAGG_DISABLE_COMPILE", "1")
    try:
        package = importlib.import_module(PACKAGE)
        importlib.import_module(f"{PACKAGE}.__main__")
    except Exception as exc:
        raise TraceDiffError(f"cannot import {PACKAGE} from {root}: {type(exc).__name__}: {exc}") from None
    location = Path(package.__file__ or "").resolve().parent
    if root not in location.parents:
        raise TraceDiffError(f"stale install: {PACKAGE} was imported from {location}, not from the source tree "
                             f"{root}; uninstall that copy or fix --source")
    notes = [f"{PACKAGE} imported from {location}"]
    elsewhere = list(dict.fromkeys(_installed_elsewhere(root)))
    if elsewhere:
        notes.append(f"WARNING: an installed {DISTRIBUTION} points at {', '.join(elsewhere)}, not at {root}; "
                     "this capture used the source tree, other tools may not")
    return ImportedPort(package=package, source=root, location=location, notes=notes)
