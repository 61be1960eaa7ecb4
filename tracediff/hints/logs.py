"""Detectors that read the two logs as runs: swapped arguments, different pixels or runs,
a C log judged without its profile, the C's phi carry-over defect."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from functools import lru_cache

from tracediff.compare.result import FieldResult
from tracediff.compare.status import Status
from tracediff.hints.facts import Facts, Hint, listed, numbers, shown
from tracediff.hints.values import factor_of

C_TAGS, PY_TAGS = ("TRACE_C",), ("TRACE_PY",)
#: fields that say which pixel a log traces
PIXEL_FIELDS = ("tracing", "trace_pixel", "traced_pixel", "spixel", "fpixel", "pixel_index", "pixel_slow_fast")
#: fields that echo the run's inputs: when they differ, the logs come from different runs
RUN_FIELDS = ("lambda_meters", "lambda_angstroms", "distance_meters", "distance_mm", "pixel_size_m", "pixel_size_mm",
              "Na", "Nb", "Nc", "default_F", "phisteps", "steps", "detpixels", "detector_convention")
PROFILE = "nanobragg"
GROSS = 1e-5  # a relative error beyond float32 rounding: a different input or a print quirk


def _share(tags: dict[str, int], which: tuple[str, ...]) -> float:
    total = sum(tags.values())
    return sum(tags.get(t, 0) for t in which) / total if total else 0.0


def arguments_swapped(facts: Facts) -> Iterator[Hint]:
    """The reference prints PyTorch tags and the candidate C tags."""
    if _share(facts.ref_tags, PY_TAGS) > 0.5 and _share(facts.cand_tags, C_TAGS) > 0.5:
        yield Hint("arguments-swapped",
                   "the reference looks like a PyTorch trace and the candidate like a C trace: arguments swapped? "
                   "(tracediff compare C_LOG PY_LOG)",
                   f"reference: {facts.ref_tags.most_common(1)[0][0]} lines, "
                   f"candidate: {facts.cand_tags.most_common(1)[0][0]} lines")


def _gross(row: FieldResult) -> bool:
    return row.rel_error is None or row.rel_error > GROSS


def _text(row: FieldResult, side: str) -> str:
    return shown(row.ref_value if side == "ref" else row.cand_value)


def different_pixels(facts: Facts) -> Iterator[Hint]:
    """The logs name different traced pixels."""
    rows = [r for r in facts.diverged if r.field in PIXEL_FIELDS]
    if rows:
        row = rows[0]
        yield Hint("different-pixels",
                   f"the two logs trace different pixels ({row.qualified_label}: reference {_text(row, 'ref')}, "
                   f"candidate {_text(row, 'cand')}): run both with the same -trace_pixel",
                   f"{len(rows)} pixel-identity field(s) differ")


def different_runs(facts: Facts) -> Iterator[Hint]:
    """Fields that echo the run's inputs differ (and not by a unit factor): different runs."""
    rows = [r for r in facts.diverged
            if r.field in RUN_FIELDS and _gross(r) and not ((p := numbers(r)) and factor_of(*p))]
    if rows:
        row = rows[0]
        yield Hint("different-runs",
                   f"the logs come from different runs: {row.qualified_label} is {_text(row, 'ref')} in the reference and "
                   f"{_text(row, 'cand')} in the candidate; run both with the same flags",
                   f"input echo field(s) differ: {listed([r.qualified_label for r in rows])}")


@lru_cache(maxsize=1)
def _profile_fields() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The field globs the shipped profile waives or converts, and the candidate names it aliases."""
    from tracediff.config.loader import build_options

    options = build_options(profile=PROFILE, use_project_config=False)
    rules = tuple(w.field for w in options.waivers) + tuple(u.field.split(".")[0] for u in options.units)
    return rules, tuple(options.aliases)


def needs_profile(facts: Facts) -> Iterator[Hint]:
    """A C log compared without the profile that knows its print quirks, where they explain rows."""
    import fnmatch

    if not (facts.diverged or facts.extra) or _share(facts.ref_tags, C_TAGS) <= 0.5:
        return  # nothing the profile could explain (checked first: reading the profile costs a start-up)
    if any(f"profile {PROFILE}" in r.rule for r in facts.comparison.rows):
        return
    globs, aliases = _profile_fields()
    quirky = [r.qualified_label for r in facts.diverged if _gross(r) and any(fnmatch.fnmatchcase(r.field, g) for g in globs)]
    renamed = [r.qualified_label for r in facts.extra if r.field in aliases]
    if quirky or renamed:
        found = ", ".join(x for x in (quirky and f"C print quirks in {listed(quirky)}",
                                      renamed and f"known renamings of {listed(renamed)}") if x)
        yield Hint("use-profile", f"the reference shows what the {PROFILE} profile knows ({found}): "
                   f"try --profile {PROFILE}", f"{len(quirky)} diverged and {len(renamed)} extra field(s) match it")


def _phi_series(rows: list[FieldResult]) -> dict[str, dict[int, tuple[float, ...]]]:
    """The reference's per-phi-step values: field -> step -> numbers."""
    series: dict[str, dict[int, tuple[float, ...]]] = defaultdict(dict)
    for row in rows:
        if "PHI" in row.family and row.ref_value is not None and row.ref_value.numbers:
            series[row.field][row.occurrence] = row.ref_value.numbers
    return series


def phi_carry_over(facts: Facts) -> Iterator[Hint]:
    """The C's phi step 0 repeats its last step: the known carry-over defect (the port may be right)."""
    rows = facts.comparison.rows
    ref = _phi_series(rows)
    steps = ref.get("phi_deg", {})
    if len(steps) < 2 or steps.get(0) != (0.0,):
        return
    last = max(steps)
    stale = [f for f, s in ref.items() if f not in ("phi_tic", "phi_deg") and {0, 1, last} <= set(s)
             and s[0] == s[last] and s[1] != s[0]]
    diverged = {r.field for r in rows if "PHI" in r.family and r.occurrence == 0 and r.status is Status.DIVERGED}
    if stale and diverged & set(stale):
        field = stale[0]
        yield Hint("c-phi-carry-over",
                   f"the C's phi step 0 repeats its last step ({field} at tic 0 = tic {last}): the known "
                   "nanoBragg phi carry-over defect (quirk Q14: at phi = 0 the C keeps the previous pixel's "
                   "rotated cell); a port that rotates afresh is right. Trace the first pixel processed "
                   "(single-pixel -roi, OMP_NUM_THREADS=1) or emulate the carry-over",
                   f"reference {field}: tic 0 = tic {last} = {ref[field][0][0]:.15g}, tic 1 = {ref[field][1][0]:.15g}")
