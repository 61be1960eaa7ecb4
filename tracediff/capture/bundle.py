"""Reproducibility bundle of ``tracediff capture --out DIR``.

A trace is only evidence if one can tell which code produced it, with what, where: the
bundle holds the trace, its stderr notes, the exact command, an environment snapshot and
the git state of the working directory (both from :mod:`~tracediff.capture.provenance`)
and a manifest of sha256 sums.

The bundle is written into a temporary sibling folder and renamed into place at the
end, so an interrupted or failed capture never leaves a half-written ``DIR``.
"""

from __future__ import annotations

import hashlib
import json
import os
import shlex
import shutil
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from tracediff.capture.cmdline.walk import parse_argv, read_args_file
from tracediff.capture.provenance import env_snapshot, git_context, import_location, tracediff_version
from tracediff.capture.pixels import Pixel
from tracediff.capture.runner import CaptureResult, PixelsResult, capture, capture_pixels
from tracediff.errors import TraceDiffError

#: Files of every bundle besides the traces.
RECORD_FILES = ("trace_py.stderr", "command.txt", "env_snapshot.txt", "git_context.txt")
#: The files of a one-pixel bundle (a multi-pixel one has a trace file per pixel instead of trace_py.log).
BUNDLE_FILES = ("trace_py.log", *RECORD_FILES)
MANIFEST = "manifest.json"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _inputs(argv: Sequence[str], args_file: Path | str | None) -> list[tuple[str, Path]]:
    """(flag, path) of every file the capture reads: the args file, -mat, -hkl, -sourcefile, -stol."""
    words = (read_args_file(args_file) if args_file is not None else []) + [str(a) for a in argv]
    files = list(parse_argv(words, args_file=args_file).input_files)
    return ([("--args-file", Path(args_file))] if args_file is not None else []) + files


def _check_target(out: Path, force: bool, inputs: Sequence[tuple[str, Path]] = ()) -> None:
    here, target = Path.cwd().resolve(), out.resolve()
    if target == here or target in here.parents:
        raise TraceDiffError("--out must be a folder of its own, not the working folder or one above it", path=out)
    for flag, item in inputs:
        if target in Path(item).resolve().parents:
            raise TraceDiffError(f"--out holds the {flag} input {item} (replacing the folder would delete it); "
                                 "choose another folder", path=out)
    if out.exists() and not out.is_dir():
        raise TraceDiffError("--out exists and is not a directory", path=out)
    if out.is_dir() and any(out.iterdir()) and not force:
        raise TraceDiffError("--out directory is not empty (use --force to replace it)", path=out)


def _command_text(argv: Sequence[str], args_file: Path | None, command: Sequence[str] | None) -> str:
    cmd = list(command) if command is not None else [sys.executable, *sys.argv]
    lines = [f"command: {shlex.join(cmd)}", f"cwd: {Path.cwd()}"]
    if args_file is not None:
        lines.append(f"args file: {args_file}")
        try:
            lines.append(f"args file text: {Path(args_file).read_text(encoding='utf-8').strip()}")
        except (OSError, UnicodeDecodeError):
            lines.append("args file text: (unreadable)")
    lines.append(f"extra nanoBragg flags: {shlex.join(list(argv))}")
    return "\n".join(lines) + "\n"


def _move_into_place(tmp: Path, out: Path) -> None:
    """Rename the finished bundle onto ``out`` (replacing an old one only once the new one is complete)."""
    trash = None
    if out.exists():
        trash = out.with_name(f".{out.name}.old-{os.getpid()}")
        os.replace(out, trash)
    os.replace(tmp, out)
    if trash is not None:
        shutil.rmtree(trash, ignore_errors=True)


class _Tee:
    """Notes go to the bundle's trace_py.stderr and to the user's stderr."""

    def __init__(self, *streams: TextIO) -> None:
        self.streams = streams

    def write(self, text: str) -> int:
        for stream in self.streams:
            stream.write(text)
        return len(text)

    def flush(self) -> None:
        for stream in self.streams:
            stream.flush()


def _make_tmp(parent: Path, name: str) -> Path:
    tmp = Path(tempfile.mkdtemp(prefix=f".{name}.tmp-", dir=parent))
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o777 & ~umask)  # mkdtemp makes it private; a bundle is an ordinary folder
    return tmp


@dataclass
class BundleResult:
    out: Path
    files: dict[str, dict[str, object]]
    capture: CaptureResult | PixelsResult


def _capture_into(tmp: Path, argv: Sequence[str], pixels: Sequence[Pixel] | None, notes: TextIO, *,
                  args_file: Path | str | None, device: str,
                  dtype: str) -> tuple[CaptureResult | PixelsResult, list[str], dict[str, object]]:
    """Run the capture into ``tmp``: (result, trace file names, what the manifest says about them)."""
    if pixels is None:
        with open(tmp / "trace_py.log", "w", encoding="utf-8") as log:
            one = capture(argv, args_file=args_file, device=device, dtype=dtype, stream=log, notes_stream=notes)
        return one, ["trace_py.log"], {"trace_lines": one.lines_written, "pixel_traced": one.pixel_traced}
    many = capture_pixels(argv, pixels, tmp, args_file=args_file, device=device, dtype=dtype, notes_stream=notes)
    names = [path.name for path in many.files.values()]
    return many, names, {"trace_lines": many.lines_written, "pixels_traced": len(names)}


def write_bundle(out: Path | str, argv: Sequence[str], *, args_file: Path | str | None = None,
                 force: bool = False, device: str = "cpu", dtype: str = "float64",
                 command: Sequence[str] | None = None, notes_stream: TextIO | None = None,
                 pixels: Sequence[Pixel] | None = None) -> BundleResult:
    """Run a capture and write its reproducibility bundle to ``out`` (all or nothing).

    With ``pixels``, one trace file per pixel (``pixel_s20_f30.log``...) replaces ``trace_py.log``.
    """
    out = Path(out)
    _check_target(out, force, _inputs(argv, args_file))
    parent = out.resolve().parent
    if not parent.is_dir():
        raise TraceDiffError("parent folder of --out does not exist", path=out)
    tmp = _make_tmp(parent, out.name)
    try:
        with open(tmp / "trace_py.stderr", "w", encoding="utf-8") as err:
            result, traces, summary = _capture_into(tmp, argv, pixels, _Tee(err, notes_stream or sys.stderr),
                                                    args_file=args_file, device=device, dtype=dtype)
        (tmp / "command.txt").write_text(_command_text(argv, Path(args_file) if args_file else None, command),
                                         encoding="utf-8")
        (tmp / "env_snapshot.txt").write_text(env_snapshot(str(result.device), str(dtype)), encoding="utf-8")
        (tmp / "git_context.txt").write_text(git_context(), encoding="utf-8")
        files = {name: {"sha256": _sha256(tmp / name), "bytes": (tmp / name).stat().st_size}
                 for name in (*traces, *RECORD_FILES)}
        manifest = {
            "tool": "tracediff capture",
            "tracediff_version": tracediff_version(),
            "tracediff_imported_from": str(import_location()),
            "device": str(result.device),
            "dtype": str(dtype),
            **summary,
            "files": files,
        }
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        _check_target(out, force)  # nothing appeared meanwhile
        _move_into_place(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return BundleResult(out=out, files=files, capture=result)
