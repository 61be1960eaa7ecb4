"""Read comparison rules from TOML: a project's config file and shipped profiles.

Precedence, lowest first: built-in defaults < profile < project config < CLI options.
The config lives in ``[tool.tracediff]`` of the nearest ``pyproject.toml`` (searched
upward from the working directory), in a ``tracediff.toml`` (top-level keys), or in
the file given by ``--config``.  Keys::

    rtol = 1e-9                  atol = 0
    profile = "nanobragg"        optional_tags = ["TRACE"]
    [fields."F_latt*"]           rtol = 1e-6, atol = 0, elementwise = true
    [aliases]                    pix0_vector_meters = "pix0_vector"   # candidate = reference
    [units."beam_center_m.X"]    ref = "km", cand = "m"
    [[waive]]                    field = "...", occurrence = 1, reason = "...", until = 2027-01-01,
                                 when_ref_equals = "MOSFLM" | [0, 0, 1] | "field:NAME" | "same_norm"
"""

from __future__ import annotations

import datetime as dt
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from tracediff.compare.options import CompareOptions, UnitRule, Waiver
from tracediff.compare.tolerance import FieldRule, Tolerance, ToleranceRules
from tracediff.config.quirk_rules import quirk_table
from tracediff.config.toml_text import rules_text
from tracediff.errors import TraceDiffError

_TOP_KEYS = {"rtol", "atol", "elementwise", "profile", "optional_tags", "fields", "aliases", "units", "waive", "description",
             "quirks_from_catalogue"}
_GENERATED = ("\n# ---- generated from the field catalogue (tracediff.catalogue): one rule per c_print entry;\n"
              "# ---- quirk codes are explained in tracediff.catalogue.quirks\n")


def profile_names() -> list[str]:
    return sorted(p.name[:-5] for p in resources.files("tracediff.config.profiles").iterdir() if p.name.endswith(".toml"))


def profile_text(name: str) -> str:
    """The profile as TOML: its shipped file, then (``quirks_from_catalogue = true``) the rules
    generated from the field catalogue, so what ``profile show`` prints is what applies."""
    if name not in profile_names():
        raise TraceDiffError(f"unknown profile {name!r} (known: {', '.join(profile_names())})")
    text = resources.files("tracediff.config.profiles").joinpath(f"{name}.toml").read_text(encoding="utf-8")
    if tomllib.loads(text).get("quirks_from_catalogue"):
        table = quirk_table()
        text += _GENERATED + rules_text(table["units"], table["waive"])
    return text


def load_profile(name: str) -> dict[str, Any]:
    """The profile's table: exactly what :func:`profile_text` shows, parsed."""
    return tomllib.loads(profile_text(name))


