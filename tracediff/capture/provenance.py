"""Where tracediff runs from and with what: import location, environment, git state.

A trace is only evidence if one can tell which code produced it. A stale installed copy
shadowing the working tree is the classic way to fool oneself, so the import location is
always reported (and a mismatch with ``./tracediff`` is warned about). The runner prints
these notes; the bundle stores the snapshots. Its own module so neither imports the other.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import numpy
import torch

import tracediff

ENV_VARS = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "CUDA_VISIBLE_DEVICES", "PYTHONPATH", "PYTHONHASHSEED")
ENV_PREFIXES = ("TRACEDIFF_", "TRACE_C_")


def import_location() -> Path:
    """The folder of the imported ``tracediff`` package."""
    file = getattr(tracediff, "__file__", None)
    if file:
        return Path(file).resolve().parent
    return Path(next(iter(tracediff.__path__))).resolve()


def shadowing_warning(cwd: Path | None = None) -> str | None:
    """A warning when the current directory holds a tracediff source tree that is not the one imported."""
    here = (cwd or Path.cwd()) / "tracediff"
    if not (here / "capture").is_dir() and not (here / "__init__.py").is_file():
        return None
    try:
        local = here.resolve()
    except OSError:
        return None
    imported = import_location()
    if local != imported:
        return (f"WARNING: the current directory has a tracediff source tree ({local}) "
                f"but tracediff was imported from {imported}")
    return None


def import_location_notes() -> list[str]:
    """The notes every capture prints first: where tracediff was imported from, and any shadowing."""
    notes = [f"imported from {import_location()}"]
    warning = shadowing_warning()
    if warning:
        notes.append(warning)
    return notes


def tracediff_version() -> str:
    try:
        return version("tracediff")
    except PackageNotFoundError:
        return "unknown (not installed; running from source)"


def env_snapshot(device: str, dtype: str) -> str:
    """Versions, platform, device, dtype, thread count and the relevant environment variables."""
    lines = [
        f"tracediff {tracediff_version()}",
        f"tracediff imported from {import_location()}",
        f"python {sys.version.split()[0]} ({sys.executable})",
        f"torch {torch.__version__}",
        f"numpy {numpy.__version__}",
        f"platform {platform.platform()}",
        f"machine {platform.machine()}",
        f"device {device}",
        f"dtype {dtype}",
        f"torch threads {torch.get_num_threads()}",
        f"cuda available {torch.cuda.is_available()}",
        f"cwd {Path.cwd()}",
    ]
    names = sorted({*ENV_VARS, *(k for k in os.environ if k.startswith(ENV_PREFIXES))})
    for name in names:
        value = os.environ.get(name)
        lines.append(f"env {name}={value}" if value is not None else f"env {name} (unset)")
    return "\n".join(lines) + "\n"


def _git(args: list[str], cwd: Path) -> str | None:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=20, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def git_context(cwd: Path | None = None) -> str:
    """HEAD, branch and dirty state of the current directory's repository (or why not)."""
    cwd = cwd or Path.cwd()
    top = _git(["rev-parse", "--show-toplevel"], cwd)
    if top is None:
        return f"{cwd}: not a git repository (or git is not available)\n"
    head = _git(["rev-parse", "HEAD"], cwd) or "(no commits yet)"
    branch = (_git(["symbolic-ref", "--short", "-q", "HEAD"], cwd)
              or _git(["rev-parse", "--abbrev-ref", "HEAD"], cwd) or "(detached or unknown)")
    status = _git(["status", "--porcelain"], cwd)
    lines = [f"repository {top}", f"HEAD {head}", f"branch {branch}"]
    if status is None:
        lines.append("dirty unknown")
    elif status:
        lines.append("dirty yes")
        lines += [f"  {line}" for line in status.splitlines()]
    else:
        lines.append("dirty no")
    return "\n".join(lines) + "\n"
