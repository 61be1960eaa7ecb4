"""tracediff's model of nanoBragg as the explainer drives it: every use of :mod:`tracediff.capture` is here.

Why one module: the capture package is the model; the search only needs four things from it,
and keeping them in one place keeps the rest of the explainer independent of how capture is laid
out. The four things:

* :func:`run_full` - the whole capture for a list of flags (in-process, no subprocess), as values
  (:func:`capture_text`: the same as a log);
* :func:`load` - the parsed flags, the resolved detector and the prepared pixel set-up;
* :func:`frame_geometry` - the detector frame (pivot, rotations, two-theta, pix0) rebuilt from
  tensors, so a *decision* (another pivot, beam vector, two-theta axis, rotation order, pix0
  honoured) or a *parameter* (distance, beam centre, angles) can change while the rest stays;
* :func:`pixel_records` - the per-pixel chain on such a frame, as (name, tensor) in print order.

The frame repeats the C's pix0 construction (spec 3.2) on tensors: capture's ``build_detector``
reads plain floats, so it cannot carry gradients. Stages covered by the differentiable path: the
detector frame and the whole per-pixel chain (positions, solid angle, scattering vector, Miller
indices, lattice and structure factors, intensity). Not covered: the crystal set-up (cell,
misset) and the detector block printed before the pixel (those change only through a full run).
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import torch

from tracediff.capture.cmdline.limits import check_runnable
from tracediff.capture.cmdline.walk import parse_argv, read_args_file
from tracediff.capture.config import RTD, NanoBraggConfig
from tracediff.capture.physics.detector.geometry import DetectorGeometry, build_detector
from tracediff.capture.physics.pixel.chain import compute_pixels
from tracediff.capture.physics.pixel.setup import PixelSetup, prepare
from tracediff.capture.physics.rotations import dot, rotate_axis, rotate_x, rotate_y, rotate_z
from tracediff.capture.pixels import outside_reason
from tracediff.capture.printing.pixel import trace_records, write_records
from tracediff.capture.printing.writer import TraceWriter
from tracediff.capture.runner import capture
from tracediff.errors import TraceDiffError
from tracediff.trace.parser import parse_log

__all__ = ["RTD", "Baseline", "Flags", "FrameEdit", "Values", "beam_centre_base", "capture_text", "frame_geometry",
           "frame_text", "load", "pix0_given", "pixel_records", "run_frame", "run_full", "start_parameters"]

#: (field, occurrence) -> the numbers the model printed for it
Values = dict[tuple[str, int], tuple[float, ...]]

_DTYPES = {"float64": torch.float64, "float32": torch.float32}
_AXES = {"x": (1.0, 0.0, 0.0), "y": (0.0, 1.0, 0.0), "z": (0.0, 0.0, 1.0)}
_EXACT_ROTATIONS = {"x": rotate_x, "y": rotate_y, "z": rotate_z}


@dataclass(frozen=True)
class Flags:
    """The flags of a run: an args file's words (file names resolve in its folder), then ``extra``."""

    args_file: Path | None = None
    extra: tuple[str, ...] = ()

    def words(self) -> list[str]:
        return (read_args_file(self.args_file) if self.args_file is not None else []) + list(self.extra)

    def plus(self, words: Sequence[str]) -> "Flags":
        """These flags with ``words`` appended (later flags win, as in the C)."""
        return Flags(self.args_file, self.extra + tuple(words))


@dataclass(frozen=True)
class Baseline:
    """The model set up for one list of flags: what a frame or a pixel chain starts from."""

    flags: Flags
    words: tuple[str, ...]
    config: NanoBraggConfig
    geometry: DetectorGeometry
    setup: PixelSetup
    dtype: torch.dtype = torch.float64

    @property
    def traces_pixel(self) -> bool:
        pixel = self.config.trace_pixel
        return pixel is not None and outside_reason(self.config, pixel) is None


