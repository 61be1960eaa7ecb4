"""nanoBragg's detector set-up (spec section 3, nanoBragg.c L1150-1945) in torch.

:func:`build_detector` turns a :class:`NanoBraggConfig` into a :class:`DetectorGeometry`
holding every intermediate the C traces, in the order and with the arithmetic the C
uses, so the trace can be compared at 15 digits. Surprising C behaviour is reproduced
on purpose and marked with the quirk IDs of spec section 7:

* Q19: named conventions force their pivot; only CUSTOM keeps the parsed one.
* Q20: ``-pix0_vector(_mm)`` values are never used (only their switch to CUSTOM).
* Q21: MOSFLM adds half a pixel to explicit ``-Xbeam/-Ybeam`` too.
* Q30: odet is replaced by unit(f × s) whenever its input length is not exactly 1;
  the two-theta axis is never unitized.
* Q7/S3: ``ratio`` ignores two-theta, so the recomputed distance/Fbeam/Sbeam are not the
  true beam intersection when 2θ ≠ 0.
* Q26: the DIALS origin uses a fixed MOSFLM→DIALS mapping for every convention.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch

from tracediff.capture.physics.detector.conventions import BeamInputs, Convention, convention
from tracediff.capture.config import NanoBraggConfig
from tracediff.capture.physics.rotations import (
    Matrix, cross, dot, rotate_axis, rotate_xyz, rotation_matrices, unitize,
)

DTYPES = {"float64": torch.float64, "float32": torch.float32}


def resolve_dtype(dtype: str | torch.dtype) -> torch.dtype:
    """``"float64"``/``"float32"`` (or a torch dtype) -> torch dtype."""
    if isinstance(dtype, torch.dtype):
        return dtype
    try:
        return DTYPES[dtype]
    except KeyError:
        raise ValueError(f"dtype must be one of {sorted(DTYPES)}, got {dtype!r}") from None


@dataclass(frozen=True)
class DetectorGeometry:
    """The resolved detector: vectors are ``[3]`` tensors, scalars 0-d tensors (metres).

    Names ending in ``0`` are values before the C recomputes them from pix0
    (spec 3.2 steps 6-7); the unsuffixed names are the final values the pixel loop uses.
    """

    convention: str  #: active convention (MOSFLM, XDS, DIALS, ADXV, DENZO, CUSTOM)
    announce: str  #: word of ``<word> convention selected.``
    pivot: str  #: final pivot (BEAM / SAMPLE) after the convention's override (Q19)
    pivot_requested: str  #: pivot as parsed from argv
    odet_regenerated: bool  #: Q30: odet replaced by unit(f × s)
    # initial (pre-rotation, unitized) vectors
    fdet0: torch.Tensor
    sdet0: torch.Tensor
    odet0: torch.Tensor
    beam: torch.Tensor  #: beam propagation direction b (unit; never rotated)
    polar: torch.Tensor  #: E-vector direction p (unit)
    spindle: torch.Tensor  #: phi axis u (unit)
    twotheta_axis: torch.Tensor  #: t as given (NOT unitized, Q30)
    vert: torch.Tensor  #: unit(b × p), used only for divergence
    # after rotx/roty/rotz, before two-theta
    fdet_rot: torch.Tensor
    sdet_rot: torch.Tensor
    odet_rot: torch.Tensor
    # final orientation
    fdet: torch.Tensor
    sdet: torch.Tensor
    odet: torch.Tensor
    # angles (rad) and sizes
    rotx: float
    roty: float
    rotz: float
    twotheta: float
    pixel_size: torch.Tensor  #: m
    fpixels: int
    spixels: int
    detsize_f: torch.Tensor  #: m
    detsize_s: torch.Tensor  #: m
    # beam-centre inputs (m), after the convention's defaults
    xbeam: torch.Tensor
    ybeam: torch.Tensor
    xclose: torch.Tensor
    yclose: torch.Tensor
    fbeam0: torch.Tensor  #: table-2 Fbeam (BEAM pivot origin)
    sbeam0: torch.Tensor
    fclose0: torch.Tensor  #: Fclose used by the SAMPLE pivot (Fclose₀ or CUSTOM Xbeam)
    sclose0: torch.Tensor
    # step 1-2
    ratio: torch.Tensor  #: b · Rxyz(o₀) (two-theta excluded)
    close_distance0: torch.Tensor  #: m, step 2
    distance0: torch.Tensor  #: m, step 2 (= close_distance0/ratio)
    # pix0 construction terms (only those of the active pivot are meaningful)
    terms: dict[str, torch.Tensor]
    pix0: torch.Tensor  #: m, corner of pixel (0, 0)
    # steps 6-10: recomputed from pix0
    fclose: torch.Tensor
    sclose: torch.Tensor
    close_distance: torch.Tensor
    fbeam: torch.Tensor
    sbeam: torch.Tensor
    distance: torch.Tensor
    orgx: torch.Tensor  #: pixels
    orgy: torch.Tensor
    dials_origin: torch.Tensor  #: mm
    xds_incident_beam: torch.Tensor  #: (b·f, b·s, b·o)
    matrices: dict[str, Matrix] = field(default_factory=dict)  #: Rx, Ry, Rz, R_total (printing)
    notes: tuple[str, ...] = ()

    @property
    def dtype(self) -> torch.dtype:
        return self.pix0.dtype

    @property
    def device(self) -> torch.device:
        return self.pix0.device


def _vec(values: tuple[float, float, float], dtype: torch.dtype, device: torch.device) -> torch.Tensor:
    return torch.tensor(values, dtype=dtype, device=device)


def _scalar(value: float, dtype: torch.dtype, device: torch.device) -> torch.Tensor:
    return torch.tensor(value, dtype=dtype, device=device)


def _initial_vectors(cfg: NanoBraggConfig, conv: Convention) -> dict[str, tuple[float, float, float]]:
    """Named conventions overwrite all seven vectors; CUSTOM keeps the parsed ones (1.3 rule 8)."""
    parsed = dict(fdet=cfg.fdet_vector, sdet=cfg.sdet_vector, odet=cfg.odet_vector, beam=cfg.beam_vector,
                  polar=cfg.polar_vector, spindle=cfg.spindle_vector, twotheta_axis=cfg.twotheta_axis)
    return {k: (getattr(conv, k) if getattr(conv, k) is not None else v) for k, v in parsed.items()}


def _beam_centre(cfg: NanoBraggConfig, conv: Convention) -> dict[str, float]:
    """Fclose₀/Sclose₀, Xclose/Yclose, Xbeam/Ybeam and Fbeam₀/Sbeam₀ (L1168-1277), as C doubles."""
    px = cfg.pixel_size
    fclose = (cfg.orgx - 0.5) * px if cfg.orgx is not None else (cfg.detsize_f - 0 * px) / 2.0
    sclose = (cfg.orgy - 0.5) * px if cfg.orgy is not None else (cfg.detsize_s + 0 * px) / 2.0
    xclose = cfg.xclose if cfg.xclose is not None else fclose
    yclose = cfg.yclose if cfg.yclose is not None else sclose
    inputs = BeamInputs(px, cfg.detsize_f, cfg.detsize_s, xclose, yclose)
    xbeam = cfg.xbeam if cfg.xbeam is not None else conv.default_xbeam(inputs)
    ybeam = cfg.ybeam if cfg.ybeam is not None else conv.default_ybeam(inputs)
    fbeam = conv.fbeam(xbeam, ybeam, inputs)
    sbeam = conv.sbeam(xbeam, ybeam, inputs)
    if conv.close_from_beam:
        fclose, sclose = xbeam, ybeam
    return dict(fclose0=fclose, sclose0=sclose, xclose=xclose, yclose=yclose,
                xbeam=xbeam, ybeam=ybeam, fbeam0=fbeam, sbeam0=sbeam)


@dataclass(frozen=True)
class InitialAxes:
    """The seven vectors after the convention's defaults, unitized as the C does (spec 3.1)."""

    beam: torch.Tensor
    fdet0: torch.Tensor
    sdet0: torch.Tensor
    odet0: torch.Tensor
    polar: torch.Tensor
    spindle: torch.Tensor
    vert: torch.Tensor
    twotheta_axis: torch.Tensor  #: as given, never unitized (Q30)
    odet_regenerated: bool  #: Q30