def find_config(start: Path | None = None) -> tuple[Path, dict[str, Any]] | None:
    """The nearest ``tracediff.toml`` or ``pyproject.toml`` with ``[tool.tracediff]``."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        own = folder / "tracediff.toml"
        if own.is_file():
            return own, _read(own)
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            section = _read(pyproject).get("tool", {}).get("tracediff")
            if section is not None:
                return pyproject, section
    return None


def _read(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise TraceDiffError(f"cannot read config ({exc})", path) from None
    except tomllib.TOMLDecodeError as exc:
        raise TraceDiffError(f"invalid TOML ({exc})", path) from None


def read_config_file(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise TraceDiffError("no such config file", path)
    data = _read(path)
    if path.name == "pyproject.toml":
        return data.get("tool", {}).get("tracediff", {})
    return data.get("tool", {}).get("tracediff", data)


def _number(table: dict[str, Any], key: str, where: str) -> float | None:
    value = table.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0 or value != value:
        raise TraceDiffError(f"{where}: {key} must be a number >= 0, got {value!r}")
    return float(value)


def _date(value: Any, where: str) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise TraceDiffError(f"{where}: until must be a date YYYY-MM-DD, got {value!r}") from None


def apply_table(options: CompareOptions, table: dict[str, Any], source: str) -> None:
    """Merge one config table (a profile's or the project's) into ``options``."""
    try:
        _apply_table(options, table, source)
    except TraceDiffError:
        raise
    except (TypeError, ValueError, KeyError, AttributeError) as exc:
        raise TraceDiffError(f"{source}: invalid configuration ({type(exc).__name__}: {exc})") from None


def _validate_units(options: CompareOptions, source: str) -> None:
    from tracediff.trace.units import UNIT_FACTORS, canonical_unit

    for rule in options.units:
        for side in (rule.ref, rule.cand):
            if side is not None and (not isinstance(side, str) or (canonical_unit(side) or side) not in UNIT_FACTORS):
                raise TraceDiffError(f"{source}: [units.{rule.field}]: unknown unit {side!r}")


def _apply_table(options: CompareOptions, table: dict[str, Any], source: str) -> None:
    unknown = set(table) - _TOP_KEYS - {"tool"}
    if unknown:
        raise TraceDiffError(f"{source}: unknown key(s) {', '.join(sorted(unknown))}")
    rules = options.tolerances
    rtol, atol = _number(table, "rtol", source), _number(table, "atol", source)
    if rtol is not None or atol is not None or "elementwise" in table:
        rules.default = Tolerance(
            rtol if rtol is not None else rules.default.rtol,
            atol if atol is not None else rules.default.atol,
            bool(table.get("elementwise", rules.default.elementwise)),
        )
        rules.default_source = source
    for pattern, spec in table.get("fields", {}).items():
        where = f"{source} [fields.{pattern}]"
        rules.rules.append(FieldRule(
            pattern, _number(spec, "rtol", where), _number(spec, "atol", where),
            spec.get("elementwise"), source=source,
        ))
    for cand_name, ref_name in table.get("aliases", {}).items():
        options.aliases[cand_name] = ref_name
    for pattern, spec in table.get("units", {}).items():
        options.units.append(UnitRule(pattern, spec.get("ref"), spec.get("cand"), source=source))
    tags = table.get("optional_tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise TraceDiffError(f"{source}: optional_tags must be a list of tag names")
    options.optional_tags.extend(tags)
    _validate_units(options, source)
    waivers = table.get("waive", [])
    if not isinstance(waivers, list) or not all(isinstance(w, dict) for w in waivers):
        raise TraceDiffError(f"{source}: waive must be a list of tables ([[waive]] entries)")
    for n, spec in enumerate(waivers):
        where = f"{source} waive[{n}]"
        if not isinstance(spec.get("field"), str) or not spec.get("reason"):
            raise TraceDiffError(f"{where}: a waiver needs a 'field' (text) and a 'reason'")
        options.waivers.append(Waiver(
            field=spec["field"], reason=spec["reason"], occurrence=spec.get("occurrence"),
            until=_date(spec.get("until"), where), when_ref_equals=spec.get("when_ref_equals"),
            when_cand_equals=spec.get("when_cand_equals"),
            source=source,
        ))


def load_options(
    *, config: Path | None = None, profile: str | None = None, search_from: Path | None = None,
    use_project_config: bool = True,
) -> tuple[CompareOptions, list[str]]:
    """Options from profile and config; returns them with the sources used (for reports)."""
    options = CompareOptions(tolerances=ToleranceRules())
    sources: list[str] = []
    project: tuple[Path, dict[str, Any]] | None = None
    if config is not None:
        project = (config, read_config_file(config))
    elif use_project_config:
        project = find_config(search_from)
    profile_name = profile or (project[1].get("profile") if project else None)
    if profile_name:
        apply_table(options, load_profile(profile_name), f"profile {profile_name}")
        sources.append(f"profile {profile_name}")
    if project:
        table = {k: v for k, v in project[1].items() if k != "profile"}
        apply_table(options, table, str(project[0]))
        sources.append(str(project[0]))
    return options, sources


def build_options(
    *,
    config: Path | None = None,
    profile: str | None = None,
    use_project_config: bool = True,
    rtol: float | None = None,
    atol: float | None = None,
    elementwise: bool = False,
    tol: list[str] | tuple[str, ...] = (),
    only: list[str] | tuple[str, ...] = (),
    ignore: list[str] | tuple[str, ...] = (),
    allow_missing: bool = False,
    strict: bool = False,
    keep_all: bool = False,
) -> CompareOptions:
    """Comparison options from profile and config, overridden by explicit arguments
    (what the CLI's options and :func:`tracediff.testing.assert_traces_match` pass)."""
    from tracediff.compare.tolerance import parse_tol_option

    options, _ = load_options(config=config, profile=profile, use_project_config=use_project_config)
    rules = options.tolerances
    if rtol is not None or atol is not None or elementwise:
        rules.default = Tolerance(
            rules.default.rtol if rtol is None else rtol,
            rules.default.atol if atol is None else atol,
            elementwise or rules.default.elementwise,
        )
        rules.default_source = "command line"
    rules.rules.extend(parse_tol_option(t) for t in tol)
    options.only, options.ignore = list(only), list(ignore)
    options.allow_missing = allow_missing or options.allow_missing
    options.strict = strict
    options.keep_all = keep_all
    return options
