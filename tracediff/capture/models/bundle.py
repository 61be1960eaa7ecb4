"""``capture --model NAME --out DIR``: the trace plus what is needed to trust and re-check it later.

The folder holds ``trace_py.log`` (the trace), ``trace_py.stderr`` (notes), ``command.txt``
(the exact command), ``env_snapshot.txt`` (Python, torch, platform, the relevant
environment variables), ``git_context.txt`` (commit, branch and local changes of the
user's source tree), ``import_location.txt`` (where the port was imported from) and
``manifest.json`` (all of it in one record).
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Sequence
from pathlib import Path

from tracediff.capture.models.run import capture_model
from tracediff.capture.provenance import env_snapshot, git_context
from tracediff.errors import TraceDiffError


def write_model_bundle(out: Path, model: str, argv: Sequence[str], *, args_file: Path | None = None,
                       source: Path | None = None, dtype: str = "float64", device: str = "cpu") -> Path:
    """Capture ``model`` into the new or empty folder ``out``; returns ``out``."""
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise TraceDiffError(f"--out {out}: exists and is not an empty folder")
    out.mkdir(parents=True, exist_ok=True)
    with (out / "trace_py.log").open("w", encoding="utf-8") as stream, \
            (out / "trace_py.stderr").open("w", encoding="utf-8") as notes:
        outcome = capture_model(model, argv, args_file=args_file, source=source, dtype=dtype, device=device,
                                stream=stream, notes=notes)
    command = shlex.join(["tracediff", "capture", "--model", model, "--dtype", dtype, "--device", device,
                          *(["--source", str(source)] if source else []),
                          *(["--args-file", str(args_file)] if args_file else []), "--", *argv])
    tree = Path(outcome.imported_from).parent if outcome.imported_from else None
    files = {"command.txt": command + "\n", "env_snapshot.txt": env_snapshot(device, dtype),
             "git_context.txt": git_context(tree) if tree else "(no source tree: built-in model)\n",
             "import_location.txt": (outcome.imported_from or "(built-in)") + "\n"}
    for name, text in files.items():
        (out / name).write_text(text, encoding="utf-8")
    manifest = {"model": model, "command": command, "imported_from": outcome.imported_from,
                "args_file": str(args_file) if args_file else None, "dtype": dtype, "device": device,
                "notes": outcome.notes, "files": sorted(["trace_py.log", "trace_py.stderr", *files])}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return out