@dataclass(frozen=True)
class Rotated:
    """The detector axes after rotx/roty/rotz, then after two-theta (spec 3.2 steps 3-4)."""

    fdet_rot: torch.Tensor
    sdet_rot: torch.Tensor
    odet_rot: torch.Tensor
    fdet: torch.Tensor
    sdet: torch.Tensor
    odet: torch.Tensor


@dataclass(frozen=True)
class Pix0:
    """pix0 and the terms it was built from (only those of the active pivot), spec 3.2 step 5."""

    terms: dict[str, torch.Tensor]
    vector: torch.Tensor


@dataclass(frozen=True)
class Recomputed:
    """What the C recomputes from pix0 (spec 3.2 steps 6-10; not the true beam spot when 2θ ≠ 0, Q7)."""

    fclose: torch.Tensor
    sclose: torch.Tensor
    close_distance: torch.Tensor
    fbeam: torch.Tensor
    sbeam: torch.Tensor
    distance: torch.Tensor
    orgx: torch.Tensor
    orgy: torch.Tensor
    dials_origin: torch.Tensor
    xds_incident_beam: torch.Tensor


def initial_axes(cfg: NanoBraggConfig, conv: Convention, dt: torch.dtype, dev: torch.device) -> InitialAxes:
    """Unit beam, detector, polarization and spindle vectors; odet regenerated unless of length 1 (Q30)."""
    raw = _initial_vectors(cfg, conv)
    fdet0, _ = unitize(_vec(raw["fdet"], dt, dev))
    sdet0, _ = unitize(_vec(raw["sdet"], dt, dev))
    odet0, odet_len = unitize(_vec(raw["odet"], dt, dev))
    regenerated = bool(odet_len != 1.0)
    if regenerated:  # Q30: only the exact length 1.0 keeps a given odet
        odet0, _ = unitize(cross(fdet0, sdet0))
    beam, _ = unitize(_vec(raw["beam"], dt, dev))
    polar, _ = unitize(_vec(raw["polar"], dt, dev))
    spindle, _ = unitize(_vec(raw["spindle"], dt, dev))
    vert, _ = unitize(cross(beam, polar))
    return InitialAxes(beam=beam, fdet0=fdet0, sdet0=sdet0, odet0=odet0, polar=polar, spindle=spindle, vert=vert,
                       twotheta_axis=_vec(raw["twotheta_axis"], dt, dev), odet_regenerated=regenerated)


