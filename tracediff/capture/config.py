"""The settings nanoBragg reads from its command line, as one frozen :class:`NanoBraggConfig`.

Its own module because every stage of the capture (detector, crystal, sources,
pixel loop) reads the config, while only the parser writes it: the stages import the
shape of the settings without the parser's machinery. The names that go with it
(the C's ``RTD``, the convention / pivot / crystal-shape words) live here too.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

Vec3 = tuple[float, float, float]

# RTD exactly as the C computes it (180.0*M_1_PI); angles are atof(v)/RTD.
M_1_PI = 0.318309886183790671537767526745028724
RTD = 180.0 * M_1_PI

CONVENTIONS = ("MOSFLM", "XDS", "DIALS", "ADXV", "DENZO", "CUSTOM")


@dataclass(frozen=True)
class NanoBraggConfig:
    """Every setting nanoBragg reads from its command line (SI units, as the C stores them).

    ``None`` stands for the C's "unset" sentinels (NaN or -1). Fields marked *final*
    already went through the C's post-parse rules (section 1.3, 4.7, 4.8, 5.3, 4.6);
    the others are the raw parsed values the geometry / crystal code resolves.
    """

    # --- provenance -------------------------------------------------------
    argv: tuple[str, ...] = ()  #: the nanoBragg arguments as given (no program name)
    args_file: Path | None = None  #: the args file they came from, if any
    base_dir: Path | None = None  #: folder relative input paths were resolved against
    given: frozenset[str] = frozenset()  #: canonical flags that fired (incl. side effects)
    notes: tuple[str, ...] = ()  #: C quirks that fired (printed on stderr by the runner)
    ignored: tuple[str, ...] = ()  #: accepted flags with no effect on the trace

    # --- detector: size and pixels ---------------------------------------
    pixel_size: float = 0.1e-3  #: m (-pixel, mm)
    fpixels: int = 1024  #: final fast-axis pixel count (detpixels beat detsize)
    spixels: int = 1024  #: final slow-axis pixel count
    detsize_f: float = 102.4e-3  #: m, final (px*fpixels when -detpixels given; not re-snapped)
    detsize_s: float = 102.4e-3  #: m, final
    # --- detector: position ------------------------------------------------
    distance: float = 100.0e-3  #: m (-distance, mm); recomputed by the geometry
    close_distance: float | None = None  #: m (-close_distance, mm); None = derive
    xbeam: float | None = None  #: m (-Xbeam, mm)
    ybeam: float | None = None  #: m (-Ybeam, mm)
    xclose: float | None = None  #: m (-Xclose, mm)
    yclose: float | None = None  #: m (-Yclose, mm)
    orgx: float | None = None  #: pixels (-ORGX, XDS 1-based centre convention)
    orgy: float | None = None  #: pixels (-ORGY)
    detector_rotx: float = 0.0  #: rad (-detector_rotx, deg)
    detector_roty: float = 0.0  #: rad
    detector_rotz: float = 0.0  #: rad
    twotheta: float = 0.0  #: rad (-twotheta, deg; also set by -twotheta_axis, Q18)
    convention: str = "MOSFLM"  #: last convention-setting word (vector flags give CUSTOM)
    pivot: str = "BEAM"  #: pivot as parsed (last pivot-affecting word); named conventions force theirs
    convention_set_by: str | None = None  #: flag that set ``convention`` last
    pivot_set_by: str | None = None  #: flag that set ``pivot`` last
    # Detector/beam vectors as the C holds them after parsing (given or compiled-in
    # defaults; unitless, not yet unitized). Named conventions overwrite them.
    fdet_vector: Vec3 = (0.0, 0.0, 1.0)
    sdet_vector: Vec3 = (0.0, -1.0, 0.0)
    odet_vector: Vec3 = (1.0, 0.0, 0.0)
    beam_vector: Vec3 = (1.0, 0.0, 0.0)
    polar_vector: Vec3 = (0.0, 0.0, 1.0)
    spindle_vector: Vec3 = (0.0, 0.0, 1.0)
    twotheta_axis: Vec3 = (0.0, 1.0, 0.0)
    pix0_vector: Vec3 | None = None  #: as typed (m or mm, unconverted); never used by the C (Q20)
    curved_detector: bool = False  #: -curved_det
    point_pixel: bool = False  #: -point_pixel (omega = 1/R^2)
    # --- detector: sensor thickness (final, spec 5.3) ----------------------
    detector_thick: float = 0.0  #: m, final (0 = no thickness)
    detector_thickstep: float = 0.0  #: m, final layer spacing
    detector_thicksteps: int = 1  #: final layer count
    detector_mu: float = -1.0  #: 1/m, final (-1 = unset; 1/thick when thick>0 and unset)
    # --- sampling ----------------------------------------------------------
    oversample: int | None = None  #: sub-pixels per axis; None = auto (needs crystal size)
    oversample_thick: bool = False
    oversample_polar: bool = False
    oversample_omega: bool = False
    roi: tuple[int, int, int, int] = (0, 1024, 0, 1024)  #: final xmin, xmax, ymin, ymax (inclusive)
    roi_given: bool = False
    trace_pixel: tuple[int, int] | None = None  #: (slow, fast) of -trace_pixel/-dump_pixel
    # --- beam ----------------------------------------------------------------
    lambda0: float = 1.0e-10  #: m (-lambda/-wave Å, or -energy eV; last wins)
    dispersion: float = 0.0  #: final fractional bandwidth (-dispersion %/100)
    dispstep: float = 0.0  #: final fractional step
    dispsteps: int = 1  #: final wavelength count
    hdivrange: float = 0.0  #: rad, final
    hdivstep: float = 0.0  #: rad, final
    hdivsteps: int = 1  #: final
    vdivrange: float = 0.0  #: rad, final
    vdivstep: float = 0.0  #: rad, final
    vdivsteps: int = 1  #: final
    round_div: bool = True  #: elliptical cut of the divergence grid (-square_div turns off)
    sourcefile: Path | None = None  #: -sourcefile (columns X Y Z weight lambda[m])
    fluence: float = 125932015286227086360700780544.0  #: photons/m^2, final
    flux: float = 0.0  #: photons/s, final (recomputed from fluence when exposure > 0)
    exposure: float = 1.0  #: s
    beamsize: float = 1e-4  #: m (-beamsize, mm)
    polarization: float = 0.0  #: Kahn factor K (-polar); default 0 (Q31)
    nopolar: bool = False  #: -nopolar (argv order against -polar matters)
    # --- crystal -------------------------------------------------------------
    user_cell: bool = False  #: -cell seen
    cell: tuple[float, float, float, float, float, float] | None = None
    """a, b, c in Å and alpha, beta, gamma in rad, with the C's defaults applied
    (missing/<=0 b, c -> a; missing/<=0 angles -> pi/2)."""
    matfile: Path | None = None  #: -mat (three lines: components of a*, b*, c* x lambda)
    misset: Vec3 | None = None  #: rad (-misset rx ry rz, deg); XYZ rotation of a*, b*, c*
    misset_random: bool = False  #: -misset random
    misset_seed: int | None = None  #: C value (= -atoi); None = C's -time() default
    na: int = 1  #: unit cells along a (atoi; <1 becomes 1 later)
    nb: int = 1
    nc: int = 1
    sample_x: float = 0.0  #: m, crystal size overrides (-xtalsize...), after beam clipping
    sample_y: float = 0.0  #: m
    sample_z: float = 0.0  #: m
    density: float = 1.0e6  #: g/m^3
    molecular_weight: float = 18.0  #: g/mol
    xtal_shape: str = "SQUARE"  #: SQUARE | ROUND | GAUSS | TOPHAT
    fudge: float = 1.0
    mosaic_spread: float = 0.0  #: rad, final
    mosaic_domains: int = 1  #: final
    mosaic_seed: int = -12345678  #: C value (= -atoi)
    # --- phi (final, spec 4.7) ---------------------------------------------
    phi0: float = 0.0  #: rad
    osc: float = 0.0  #: rad
    phistep: float = 0.0  #: rad
    phisteps: int = 1
    # --- structure factors -------------------------------------------------
    hklfile: Path | None = None  #: -hkl
    default_F: float = 0.0  #: electrons
    interpolate: bool | None = None  #: None = auto (on if any N <= 2, off if hkls == 0)
    dmin: float = 0.0  #: m (-dmin, Å); 0 = off
    water_size: float = 0.0  #: m (-water, µm)
    stolfile: Path | None = None  #: -stol / -4stol / -Q background file
    stol_file_mult: float = 1.0e10  #: scale of the stol file's column
    coherent: bool = False  #: -coherent
    # --- output-only settings (kept for the record) -----------------------
    seed: int | None = None  #: noise seed (C value = -atoi); None = time
    adc_offset: float = 40.0

    @property
    def input_files(self) -> tuple[tuple[str, Path], ...]:
        """(flag, path) of every file the run reads besides the args file."""
        named = (("-mat", self.matfile), ("-hkl", self.hklfile), ("-sourcefile", self.sourcefile),
                 ("-stol", self.stolfile))
        return tuple((flag, path) for flag, path in named if path is not None)

    def replace(self, **changes: object) -> "NanoBraggConfig":
        """A copy with some fields changed (the config itself is frozen)."""
        return replace(self, **changes)