@dataclass(frozen=True)
class FrameEdit:
    """A decision of the detector frame made differently from the C (``None``: as the C decides)."""

    pivot: str | None = None  #: BEAM / SAMPLE in place of the convention's (forced) pivot
    beam: tuple[float, float, float] | None = None  #: beam direction (pix0 and the incident ray)
    twotheta_axis: tuple[float, float, float] | None = None
    rotation_order: str = "xyz"  #: order the detector rotations are applied in
    pix0: tuple[float, float, float] | None = None  #: pix0 (m) used as given: the override honoured


def _values_of_text(text: str) -> Values:
    """The model's trace text, read back by tracediff's own parser (so the %.15g rounding applies)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "model.log"
        path.write_text(text, encoding="utf-8")
        log = parse_log(path, require_records=False)
        return {(r.field, r.occurrence): tuple(float(x) for x in r.value.numbers) for r in log.records()}


def capture_text(flags: Flags, dtype: str = "float64") -> str:
    """The TRACE_PY log the whole capture prints for ``flags``, made in this process."""
    out = io.StringIO()
    capture(list(flags.extra), args_file=flags.args_file, stream=out, notes_stream=io.StringIO(), dtype=dtype)
    return out.getvalue()


def run_full(flags: Flags, dtype: str = "float64") -> Values:
    """The whole capture for ``flags`` (every field it prints)."""
    return _values_of_text(capture_text(flags, dtype))


def load(flags: Flags, dtype: str = "float64") -> Baseline:
    """Parse, resolve the detector and prepare the pixel chain in ``dtype``, printing nothing."""
    words = flags.words()
    config = parse_argv(words, args_file=flags.args_file)
    check_runnable(config)
    dt = _DTYPES[dtype]
    geometry = build_detector(config, dtype=dt)
    setup = prepare(config, geometry, device=torch.device("cpu"), dtype=dt)
    return Baseline(flags, tuple(words), config, geometry, setup, dt)


def _vec(values: Sequence[float], dtype: torch.dtype = torch.float64) -> torch.Tensor:
    return torch.tensor(tuple(values), dtype=dtype)


def _rotate(v: torch.Tensor, angles: dict[str, torch.Tensor], order: str, smooth: bool) -> torch.Tensor:
    """The detector rotations in ``order``; ``smooth`` never skips a zero angle, so a gradient exists."""
    for axis in order:
        if smooth:
            v = rotate_axis(v, _vec(_AXES[axis], v.dtype), angles[axis])
        else:
            v = _EXACT_ROTATIONS[axis](v, angles[axis])
    return v


def start_parameters(base: Baseline) -> dict[str, torch.Tensor]:
    """The numeric inputs of the frame as the C resolved them (SI units), as float64 scalars."""
    g, cfg = base.geometry, base.config
    values = dict(distance=cfg.distance, fbeam=float(g.fbeam0), sbeam=float(g.sbeam0), fclose=float(g.fclose0),
                  sclose=float(g.sclose0), rotx=g.rotx, roty=g.roty, rotz=g.rotz, twotheta=g.twotheta,
                  wavelength=float(base.setup.sources.wavelength[0]))
    return {k: torch.tensor(float(v), dtype=base.dtype) for k, v in values.items()}


def frame_geometry(base: Baseline, params: dict[str, torch.Tensor], edit: FrameEdit = FrameEdit(),
                   smooth: bool = False) -> DetectorGeometry:
    """The detector with its frame rebuilt from ``params`` and ``edit`` (spec 3.2 steps 1-7)."""
    g, cfg = base.geometry, base.config
    pivot = edit.pivot or g.pivot
    beam = _vec(edit.beam, base.dtype) if edit.beam is not None else g.beam
    tt_axis = _vec(edit.twotheta_axis, base.dtype) if edit.twotheta_axis is not None else g.twotheta_axis
    angles = {"x": params["rotx"], "y": params["roty"], "z": params["rotz"]}
    rot = lambda v: _rotate(v, angles, edit.rotation_order, smooth)  # noqa: E731
    ratio = dot(beam, rot(g.odet0))
    close0 = (torch.abs(ratio * params["distance"]) if cfg.close_distance is None
              else torch.tensor(cfg.close_distance, dtype=base.dtype))
    tt = params["twotheta"]
    fdet, sdet, odet = (rotate_axis(rot(v), tt_axis, tt) for v in (g.fdet0, g.sdet0, g.odet0))
    if edit.pix0 is not None:
        pix0 = _vec(edit.pix0, base.dtype)
    elif pivot == "SAMPLE":
        before = -params["fclose"] * g.fdet0 - params["sclose"] * g.sdet0 + close0 * g.odet0
        pix0 = rotate_axis(rot(before), tt_axis, tt)
    else:
        pix0 = -params["fbeam"] * fdet - params["sbeam"] * sdet + close0 / ratio * beam
    close = dot(pix0, odet)
    return replace(g, pivot=pivot, beam=beam, twotheta_axis=tt_axis, fdet=fdet, sdet=sdet, odet=odet, pix0=pix0,
                   ratio=ratio, close_distance0=close0, distance0=close0 / ratio, close_distance=close,
                   distance=close / ratio, fclose=-dot(pix0, fdet), sclose=-dot(pix0, sdet))


def _setup_for(base: Baseline, geometry: DetectorGeometry, wavelength: torch.Tensor) -> PixelSetup:
    """The pixel set-up with the frame's beam as the incident ray (one source) and a scaled wavelength."""
    sources = base.setup.sources
    scale = wavelength / sources.wavelength[0]
    incident = geometry.beam.expand_as(sources.incident) if len(sources.wavelength) == 1 else sources.incident
    return replace(base.setup, sources=replace(sources, incident=incident, wavelength=sources.wavelength * scale))


