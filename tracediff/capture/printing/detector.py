"""Print nanoBragg's detector set-up trace (spec 6.2 blocks B, C, D, E) from a geometry.

Order and line shapes come from :mod:`tracediff.catalogue`; this module only says which
value each catalogued name holds. Where the C prints something other than its label
(quirks Q1-Q6), the *true* value is printed under the C's name; the catalogue's
``c_print`` records how the C's number relates to it, for the comparison.

Plain (untagged) lines the C prints around the block are reproduced too, exactly:
``<name> convention selected.``, ``pivoting detector around ...`` and the
``DETECTOR_*`` lines; pass ``plain=False`` to leave them out. :func:`emit_detector_summary`
prints the two plain lines that close block E (``XDS incident beam: ...`` and, in automatic
mode, ``auto-selected ... interpolation``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import torch

from tracediff.capture.physics.detector.conventions import CONVENTION_TABLE, Convention, Vec3, convention
from tracediff.capture.physics.detector.geometry import DetectorGeometry
from tracediff.capture.printing.writer import Number, TraceWriter, format_g, format_vector
from tracediff.catalogue import FieldSpec, block_fields, detector_blocks
from tracediff.tracer import record, record_line
from tracediff.tracer import tracer as trace_session

def mapping_text(conv: Convention, beam: Vec3 | None = None) -> str:
    """The ``convention_mapping=`` text for a convention and beam vector (the C prints MOSFLM's, Q6)."""
    vec = beam if beam is not None else (conv.beam or (1.0, 0.0, 0.0))
    return f"{conv.mapping},beam_vec=[{format_vector([float(x) for x in vec])}]"


#: The text the C prints for ``convention_mapping`` whatever the convention (Q6).
C_MAPPING_TEXT = mapping_text(CONVENTION_TABLE["MOSFLM"], (1.0, 0.0, 0.0))

PIVOT_LINE = {"SAMPLE": "pivoting detector around sample", "BEAM": "pivoting detector around direct beam spot"}


def _f(x: torch.Tensor | float) -> float:
    return float(x)


def _vec3(v: torch.Tensor) -> Vec3:
    x, y, z = (float(c) for c in v.tolist())
    return x, y, z


def _angles(g: DetectorGeometry) -> list[tuple[str, float]]:
    return [("rotx", g.rotx), ("roty", g.roty), ("rotz", g.rotz), ("twotheta", g.twotheta)]


def _pixel_mm(g: DetectorGeometry) -> float:
    return _f(g.pixel_size) * 1000.0  # the C: pixel_size * 1000.0


def _general(g: DetectorGeometry) -> dict[str, object]:
    return {
        "fdet_after_rotz": g.fdet_rot, "sdet_after_rotz": g.sdet_rot, "odet_after_rotz": g.odet_rot,
        "twotheta_axis": g.twotheta_axis,
        "fdet_after_twotheta": g.fdet, "sdet_after_twotheta": g.sdet, "odet_after_twotheta": g.odet,
    }


def _sample(g: DetectorGeometry) -> dict[str, object]:
    return {
        "detector_convention": g.convention,
        "angles_rad": _angles(g),
        # Q1: true metres (the C divides by 1000 once more)
        "beam_center_m": [("Xclose", _f(g.xclose)), ("Yclose", _f(g.yclose)), ("pixel_mm", _pixel_mm(g))],
        "initial_fdet": g.fdet0, "initial_sdet": g.sdet0, "initial_odet": g.odet0,
        "Fclose_m": g.fclose0, "Sclose_m": g.sclose0,
        "close_distance_m": g.close_distance0, "ratio": g.ratio, "distance_m": g.distance0,
        **{k: v for k, v in g.terms.items()},
    }


def _beam(g: DetectorGeometry) -> dict[str, object]:
    return {
        "detector_convention": g.convention,  # Q2: the C prints MOSFLM
        "angles_rad": _angles(g),
        "beam_center_m": [("X", _f(g.xbeam)), ("Y", _f(g.ybeam)), ("pixel_mm", _pixel_mm(g))],  # Q3
        "initial_fdet": g.fdet0, "initial_sdet": g.sdet0, "initial_odet": g.odet0,  # Q4
        **g.matrices,
        **_general(g),  # Q5: true pre-two-theta vectors under *_after_rotz
        "convention_mapping": mapping_text(convention(g.convention), _vec3(g.beam)),  # Q6
        "Fbeam_m": g.fbeam0, "Sbeam_m": g.sbeam0, "distance_m": g.distance0,
        "term_fast": g.terms["term_fast"], "term_slow": g.terms["term_slow"], "term_beam": g.terms["term_beam"],
        "pix0_vector": g.pix0,
    }


def _axes(g: DetectorGeometry) -> dict[str, object]:
    return {"DETECTOR_FAST_AXIS": g.fdet, "DETECTOR_SLOW_AXIS": g.sdet, "DETECTOR_NORMAL_AXIS": g.odet}


def _pix0(g: DetectorGeometry) -> dict[str, object]:
    return {"DETECTOR_PIX0_VECTOR": g.pix0}


BLOCK_VALUES: Mapping[str, Callable[[DetectorGeometry], dict[str, object]]] = {
    "detector_sample": _sample,
    "detector_general": _general,
    "detector_beam": _beam,
    "detector_axes": _axes,
    "detector_pix0": _pix0,
}


def detector_values(g: DetectorGeometry, block: str) -> dict[str, object]:
    """Name -> value for one detector block (tensors, floats, matrices, pairs or text)."""
    return BLOCK_VALUES[block](g)


def _numbers(value: object) -> list[Number]:
    """A block value (tensor, number or list of numbers) as plain Python numbers."""
    plain = value.tolist() if isinstance(value, torch.Tensor) else value
    if isinstance(plain, (int, float)):
        return [plain]
    if isinstance(plain, (list, tuple)) and all(isinstance(x, (int, float)) for x in plain):
        return list(plain)
    raise TypeError(f"not a number or vector: {value!r}")


def _rows(value: object) -> list[list[Number]]:
    plain = value.tolist() if isinstance(value, torch.Tensor) else value
    if not isinstance(plain, (list, tuple)):
        raise TypeError(f"not a matrix: {value!r}")
    return [_numbers(row) for row in plain]


def _pairs(value: object) -> list[tuple[str, Number | str]]:
    if not isinstance(value, (list, tuple)):
        raise TypeError(f"not a list of named values: {value!r}")
    out: list[tuple[str, Number | str]] = []
    for key, item in value:
        out.append((str(key), item if isinstance(item, str) else _numbers(item)[0]))
    return out


def _record(spec: FieldSpec, value: object) -> None:
    """Record one detector field in its catalogue line shape."""
    if spec.style == "plain":
        record(spec.name, _numbers(value), kind="plain")
    elif spec.kind == "text":
        record(spec.name, str(value), kind="setup")
    elif spec.kind == "matrix":
        record(spec.name, _rows(value), kind="setup")
    elif spec.kind == "named":
        record(spec.name, _pairs(value), kind="named")
    else:
        record(spec.name, _numbers(value), kind="setup")


def emit_detector_trace(g: DetectorGeometry, writer: TraceWriter, *, plain: bool = True) -> None:
    """Write the detector set-up trace in the C's order for the geometry's pivot, recorded through
    a tracer session into the writer's stream."""
    with trace_session(out=writer, tag=writer.tag, dtype=None, order="recorded"):
        if plain:
            record_line(f"{g.announce} convention selected.")
        for block in detector_blocks(g.pivot):
            if plain and ((block == "detector_sample") or (block == "detector_beam")):
                record_line(PIVOT_LINE[g.pivot])
            values = detector_values(g, block)
            for spec in block_fields(block):
                if spec.style == "plain" and not plain:
                    continue
                _record(spec, values[spec.name])


def xds_incident_beam(g: DetectorGeometry) -> tuple[float, float, float]:
    """The beam in the detector frame, (b.f, b.s, b.o), summed in the C's order (plain floats)."""
    b = [float(x) for x in g.beam.detach().cpu().tolist()]

    def dot(v: torch.Tensor) -> float:
        w = [float(x) for x in v.detach().cpu().tolist()]
        return b[0] * w[0] + b[1] * w[1] + b[2] * w[2]

    return dot(g.fdet), dot(g.sdet), dot(g.odet)


def interpolation_message(interpolate: bool | None, n_cells: tuple[float, float, float]) -> str | None:
    """The C's message in automatic interpolation mode (decided on the -N values alone), else None."""
    if interpolate is not None:
        return None
    if min(n_cells) <= 2:
        return "auto-selected tricubic interpolation of structure factors"
    return "auto-selected no interpolation"


def emit_detector_summary(
    g: DetectorGeometry, interpolate: bool | None, n_cells: tuple[float, float, float], writer: TraceWriter
) -> None:
    """The plain lines after ``DETECTOR_PIX0_VECTOR``: ``XDS incident beam: %g %g %g`` and, when
    ``-interpolate``/``-nointerpolate`` is absent, ``auto-selected ... interpolation``."""
    with trace_session(out=writer, tag=writer.tag, dtype=None, order="recorded"):
        record_line("XDS incident beam: " + " ".join(format_g(x) for x in xds_incident_beam(g)))
        message = interpolation_message(interpolate, n_cells)
        if message is not None:
            record_line(message)
