"""nanoBragg's rules after the argv loop that need no geometry: raw parse state -> config.

The C resolves the detector size, fluence/flux, the phi / divergence / dispersion /
sensor-thickness / mosaic step rules and the ROI defaults right after parsing; the
config holds the numbers its loops then use. Its own module because these rules are
arithmetic on the C's "unset" sentinels, independent of how the words were matched.
"""

from __future__ import annotations

import math
from dataclasses import replace

from tracediff.capture.cmdline.limits import check_limits
from tracediff.capture.cmdline.state import ParseState, Sentinels
from tracediff.capture.config import RTD, NanoBraggConfig


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


def _pixels(base: NanoBraggConfig, raw: Sentinels) -> dict[str, object]:
    """1.3 rule 1: detector size (detpixels beat detsize; ceil rounds halves down), ROI defaults."""
    px = base.pixel_size
    detsize_f = px * raw.fpixels if raw.fpixels else base.detsize_f
    detsize_s = px * raw.spixels if raw.spixels else base.detsize_s
    fpixels = math.ceil(detsize_f / px - 0.5)
    spixels = math.ceil(detsize_s / px - 0.5)
    # ROI defaults (inclusive; the C's default xmax is fpixels, one past the last pixel)
    xmin, xmax, ymin, ymax = raw.roi
    roi = (xmin if xmin >= 0 else 0, xmax if xmax >= 0 else fpixels,
           ymin if ymin >= 0 else 0, ymax if ymax >= 0 else spixels)
    return {"detsize_f": detsize_f, "detsize_s": detsize_s, "fpixels": fpixels, "spixels": spixels, "roi": roi}


def _beam(base: NanoBraggConfig, notes: list[str]) -> dict[str, object]:
    """1.3 rule 4: fluence from flux, the sample clipped by the beam, then flux made consistent."""
    fluence, flux, exposure, beamsize = base.fluence, base.flux, base.exposure, base.beamsize
    sample_y, sample_z = base.sample_y, base.sample_z
    if flux != 0.0 and exposure > 0.0 and beamsize >= 0:
        fluence = flux * exposure / beamsize / beamsize
    if beamsize >= 0:
        if beamsize < sample_y:
            notes.append(f"clipping sample ({sample_y:g} m high) with beam ({beamsize:g} m)")
            sample_y = beamsize
        if beamsize < sample_z:
            notes.append(f"clipping sample ({sample_z:g} m wide) with beam ({beamsize:g} m)")
            sample_z = beamsize
    if exposure > 0.0:
        flux = fluence / exposure * beamsize * beamsize
    return {"fluence": fluence, "flux": flux, "sample_y": sample_y, "sample_z": sample_z}


def _steps(raw: Sentinels, notes: list[str]) -> dict[str, object]:
    """Phi, divergence, dispersion, sensor thickness and mosaic step rules (4.7, 4.8, 5.3, 4.6)."""
    osc, phistep, phisteps = _phi_rule(raw.osc, raw.phistep, raw.phisteps)
    hdiv = _sane(*_steps_rule(raw.hdivrange, raw.hdivstep, raw.hdivsteps))
    vdiv = _sane(*_steps_rule(raw.vdivrange, raw.vdivstep, raw.vdivsteps))
    disp = _sane(*_steps_rule(raw.dispersion, raw.dispstep, raw.dispsteps))
    thick, thickstep, thicksteps, mu = _thickness_rule(
        raw.detector_thick, raw.detector_thickstep, raw.detector_thicksteps, raw.detector_mu)
    spread, domains = _mosaic_rule(raw.mosaic_spread, raw.mosaic_domains, notes)
    return {
        "osc": osc, "phistep": phistep, "phisteps": phisteps,
        "hdivrange": hdiv[0], "hdivstep": hdiv[1], "hdivsteps": hdiv[2],
        "vdivrange": vdiv[0], "vdivstep": vdiv[1], "vdivsteps": vdiv[2],
        "dispersion": disp[0], "dispstep": disp[1], "dispsteps": disp[2],
        "detector_thick": thick, "detector_thickstep": thickstep, "detector_thicksteps": thicksteps,
        "detector_mu": mu, "mosaic_spread": spread, "mosaic_domains": domains,
    }


def _cell(base: NanoBraggConfig, raw: Sentinels) -> tuple[float, float, float, float, float, float] | None:
    """-cell with the C's defaults: missing or <= 0 b, c -> a; missing or <= 0 angles -> pi/2."""
    if not base.user_cell:
        return None
    a, b, c, al, be, ga = raw.cell
    b = a if b <= 0.0 else b
    c = a if c <= 0.0 else c
    al, be, ga = (math.pi / 2 if x <= 0.0 else x for x in (al, be, ga))
    return (a, b, c, al, be, ga)


def resolve(st: ParseState) -> NanoBraggConfig:
    """The config the C's loops use, from the values and sentinels the argv walk left."""
    base = replace(NanoBraggConfig(**st.values), given=frozenset(st.given))
    check_limits(base, st.args_file)  # before any rule divides by a value
    raw = st.raw
    notes = list(st.notes)
    oversample = base.oversample
    return replace(
        base,
        given=frozenset(st.given), ignored=tuple(st.ignored), base_dir=st.base_dir, args_file=st.args_file,
        **_pixels(base, raw), **_beam(base, notes), **_steps(raw, notes),
        cell=_cell(base, raw),
        interpolate=None if raw.interpolate == 2 else bool(raw.interpolate),
        oversample=oversample if isinstance(oversample, int) and oversample > 0 else None,
        notes=tuple(notes),
    )
