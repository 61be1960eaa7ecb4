"""Everything the per-pixel chain needs besides the detector, resolved once from the config.

Crystal (:mod:`~tracediff.capture.physics.crystal.cell`), sources (:mod:`~tracediff.capture.physics.sources`), the phi
schedule (final values from the flag parser, spec 4.7), the mosaic matrices
(:mod:`~tracediff.capture.physics.crystal.mosaic`), the structure-factor table (:mod:`~tracediff.capture.physics.crystal.hkl`), the
automatic oversampling (spec 4.5) and interpolation (spec 4.9) choices, and the sampling switches.
Set-up values are computed in float64 on the CPU and then moved to the chain's device and dtype.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import torch

from tracediff.capture.physics.crystal.cell import Crystal, build_crystal
from tracediff.capture.physics.detector.geometry import DetectorGeometry
from tracediff.capture.physics.crystal.hkl import HklTable, read_hkl
from tracediff.capture.physics.crystal.lattice import CrystalShape
from tracediff.capture.physics.crystal.mosaic import mosaic_matrices
from tracediff.capture.config import NanoBraggConfig
from tracediff.capture.physics.sources import Sources, build_sources
from tracediff.errors import TraceDiffError

R_E_SQR = 7.94079248018965e-30  # m^2, Thomson cross section as the C has it
AVOGADRO = 6.02214179e23
WATER_F = 2.57
WATER_MW = 18.0


@dataclass(frozen=True)
class PixelSetup:
    """Crystal, sources, orientations, structure factors and sampling, resolved from the config."""

    crystal: Crystal
    sources: Sources
    phis: tuple[float, ...]  #: radians, phi0 + phistep*tic
    mosaic: torch.Tensor  #: (M, 3, 3); domain 0 is the identity
    use_mosaic: bool  #: spread > 0: the C multiplies by the matrices (else copies)
    hkl: HklTable | None
    default_f: float
    interpolate: bool
    shape: CrystalShape
    fudge: float
    oversample: int
    thicksteps: int
    thickstep: float
    thickness: float
    mu: float
    dmin: float
    water_size: float
    i_background: float
    kahn: float
    nopolar: bool
    oversample_thick: bool
    oversample_polar: bool
    oversample_omega: bool
    point_pixel: bool
    curved_detector: bool
    fluence: float

    @property
    def steps(self) -> int:
        """sources x domains x phi steps x oversample^2 (thickness layers not counted, Q27)."""
        return len(self.sources) * int(self.mosaic.shape[0]) * len(self.phis) * self.oversample**2


INT_MAX = 2**31 - 1


def recommended_oversample(crystal: Crystal, lambda0: float, distance: float, pixel_size: float) -> int:
    """ceil(3 x largest crystal edge / (lambda0 distance / pixel)), at least 1 (spec 4.5).

    The C stores the ceiling in an ``int``: a reciprocal pixel of 0 (distance 0) gives inf, and an
    infinite, NaN or out-of-range double converts to INT_MIN on x86-64, which the C's ``<= 0`` rule
    then turns into 1. That is what it runs with, so it is what tracediff runs with too.
    """
    reciprocal_pixel = lambda0 * distance / pixel_size
    ratio = 3.0 * crystal.size_max / reciprocal_pixel if reciprocal_pixel != 0.0 else math.inf
    if not math.isfinite(ratio) or math.ceil(ratio) > INT_MAX:
        return 1
    value = math.ceil(ratio)
    return 1 if value <= 0 else int(value)


def auto_interpolate(config: NanoBraggConfig, hkl: HklTable | None) -> bool:
    """-interpolate / -nointerpolate, else on when any N <= 2 (the -N values, before any size
    override), and always off without structure-factor table."""
    if config.interpolate is None:
        wanted = config.na <= 2 or config.nb <= 2 or config.nc <= 2
    else:
        wanted = config.interpolate
    return bool(wanted) and hkl is not None and hkl.hkls > 0


def water_background(config: NanoBraggConfig) -> float:
    """I_bg = F_bg^2 r_e^2 fluence water^3 1e6 N_A / 18 (Q29: scaled again at the end)."""
    w = config.water_size
    return WATER_F * WATER_F * R_E_SQR * config.fluence * w * w * w * 1e6 * AVOGADRO / WATER_MW


def _on_device(crystal: Crystal, sources: Sources, hkl: HklTable | None, device: torch.device,
               dtype: torch.dtype) -> tuple[Crystal, Sources, HklTable | None]:
    """The set-up tensors moved to the chain's device and dtype (they are computed in float64 on the CPU)."""
    def to(t: torch.Tensor) -> torch.Tensor:
        return t.to(device=device, dtype=dtype)

    return (replace(crystal, real=to(crystal.real), reciprocal=to(crystal.reciprocal)),
            Sources(incident=to(sources.incident), wavelength=to(sources.wavelength), weight=to(sources.weight)),
            replace(hkl, grid=to(hkl.grid)) if hkl is not None else None)


def prepare(
    config: NanoBraggConfig, geometry: DetectorGeometry, *, device: torch.device, dtype: torch.dtype
) -> PixelSetup:
    """Resolve everything the per-pixel chain needs (crystal, sources, phi, mosaic, F table).

    Reads and checks every input file (``-mat``, ``-hkl``, ``-sourcefile``): a bad one raises
    :class:`TraceDiffError` naming the file and line, so callers can do this before printing anything.
    The crystal keeps the C's printed set-up steps (``setup.crystal.steps``, float64).
    """
    crystal = build_crystal(config)
    sources = build_sources(config, geometry.beam.detach().cpu(), geometry.polar.detach().cpu())
    hkl = read_hkl(config.hklfile, config.default_F) if config.hklfile is not None else None
    oversample = config.oversample or recommended_oversample(
        crystal, config.lambda0, float(geometry.distance), config.pixel_size
    )
    try:
        shape = CrystalShape[config.xtal_shape.upper()]
    except KeyError:
        raise TraceDiffError(f"unknown crystal shape {config.xtal_shape!r}", path=config.args_file) from None
    moved, moved_sources, hkl = _on_device(crystal, sources, hkl, device, dtype)
    return PixelSetup(
        crystal=moved,
        sources=moved_sources,
        phis=tuple(config.phi0 + config.phistep * tic for tic in range(config.phisteps)),
        mosaic=mosaic_matrices(
            config.mosaic_spread, config.mosaic_domains, config.mosaic_seed, device=device, dtype=dtype
        ),
        use_mosaic=config.mosaic_spread > 0.0,
        hkl=hkl,
        default_f=config.default_F,
        interpolate=auto_interpolate(config, hkl),
        shape=shape,
        fudge=config.fudge,
        oversample=int(oversample),
        thicksteps=config.detector_thicksteps,
        thickstep=config.detector_thickstep,
        thickness=config.detector_thick,
        mu=config.detector_mu,
        dmin=config.dmin,
        water_size=config.water_size,
        i_background=water_background(config),
        kahn=config.polarization,
        nopolar=config.nopolar,
        oversample_thick=config.oversample_thick,
        oversample_polar=config.oversample_polar,
        oversample_omega=config.oversample_omega,
        point_pixel=config.point_pixel,
        curved_detector=config.curved_detector,
        fluence=config.fluence,
    )
