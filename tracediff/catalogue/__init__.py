"""The field catalogue: every value nanoBragg traces, as data (spec 6.2, 6.3 and section 7).

One :class:`FieldSpec` per (block, name): the block it is printed in, the line style,
the value kind, the unit the C prints it in, and what the C gets wrong about it. Capture
prints in this order; compare reads units, blocks and quirks from here. No torch here.

Line styles (``<TAG>`` is ``TRACE_C`` for the C and ``TRACE_PY`` for tracediff):

============  ==========================================  ==========================
style         line shape                                   used by
============  ==========================================  ==========================
``setup``     ``<TAG>:name=v1 v2 v3`` / ``=[a b c; ...]``   detector set-up (B, C, D)
``plain``     ``DETECTOR_NAME x y z`` (no tag)             every build (E)
``pixel``     ``<TAG>: name v1 v2``                        per-pixel blocks P1-P3, P5, P7
``phi``       ``<TAG>_PHI k=v k=v``                        P4, one line per phi step
``source2``   ``<TAG>_SOURCE2: name v``                    P6
``tap5``      ``<TAG>_TAP5: name v``                       P8
``tap5_hkl``  ``<TAG>_TAP5_HKL: k=v k=v``                  P5 with ``TRACE_C_TAP5_HKL``
``narrative`` ``TRACE: free text = [x, y, z] |x| = v``     crystal set-up (F), ``%g``
``config``    ``TRACE_CONFIG: tracing pixel (...)``        after the run summary (G)
============  ==========================================  ==========================

The ``narrative`` and ``config`` lines carry the bare family tag (``TRACE``, ``TRACE_CONFIG``)
on both sides. The narrative's text, order and conditions are data too
(:data:`CRYSTAL_NARRATIVE`, one :class:`NarrativeLine` per printed line); its values are
catalogued as fields of block ``crystal_setup`` under the names a trace parser gives them
(the text before `` = ``: ``a_star (raw)``, ``V_star``, ``|a_star|``, ...).

``c_print`` says how the C's printed value relates to the true value tracediff prints
under the same name, where the C prints something other than its label says:

* ``CPrint("scale", k, components)``: C value = true value × k (on those named components);
* ``CPrint("const", text)``: the C prints this constant text whatever the truth;
* ``CPrint("same_as", other)``: the C prints the value of field ``other`` of the same block;
* ``CPrint("unrotated", text)``: the C prints the phi = 0, mosaic-free vector, not rotated by
  phi (tic 0) and mosaic domain 0 as tracediff's is: same norm, equal when phi0 == 0.

``None`` means the C prints the true quantity (possibly in a surprising unit: see ``unit``
and ``quirk``). A ``CPrint`` may also say what the true value must satisfy (``sound``) and
when the C shows the quirk at all (``shown_when``); :mod:`tracediff.config.quirk_rules` turns
every entry into the ``nanobragg`` profile's rule for it, so the catalogue is the one record
of the C's quirks. ``quirk_ids`` are codes of the legend :data:`tracediff.catalogue.quirks.QUIRKS`
(what the C does, and the nanoBragg.c lines it comes from).

The catalogue is a package of four modules:
:mod:`~tracediff.catalogue.schema` (blocks, styles, kinds, :class:`FieldSpec`, :class:`CPrint`),
:mod:`~tracediff.catalogue.fields` (the detector and per-pixel fields, :data:`FIELDS` and the
lookups), :mod:`~tracediff.catalogue.narrative` (the crystal set-up narrative and its
``crystal_setup`` fields) and :mod:`~tracediff.catalogue.quirks` (the legend of the quirk codes).
The names of the first three are importable from here: ``from tracediff.catalogue import ...``.
"""

from tracediff.catalogue.fields import (
    CLOSING, DETECTOR_AXES, DETECTOR_BEAM, DETECTOR_GENERAL, DETECTOR_PIX0, DETECTOR_SAMPLE, FIELDS, LATTICE,
    ORIENTATION, PHI, PIXEL_GEOMETRY, SOURCE2, STRUCTURE_FACTOR, TAP5, TRACE_CONFIG, block_fields, detector_blocks,
    field, fields_named, quirky_fields,
)
from tracediff.catalogue.narrative import CRYSTAL_NARRATIVE, CRYSTAL_SETUP, NARRATIVE_WHEN, NarrativeLine, narrative_lines
from tracediff.catalogue.schema import BLOCKS, C_PRINT_OPS, KINDS, STYLE_PREFIX, STYLES, CPrint, FieldSpec

__all__ = [  # everything importable from here before the split
    "BLOCKS", "CLOSING", "CRYSTAL_NARRATIVE", "CRYSTAL_SETUP", "C_PRINT_OPS", "DETECTOR_AXES", "DETECTOR_BEAM",
    "DETECTOR_GENERAL", "DETECTOR_PIX0", "DETECTOR_SAMPLE", "FIELDS", "KINDS", "LATTICE", "NARRATIVE_WHEN",
    "ORIENTATION", "PHI", "PIXEL_GEOMETRY", "SOURCE2", "STRUCTURE_FACTOR", "STYLES", "STYLE_PREFIX", "TAP5",
    "TRACE_CONFIG", "CPrint", "FieldSpec", "NarrativeLine", "block_fields", "detector_blocks", "field",
    "fields_named", "narrative_lines", "quirky_fields",
]
