"""The legend of the quirk codes cited across tracediff (``Q9``, ``B4``, ``S1``...).

Each code names one way the instrumented nanoBragg C program (hoidn/nanoBragg,
``golden_suite_generator/nanoBragg.c``, commit 8b8c48d) prints or computes something other
than its label or its documentation suggests. Two families of codes are in use:

* ``Q1``-``Q31``: the numbered quirks of the trace specification, section 7;
* ``G``, ``B``, ``S``, ``P``, ``C``, ``O``: the legend of the C reference logs: general to
  every log (G), the BEAM-pivot block (B), the SAMPLE-pivot block (S), flag and convention
  resolution (P), the crystal and pixel loop (C), output flags (O).

Many quirks carry one code of each family (``Q9`` and ``G2`` are the same quirk). Line
numbers are those of the C source at that commit. The spec's *print blocks* are lettered too
(A to G for the set-up phase, a P-numbered series for the traced pixel, see the comments of
:data:`~tracediff.catalogue.BLOCKS`): in those comments "P1" is a place in the output (the
per-sub-pixel geometry block), not the flag-resolution quirk of this legend. No torch here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Quirk:
    """One legend entry: what the C does, and where in its source."""

    code: str
    summary: str
    c_lines: str  #: line numbers in nanoBragg.c ("" where the quirk is in the usage text)


def _q(code: str, c_lines: str, summary: str) -> Quirk:
    return Quirk(code=code, summary=summary, c_lines=c_lines)


#: code -> legend entry, in reading order
QUIRKS: dict[str, Quirk] = {q.code: q for q in (
    # --- trace specification, section 7 ---
    _q("Q1", "1756-1757", "SAMPLE block: beam_center_m prints Xclose/1000, Yclose/1000 (already metres); "
                          "XDS/DIALS pivot on Fclose/Sclose, not on Xclose/Yclose"),
    _q("Q2", "1839", "BEAM block: detector_convention is always printed as MOSFLM"),
    _q("Q3", "1845-1846", "BEAM block: beam_center_m prints Xbeam/1000, Ybeam/1000 (already metres)"),
    _q("Q4", "1851-1853", "BEAM block: initial_fdet/sdet/odet are the MOSFLM basis whatever the convention"),
    _q("Q5", "1879-1881", "BEAM block: the *_after_rotz vectors already include the two-theta rotation"),
    _q("Q6", "1890", "BEAM block: convention_mapping is MOSFLM's rule text for every convention"),
    _q("Q7", "1893, 1927", "BEAM distance_m is the distance before the recompute; with two-theta the final "
                           "distance and beam intersection differ (ratio leaves two-theta out, line 1730)"),
    _q("Q8", "3017", "scattering_vec_A_inv is printed in 1/m although labelled 1/Å (lambda in metres)"),
    _q("Q9", "3122-3124", "rot_*_star_A_inv are the phi = 0, mosaic-free reciprocal vectors, never rotated"),
    _q("Q10", "2965-2971, 3010", "omega_pixel_sr is cached from the first sub-pixel; 1/R² with -point_pixel"),
    _q("Q11", "3012", "obliquity_factor is printed even when -point_pixel leaves it unused"),
    _q("Q12", "3400-3402", "closing polar comes from the first sub-pixel, cos_2theta from the last"),
    _q("Q13", "3399", "capture_fraction is the last layer's first-sub-pixel value"),
    _q("Q14", "3044-3066", "phi carry-over: phi = 0 keeps the orientation of the previous pixel's last step"),
    _q("Q15", "3134-3161", "F_latt_a/b/c and the phi lines exist for the SQUARE shape only; 1 when N <= 1"),
    _q("Q16", "3047, 3074", "plain TRACE: phi/mosaic lines are tied to pixel (512, 512), not -trace_pixel"),
    _q("Q17", "3348-3358", "SOURCE2 block: source index 2 only, I_contribution unweighted, polar of source 0"),
    _q("Q18", "733, 783", "-twotheta_axis also sets two-theta to its first component and asks SAMPLE pivot"),
    _q("Q19", "1192-1268", "a named convention overrides every pivot flag"),
    _q("Q20", "740-746, 1778-1780, 1901-1903", "-pix0_vector(_mm) values are discarded (only CUSTOM sticks)"),
    _q("Q21", "1220-1221", "MOSFLM adds half a pixel to explicit -Xbeam/-Ybeam too"),
    _q("Q22", "3269", "the interpolation warning has no newline: the next trace line is glued to it"),
    _q("Q23", "3338, 3411", "TAP5 taps switch on by the mere presence of the environment variable"),
    _q("Q24", "2913, 3033", "-nopolar is ignored when -oversample_polar is given"),
    _q("Q25", "2930, 2977-2983", "-oversample_thick without a thickness zeroes the image"),
    _q("Q26", "1933-1939", "the DIALS origin uses the MOSFLM-to-DIALS axis mapping for every convention"),
    _q("Q27", "1603-1657", "thickness layers are spaced T/(n-1) and do not enter `steps`"),
    _q("Q28", "3254-3330", "interpolation out of range falls back to the nearest neighbour, not default_F"),
    _q("Q29", "2763, 2909, 3381", "the water background already holds r_e²·fluence and is scaled again"),
    _q("Q30", "1279-1290", "odet is replaced by f × s unless its length is exactly 1; the two-theta axis "
                           "is never unitized"),
    _q("Q31", "", "the usage text claims Kahn factor 1 by default; the code uses 0"),
    # --- reference-log legend: general (every log) ---
    _q("G1", "76-85, 3005-3017, 3158", "two TRACE_C syntaxes (set-up `name=v`, per-pixel `name v`), phi lines "
                                       "as key=value pairs, every number %.15g"),
    _q("G2", "3122-3124", "= Q9: rot_*_star_A_inv unrotated; visible only when phi0 != 0"),
    _q("G3", "3017, 2999", "= Q8: scattering_vec_A_inv in 1/m"),
    _q("G4", "3404", "floatimage_accumulated is read back from the float32 image (~7 digits)"),
    _q("G5", "2056-2300, 1826-1828, 1917, 3463", "other output interleaved: TRACE: narrative at %g, "
                                                "DETECTOR_* lines, run summary, progress lines"),
    _q("G6", "", "the per-pixel block prints once per sub-pixel, the closing block once per pixel"),
    # --- BEAM-pivot block (lines 1831-1908) ---
    _q("B1", "1839", "= Q2: detector_convention=MOSFLM hard-coded"),
    _q("B2", "1845-1846", "= Q3: beam_center_m is Xbeam/1000, Ybeam/1000, and the inputs, not Fbeam/Sbeam"),
    _q("B3", "1851-1853", "= Q4: initial_* are the MOSFLM basis (wrong for ADXV and non-MOSFLM CUSTOM)"),
    _q("B4", "1807-1822, 1879-1887", "= Q5: the seven-line vector group is printed twice; the second "
                                     "*_after_rotz copy already includes two-theta"),
    _q("B5", "1890", "= Q6: convention_mapping is a constant text"),
    _q("B6", "1730-1734, 1914", "with two-theta under BEAM pivot, ratio and distance leave two-theta out"),
    # --- SAMPLE-pivot block (lines 1736-1798) ---
    _q("S1", "1756-1757", "= Q1: beam_center_m is Xclose/1000, Yclose/1000"),
    _q("S2", "1176-1181, 1271-1276", "the printed Xclose/Yclose are not the Fclose/Sclose used for pix0 "
                                     "(CUSTOM takes Xbeam/Ybeam, XDS/DIALS -ORGX/-ORGY or the centre)"),
    _q("S3", "1730-1734, 1791, 1794", "ratio and the distances ignore two-theta; pix0_after_rotz is after "
                                      "all three rotations"),
    # --- flag and convention resolution ---
    _q("P1", "631-690, 748-757, 783-787, 1206-1267", "the requested pivot is overridden by the convention: "
                                                     "MOSFLM, DENZO, ADXV force BEAM; XDS, DIALS force SAMPLE"),
    _q("P2", "733-739, 783", "= Q18: -twotheta_axis switches to CUSTOM and overwrites two-theta"),
    _q("P3", "740-746, 1778, 1901", "= Q20: -pix0_vector_mm is stored unconverted and never used"),
    _q("P4", "208, 263-268, 306, 323, 1271-1276", "CUSTOM beam centre: Fbeam = Xbeam, Sbeam = Ybeam; "
                                                  "declaration defaults without vector flags"),
    _q("P5", "1283-1287", "an -odet_vector whose length is not exactly 1 is replaced by f × s"),
    _q("P6", "1283", "an omitted CUSTOM odet keeps (1, 0, 0) even when not perpendicular"),
    _q("P7", "1176-1185, 1201-1267", "beam-centre flags the active pivot ignores still appear in the summary"),
    _q("P8", "", "a convention flag followed by any CUSTOM-setting flag ends up CUSTOM"),
    # --- crystal and pixel loop ---
    _q("C1", "3044", "= Q14: phi carry-over with -phi 0 and several phi steps"),
    _q("C2", "3047-3095", "= Q16: hard-coded debug lines for pixel (512, 512)"),
    _q("C3", "2965, 3033, 3402", "oversampling: omega and polar cached from the first sub-pixel, "
                                 "cos_2theta from the last"),
    _q("C4", "2693-2695", "only mosaic domain 0 is traced, and its matrix is the identity"),
    _q("C5", "", "no -oversample: `auto-selected N-fold oversampling`"),
    _q("C6", "", "-N <= 2 with an hkl file selects tricubic interpolation: F_cell is interpolated"),
    _q("C7", "2441-2445", "-hkl with -default_F: the fill loops stop one index short on each axis"),
    # --- output flags ---
    _q("O1", "1030-1033", "-noisefile turns noise back on"),
)}


def quirk(code: str) -> Quirk:
    """The legend entry of ``code`` (``KeyError`` naming the code when it is not in the legend)."""
    try:
        return QUIRKS[code]
    except KeyError:
        raise KeyError(f"quirk code {code!r} is not in the legend") from None


def cite(codes: tuple[str, ...]) -> str:
    """``"nanoBragg.c lines 1851-1853; quirks Q4/B3"``: the citation a rule's reason carries
    (the lines of the first code that has some)."""
    lines = next((quirk(c).c_lines for c in codes if quirk(c).c_lines), "")
    word = "lines" if any(c in lines for c in "-,") else "line"
    where = f"nanoBragg.c {word} {lines}; " if lines else ""
    return f"{where}quirk{'s' if len(codes) > 1 else ''} {'/'.join(codes)}"
