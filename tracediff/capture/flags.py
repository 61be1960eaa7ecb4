"""nanoBragg's command line, parsed the way the C parses it, into a :class:`NanoBraggConfig`.

Why a faithful copy of the C's parser and not argparse: nanoBragg matches flags by
*substring containment* (``strstr``), so one argv word can fire several branches
(``-twotheta_axis`` also sets the two-theta angle, ``-misset_seed`` also reads three
missetting angles), a few flags have exact-length guards, and the C walks *every*
word that begins with ``-`` (a negative number is harmlessly tested too). Reproducing
a trace needs exactly those side effects (spec 1.1, quirk Q18).

Where tracediff is stricter than the C (it never silently ignores input):

* a word that begins with ``-``, is not the value of a flag and matches no flag
  pattern is an *unknown flag* (the C ignores it);
* a flag's own values must be present and numeric (the C reads ``atof`` = 0);
* ``-mat``/``-hkl``/``-sourcefile``/``-stol`` files must be readable.

Values read by a *side-effect* match (a branch fired by a longer word) keep the C's
lenient ``atof``/``atoi`` reading, because that is what the C computes.

Units: every length is stored in metres and every angle in radians, as the C stores
them after parsing; reciprocal vectors (``-mat``) stay in the file's units (the
crystal code divides by lambda, giving 1/Å).

After the argv walk, :func:`parse_argv` runs the C's own post-parse resolution that
needs no geometry (detector size, fluence, phi/divergence/dispersion/thickness/mosaic
step rules, ROI defaults), so the config holds the numbers the C's loops use. The
detector geometry (convention, pivot, beam centre) is resolved in ``detector.py``.
"""

from __future__ import annotations

import math
import re
import shlex
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from tracediff.errors import TraceDiffError

Vec3 = tuple[float, float, float]

# RTD exactly as the C computes it (180.0*M_1_PI); angles are atof(v)/RTD.
M_1_PI = 0.318309886183790671537767526745028724
RTD = 180.0 * M_1_PI

CONVENTIONS = ("MOSFLM", "XDS", "DIALS", "ADXV", "DENZO", "CUSTOM")
PIVOTS = ("BEAM", "SAMPLE")
XTAL_SHAPES = ("SQUARE", "ROUND", "GAUSS", "TOPHAT")

# ---------------------------------------------------------------------------
# C number reading
# ---------------------------------------------------------------------------

_FLOAT_BODY = r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"
_FLOAT_FULL = re.compile(rf"\s*{_FLOAT_BODY}\s*")
_FLOAT_PREFIX = re.compile(rf"\s*({_FLOAT_BODY}|[+-]?inf(?:inity)?|[+-]?nan)", re.IGNORECASE)
_INT_PREFIX = re.compile(r"\s*([+-]?\d+)")


def c_atof(text: str) -> float:
    """C ``atof``: the longest numeric prefix, 0.0 when there is none."""
    m = _FLOAT_PREFIX.match(text)
    return float(m.group(1)) if m else 0.0


def c_atoi(text: str) -> int:
    """C ``atoi``: the leading integer digits, 0 when there are none (``"2.5"`` -> 2)."""
    m = _INT_PREFIX.match(text)
    return int(m.group(1)) if m else 0


def is_number(text: str) -> bool:
    """True when the whole word is a decimal number the C would read in full."""
    return _FLOAT_FULL.fullmatch(text) is not None


# ---------------------------------------------------------------------------
# The config
# ---------------------------------------------------------------------------


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
    def detpixels_given(self) -> bool:
        return bool(self.given & {"-detpixels", "-detpixels_x", "-detpixels_y"})

    def replace(self, **changes: object) -> "NanoBraggConfig":
        """A copy with some fields changed (the config itself is frozen)."""
        return replace(self, **changes)


# ---------------------------------------------------------------------------
# Mutable parse state (the C's variables while argv is walked)
# ---------------------------------------------------------------------------


@dataclass
class _State:
    values: dict[str, object]
    given: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    base_dir: Path | None = None
    args_file: Path | None = None
    # raw C sentinels that the post-parse rules need
    raw: dict[str, object] = field(default_factory=dict)

    def set(self, name: str, value: object) -> None:
        self.values[name] = value


