"""The trace's dataflow graph: which traced fields each traced field is computed from.

A first divergence in print order is often a consequence, not a cause: a half-pixel offset moves
``Fbeam_m``, ``term_fast``, ``pix0_vector`` and everything after them. With the graph, a diverged field
whose inputs all agree is a *root cause* and one with a diverged input is *inherited*
(:mod:`tracediff.rootcause`).

Nodes are named as a trace parser names a record: the field name for the main families (``TRACE``,
``TRACE_CONFIG``) and ``FAMILY-SUFFIX.name`` for the others (``PHI.k_frac``, ``SOURCE2.F_cell``,
``TAP5.polar``), so ``F_latt`` of the lattice block and ``PHI.F_latt`` of a phi step stay apart.
Occurrences (the general and the BEAM block's ``fdet_after_rotz``, one ``PHI.k_frac`` per phi step)
share their node. Inputs that a trace does not print are looked through: an input absent from the
trace is replaced by its own inputs (``DETECTOR_PIX0_VECTOR`` has no tag, so ``pix0_vector_meters``
reads ``pix0_vector`` through it).

``params`` name the nanoBragg flags a node reads directly (not through another traced field): a
node reading a flag can be a root cause when the flag differs. The capture model's test perturbs
those flags and checks that every field that changes has a changed input or reads the flag
(``tests/graph``): so the table cannot drift from the model. No torch here.

A project declares its own program's graph in config::

    [tool.tracediff.graph]
    pix0 = ["term_f", "term_s"]
    "PHI.k" = ["phi", "S"]

read by :func:`graph_from_table`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

from tracediff.errors import TraceDiffError

MAIN_FAMILIES = ("TRACE", "TRACE_CONFIG")


def node_name(family: str, name: str) -> str:
    """The graph node of a parsed record (its field name, without a named sub-value):
    ``TRACE_PHI``/``k_frac`` -> ``PHI.k_frac``, ``TRACE``/``hkl_frac`` -> ``hkl_frac``."""
    if family in MAIN_FAMILIES:
        return name
    suffix = family[len("TRACE_"):] if family.startswith("TRACE_") else family
    return f"{suffix}.{name}"


@dataclass(frozen=True)
class Node:
    """One traced field: the traced fields and the flags it is computed from."""

    name: str
    inputs: tuple[str, ...] = ()
    params: tuple[str, ...] = ()
    #: inputs that only select a table entry (``F_cell`` reads ``hkl_rounded`` as an index): with
    #: only those diverged, the output may be inherited (another entry) or a root (another table)
    selectors: tuple[str, ...] = ()


@dataclass(frozen=True)
class Graph:
    """A dataflow graph over trace nodes (acyclic; checked at construction)."""

    nodes: tuple[Node, ...]
    source: str = "catalogue"
    _by_name: dict[str, Node] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_name", {n.name: n for n in self.nodes})
        if len(self._by_name) != len(self.nodes):
            raise TraceDiffError(f"{self.source}: a field is declared twice in the graph")
        _check_acyclic(self)

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    def inputs(self, name: str) -> tuple[str, ...]:
        node = self._by_name.get(name)
        return node.inputs if node else ()

    def params(self, name: str) -> tuple[str, ...]:
        node = self._by_name.get(name)
        return node.params if node else ()

    def selectors(self, name: str) -> tuple[str, ...]:
        node = self._by_name.get(name)
        return node.selectors if node else ()

    @cached_property
    def edges(self) -> tuple[tuple[str, str], ...]:
        """(input, field) pairs."""
        return tuple((i, n.name) for n in self.nodes for i in n.inputs)

    @cached_property
    def names(self) -> frozenset[str]:
        """Every node, declared or only named as an input."""
        return frozenset(self._by_name) | {i for n in self.nodes for i in n.inputs}

    def effective_inputs(self, name: str, present: frozenset[str] | set[str]) -> frozenset[str]:
        """The inputs of ``name`` that the trace prints, looking through the ones it does not."""
        out: set[str] = set()
        stack, seen = list(self.inputs(name)), set()
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            if current in present:
                out.add(current)
            else:
                stack.extend(self.inputs(current))
        return frozenset(out)


def _check_acyclic(graph: Graph) -> None:
    state: dict[str, int] = {}

    def visit(name: str, path: tuple[str, ...]) -> None:
        if state.get(name) == 2:
            return
        if state.get(name) == 1:
            raise TraceDiffError(f"{graph.source}: the graph has a cycle: {' -> '.join(path + (name,))}")
        state[name] = 1
        for i in graph.inputs(name):
            visit(i, path + (name,))
        state[name] = 2

    for node in graph.nodes:
        visit(node.name, ())


def graph_from_table(table: Mapping[str, object], source: str = "[tool.tracediff.graph]") -> Graph:
    """A graph from a parsed ``[tool.tracediff.graph]`` table: ``FIELD = ["INPUT", ...]``.

    Raises :class:`TraceDiffError` (one line, naming the key) for anything else.
    """
    nodes = []
    for name, inputs in table.items():
        if not isinstance(inputs, list) or not all(isinstance(i, str) for i in inputs):
            raise TraceDiffError(f"{source}: {name} must be a list of field names, e.g. {name} = [\"x\", \"y\"]")
        if name in inputs:
            raise TraceDiffError(f"{source}: {name} lists itself as an input")
        nodes.append(Node(str(name), tuple(inputs)))
    return Graph(tuple(nodes), source=source)


# ====================================================================================================
# nanoBragg (spec sections 5 and 6): name, traced inputs, flags read directly


def _n(name: str, inputs: Iterable[str] = (), params: Iterable[str] = (), selectors: Iterable[str] = ()) -> Node:
    return Node(name, tuple(inputs), tuple(params), tuple(selectors))


_ANGLES = ("-detector_rotx", "-detector_roty", "-detector_rotz", "-twotheta")
_BEAM_CENTRE = ("-Xbeam", "-Ybeam", "-ORGX", "-ORGY", "-detpixels", "-pixel", "-detsize", "-pix0_vector")
_CONVENTION = ("-mosflm", "-xds", "-adxv", "-denzo", "-dials", "-fdet_vector", "-sdet_vector", "-odet_vector")

_DETECTOR: tuple[Node, ...] = (
    _n("detector_convention", params=_CONVENTION),
    _n("angles_rad", params=_ANGLES),
    _n("beam_center_m", params=_BEAM_CENTRE + ("-Xclose", "-Yclose")),
    *(_n(f"initial_{a}", ["detector_convention"], _CONVENTION) for a in ("fdet", "sdet", "odet")),
    *(_n(m, ["angles_rad"]) for m in ("Rx", "Ry", "Rz")),
    _n("R_total", ["Rx", "Ry", "Rz"]),
    *(_n(f"{a}_after_rotz", [f"initial_{a}", "angles_rad"]) for a in ("fdet", "sdet", "odet")),
    _n("twotheta_axis", ["detector_convention"], ("-twotheta_axis",)),
    *(_n(f"{a}_after_twotheta", [f"{a}_after_rotz", "twotheta_axis", "angles_rad"]) for a in ("fdet", "sdet", "odet")),
    _n("DETECTOR_FAST_AXIS", ["fdet_after_twotheta"]),
    _n("DETECTOR_SLOW_AXIS", ["sdet_after_twotheta"]),
    _n("DETECTOR_NORMAL_AXIS", ["odet_after_twotheta"]),
    # SAMPLE pivot (block B)
    _n("Fclose_m", ["beam_center_m"], _BEAM_CENTRE + ("-Xclose", "-Yclose")),
    _n("Sclose_m", ["beam_center_m"], _BEAM_CENTRE + ("-Xclose", "-Yclose")),
    _n("close_distance_m", params=("-distance", "-close_distance")),
    _n("ratio", ["odet_after_rotz"]),
    _n("distance_m", ["close_distance_m", "ratio"], ("-distance", "-close_distance")),
    _n("term_fast_before_rot", ["Fclose_m", "initial_fdet"]),
    _n("term_slow_before_rot", ["Sclose_m", "initial_sdet"]),
    _n("term_close_before_rot", ["close_distance_m", "initial_odet"]),
    _n("pix0_before_rotation", ["term_fast_before_rot", "term_slow_before_rot", "term_close_before_rot"]),
    _n("pix0_after_rotz", ["pix0_before_rotation", "angles_rad"]),
    _n("pix0_after_twotheta", ["pix0_after_rotz", "twotheta_axis", "angles_rad"]),
    # BEAM pivot (block D)
    _n("convention_mapping", ["detector_convention"]),
    _n("Fbeam_m", ["beam_center_m"], _BEAM_CENTRE),
    _n("Sbeam_m", ["beam_center_m"], _BEAM_CENTRE),
    _n("term_fast", ["Fbeam_m", "fdet_after_twotheta"]),
    _n("term_slow", ["Sbeam_m", "sdet_after_twotheta"]),
    _n("term_beam", ["distance_m"], ("-beam_vector",)),
    _n("pix0_vector", ["term_fast", "term_slow", "term_beam"], ("-pix0_vector",)),
    _n("DETECTOR_PIX0_VECTOR", ["pix0_vector", "pix0_after_twotheta"]),
)

_CELL = ("-cell", "-mat")
_STARS = ("a_star", "b_star", "c_star")
_REAL = ("a", "b", "c")


def _crystal() -> tuple[Node, ...]:
    nodes = [
        *(_n(f"{s} (raw)", params=("-mat",)) for s in _STARS),
        _n("lambda0", params=("-lambda",)),
        _n("scaling factor", ["lambda0"]),
        _n("misset angles", params=("-misset",)),
        *(_n(s, [f"{s} (raw)", "scaling factor", "misset angles"], _CELL) for s in _STARS),
        *(_n(f"|{s}|", [s, f"After re-generation: {s}"], _CELL) for s in _STARS),
        _n("a_star x b_star", ["a_star", "b_star"]),
        _n("b_star x c_star", ["b_star", "c_star"]),
        _n("c_star x a_star", ["c_star", "a_star"]),
        _n("V_star", ["a_star", "b_star x c_star"], _CELL),
        _n("Direct-space cell volume: V_cell", ["V_star"]),
        _n("b_star_cross_c_star", ["b_star", "c_star"], _CELL),
        _n("c_star_cross_a_star", ["c_star", "a_star"], _CELL),
        _n("a_star_cross_b_star", ["a_star", "b_star"], _CELL),
        _n("V_cell", ["Direct-space cell volume: V_cell"]),
        _n("a", ["b_star_cross_c_star", "V_cell"]),
        _n("b", ["c_star_cross_a_star", "V_cell"]),
        _n("c", ["a_star_cross_b_star", "V_cell"]),
        *(_n(f"Before re-generation: {s}", [s]) for s in _STARS),
        _n("Cross products: b_cross_c", ["b", "c"]),
        _n("Cross products: c_cross_a", ["c", "a"]),
        _n("Cross products: a_cross_b", ["a", "b"]),
    ]
    for x, star, cross in zip(_REAL, _STARS, ("b_cross_c", "c_cross_a", "a_cross_b")):
        nodes += [
            _n(f"After re-generation: {star}", [f"Cross products: {cross}", "V_cell"]),
            _n(f"Before conversion: {x}", [x]),
            _n(f"After conversion: {x}", [f"Before conversion: {x}"]),
            _n(f"|{x}|", [x, f"Before conversion: {x}", f"After conversion: {x}"]),
            _n(f"{x}0", [f"After conversion: {x}"]),
            _n(f"|{x}0|", [f"{x}0"]),
            _n(f"{x}p", [f"{x}0"]),
            _n(f"|{x}p|", [f"{x}p"]),
        ]
    return tuple(nodes)


_ROT = ("rot_a_angstroms", "rot_b_angstroms", "rot_c_angstroms")
_PHI = ("-phi", "-osc", "-phisteps", "-spindle_axis")
_MOSAIC = ("-mosaic", "-mosaic_domains", "-mosaic_seed")
_WAVE = ("-lambda", "-dispersion", "-dispsteps", "-divergence", "-hdivrange", "-vdivrange", "-sourcefile")
_N_CELLS = ("-N", "-Na", "-Nb", "-Nc", "-xtalsize")
_F = ("-default_F", "-hkl", "-interpolate", "-nointerpolate")
_FLUX = ("-fluence", "-flux", "-exposure", "-beamsize")

_PIXEL: tuple[Node, ...] = (
    _n("tracing", params=("-trace_pixel",)),
    _n("pix0_vector_meters", ["DETECTOR_PIX0_VECTOR"]),
    _n("fdet_vec", ["DETECTOR_FAST_AXIS"]),
    _n("sdet_vec", ["DETECTOR_SLOW_AXIS"]),
    _n("pixel_pos_meters", ["pix0_vector_meters", "fdet_vec", "sdet_vec", "DETECTOR_NORMAL_AXIS"],
       ("-trace_pixel", "-pixel", "-oversample", "-detector_thick", "-detector_thicksteps", "-thicksteps", "-curved_det")),
    _n("R_distance_meters", ["pixel_pos_meters"]),
    _n("close_distance_meters", ["pix0_vector_meters", "DETECTOR_NORMAL_AXIS"]),
    _n("omega_pixel_sr", ["R_distance_meters", "close_distance_meters"], ("-pixel", "-point_pixel")),
    _n("obliquity_factor", ["close_distance_meters", "R_distance_meters"]),
    _n("diffracted_vec", ["pixel_pos_meters", "R_distance_meters"]),
    _n("incident_vec", params=("-beam_vector", "-divergence", "-hdivrange", "-vdivrange", "-sourcefile")),
    _n("lambda_meters", params=_WAVE),
    _n("lambda_angstroms", ["lambda_meters"]),
    _n("scattering_vec_A_inv", ["diffracted_vec", "incident_vec", "lambda_meters"]),
    *(_n(r, [f"{x}0"], _PHI + _MOSAIC) for r, x in zip(_ROT, _REAL)),
    *(_n(f"rot_{x}_star_A_inv", [f"After re-generation: {s}"], _PHI + _MOSAIC) for x, s in zip(_REAL, _STARS)),
    _n("hkl_frac", ["scattering_vec_A_inv", *_ROT]),
    _n("hkl_rounded", ["hkl_frac"]),
    *(_n(f"F_latt_{x}", ["hkl_frac"], _N_CELLS + ("-square_xtal", "-round_xtal")) for x in _REAL),
    _n("F_latt", ["F_latt_a", "F_latt_b", "F_latt_c"]),
    _n("PHI.phi_tic"),
    _n("PHI.phi_deg", ["PHI.phi_tic"], _PHI),
    _n("PHI.k_frac", ["PHI.phi_deg", "scattering_vec_A_inv", "rot_b_angstroms"]),
    _n("PHI.F_latt_b", ["PHI.k_frac"], _N_CELLS),
    _n("PHI.F_latt", ["PHI.F_latt_b", "PHI.phi_deg", "scattering_vec_A_inv", "rot_a_angstroms", "rot_c_angstroms"],
       _N_CELLS),
    # F_cell reads the rounded indices only: with -interpolate it reads hkl_frac too (spec 5.8), but an
    # edge from hkl_frac would hide a changed structure factor behind a changed orientation
    _n("F_cell", ["hkl_rounded"], _F, selectors=["hkl_rounded"]),
    _n("TAP5_HKL", ["hkl_frac", "hkl_rounded", "F_cell"]),
    _n("SOURCE2.lambda_angstroms", params=_WAVE),
    _n("SOURCE2.cos2theta", ["diffracted_vec"], _WAVE),
    _n("SOURCE2.F_latt", ["SOURCE2.lambda_angstroms", "diffracted_vec", *_ROT], _N_CELLS),
    _n("SOURCE2.F_cell", ["SOURCE2.lambda_angstroms", "diffracted_vec", *_ROT], _F),
    _n("SOURCE2.F_cell_squared", ["SOURCE2.F_cell"]),
    _n("SOURCE2.F_latt_squared", ["SOURCE2.F_latt"]),
    _n("SOURCE2.I_contribution", ["SOURCE2.F_cell_squared", "SOURCE2.F_latt_squared"]),
    _n("SOURCE2.polar", ["polar"]),
    _n("SOURCE2.source_index"),
    _n("I_before_scaling", ["F_cell", "F_latt", "PHI.F_latt", "SOURCE2.I_contribution"],
       ("-water",) + _MOSAIC + _PHI + _WAVE + _F + _N_CELLS + ("-oversample",)),
    _n("r_e_meters"),
    _n("r_e_sqr", ["r_e_meters"]),
    _n("fluence_photons_per_m2", params=_FLUX),
    _n("steps", params=("-phisteps", "-mosaic_domains", "-oversample", "-dispsteps", "-divergence", "-sourcefile")),
    *(_n(f"oversample_{x}", params=(f"-oversample_{x}",)) for x in ("thick", "polar", "omega")),
    _n("capture_fraction", ["diffracted_vec", "DETECTOR_NORMAL_AXIS"], ("-detector_thick", "-detector_thicksteps", "-thicksteps", "-detector_abs")),
    _n("polar", ["incident_vec", "diffracted_vec"], ("-polar", "-nopolar", "-polar_vector")),
    _n("omega_pixel", ["omega_pixel_sr"]),
    _n("cos_2theta", ["incident_vec", "diffracted_vec"]),
    _n("I_pixel_final", ["I_before_scaling", "r_e_sqr", "fluence_photons_per_m2", "steps", "capture_fraction",
                         "polar", "omega_pixel"]),
    _n("floatimage_accumulated", ["I_pixel_final"]),
    _n("TAP5.pixel", params=("-trace_pixel",)),
    *(_n(f"TAP5.{x}", [x]) for x in ("I_before_scaling", "steps", "omega_pixel", "capture_fraction", "polar",
                                    "I_pixel_final")),
)

#: nanoBragg's dataflow graph over every catalogued field.
NANOBRAGG_GRAPH = Graph(_DETECTOR + _crystal() + _PIXEL, source="nanoBragg catalogue")

#: the graphs shipped with a profile: ``--profile nanobragg`` brings nanoBragg's
SHIPPED_GRAPHS: dict[str, Graph] = {"nanobragg": NANOBRAGG_GRAPH}


def catalogue_node(block: str, name: str) -> str:
    """The graph node of a catalogued field (block names the family of phi, source-2 and tap lines)."""
    family = {"phi": "TRACE_PHI", "source2": "TRACE_SOURCE2", "tap5": "TRACE_TAP5"}.get(block, "TRACE")
    return node_name(family, name)
