"""Print nanoBragg's crystal set-up narrative (spec 6.2 F): the C's ``TRACE:`` lines at ``%g``.

The C prints, between the detector block (and its ``auto-selected ... interpolation`` line) and the
run summary, a narrative of its crystal set-up: the ``-mat`` matrix as read and scaled, the
reciprocal vectors before and after ``-misset``, the cross products, the volumes, the real-space
vectors, the re-generated reciprocal vectors and the conversion to metres. Text, order and
conditions come from :data:`tracediff.catalogue.CRYSTAL_NARRATIVE`; this module only says which
value each line holds (:func:`narrative_values`, from the numbers
:func:`tracediff.capture.physics.crystal.cell.build_crystal` recorded in :class:`CrystalSteps`), and the
:class:`~tracediff.capture.printing.writer.TraceWriter` formats them.

The values are what the C's variables hold when it prints them, quirks included (spec 6.2 F): the
cross products before the ``-cell`` rescaling, V* before the ``-cell`` override, and the length slots
``|a_star|`` that a misset rotation leaves stale (see the catalogue's ``crystal_setup`` fields). With
``plain`` the untagged ``random orientation misset angles: ...`` line of ``-misset random`` is printed
too (the C's ``Unit Cell:`` / vector tables after the re-generation are not reproduced).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from tracediff.capture.physics.crystal.cell import CrystalSteps, Triple
from tracediff.capture.printing.writer import TraceWriter
from tracediff.capture.config import RTD
from tracediff.catalogue import narrative_lines
from tracediff.tracer import record_line
from tracediff.tracer import tracer as trace_session

Value = Sequence[float] | float


def narrative_conditions(steps: CrystalSteps) -> frozenset[str]:
    """Which optional parts of the narrative the C prints for this set-up."""
    active = set()
    if steps.matrix is not None:
        active.add("matrix")
    if steps.misset is not None:
        active.add("misset")
    return frozenset(active)


def _stars(prefix: str, vectors: Triple, lengths: Sequence[float]) -> dict[str, tuple[Value, ...]]:
    return {f"{prefix}.{x}": (vectors[i], lengths[i]) for i, x in enumerate("abc")}


def narrative_values(steps: CrystalSteps) -> dict[str, tuple[Value, ...]]:
    """Line key (:class:`~tracediff.catalogue.NarrativeLine`) -> the values it prints, in order."""
    values: dict[str, tuple[Value, ...]] = {}
    if steps.matrix is not None:
        m = steps.matrix
        values.update({f"matrix.raw.{x}": (m.raw[i],) for i, x in enumerate("abc")})
        values["matrix.lambda0"] = (m.lambda0 * 1e10,)
        values["matrix.scale"] = (m.scale,)
        values.update(_stars("matrix.scaled", m.scaled, m.lengths))
    if steps.misset is not None:
        ms = steps.misset
        values.update(_stars("misset.before", ms.before, steps.slots))
        values["misset.angles"] = (tuple(angle * RTD for angle in ms.angles),)
        values.update(_stars("misset.after", ms.after, steps.slots))  # slots: not updated by the rotation
    values.update({f"cross.input.{x}": (steps.stars[i],) for i, x in enumerate("abc")})
    axb, bxc, cxa = steps.star_cross
    values.update({"cross.axb": (axb,), "cross.bxc": (bxc,), "cross.cxa": (cxa,)})
    values["volume.v_star"] = (steps.v_star_dot,)
    values["volume.v_cell"] = (steps.v_cell,)
    for i, name in enumerate(("b_star_cross_c_star", "c_star_cross_a_star", "a_star_cross_b_star")):
        values[f"real.{name}"] = (steps.star_cross_used[i],)
    values["real.volumes"] = (steps.v_cell, steps.v_star)
    values.update({f"real.{x}": (steps.real[i], steps.real_lengths[i]) for i, x in enumerate("abc")})
    values.update(_stars("regen.before", steps.stars, steps.slots))
    for i, name in enumerate(("b_cross_c", "c_cross_a", "a_cross_b")):
        values[f"regen.{name}"] = (steps.real_cross[i],)
    values.update(_stars("regen.after", steps.regenerated, steps.regenerated_lengths))
    values.update({f"convert.before.{x}": (steps.real[i], steps.real_lengths[i]) for i, x in enumerate("abc")})
    for prefix, suffix in (("convert.after.", ""), ("copy.", "0"), ("copy.", "p")):
        values.update({f"{prefix}{x}{suffix}": (steps.real_m[i], steps.real_m_lengths[i]) for i, x in enumerate("abc")})
    return values


def emit_crystal_trace(steps: CrystalSteps, writer: TraceWriter, *, plain: bool = True) -> None:
    """Write the crystal narrative in the C's order (only the parts the C prints for this set-up),
    recorded as whole lines through a tracer session into the writer's stream."""
    values: Mapping[str, tuple[Value, ...]] = narrative_values(steps)
    with trace_session(out=writer, tag=writer.tag, dtype=None, order="recorded"):
        for line in narrative_lines(narrative_conditions(steps)):
            if line.key == "misset.before" and plain and steps.misset is not None and steps.misset.random:
                rx, ry, rz = (angle * RTD for angle in steps.misset.angles)
                record_line(f"random orientation misset angles: {rx:f} {ry:f} {rz:f} deg")
            record_line(writer.narrative_line(line.text, values.get(line.key, ())))