def distances(cfg: NanoBraggConfig, axes: InitialAxes) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Steps 1-2: (ratio, close_distance, distance); ratio excludes two-theta (Q7/S3)."""
    dt, dev = axes.beam.dtype, axes.beam.device
    ratio = dot(axes.beam, rotate_xyz(axes.odet0, cfg.detector_rotx, cfg.detector_roty, cfg.detector_rotz))
    if bool(ratio == 0.0):
        ratio = _scalar(torch.finfo(dt).tiny, dt, dev)  # the C's DBL_MIN
    if cfg.close_distance is None:
        close0 = torch.abs(ratio * cfg.distance)
    else:
        close0 = _scalar(cfg.close_distance, dt, dev)
    return ratio, close0, close0 / ratio


def sample_pivot_pix0(cfg: NanoBraggConfig, axes: InitialAxes, centre: dict[str, torch.Tensor],
                      close0: torch.Tensor) -> Pix0:
    """SAMPLE pivot: pix0 built before the rotations, then rotated with the detector (S3)."""
    terms = {
        "term_fast_before_rot": -centre["fclose0"] * axes.fdet0,
        "term_slow_before_rot": -centre["sclose0"] * axes.sdet0,
        "term_close_before_rot": close0 * axes.odet0,
    }
    before = terms["term_fast_before_rot"] + terms["term_slow_before_rot"] + terms["term_close_before_rot"]
    terms["pix0_before_rotation"] = before
    terms["pix0_after_rotz"] = rotate_xyz(before, cfg.detector_rotx, cfg.detector_roty, cfg.detector_rotz)
    terms["pix0_after_twotheta"] = rotate_axis(terms["pix0_after_rotz"], axes.twotheta_axis, cfg.twotheta)
    return Pix0(terms=terms, vector=terms["pix0_after_twotheta"])


def beam_pivot_pix0(axes: InitialAxes, rotated: Rotated, centre: dict[str, torch.Tensor],
                    distance0: torch.Tensor) -> Pix0:
    """BEAM pivot: the *final* f, s, the unrotated beam and the step-2 distance (spec 3.2 step 5)."""
    terms = {
        "term_fast": -centre["fbeam0"] * rotated.fdet,
        "term_slow": -centre["sbeam0"] * rotated.sdet,
        "term_beam": distance0 * axes.beam,
    }
    return Pix0(terms=terms, vector=terms["term_fast"] + terms["term_slow"] + terms["term_beam"])


def rotate_detector(cfg: NanoBraggConfig, axes: InitialAxes) -> Rotated:
    """Steps 3-4: rotx, roty, rotz (in that order), then two-theta about its axis."""
    rx, ry, rz = cfg.detector_rotx, cfg.detector_roty, cfg.detector_rotz
    fdet_rot, sdet_rot, odet_rot = (rotate_xyz(v, rx, ry, rz) for v in (axes.fdet0, axes.sdet0, axes.odet0))
    fdet, sdet, odet = (rotate_axis(v, axes.twotheta_axis, cfg.twotheta) for v in (fdet_rot, sdet_rot, odet_rot))
    return Rotated(fdet_rot=fdet_rot, sdet_rot=sdet_rot, odet_rot=odet_rot, fdet=fdet, sdet=sdet, odet=odet)


def recompute(pix0: torch.Tensor, axes: InitialAxes, rotated: Rotated, ratio: torch.Tensor,
              px: torch.Tensor) -> Recomputed:
    """Steps 6-10: close distance, beam spot, distance, ORGX/ORGY, the DIALS origin and the XDS beam."""
    dt, dev = pix0.dtype, pix0.device
    beam, fdet, sdet, odet = axes.beam, rotated.fdet, rotated.sdet, rotated.odet
    fclose = -dot(pix0, fdet)
    sclose = -dot(pix0, sdet)
    close = dot(pix0, odet)
    hit = close / ratio * beam - pix0
    # Q26: fixed MOSFLM->DIALS axes (0,0,1), (0,1,0), (-1,0,0) whatever the convention
    dials_axes = _vec((0.0, 0.0, 1.0), dt, dev), _vec((0.0, 1.0, 0.0), dt, dev), _vec((-1.0, 0.0, 0.0), dt, dev)
    return Recomputed(
        fclose=fclose, sclose=sclose, close_distance=close, fbeam=dot(fdet, hit), sbeam=dot(sdet, hit),
        distance=close / ratio, orgx=fclose / px + 0.5, orgy=sclose / px + 0.5,
        dials_origin=torch.stack([1000.0 * dot(pix0, a) for a in dials_axes]),
        xds_incident_beam=torch.stack([dot(beam, fdet), dot(beam, sdet), dot(beam, odet)]),
    )


def build_detector(cfg: NanoBraggConfig, *, device: str | torch.device = "cpu",
                   dtype: str | torch.dtype = "float64") -> DetectorGeometry:
    """Resolve convention, pivot, beam centre, rotations and pix0 exactly as nanoBragg does."""
    dt = resolve_dtype(dtype)
    dev = torch.device(device)
    conv = convention(cfg.convention)
    pivot = conv.forced_pivot or cfg.pivot  # Q19
    axes = initial_axes(cfg, conv, dt, dev)
    centre = {k: _scalar(v, dt, dev) for k, v in _beam_centre(cfg, conv).items()}
    ratio, close0, distance0 = distances(cfg, axes)
    rotated = rotate_detector(cfg, axes)
    if pivot == "SAMPLE":
        pix0 = sample_pivot_pix0(cfg, axes, centre, close0)
    else:
        pix0 = beam_pivot_pix0(axes, rotated, centre, distance0)
    px = _scalar(cfg.pixel_size, dt, dev)
    after = recompute(pix0.vector, axes, rotated, ratio, px)
    return DetectorGeometry(
        convention=conv.name, announce=conv.announce, pivot=pivot, pivot_requested=cfg.pivot,
        odet_regenerated=axes.odet_regenerated,
        fdet0=axes.fdet0, sdet0=axes.sdet0, odet0=axes.odet0, beam=axes.beam, polar=axes.polar,
        spindle=axes.spindle, twotheta_axis=axes.twotheta_axis, vert=axes.vert,
        fdet_rot=rotated.fdet_rot, sdet_rot=rotated.sdet_rot, odet_rot=rotated.odet_rot,
        fdet=rotated.fdet, sdet=rotated.sdet, odet=rotated.odet,
        rotx=cfg.detector_rotx, roty=cfg.detector_roty, rotz=cfg.detector_rotz, twotheta=cfg.twotheta,
        pixel_size=px, fpixels=cfg.fpixels, spixels=cfg.spixels,
        detsize_f=_scalar(cfg.detsize_f, dt, dev), detsize_s=_scalar(cfg.detsize_s, dt, dev),
        xbeam=centre["xbeam"], ybeam=centre["ybeam"], xclose=centre["xclose"], yclose=centre["yclose"],
        fbeam0=centre["fbeam0"], sbeam0=centre["sbeam0"], fclose0=centre["fclose0"], sclose0=centre["sclose0"],
        ratio=ratio, close_distance0=close0, distance0=distance0, terms=pix0.terms, pix0=pix0.vector,
        fclose=after.fclose, sclose=after.sclose, close_distance=after.close_distance, fbeam=after.fbeam,
        sbeam=after.sbeam, distance=after.distance, orgx=after.orgx, orgy=after.orgy,
        dials_origin=after.dials_origin, xds_incident_beam=after.xds_incident_beam,
        matrices=rotation_matrices(cfg.detector_rotx, cfg.detector_roty, cfg.detector_rotz),
        notes=("WARNING: auto-generating odet_vector",) if axes.odet_regenerated else (),
    )


def pixel_position(geom: DetectorGeometry, fdet: torch.Tensor, sdet: torch.Tensor,
                   odet: torch.Tensor | float = 0.0) -> torch.Tensor:
    """Lab position of in-plane coordinates (m): ``Fdet·f + Sdet·s + Odet·o + pix0`` (C order, 5.1)."""
    f = torch.as_tensor(fdet, dtype=geom.dtype, device=geom.device)[..., None]
    s = torch.as_tensor(sdet, dtype=geom.dtype, device=geom.device)[..., None]
    o = torch.as_tensor(odet, dtype=geom.dtype, device=geom.device)[..., None]
    return f * geom.fdet + s * geom.sdet + o * geom.odet + geom.pix0

