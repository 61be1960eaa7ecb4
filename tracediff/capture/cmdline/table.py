"""nanoBragg's argv branches as data: one :class:`FlagRule` per branch, in the C's order.

Each rule names the substring patterns (and length guards) the C tests a word with,
how many values follow, which config fields receive them and through which unit
reader, and the branch's pivot / convention side effects. The few branches that do
more than store a value (``-cell``, ``-misset``, ``-pivot``, ``-polar``...) get a small
effect function here. The walk that applies the table lives in ``flags.py``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from tracediff.capture.cmdline.readers import (
    ANGSTROM, DEG, DMIN, ENERGY, FLOAT, INT, MEGA, MM, MRAD, NEG_INT, PATH, PERCENT, UM, UM_DIV, Reader, c_atof,
    is_number, strict_atof, strict_atoi,
)
from tracediff.capture.config import RTD
from tracediff.capture.cmdline.state import ParseState
from tracediff.errors import TraceDiffError

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


Effect = Callable[[ParseState, list[str], bool, str], None]


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


def _p(*texts: str, length: int | None = None, exact: bool = False,
       longer_than: int | None = None) -> tuple[Pattern, ...]:
    return tuple(Pattern(t, length=length, exact=exact, longer_than=longer_than) for t in texts)


def _set_vec(target: str) -> Effect:
    def effect(st: ParseState, args: list[str], strict: bool, flag: str) -> None:
        st.set(target, tuple(strict_atof(a, strict, flag) for a in args[:3]))

    return effect


def _cell(st: ParseState, args: list[str], strict: bool, flag: str) -> None:
    """-cell a [b [c [alpha [beta [gamma]]]]]: reading stops at a word starting with '-'."""
    st.set("user_cell", True)
    cell = st.raw.cell
    for k, word in enumerate(args[:6]):
        if word.startswith("-"):
            break
        v = strict_atof(word, strict, flag)
        cell[k] = v if k < 3 else v / RTD
    if strict and (not args or args[0].startswith("-")):
        raise TraceDiffError(f"{flag} needs a b c [alpha beta gamma] (Å, deg)")


def _cell_arity(argv: Sequence[str], i: int) -> int:
    n = 0
    while n < 6 and i + 1 + n < len(argv) and not argv[i + 1 + n].startswith("-"):
        n += 1
    return n


def _misset_random(st: ParseState, args: list[str], strict: bool, flag: str) -> None:
    st.set("misset_random", True)
    st.set("misset", None)


def _misset(st: ParseState, args: list[str], strict: bool, flag: str) -> None:
    if "rand" in args[0]:
        _misset_random(st, args, strict, flag)
        return
    if len(args) < 3:
        if strict:
            raise TraceDiffError(f"{flag} needs three angles (deg) or 'random'")
        return
    st.set("misset", tuple(strict_atof(a, strict, flag) / RTD for a in args[:3]))
    st.set("misset_random", False)


def _pivot_word(st: ParseState, args: list[str], strict: bool, flag: str) -> None:
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


def _detector_abs(st: ParseState, args: list[str], strict: bool, flag: str) -> None:
    word = args[0]
    if "inf" in word or (is_number(word) and c_atof(word) == 0.0) or (not strict and c_atof(word) == 0.0):
        st.raw.detector_thick = 0.0
        st.raw.detector_mu = 0.0
        return
    st.raw.detector_mu = 1.0 / (strict_atof(word, strict, flag) * 1e-6)


def _kahn(st: ParseState, args: list[str], strict: bool, flag: str) -> None:
    """-polar K also clears an earlier -nopolar (argv order, 1.3 rule 7)."""
    st.set("polarization", strict_atof(args[0], strict, flag))
    st.set("nopolar", False)


def _raw(target: str, reader: Reader) -> Effect:
    """Store into the C sentinel table (values the post-parse rules resolve)."""

    def effect(st: ParseState, args: list[str], strict: bool, flag: str) -> None:
        st.set_raw(target, reader(args[0], strict, flag, st))

    return effect


def _raw_many(targets: tuple[str, ...], reader: Reader) -> Effect:
    def effect(st: ParseState, args: list[str], strict: bool, flag: str) -> None:
        value = reader(args[0], strict, flag, st)
        for t in targets:
            st.set_raw(t, value)

    return effect


def _raw_const(target: str, value: object) -> Effect:
    def effect(st: ParseState, args: list[str], strict: bool, flag: str) -> None:
        st.set_raw(target, value)

    return effect


def _roi(st: ParseState, args: list[str], strict: bool, flag: str) -> None:
    xmin, xmax, ymin, ymax = (strict_atoi(a, strict, flag) for a in args[:4])
    st.raw.roi = (xmin, xmax, ymin, ymax)
    st.set("roi_given", True)


def _trace_pixel(st: ParseState, args: list[str], strict: bool, flag: str) -> None:
    st.set("trace_pixel", (strict_atoi(args[0], strict, flag), strict_atoi(args[1], strict, flag)))


def _stol(mult: float) -> Effect:
    def effect(st: ParseState, args: list[str], strict: bool, flag: str) -> None:
        st.set("stolfile", PATH(args[0], strict, flag, st))
        st.set("stol_file_mult", mult)

    return effect


def _header_file(st: ParseState, args: list[str], strict: bool, flag: str) -> None:
    raise TraceDiffError(
        f"{flag}: presetting the detector from an SMV header/mask is not reproduced by tracediff capture"
    )


def R(name: str, patterns: tuple[Pattern, ...] | None = None, nargs: int = 0, *,
      targets: tuple[str, ...] = (), reader: Reader | None = None, const: object = None, pivot: str | None = None,
      convention: str | None = None, stop: bool = False, effect: Effect | None = None, ignored: bool = False,
      needs_next: bool = False) -> FlagRule:
    """One row of the table: the flag, its patterns (default: the flag itself), its arity, what it does."""
    return FlagRule(name=name, patterns=patterns or _p(name), nargs=nargs, targets=targets, reader=reader,
                    const=const, pivot=pivot, convention=convention, stop=stop, effect=effect, ignored=ignored,
                    needs_next=needs_next)


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

#: every spelling the table accepts (canonical names and pattern texts), for suggestions.
FLAG_WORDS: tuple[str, ...] = tuple(sorted({rule.name for rule in FLAG_TABLE}
                                           | {p.text for rule in FLAG_TABLE for p in rule.patterns}))
#: flags accepted only to be ignored (image output, noise, progress...).
IGNORED_FLAGS: frozenset[str] = frozenset(rule.name for rule in FLAG_TABLE if rule.ignored)


def need_take(rule: FlagRule, argv: Sequence[str], i: int) -> tuple[int, int]:
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
