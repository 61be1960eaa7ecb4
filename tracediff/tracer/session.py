"""The tracer context manager and its recorders: :func:`tracer`, :func:`record`, :func:`tap`.

The active tracer lives in a context variable, so :func:`record` can be called from deep
inside the user's code without passing anything around, and does nothing when no tracer
is active or while ``torch.compile`` traces the function. Recording keeps a detached copy
of the selected element on its device; the copy goes to the CPU and becomes text only when
the ``with`` block ends, so the traced code runs with no ``.item()`` synchronisation.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TextIO, TypeVar, cast, runtime_checkable

import torch

from tracediff.tracer.lines import (
    NOTE_PREFIX, Gathered, catalogue_rank, format_record, format_step, resolve_kind, to_catalogue_unit,
)
from tracediff.tracer.selection import STEP_DIMS, Selection

_ACTIVE: contextvars.ContextVar["Tracer | None"] = contextvars.ContextVar("tracediff_tracer", default=None)
F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class _Pending:
    """A record as gathered: the value is still a tensor (or a plain number)."""

    name: str
    value: Any
    unit: str | None
    kind: str
    step: tuple[str, int | None] | None
    warnings: list[str]
    suffix: str | None = None


@dataclass
class Tracer:
    """Gathers records while the traced code runs; :meth:`lines` renders them."""

    tag: str = "TRACE_PY"
    selection: Selection = field(default_factory=Selection)
    dtype: torch.dtype | None = torch.float64  #: tensors of another floating dtype get a warning line
    device: torch.device | None = None  #: tensors on another device get a warning line (None: no check)
    order: str = "catalogue"  #: "catalogue" (the C's order where a name is known) or "recorded"
    header: list[str] = field(default_factory=list)  #: comment lines written first
    pending: list[_Pending] = field(default_factory=list)

    def add(self, name: str, value: Any, *, unit: str | None = None, kind: str | None = None,
            dims: Sequence[str] | None = None, step: int | None = None, suffix: str | None = None) -> None:
        """Gather one value (see :func:`record`)."""
        line_kind = "step" if step is not None else resolve_kind(name, kind)
        warnings: list[str] = []
        step_key: tuple[str, int | None] | None = ("phi", step) if step is not None else None
        if isinstance(value, torch.Tensor):
            warnings = self._check(name, value)
            value = value.detach()
            if dims:
                index, step_dim = self.selection.split(dims)
                value = value[index]
                if step_dim is not None:
                    line_kind, step_key = "step", (step_dim, None)
            value = value.clone()
        elif dims:
            raise ValueError(f"record({name!r}): dims= needs a tensor value")
        self.pending.append(_Pending(name, value, unit, line_kind, step_key, warnings, suffix))

    def _check(self, name: str, value: torch.Tensor) -> list[str]:
        out = []
        if self.dtype is not None and value.is_floating_point() and value.dtype != self.dtype:
            out.append(f"warning: {name} is {str(value.dtype).removeprefix('torch.')}, not "
                       f"{str(self.dtype).removeprefix('torch.')}")
        if self.device is not None and value.device != self.device:
            out.append(f"warning: {name} is on {value.device}, not {self.device}")
        return out

    def gathered(self) -> list[Gathered]:
        """Every record as plain numbers (tensors move to the CPU here), per-step values split."""
        out: list[Gathered] = []
        for p in self.pending:
            value = p.value.cpu() if isinstance(p.value, torch.Tensor) else p.value
            if p.step is not None and p.step[1] is None:  # a batched step dimension: one record per step
                for i in range(value.shape[0]):
                    out.append(_gathered(p, value[i], (p.step[0], i), p.warnings if i == 0 else []))
            else:
                step = (p.step[0], int(p.step[1])) if p.step is not None and p.step[1] is not None else None
                out.append(_gathered(p, value, step, p.warnings))
        for record in out:
            to_catalogue_unit(record)
        return out

    def lines(self) -> list[str]:
        """The log: header comments, then the records (notes and warnings as ``#`` lines)."""
        records = self.gathered()
        order = range(len(records))
        if self.order == "catalogue":
            ranks = catalogue_rank(records)
            order = sorted(order, key=lambda i: ranks[i])
        out = [f"{NOTE_PREFIX} {text}" for text in self.header]
        steps_done: set[tuple[str, int]] = set()
        for i in order:
            record = records[i]
            out.extend(f"{NOTE_PREFIX} {note}" for note in record.notes)
            if record.step is None:
                out.append(format_record(record, self.tag))
            elif record.step not in steps_done:
                steps_done.add(record.step)
                same = [r for r in (records[j] for j in order) if r.step == record.step]
                suffix, index_key = STEP_DIMS[record.step[0]]
                out.append(format_step(suffix, index_key, record.step[1], same, self.tag))
        return out


def _gathered(p: _Pending, value: Any, step: tuple[str, int] | None, notes: list[str]) -> Gathered:
    if p.kind in ("pairs", "named"):  # (key, value) pairs: one line of key=value (key:value)
        pairs = [(str(key), v if isinstance(v, str) else _number(v)) for key, v in value]
        return Gathered(p.name, [], p.unit, p.kind, (), step, list(notes), pairs, suffix=p.suffix)
    if isinstance(value, str):
        return Gathered(p.name, [], p.unit, p.kind, (), step, list(notes), text=value, suffix=p.suffix)
    if isinstance(value, torch.Tensor):
        shape = tuple(value.shape)
        numbers = value.reshape(-1).tolist()
    elif isinstance(value, (int, float)):
        shape, numbers = (), [value]
    elif value and all(isinstance(row, (list, tuple)) for row in value):  # rows of a matrix
        numbers = [v for row in value for v in row]
        shape = (len(value), len(value[0]))
    else:
        numbers = [v for v in value]
        shape = (len(numbers),)
    return Gathered(p.name, numbers, p.unit, p.kind, shape, step, list(notes), suffix=p.suffix)


def _number(value: Any) -> float | int:
    """One plain number of a ``pairs`` record (a 0-d tensor is read here, after the traced code)."""
    if isinstance(value, torch.Tensor):
        return value.cpu().item()
    return int(value) if isinstance(value, (bool, int)) else float(value)


@runtime_checkable
class LineSink(Protocol):
    """Anything that takes finished trace lines (capture's writer, which counts them)."""

    def write_lines(self, lines: Sequence[str]) -> None: ...


@contextlib.contextmanager
def tracer(out: str | Path | TextIO | LineSink | None = None, *, tag: str = "TRACE_PY",
           select: Selection | Mapping[str, int] | Sequence[int] | None = None,
           dtype: torch.dtype | None = torch.float64, device: str | torch.device | None = None,
           order: str = "catalogue", header: Sequence[str] = ()) -> Iterator[Tracer]:
    """Trace the code in the ``with`` block; write the log to ``out`` (a path or a text stream,
    stdout when None) when the block ends, also when it raises.

    ``select`` picks the traced element of batched values (``{"slow": 128, "fast": 100}`` or
    ``(128, 100)``); ``dtype``/``device`` are what the values should be (a ``#`` warning line
    otherwise); ``order="recorded"`` keeps the recording order instead of the catalogue's.
    """
    if order not in ("catalogue", "recorded"):
        raise ValueError(f"order must be 'catalogue' or 'recorded', not {order!r}")
    active = Tracer(tag=tag, selection=Selection.of(select), dtype=dtype,
                    device=torch.device(device) if device is not None else None, order=order, header=list(header))
    token = _ACTIVE.set(active)
    try:
        yield active
    finally:
        _ACTIVE.reset(token)
        _write(active.lines(), out)


def _write(lines: list[str], out: str | Path | TextIO | LineSink | None) -> None:
    if isinstance(out, LineSink):
        out.write_lines(lines)
        return
    text = "".join(line + "\n" for line in lines)
    if out is None:
        sys.stdout.write(text)
    elif isinstance(out, (str, Path)):
        Path(out).write_text(text, encoding="utf-8")
    else:
        out.write(text)


def active_tracer() -> Tracer | None:
    """The tracer of the enclosing ``with tracer(...)`` block, or None (also while compiling)."""
    if torch.compiler.is_compiling():
        return None
    return _ACTIVE.get()


def record(name: str, value: Any, unit: str | None = None, kind: str | None = None, *,
           dims: Sequence[str] | None = None, step: int | None = None, suffix: str | None = None) -> Any:
    """Record ``value`` under ``name``; returns ``value`` unchanged.

    ``unit``: the unit the value is in (``"m"``, ``"Å"``, ``"1/Å"``...; converted to the
    catalogue's unit where it prints the field in another one). ``kind``: the line shape
    (``pixel``, ``setup``, ``plain``, ``step``; default: the catalogue's, else ``pixel``).
    ``dims``: names of the value's leading batch dimensions (``("slow", "fast")``); the
    tracer's selection indexes them, an unselected ``phi`` dimension gives one step line per
    phi step. ``step``: the phi step of a value recorded inside a loop. ``kind="pairs"``: the
    value is ``(key, number)`` pairs written as one ``TAG_NAME k=v ...`` line (the C's own
    per-phi lines, one per loop pass). ``suffix``: write under ``TAG_SUFFIX`` (the C's
    ``TRACE_C_SOURCE2:`` block). ``kind="named"``: ``(key, number or text)`` pairs written
    ``TAG:name=k:v ...``. A text value of a ``setup`` record is written as it is.
    No-op outside a tracer and while ``torch.compile`` traces.
    """
    active = active_tracer()
    if active is not None:
        active.add(name, value, unit=unit, kind=kind, dims=dims, step=step, suffix=suffix)
    return value


def record_line(text: str) -> None:
    """Write ``text`` as a whole line, in recording order (the C's narrative and untagged
    lines, such as ``pivoting detector around sample``). No-op outside a tracer."""
    active = active_tracer()
    if active is not None:
        active.add("", text, kind="line")


def tap(fn: F, names: str | Sequence[str], *, unit: str | Sequence[str | None] | None = None,
        kind: str | None = None, dims: Sequence[str] | None = None) -> F:
    """``fn`` wrapped so that its return value (or each element of a returned tuple, named by
    ``names``) is recorded on every call inside a tracer; the values returned are unchanged."""
    names = (names,) if isinstance(names, str) else tuple(names)
    units = tuple(unit) if isinstance(unit, (list, tuple)) else (unit,) * len(names)

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        result = fn(*args, **kwargs)
        values = result if len(names) > 1 else (result,)
        if len(values) != len(names):
            raise ValueError(f"tap({fn.__name__}): {len(names)} names for {len(values)} returned values")
        for name, value, u in zip(names, values, units):
            record(name, value, unit=u, kind=kind, dims=dims)
        return result

    return cast(F, wrapper)


