"""The six nanoBragg detector conventions as data (spec section 2, nanoBragg.c L1192-1277).

Each row says which initial vectors the convention imposes, which pivot it forces,
how the beam centre defaults and how (Xbeam, Ybeam) map onto the fast/slow offsets
(Fbeam, Sbeam) of the direct beam. CUSTOM imposes nothing: it keeps the vectors the
parser holds (given or compiled-in defaults) and the parsed pivot.

The arithmetic of each rule is spelled exactly as the C writes it, because the
results are traced at 15 digits (``Ybeam + 0.5*px``, ``(detsize_s + px)/2.0``...).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

Vec3 = tuple[float, float, float]


@dataclass(frozen=True)
class BeamInputs:
    """The numbers the beam-centre rules read (metres)."""

    pixel_size: float
    detsize_f: float
    detsize_s: float
    xclose: float
    yclose: float


#: (Xbeam, Ybeam, inputs) -> value
BeamMap = Callable[[float, float, BeamInputs], float]
#: inputs -> default value
BeamDefault = Callable[[BeamInputs], float]


@dataclass(frozen=True)
class Convention:
    """One row of the convention table."""

    name: str  #: as printed in ``detector_convention=``
    announce: str  #: word of the C's ``<word> convention selected.`` line
    fdet: Vec3 | None  #: initial fast axis (None: keep the parsed/custom vector)
    sdet: Vec3 | None
    odet: Vec3 | None
    beam: Vec3 | None
    polar: Vec3 | None
    spindle: Vec3 | None
    twotheta_axis: Vec3 | None
    forced_pivot: str | None  #: BEAM / SAMPLE, or None to keep the parsed pivot
    default_xbeam: BeamDefault  #: Xbeam when -Xbeam was not given
    default_ybeam: BeamDefault
    fbeam: BeamMap  #: Fbeam from (Xbeam, Ybeam)
    sbeam: BeamMap
    close_from_beam: bool  #: CUSTOM: Fclose = Xbeam, Sclose = Ybeam (both pivots)
    mapping: str  #: the beam-centre rule in the C's ``convention_mapping`` words
    mapping_rule: str  #: the same rule in plain words (docs, reports)


def _mosflm_x(b: BeamInputs) -> float:
    return (b.detsize_s + b.pixel_size) / 2.0


def _mosflm_y(b: BeamInputs) -> float:
    return (b.detsize_f + b.pixel_size) / 2.0


_MOSFLM_VECTORS = dict(
    fdet=(0.0, 0.0, 1.0), sdet=(0.0, -1.0, 0.0), odet=(1.0, 0.0, 0.0), beam=(1.0, 0.0, 0.0),
    polar=(0.0, 0.0, 1.0), spindle=(0.0, 0.0, 1.0), twotheta_axis=(0.0, 0.0, -1.0),
)
_XDS_VECTORS = dict(
    fdet=(1.0, 0.0, 0.0), sdet=(0.0, 1.0, 0.0), odet=(0.0, 0.0, 1.0), beam=(0.0, 0.0, 1.0),
    polar=(1.0, 0.0, 0.0), spindle=(1.0, 0.0, 0.0), twotheta_axis=(1.0, 0.0, 0.0),
)


def _from_close_x(b: BeamInputs) -> float:
    return b.xclose


def _from_close_y(b: BeamInputs) -> float:
    return b.yclose


def _xbeam(x: float, y: float, b: BeamInputs) -> float:
    return x


def _ybeam(x: float, y: float, b: BeamInputs) -> float:
    return y


CONVENTION_TABLE: dict[str, Convention] = {
    "MOSFLM": Convention(
        name="MOSFLM", announce="mosflm", **_MOSFLM_VECTORS, forced_pivot="BEAM",
        default_xbeam=_mosflm_x, default_ybeam=_mosflm_y,
        fbeam=lambda x, y, b: y + 0.5 * b.pixel_size,  # Q21: also for explicit -Xbeam/-Ybeam
        sbeam=lambda x, y, b: x + 0.5 * b.pixel_size,
        close_from_beam=False,
        mapping="Fbeam←Ybeam_mm(+0.5px),Sbeam←Xbeam_mm(+0.5px)",
        mapping_rule="Fbeam = Ybeam + px/2, Sbeam = Xbeam + px/2 (X is slow, Y is fast)",
    ),
    "DENZO": Convention(
        name="DENZO", announce="denzo", **_MOSFLM_VECTORS, forced_pivot="BEAM",
        default_xbeam=_mosflm_x, default_ybeam=_mosflm_y,
        fbeam=lambda x, y, b: y + 0.0 * b.pixel_size,
        sbeam=lambda x, y, b: x + 0.0 * b.pixel_size,
        close_from_beam=False,
        mapping="Fbeam←Ybeam_mm,Sbeam←Xbeam_mm",
        mapping_rule="Fbeam = Ybeam, Sbeam = Xbeam (X is slow, Y is fast)",
    ),
    "ADXV": Convention(
        name="ADXV", announce="adxv",
        fdet=(1.0, 0.0, 0.0), sdet=(0.0, -1.0, 0.0), odet=(0.0, 0.0, 1.0), beam=(0.0, 0.0, 1.0),
        polar=(1.0, 0.0, 0.0), spindle=(1.0, 0.0, 0.0), twotheta_axis=(-1.0, 0.0, 0.0),
        forced_pivot="BEAM",
        default_xbeam=lambda b: (b.detsize_f + b.pixel_size) / 2.0,
        default_ybeam=lambda b: (b.detsize_s - b.pixel_size) / 2.0,
        fbeam=_xbeam,
        sbeam=lambda x, y, b: b.detsize_s - y,
        close_from_beam=False,
        mapping="Fbeam←Xbeam_mm,Sbeam←detsize_s-Ybeam_mm",
        mapping_rule="Fbeam = Xbeam, Sbeam = detsize_s - Ybeam",
    ),
    "XDS": Convention(
        name="XDS", announce="xds", **_XDS_VECTORS, forced_pivot="SAMPLE",
        default_xbeam=_from_close_x, default_ybeam=_from_close_y,
        fbeam=_xbeam, sbeam=_ybeam, close_from_beam=False,
        mapping="Fbeam←Xbeam_mm,Sbeam←Ybeam_mm",
        mapping_rule="Fbeam = Xbeam, Sbeam = Ybeam; pix0 from Fclose/Sclose (-ORGX/-ORGY or centre)",
    ),
    "DIALS": Convention(
        name="DIALS", announce="dials",
        fdet=(1.0, 0.0, 0.0), sdet=(0.0, 1.0, 0.0), odet=(0.0, 0.0, 1.0), beam=(0.0, 0.0, 1.0),
        polar=(0.0, 1.0, 0.0), spindle=(0.0, 1.0, 0.0), twotheta_axis=(0.0, 1.0, 0.0),
        forced_pivot="SAMPLE",
        default_xbeam=_from_close_x, default_ybeam=_from_close_y,
        fbeam=_xbeam, sbeam=_ybeam, close_from_beam=False,
        mapping="Fbeam←Xbeam_mm,Sbeam←Ybeam_mm",
        mapping_rule="Fbeam = Xbeam, Sbeam = Ybeam; pix0 from Fclose/Sclose (-ORGX/-ORGY or centre)",
    ),
    "CUSTOM": Convention(
        name="CUSTOM", announce="custom",
        fdet=None, sdet=None, odet=None, beam=None, polar=None, spindle=None, twotheta_axis=None,
        forced_pivot=None,
        default_xbeam=_from_close_x, default_ybeam=_from_close_y,
        fbeam=_xbeam, sbeam=_ybeam, close_from_beam=True,
        mapping="Fbeam←Xbeam_mm,Sbeam←Ybeam_mm",
        mapping_rule="Fbeam = Fclose = Xbeam, Sbeam = Sclose = Ybeam (no swap, no half pixel)",
    ),
}


def convention(name: str) -> Convention:
    """The table row for a convention name (case-insensitive)."""
    return CONVENTION_TABLE[name.upper()]
