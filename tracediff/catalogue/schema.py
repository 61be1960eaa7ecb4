"""The catalogue's vocabulary: blocks, line styles, value kinds and the record of one field.

See :mod:`tracediff.catalogue` for what the styles look like and what ``c_print`` means. No torch here.
"""

from __future__ import annotations

from dataclasses import dataclass

BLOCKS = (
    "detector_sample",  # B: SAMPLE-pivot set-up (printed before C)
    "detector_general",  # C: always
    "detector_beam",  # D: BEAM-pivot set-up (printed after C)
    "detector_axes",  # DETECTOR_FAST/SLOW/NORMAL_AXIS (every build), after C
    "detector_pix0",  # E: DETECTOR_PIX0_VECTOR (every build), after B/D
    "pixel_geometry",  # P1: per sub-pixel and layer
    "orientation",  # P2
    "lattice",  # P3
    "phi",  # P4: per phi step
    "structure_factor",  # P5
    "source2",  # P6
    "closing",  # P7: once per pixel
    "tap5",  # P8
    "crystal_setup",  # F: the C's `TRACE:` crystal narrative (printed after E, before G)
    "trace_config",  # G: `TRACE_CONFIG:` after the run summary, before P1
)

STYLES = ("setup", "plain", "pixel", "phi", "source2", "tap5", "tap5_hkl", "narrative", "config")
KINDS = ("scalar", "vector", "matrix", "named", "text", "int", "int_vector", "pairs")

#: line prefix per style, for the C (``TRACE_PY`` replaces ``TRACE_C`` in tracediff's output)
STYLE_PREFIX = {
    "setup": "TRACE_C:",
    "plain": "DETECTOR_",
    "pixel": "TRACE_C: ",
    "phi": "TRACE_C_PHI ",
    "source2": "TRACE_C_SOURCE2: ",
    "tap5": "TRACE_C_TAP5: ",
    "tap5_hkl": "TRACE_C_TAP5_HKL: ",
    "narrative": "TRACE: ",  # both sides: the bare family tag
    "config": "TRACE_CONFIG: ",
}

#: c_print ops (see the module docstring)
C_PRINT_OPS = ("scale", "const", "same_as", "unrotated")


@dataclass(frozen=True)
class CPrint:
    """How the C's printed value departs from the true value (see :mod:`tracediff.catalogue`).

    ``sound`` and ``shown_when`` make the waiver that explains the quirk exact: ``sound`` is
    what the true value must satisfy (a waiver condition on the candidate's value), and
    ``shown_when`` says when the C shows the quirk at all, by other fields of the true trace
    (``("phi_deg#0", "nonzero")``). Both speak the condition language of
    :class:`tracediff.compare.options.Waiver`.
    """

    op: str  #: one of :data:`C_PRINT_OPS`
    arg: object
    components: tuple[str, ...] | None = None  #: named sub-values the op applies to
    sound: str | tuple[str, ...] | None = None  #: condition on the true value (None: the op pins it)
    shown_when: tuple[tuple[str, str], ...] = ()  #: (NAME#OCC, "nonzero") on the true trace


@dataclass(frozen=True)
class FieldSpec:
    """One traced value."""

    name: str  #: the key as printed
    block: str  #: one of :data:`BLOCKS`
    style: str  #: one of :data:`STYLES`
    kind: str  #: one of :data:`KINDS`
    unit: str | None  #: unit of the printed number(s) ("1" = dimensionless, None = text)
    description: str
    quirk: str = ""  #: where the C prints something other than the label says
    quirk_ids: tuple[str, ...] = ()  #: codes of the legend :data:`tracediff.catalogue.quirks.QUIRKS`
    c_print: CPrint | None = None
    components: tuple[str, ...] = ()  #: sub-value names of ``named``/``pairs`` kinds
    condition: str = ""  #: when the line is printed at all
    repeats: str = "once"  #: once | per_subpixel | per_phi | per_pixel

    @property
    def key(self) -> tuple[str, str]:
        return (self.block, self.name)


def _F(name: str, block: str, style: str, kind: str, unit: str | None, description: str, **kw: object) -> FieldSpec:
    return FieldSpec(name=name, block=block, style=style, kind=kind, unit=unit, description=description, **kw)  # type: ignore[arg-type]