def pixel_records(base: Baseline, params: dict[str, torch.Tensor], edit: FrameEdit = FrameEdit(),
                  smooth: bool = False) -> tuple[list[tuple[str, object]], object]:
    """The traced pixel's records (name, value) on the rebuilt frame, and the tracer that holds them."""
    if not base.traces_pixel:
        raise TraceDiffError("the flags trace no pixel (-trace_pixel inside the detector and ROI is needed)",
                             path=base.config.args_file)
    geometry = frame_geometry(base, params, edit, smooth)
    setup = _setup_for(base, geometry, params["wavelength"])
    spixel, fpixel = base.config.trace_pixel  # type: ignore[misc]
    values = compute_pixels(setup, geometry, torch.tensor([spixel]), torch.tensor([fpixel]))
    tracer = trace_records(values, setup, geometry)
    return [(r.name, r.value) for r in tracer.records if r.style == "pixel"], tracer


def frame_text(base: Baseline, params: dict[str, torch.Tensor], edit: FrameEdit = FrameEdit()) -> str:
    """The traced pixel's TRACE_PY lines on the rebuilt frame (a decision or parameter changed)."""
    _, tracer = pixel_records(base, params, edit)
    out = io.StringIO()
    write_records(tracer, TraceWriter(out))  # type: ignore[arg-type]
    return out.getvalue()


def run_frame(base: Baseline, params: dict[str, torch.Tensor], edit: FrameEdit = FrameEdit()) -> Values:
    """The traced pixel's printed values on the rebuilt frame."""
    return _values_of_text(frame_text(base, params, edit))


def beam_centre_base(base: Baseline) -> dict[str, float]:
    """The beam-centre flags' values as the C resolved them (mm, or pixels for ORGX/ORGY)."""
    g, px = base.geometry, base.config.pixel_size
    return {"-Xbeam": float(g.xbeam) * 1e3, "-Ybeam": float(g.ybeam) * 1e3,
            "-ORGX": float(g.fclose0) / px + 0.5, "-ORGY": float(g.sclose0) / px + 0.5}


def pix0_given(base: Baseline) -> tuple[float, float, float] | None:
    """The ``-pix0_vector(_mm)`` value in metres (the C ignores it, Q20), or None when not given."""
    value = base.config.pix0_vector
    if value is None:
        return None
    mm = any("pix0_vector_mm" in w for w in base.words)
    return tuple(x / 1000.0 if mm else x for x in value)  # type: ignore[return-value]
