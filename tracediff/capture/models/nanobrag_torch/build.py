"""Build the port's production objects through the port's own command line.

The port (``nanobrag_torch.__main__.main``) parses the flags and builds its ``Detector``,
``Crystal`` and ``Simulator`` inside one function that then runs the simulation and
writes images; there is no public function that stops after the objects are built. The
closest public entry point is ``main()`` itself, so it is called with these flags, with
its three model classes replaced for the call by wrappers that pass ``dtype``/``device``
and stop ``main()`` as soon as the ``Simulator`` exists. Everything up to that point
(argument parsing, beam-centre and convention rules, source generation, HKL loading) is
the port's own code, so its command-line bugs stay visible.

To make this unnecessary the port would factor the body of ``main()`` up to
``Simulator(...)`` into a function such as ``build_models(args) -> (crystal, detector,
beam_config, simulator)``.

The port runs in a fresh empty working directory (it may write ``Fdump.bin`` there), with
relative input files made absolute, so nothing the user passed in is touched.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import os
import sys
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest import mock

import torch

from tracediff.capture.models.nanobrag_torch.source import PACKAGE, ImportedPort
from tracediff.errors import TraceDiffError

#: the port's flags that name an input file (its argparse ``metavar='FILE'`` inputs)
INPUT_FILE_FLAGS = ("-hkl", "-mat", "-img", "-mask", "-sourcefile", "-stol")
#: the classes ``main()`` builds, replaced by wrappers for the call
MODEL_CLASSES = ("Detector", "Crystal", "Simulator")


class _Built(BaseException):
    """Raised by the Simulator wrapper to leave ``main()`` (a BaseException: ``main()``
    catches every Exception)."""

    def __init__(self, simulator: Any) -> None:
        super().__init__("simulator built")
        self.simulator = simulator


@dataclass
class PortObjects:
    """The port's production objects, built from the flags."""

    simulator: Any
    argv: list[str]  #: the words passed to the port's CLI
    dtype_asked: dict[str, object] = field(default_factory=dict)  #: class -> the dtype ``main()`` passed (None: none)
    output: str = ""  #: what the port printed while building


def absolute_inputs(words: Sequence[str], base: Path) -> list[str]:
    """``words`` with the file after each input-file flag made absolute against ``base``."""
    out = list(words)
    for i, word in enumerate(out[:-1]):
        if word in INPUT_FILE_FLAGS and not Path(out[i + 1]).is_absolute():
            out[i + 1] = str((base / out[i + 1]).resolve())
    return out


@contextlib.contextmanager
def _in_fresh_directory() -> Iterator[None]:
    old = Path.cwd()
    with tempfile.TemporaryDirectory(prefix="tracediff-port-") as tmp:
        os.chdir(tmp)
        try:
            yield
        finally:
            os.chdir(old)


def _wrapper(real: type, name: str, dtype: torch.dtype, device: str, asked: dict[str, object]) -> Any:
    def build(*args: Any, **kwargs: Any) -> Any:
        asked[name] = kwargs.get("dtype")
        kwargs.update(dtype=dtype, device=torch.device(device))
        obj = real(*args, **kwargs)
        if name == "Simulator":
            raise _Built(obj)
        return obj

    return build


def build_objects(port: ImportedPort, words: Sequence[str], *, dtype: torch.dtype, device: str) -> PortObjects:
    """Run the port's ``main()`` on ``words`` until its Simulator exists; return the objects."""
    cli = importlib.import_module(f"{PACKAGE}.__main__")
    dtype_name = str(dtype).removeprefix("torch.")
    argv = [*words, "-dtype", dtype_name, "-device", torch.device(device).type]
    asked: dict[str, object] = {}
    printed = io.StringIO()
    patches = [mock.patch.object(cli, name, _wrapper(getattr(cli, name), name, dtype, device, asked))
               for name in MODEL_CLASSES]
    with contextlib.ExitStack() as stack:
        for patch in patches:
            stack.enter_context(patch)
        stack.enter_context(mock.patch.object(sys, "argv", ["nanoBragg", *argv]))
        stack.enter_context(contextlib.redirect_stdout(printed))
        stack.enter_context(contextlib.redirect_stderr(printed))
        stack.enter_context(_in_fresh_directory())
        try:
            cli.main()
        except _Built as built:
            return PortObjects(built.simulator, argv, asked, printed.getvalue())
        except SystemExit as exc:
            raise TraceDiffError(f"the port's command line stopped (exit {exc.code}) before building its "
                                 f"objects: {_last_error(printed.getvalue())}") from None
    raise TraceDiffError("the port's main() returned without building a Simulator")


def _last_error(text: str) -> str:
    """The port's own error line (``Error: ...``), else its last line."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith(("Error", "error"))]
    return (errors or lines or ["no output"])[-1]