def _initial_state(base_dir: Path | None, args_file: Path | None) -> _State:
    defaults = {f.name: f.default for f in fields(NanoBraggConfig)}
    st = _State(values=dict(defaults), base_dir=base_dir, args_file=args_file)
    # C sentinels (-1 = unset) for the step rules, 0 pixels = take from detsize
    st.raw.update(
        fpixels=0, spixels=0, phistep=-1.0, osc=-1.0, phisteps=-1,
        hdivrange=-1.0, hdivstep=-1.0, hdivsteps=-1, vdivrange=-1.0, vdivstep=-1.0, vdivsteps=-1,
        dispersion=0.0, dispstep=-1.0, dispsteps=-1,
        detector_thick=0.0, detector_thickstep=-1.0, detector_thicksteps=-1, detector_mu=-1.0,
        mosaic_spread=-1.0, mosaic_domains=-1, roi=(-1, -1, -1, -1), interpolate=2,
        cell=[0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    )
    return st


# ---------------------------------------------------------------------------
# Value readers: (word, strict, flag) -> value
# ---------------------------------------------------------------------------

Reader = Callable[[str, bool, str, "_State"], object]


def _num(word: str, strict: bool, flag: str) -> float:
    if strict and not is_number(word):
        raise TraceDiffError(f"{flag} needs a number, got {word!r}")
    return c_atof(word)


def _int(word: str, strict: bool, flag: str) -> int:
    if strict and not is_number(word):
        raise TraceDiffError(f"{flag} needs an integer, got {word!r}")
    return c_atoi(word)


def _scaled(op: str, k: float) -> Reader:
    """A float reader applying the C's exact operation (``atof(v)/k`` or ``atof(v)*k``)."""

    def read(word: str, strict: bool, flag: str, st: _State) -> float:
        v = _num(word, strict, flag)
        return v / k if op == "/" else v * k

    return read


FLOAT = _scaled("*", 1.0)
MM = _scaled("/", 1000.0)  # mm -> m, atof(v)/1000.0
DEG = _scaled("/", RTD)  # deg -> rad, atof(v)/RTD
MRAD = _scaled("/", 1000.0)  # mrad -> rad
ANGSTROM = _scaled("/", 1.0e10)  # Å -> m, atof(v)/1.0e10
UM = _scaled("*", 1e-6)  # µm -> m, atof(v)*1e-6 (-detector_thick)
UM_DIV = _scaled("/", 1e6)  # µm -> m, atof(v)/1e6 (-water)
PERCENT = _scaled("/", 100.0)
MEGA = _scaled("*", 1e6)  # g/cm^3 -> g/m^3
DMIN = _scaled("*", 1e-10)  # Å -> m, atof(v)*1e-10 (-dmin)


def INT(word: str, strict: bool, flag: str, st: _State) -> int:
    return _int(word, strict, flag)


def NEG_INT(word: str, strict: bool, flag: str, st: _State) -> int:
    """Seeds: the C stores ``-atoi(v)``."""
    return -_int(word, strict, flag)


def ENERGY(word: str, strict: bool, flag: str, st: _State) -> float:
    return (12398.42 / _num(word, strict, flag)) / 1.0e10


def WORD(word: str, strict: bool, flag: str, st: _State) -> str:
    return word


def PATH(word: str, strict: bool, flag: str, st: _State) -> Path:
    """An input file, relative to the args file's folder; must be readable."""
    path = Path(word)
    if not path.is_absolute() and st.base_dir is not None:
        path = st.base_dir / path
    try:
        with open(path, "rb"):
            pass
    except OSError as exc:
        raise TraceDiffError(f"{flag}: cannot read {word!r} ({exc.strerror or exc})", path=st.args_file) from None
    return path


# ---------------------------------------------------------------------------
# The flag table (C order: L620-L1085 of nanoBragg.c)
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    """One C test: ``strstr(word, text)`` plus the optional length guards."""

    text: str
    length: int | None = None  #: ``strlen(word) == length``
    exact: bool = False  #: ``strcmp(word, text) == 0``
    longer_than: int | None = None  #: ``strlen(word) > longer_than``

    def matches(self, word: str) -> bool:
        if self.exact:
            return word == self.text
        if self.text not in word:
            return False
        if self.length is not None and len(word) != self.length:
            return False
        if self.longer_than is not None and len(word) <= self.longer_than:
            return False
        return True


Effect = Callable[["_State", list[str], bool, str], None]


@dataclass(frozen=True)
class FlagRule:
    """One branch of the C's argv loop.

    ``nargs`` words are read after the flag (the C's ``argc > i+nargs`` guard);
    ``targets`` receive ``reader(word)`` of consecutive values; ``pivot`` and
    ``convention`` are the branch's side effects; ``stop`` is the C's ``continue``.
    """

    name: str  #: canonical flag text (used in messages and ``config.given``)
    patterns: tuple[Pattern, ...]
    nargs: int = 0
    targets: tuple[str, ...] = ()
    reader: Reader | None = None
    const: object = None  #: value stored in ``targets`` by a switch (nargs == 0)
    pivot: str | None = None
    convention: str | None = None
    stop: bool = False
    effect: Effect | None = None  #: custom behaviour (variable arity, words)
    ignored: bool = False  #: accepted but has no effect on the trace
    needs_next: bool = False  #: C needs a following word but never reads it

    def matches(self, word: str) -> bool:
        return any(p.matches(word) for p in self.patterns)

    def longest_match(self, word: str) -> int:
        return max((len(p.text) for p in self.patterns if p.matches(word)), default=0)


def _p(*texts: str, **guard: object) -> tuple[Pattern, ...]:
    return tuple(Pattern(t, **guard) for t in texts)  # type: ignore[arg-type]


def _set_vec(target: str) -> Effect:
    def effect(st: _State, args: list[str], strict: bool, flag: str) -> None:
        st.set(target, tuple(_num(a, strict, flag) for a in args[:3]))

    return effect


def _cell(st: _State, args: list[str], strict: bool, flag: str) -> None:
    """-cell a [b [c [alpha [beta [gamma]]]]]: reading stops at a word starting with '-'."""
    st.set("user_cell", True)
    cell = st.raw["cell"]
    assert isinstance(cell, list)
    for k, word in enumerate(args[:6]):
        if word.startswith("-"):
            break
        v = _num(word, strict, flag)
        cell[k] = v if k < 3 else v / RTD
    if strict and (not args or args[0].startswith("-")):
        raise TraceDiffError(f"{flag} needs a b c [alpha beta gamma] (Å, deg)")


def _cell_arity(argv: Sequence[str], i: int) -> int:
    n = 0
    while n < 6 and i + 1 + n < len(argv) and not argv[i + 1 + n].startswith("-"):
        n += 1
    return n


def _misset_random(st: _State, args: list[str], strict: bool, flag: str) -> None:
    st.set("misset_random", True)
    st.set("misset", None)


def _misset(st: _State, args: list[str], strict: bool, flag: str) -> None:
    if "rand" in args[0]:
        _misset_random(st, args, strict, flag)
        return
    if len(args) < 3:
        if strict:
            raise TraceDiffError(f"{flag} needs three angles (deg) or 'random'")
        return
    st.set("misset", tuple(_num(a, strict, flag) / RTD for a in args[:3]))
    st.set("misset_random", False)


def _pivot_word(st: _State, args: list[str], strict: bool, flag: str) -> None:
    word = args[0]
    hit = False
    if "sample" in word:
        st.set("pivot", "SAMPLE")
        st.set("pivot_set_by", flag)
        hit = True
    if "beam" in word:
        st.set("pivot", "BEAM")
        st.set("pivot_set_by", flag)
        hit = True
    if strict and not hit:
        raise TraceDiffError(f"{flag} needs 'sample' or 'beam', got {word!r}")


def _detector_abs(st: _State, args: list[str], strict: bool, flag: str) -> None:
    word = args[0]
    if "inf" in word or (is_number(word) and c_atof(word) == 0.0) or (not strict and c_atof(word) == 0.0):
        st.raw["detector_thick"] = 0.0
        st.raw["detector_mu"] = 0.0
        return
    st.raw["detector_mu"] = 1.0 / (_num(word, strict, flag) * 1e-6)


def _kahn(st: _State, args: list[str], strict: bool, flag: str) -> None:
    """-polar K also clears an earlier -nopolar (argv order, 1.3 rule 7)."""
    st.set("polarization", _num(args[0], strict, flag))
    st.set("nopolar", False)


def _raw(target: str, reader: Reader) -> Effect:
    """Store into the C sentinel table (values the post-parse rules resolve)."""

    def effect(st: _State, args: list[str], strict: bool, flag: str) -> None:
        st.raw[target] = reader(args[0], strict, flag, st)

    return effect


def _raw_many(targets: tuple[str, ...], reader: Reader) -> Effect:
    def effect(st: _State, args: list[str], strict: bool, flag: str) -> None:
        value = reader(args[0], strict, flag, st)
        for t in targets:
            st.raw[t] = value

    return effect


def _raw_const(target: str, value: object) -> Effect:
    def effect(st: _State, args: list[str], strict: bool, flag: str) -> None:
        st.raw[target] = value

    return effect


def _roi(st: _State, args: list[str], strict: bool, flag: str) -> None:
    st.raw["roi"] = tuple(_int(a, strict, flag) for a in args[:4])
    st.set("roi_given", True)


def _trace_pixel(st: _State, args: list[str], strict: bool, flag: str) -> None:
    st.set("trace_pixel", (_int(args[0], strict, flag), _int(args[1], strict, flag)))


def _stol(mult: float) -> Effect:
    def effect(st: _State, args: list[str], strict: bool, flag: str) -> None:
        st.set("stolfile", PATH(args[0], strict, flag, st))
        st.set("stol_file_mult", mult)

    return effect


def _header_file(st: _State, args: list[str], strict: bool, flag: str) -> None:
    raise TraceDiffError(
        f"{flag}: presetting the detector from an SMV header/mask is not reproduced by tracediff capture"
    )


def R(name: str, patterns: tuple[Pattern, ...] | None = None, nargs: int = 0, **kw: object) -> FlagRule:
    return FlagRule(name=name, patterns=patterns or _p(name), nargs=nargs, **kw)  # type: ignore[arg-type]


_VECTOR_FLAGS = (
    ("-fdet_vector", "fdet_vector"),
    ("-sdet_vector", "sdet_vector"),
    ("-odet_vector", "odet_vector"),
    ("-beam_vector", "beam_vector"),
    ("-polar_vector", "polar_vector"),
    ("-spindle_axis", "spindle_vector"),
    ("-twotheta_axis", "twotheta_axis"),
)

#: The C's argv branches, in the C's order. Later branches overwrite earlier ones
#: for the same word; ``stop`` rules end the word's processing (C ``continue``).
FLAG_TABLE: tuple[FlagRule, ...] = (
    R("-img", nargs=1, effect=_header_file),
    R("-mask", nargs=1, effect=_header_file),
    R("-Na", nargs=1, targets=("na",), reader=INT, stop=True),
    R("-Nb", nargs=1, targets=("nb",), reader=INT, stop=True),
    R("-Nc", nargs=1, targets=("nc",), reader=INT, stop=True),
    R("-N", _p("-N", exact=True), nargs=1, targets=("na", "nb", "nc"), reader=INT, stop=True),
    R("-cell", nargs=1, effect=_cell),  # variable arity, see _cell_arity
    R("-misset", nargs=1, effect=_misset),  # 'random' or three angles
    R("-samplesize", _p("-samplesize", "-sample_size"), 1, targets=("sample_x", "sample_y", "sample_z"), reader=MM),
    R("-sample_thick", _p("-sample_thick", "-sample_x"), 1, targets=("sample_x",), reader=MM),
    R("-sample_width", _p("-sample_width", "-sample_y", "-width"), 1, targets=("sample_y",), reader=MM),
    R("-sample_height", _p("-sample_heigh", "-sample_z", "-heigh"), 1, targets=("sample_z",), reader=MM),
    R("-xtalsize", _p("-xtalsize", "-xtal_size"), 1, targets=("sample_x", "sample_y", "sample_z"), reader=MM),
    R("-xtal_thick", _p("-xtal_thick", "-xtal_x"), 1, targets=("sample_x",), reader=MM),
    R("-xtal_width", _p("-xtal_width", "-xtal_y", "-width"), 1, targets=("sample_y",), reader=MM),
    R("-xtal_height", _p("-xtal_heigh", "-xtal_z", "-heigh"), 1, targets=("sample_z",), reader=MM),
    R("-density", _p("-density", "-sample_den"), 1, targets=("density",), reader=MEGA),
    R("-MW", _p("-MW", exact=True) + _p("-molec"), 1, targets=("molecular_weight",), reader=FLOAT),
    R("-Xbeam", nargs=1, targets=("xbeam",), reader=MM, pivot="BEAM"),
    R("-Ybeam", nargs=1, targets=("ybeam",), reader=MM, pivot="BEAM"),
    R("-Xclose", nargs=1, targets=("xclose",), reader=MM, pivot="SAMPLE"),
    R("-Yclose", nargs=1, targets=("yclose",), reader=MM, pivot="SAMPLE"),
    R("-ORGX", nargs=1, targets=("orgx",), reader=FLOAT, pivot="SAMPLE"),
    R("-ORGY", nargs=1, targets=("orgy",), reader=FLOAT, pivot="SAMPLE"),
    R("-pivot", nargs=1, effect=_pivot_word),
    R("-mosflm", convention="MOSFLM", pivot="BEAM"),
    R("-xds", convention="XDS", pivot="SAMPLE"),
    R("-adxv", convention="ADXV", pivot="BEAM"),
    R("-denzo", convention="DENZO", pivot="BEAM"),
    R("-dials", convention="DIALS", pivot="BEAM"),  # forced to SAMPLE after parsing
    *(R(flag, nargs=3, effect=_set_vec(target), convention="CUSTOM") for flag, target in _VECTOR_FLAGS),
    R("-pix0_vector", nargs=3, effect=_set_vec("pix0_vector"), convention="CUSTOM"),  # Q20: value never used
    R("-distance", nargs=1, targets=("distance",), reader=MM, pivot="BEAM"),
    R("-close_distance", nargs=1, targets=("close_distance",), reader=MM, pivot="SAMPLE"),
    R("-detector_abs", nargs=1, effect=_detector_abs),
    R("-detector_thick", _p("-detector_thick", length=15), 1, effect=_raw("detector_thick", UM)),
    R("-detector_thicksteps", nargs=1, effect=_raw("detector_thicksteps", INT)),
    R("-thicksteps", nargs=1, effect=_raw("detector_thicksteps", INT)),
    R("-twotheta", nargs=1, targets=("twotheta",), reader=DEG, pivot="SAMPLE"),
    R("-detector_rotx", nargs=1, targets=("detector_rotx",), reader=DEG),
    R("-detector_roty", nargs=1, targets=("detector_roty",), reader=DEG),
    R("-detector_rotz", nargs=1, targets=("detector_rotz",), reader=DEG),
    R("-detsize", _p("-detsize", length=8), 1, targets=("detsize_f", "detsize_s"), reader=MM),
    R("-detsize_f", nargs=1, targets=("detsize_f",), reader=MM),
    R("-detsize_s", nargs=1, targets=("detsize_s",), reader=MM),
    R("-detpixels", _p("-detpixels", length=10), 1, effect=_raw_many(("fpixels", "spixels"), INT)),
    R("-detpixels_x", _p("-detpixels_f", "-detpixels_x"), 1, effect=_raw("fpixels", INT)),
    R("-detpixels_y", _p("-detpixels_s", "-detpixels_y"), 1, effect=_raw("spixels", INT)),
    R("-curved_det", targets=("curved_detector",), const=True, needs_next=True),
    R("-pixel", nargs=1, targets=("pixel_size",), reader=MM),
    R("-point_pixel", targets=("point_pixel",), const=True),
    R("-polar", _p("-polar", length=6), 1, effect=_kahn),
    R("-nopolar", targets=("nopolar",), const=True),
    R("-oversample_thick", targets=("oversample_thick",), const=True, stop=True),
    R("-oversample_polar", targets=("oversample_polar",), const=True, stop=True),
    R("-oversample_omega", targets=("oversample_omega",), const=True, stop=True),
    R("-oversample", nargs=1, targets=("oversample",), reader=INT),
    R("-roi", nargs=4, effect=_roi),
    R("-lambda", _p("-lambda", "-wave"), 1, targets=("lambda0",), reader=ANGSTROM),
    R("-energy", nargs=1, targets=("lambda0",), reader=ENERGY),
    R("-fluence", nargs=1, targets=("fluence",), reader=FLOAT),
    R("-flux", nargs=1, targets=("flux",), reader=FLOAT),
    R("-exposure", nargs=1, targets=("exposure",), reader=FLOAT),
    R("-beamsize", nargs=1, targets=("beamsize",), reader=MM),
    R("-mosaic", _p("-mosaic", length=7) + _p("-mosaici", "-mosaic_spr"), 1, effect=_raw("mosaic_spread", DEG)),
    R("-mosaic_domains", _p("-mosaic_dom"), 1, effect=_raw("mosaic_domains", INT)),
    R("-dispersion", nargs=1, effect=_raw("dispersion", PERCENT)),
    R("-dispsteps", nargs=1, effect=_raw("dispsteps", INT)),
    R("-divergence", nargs=1, effect=_raw_many(("hdivrange", "vdivrange"), MRAD)),
    R("-hdivrange", nargs=1, effect=_raw("hdivrange", MRAD)),
    R("-vdivrange", nargs=1, effect=_raw("vdivrange", MRAD)),
    R("-hdivstep", _p("-hdivstep", length=9), 1, effect=_raw("hdivstep", MRAD)),
    R("-hdivsteps", nargs=1, effect=_raw("hdivsteps", INT)),
    R("-vdivstep", _p("-vdivstep", length=9), 1, effect=_raw("vdivstep", MRAD)),
    R("-vdivsteps", nargs=1, effect=_raw("vdivsteps", INT)),
    R("-divsteps", nargs=1, effect=_raw_many(("hdivsteps", "vdivsteps"), INT)),
    R("-round_div", targets=("round_div",), const=True),
    R("-square_div", targets=("round_div",), const=False),
    R("-adc", nargs=1, targets=("adc_offset",), reader=FLOAT),
    R("-phi", _p("-phi", length=4), 1, targets=("phi0",), reader=DEG),
    R("-osc", nargs=1, effect=_raw("osc", DEG)),
    R("-phistep", _p("-phistep", length=8), 1, effect=_raw("phistep", DEG)),
    R("-phisteps", nargs=1, effect=_raw("phisteps", INT)),
    R("-dmin", nargs=1, targets=("dmin",), reader=DMIN),
    R("-mat", nargs=1, targets=("matfile",), reader=PATH),
    R("-hkl", nargs=1, targets=("hklfile",), reader=PATH),
    R("-default_F", nargs=1, targets=("default_F",), reader=FLOAT),
    R("-stolout", _p("-stolout", longer_than=7), 1, ignored=True),
    R("-stol", _p("-stol", length=5), 1, effect=_stol(1e10)),
    R("-4stol", _p("-4stol", length=6), 1, effect=_stol(1e10 / 4)),
    R("-Q", _p("-Q", length=2), 1, effect=_stol(1e10 / math.pi / 4)),
    R("-sourcefile", nargs=1, targets=("sourcefile",), reader=PATH),
    R("-floatfile", _p("-floatfile", "-floatimage"), 1, ignored=True),
    R("-intfile", _p("-intfile", "-intimage"), 1, ignored=True),
    R("-pgmfile", _p("-pgmfile", "-pgmimage"), 1, ignored=True),
    R("-noisefile", _p("-noisefile", "-noiseimage"), 1, ignored=True),
    R("-nonoise", ignored=True),
    R("-nopgm", ignored=True),
    R("-scale", nargs=1, ignored=True),
    R("-pgmscale", nargs=1, ignored=True),
    R("-coherent", targets=("coherent",), const=True),
    R("-printout", ignored=True),
    R("-noprogress", ignored=True),
    R("-progress", ignored=True),
    R("-interpolate", effect=_raw_const("interpolate", 1)),
    R("-nointerpolate", effect=_raw_const("interpolate", 0)),
    R("-round_xtal", targets=("xtal_shape",), const="ROUND"),
    R("-square_xtal", targets=("xtal_shape",), const="SQUARE"),
    R("-gauss_xtal", targets=("xtal_shape",), const="GAUSS"),
    R("-tophat_spots", _p("-binary_spots", "-tophat_spots"), targets=("xtal_shape",), const="TOPHAT"),
    R("-fudge", nargs=1, targets=("fudge",), reader=FLOAT),
    R("-printout_pixel", nargs=2, ignored=True),
    R("-trace_pixel", _p("-trace_pixel", "-dump_pixel"), 2, effect=_trace_pixel),
    R("-seed", nargs=1, targets=("seed",), reader=NEG_INT),
    R("-mosaic_seed", nargs=1, targets=("mosaic_seed",), reader=NEG_INT),
    R("-misset_seed", nargs=1, targets=("misset_seed",), reader=NEG_INT),
    R("-water", nargs=1, targets=("water_size",), reader=UM_DIV),
)

#: Secondary matches that only repeat the primary flag's effect: no note for these.
HARMLESS_OVERLAPS = frozenset({
    ("-detector_thicksteps", "-thicksteps"), ("-sample_width", "-xtal_width"),
    ("-sample_height", "-xtal_height"), ("-printout_pixel", "-printout"),
})

#: flag -> number of values (``-cell`` reads 1 to 6), derived from the table.
FLAG_ARITY: dict[str, int] = {rule.name: rule.nargs for rule in FLAG_TABLE}
#: flags accepted only to be ignored (image output, noise, progress...).
IGNORED_FLAGS: frozenset[str] = frozenset(rule.name for rule in FLAG_TABLE if rule.ignored)


def _need_take(rule: FlagRule, argv: Sequence[str], i: int) -> tuple[int, int]:
    """(words the C's argc guard requires, words the branch reads) for ``argv[i]``."""
    if rule.effect is _cell:
        return 1, _cell_arity(argv, i)
    if rule.effect is _misset:
        if i + 1 < len(argv) and "rand" in argv[i + 1]:
            return 1, 1
        return 3, 3
    if rule.needs_next:  # the C needs a following word but never reads it
        follows = i + 1 < len(argv) and not argv[i + 1].startswith("-")
        return 1, 1 if follows else 0
    return rule.nargs, rule.nargs


def _apply(rule: FlagRule, st: _State, argv: Sequence[str], i: int, strict: bool, primary: str | None) -> None:
    """Run one branch for ``argv[i]`` (``strict``: the word's own flag, values checked)."""
    need, take = _need_take(rule, argv, i)
    if len(argv) - i - 1 < need:
        if strict:
            raise TraceDiffError(f"{rule.name} needs {need} value(s)", path=st.args_file)
        return  # the C's argc guard: the branch does not fire
    args = list(argv[i + 1 : i + 1 + max(need, take)])
    try:
        if rule.effect is not None:
            rule.effect(st, args, strict, rule.name)
        elif rule.reader is not None:
            value = rule.reader(args[0], strict, rule.name, st)
            for t in rule.targets:
                st.set(t, value)
        else:
            for t in rule.targets:
                st.set(t, rule.const)
    except TraceDiffError as exc:
        if exc.path is None:
            exc.path = st.args_file
        raise
    if rule.convention is not None:
        st.set("convention", rule.convention)
        st.set("convention_set_by", rule.name)
    if rule.pivot is not None:
        st.set("pivot", rule.pivot)
        st.set("pivot_set_by", rule.name)
    st.given.add(rule.name)
    if rule.ignored:
        st.ignored.append(rule.name)
    if not strict and (primary, rule.name) not in HARMLESS_OVERLAPS:
        st.notes.append(f"{argv[i]} also fires nanoBragg's {rule.name} branch (substring match, spec 1.1)")


def _walk(argv: Sequence[str], st: _State) -> None:
    """The C's argv loop: every word starting with '-' is tested against every rule."""
    consumed_until = -1  # last index consumed as a value of a primary flag
    for i, word in enumerate(argv):
        is_value = i <= consumed_until
        if not word.startswith("-"):
            if not is_value:
                raise TraceDiffError(f"unexpected argument {word!r} (not a value of any flag)", path=st.args_file)
            continue
        matched = [rule for rule in FLAG_TABLE if rule.matches(word)]
        if not matched:
            if is_value:
                continue  # e.g. a negative number: the C tests it, nothing fires
            raise TraceDiffError(f"unknown nanoBragg flag {word!r}", path=st.args_file)
        primary = None if is_value else max(matched, key=lambda r: r.longest_match(word))
        for rule in matched:
            _apply(rule, st, argv, i, strict=rule is primary, primary=primary.name if primary else None)
            if rule.stop:
                break  # the C's `continue`
        if primary is not None:
            consumed_until = max(consumed_until, i + _need_take(primary, argv, i)[1])


# ---------------------------------------------------------------------------
# Post-parse rules that need no geometry (nanoBragg.c after the argv loop)
# ---------------------------------------------------------------------------


def _steps_rule(range_: float, step: float, steps: int, auto_range: float = 1.0) -> tuple[float, float, int]:
    """The C's recurring (range, step, count) resolution for divergence and dispersion."""
    if steps <= 0:
        if range_ < 0.0:
            if step <= 0.0:
                return 0.0, 0.0, 1
            return step, step, 2
        if step <= 0.0:
            return range_, range_, 2
        return range_, step, math.ceil(range_ / step)
    if range_ < 0.0:
        if step <= 0.0:
            return auto_range, auto_range / steps, steps
        return step, step, 2
    if step <= 0.0:
        if steps <= 1:
            steps = 2
        return range_, range_ / (steps - 1), steps
    return range_, step, steps


def _sane(range_: float, step: float, steps: int) -> tuple[float, float, int]:
    """The C's sanity check: any non-positive part collapses to one step."""
    if range_ <= 0.0 or step <= 0.0 or steps <= 0:
        return 0.0, 0.0, 1
    return range_, step, steps


def _phi_rule(osc: float, phistep: float, phisteps: int) -> tuple[float, float, int]:
    """Spec 4.7 (nanoBragg's default sampling logic for phi)."""
    if phisteps < 0:
        if osc < 0.0:
            if phistep <= 0.0:
                return 0.0, 0.0, 1
            return phistep, phistep, 2
        if phistep <= 0.0:
            return osc, osc / 2.0, 2
        return osc, phistep, math.ceil(osc / phistep)
    if phisteps == 0:
        phisteps = 1
    if osc < 0.0:
        if phistep <= 0.0:
            osc = 1.0 / RTD
            return osc, osc / phisteps, phisteps
        return phistep, phistep, 2
    if phistep < 0.0:
        return osc, osc / phisteps, phisteps
    return osc, phistep, phisteps


def _thickness_rule(thick: float, step: float, steps: int, mu: float) -> tuple[float, float, int, float]:
    """Spec 5.3 / Q27: layers of the sensor, and mu = 1/thick when unset."""
    if steps <= 0:
        if thick < 0.0:
            if step <= 0.0:
                thick, step, steps = 0.0, 0.0, 1
            else:
                thick, steps = step, 2
        elif step <= 0.0:
            steps = 2
            step = thick / steps
        else:
            steps = math.ceil(thick / step)
    else:
        if thick < 0.0:
            if step <= 0.0:
                thick = 0.5e-6
                step = thick / steps
            else:
                thick, steps = step, 2
        elif step <= 0.0:
            if steps <= 1:
                steps = 2
            step = thick / (steps - 1)
    if thick > 0.0 and mu < 0.0:
        mu = 1.0 / thick
    if thick <= 0.0 or step <= 0.0 or steps <= 0:
        thick, step, steps = 0.0, 0.0, 1
    return thick, step, steps, mu


def _mosaic_rule(spread: float, domains: int, notes: list[str]) -> tuple[float, int]:
    if domains <= 0:
        if spread < 0.0:
            return 0.0, 1
        if spread == 0.0:
            return spread, 1
        notes.append("finite mosaicity with only one domain: nanoBragg uses 10 mosaic domains")
        return spread, 10
    if spread < 0.0:
        notes.append("no mosaic spread specified: nanoBragg sets mosaic_domains = 1")
        return 0.0, 1
    if spread == 0.0:
        return spread, 1
    return spread, domains


def _resolve(st: _State) -> NanoBraggConfig:
    v = st.values
    raw = st.raw
    px = float(v["pixel_size"])  # type: ignore[arg-type]
    # 1.3 rule 1: detector size (detpixels beat detsize; ceil rounds halves down)
    detsize_f, detsize_s = float(v["detsize_f"]), float(v["detsize_s"])  # type: ignore[arg-type]
    if raw["fpixels"]:
        detsize_f = px * int(raw["fpixels"])  # type: ignore[arg-type]
    if raw["spixels"]:
        detsize_s = px * int(raw["spixels"])  # type: ignore[arg-type]
    fpixels = math.ceil(detsize_f / px - 0.5)
    spixels = math.ceil(detsize_s / px - 0.5)
    # 1.3 rule 4: fluence from flux, then flux made consistent
    fluence, flux = float(v["fluence"]), float(v["flux"])  # type: ignore[arg-type]
    exposure, beamsize = float(v["exposure"]), float(v["beamsize"])  # type: ignore[arg-type]
    sample_y, sample_z = float(v["sample_y"]), float(v["sample_z"])  # type: ignore[arg-type]
    if flux != 0.0 and exposure > 0.0 and beamsize >= 0:
        fluence = flux * exposure / beamsize / beamsize
    if beamsize >= 0:
        if beamsize < sample_y:
            st.notes.append(f"clipping sample ({sample_y:g} m high) with beam ({beamsize:g} m)")
            sample_y = beamsize
        if beamsize < sample_z:
            st.notes.append(f"clipping sample ({sample_z:g} m wide) with beam ({beamsize:g} m)")
            sample_z = beamsize
    if exposure > 0.0:
        flux = fluence / exposure * beamsize * beamsize
    # ROI defaults (inclusive; the C's default xmax is fpixels, one past the last pixel)
    xmin, xmax, ymin, ymax = raw["roi"]  # type: ignore[misc]
    roi = (xmin if xmin >= 0 else 0, xmax if xmax >= 0 else fpixels,
           ymin if ymin >= 0 else 0, ymax if ymax >= 0 else spixels)
    osc, phistep, phisteps = _phi_rule(raw["osc"], raw["phistep"], raw["phisteps"])  # type: ignore[arg-type]
    hdiv = _sane(*_steps_rule(raw["hdivrange"], raw["hdivstep"], raw["hdivsteps"]))  # type: ignore[arg-type]
    vdiv = _sane(*_steps_rule(raw["vdivrange"], raw["vdivstep"], raw["vdivsteps"]))  # type: ignore[arg-type]
    disp = _sane(*_steps_rule(raw["dispersion"], raw["dispstep"], raw["dispsteps"]))  # type: ignore[arg-type]
    thick, thickstep, thicksteps, mu = _thickness_rule(
        raw["detector_thick"], raw["detector_thickstep"], raw["detector_thicksteps"], raw["detector_mu"])  # type: ignore[arg-type]
    spread, domains = _mosaic_rule(raw["mosaic_spread"], raw["mosaic_domains"], st.notes)  # type: ignore[arg-type]
    cell = None
    if v["user_cell"]:
        a, b, c, al, be, ga = raw["cell"]  # type: ignore[misc]
        b = a if b <= 0.0 else b
        c = a if c <= 0.0 else c
        al, be, ga = (math.pi / 2 if x <= 0.0 else x for x in (al, be, ga))
        cell = (a, b, c, al, be, ga)
    interp = raw["interpolate"]
    oversample = v["oversample"]
    return NanoBraggConfig(**{
        **{k: val for k, val in v.items() if k in _FIELD_NAMES},
        "given": frozenset(st.given),
        "notes": tuple(st.notes),
        "ignored": tuple(st.ignored),
        "base_dir": st.base_dir,
        "args_file": st.args_file,
        "detsize_f": detsize_f, "detsize_s": detsize_s, "fpixels": fpixels, "spixels": spixels,
        "fluence": fluence, "flux": flux, "sample_y": sample_y, "sample_z": sample_z,
        "roi": roi, "osc": osc, "phistep": phistep, "phisteps": phisteps,
        "hdivrange": hdiv[0], "hdivstep": hdiv[1], "hdivsteps": hdiv[2],
        "vdivrange": vdiv[0], "vdivstep": vdiv[1], "vdivsteps": vdiv[2],
        "dispersion": disp[0], "dispstep": disp[1], "dispsteps": disp[2],
        "detector_thick": thick, "detector_thickstep": thickstep, "detector_thicksteps": thicksteps,
        "detector_mu": mu, "mosaic_spread": spread, "mosaic_domains": domains,
        "cell": cell, "interpolate": None if interp == 2 else bool(interp),
        "oversample": oversample if isinstance(oversample, int) and oversample > 0 else None,
    })


_FIELD_NAMES = frozenset(f.name for f in fields(NanoBraggConfig))


# ---------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------


def parse_argv(argv: Sequence[str], *, args_file: Path | str | None = None,
               base_dir: Path | str | None = None) -> NanoBraggConfig:
    """Parse nanoBragg arguments (no program name) into a :class:`NanoBraggConfig`.

    Relative input files resolve against ``base_dir``, by default the args file's
    folder (or the current directory when there is no args file). Raises
    :class:`TraceDiffError` naming the flag for an unknown flag, a missing or
    non-numeric value, or an unreadable input file.
    """
    args_path = Path(args_file) if args_file is not None else None
    if base_dir is None and args_path is not None:
        base_dir = args_path.parent
    st = _initial_state(Path(base_dir) if base_dir is not None else None, args_path)
    argv = tuple(str(a) for a in argv)
    _walk(argv, st)
    config = _resolve(st)
    return replace(config, argv=argv)


def read_args_file(path: Path | str) -> list[str]:
    """The words of an ``args.txt`` (shell-quoted, one or more lines; ``#`` starts a comment)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise TraceDiffError(f"cannot read args file ({exc.strerror or exc})", path=path) from None
    except UnicodeDecodeError:
        raise TraceDiffError("args file is not UTF-8 text", path=path) from None
    try:
        return shlex.split(text.replace("\\\n", " "), comments=True)
    except ValueError as exc:
        raise TraceDiffError(f"cannot split args file: {exc}", path=path) from None


def parse_args_file(path: Path | str) -> NanoBraggConfig:
    """Read and parse an ``args.txt``; its relative file names resolve against its folder."""
    return parse_argv(read_args_file(path), args_file=path)


def check_runnable(config: NanoBraggConfig) -> None:
    """Refuse configurations on which nanoBragg itself prints its usage and exits.

    (No crystal: neither ``-cell`` nor ``-mat``; no structure factors: neither ``-hkl``
    nor a nonzero ``-default_F``. The C would fall back to a stale ``Fdump.bin`` in
    its working directory; tracediff does not reproduce that.)
    """
    if config.matfile is None and (config.cell is None or config.cell[0] == 0.0):
        raise TraceDiffError("nanoBragg needs a crystal: give -cell or -mat", path=config.args_file)
    if config.hklfile is None and config.default_F == 0.0:
        raise TraceDiffError(
            "nanoBragg needs structure factors: give -hkl or a nonzero -default_F "
            "(reading a leftover Fdump.bin is not reproduced)", path=config.args_file)
