"""Read comparison rules from TOML: a project's config file and shipped profiles.

Precedence, lowest first: built-in defaults < profile < project config < CLI options.
The project config is found by walking up from the working directory; the first folder
holding a ``tracediff.toml`` or a ``pyproject.toml`` ends the search (a ``pyproject.toml``
marks the project's root even without a ``[tool.tracediff]`` table, so a parent project's
config never leaks in).  In that folder the config is ``tracediff.toml`` (top-level keys)
or the ``[tool.tracediff]`` table of ``pyproject.toml``; both at once is an error (keep
one).  ``--config FILE`` replaces the search.  Keys (every table is checked against
:mod:`tracediff.config.schema`; an unknown key is an error)::

    rtol = 1e-9                  atol = 0
    profile = "nanobragg"        optional_tags = ["TRACE"]
    [fields."F_latt*"]           rtol = 1e-6, atol = 0, elementwise = true
    [aliases]                    pix0_vector_meters = "pix0_vector"   # candidate = reference
    [units."beam_center_m.X"]    ref = "km", cand = "m"
    [[waive]]                    field = "...", occurrence = 1, reason = "...", until = 2027-01-01,
                                 when_ref_equals = "MOSFLM" | [0, 0, 1] | "field:NAME" | "same_norm",
                                 when_cand_equals = ..., when_cand_fields = { "phi_deg#0" = "nonzero" }
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from tracediff.compare.options import CompareOptions, UnitRule, Waiver
from tracediff.compare.tolerance import FieldRule, Tolerance, ToleranceRules
from tracediff.config.schema import Place, check_table
from tracediff.config.toml_text import rules_text
from tracediff.errors import TraceDiffError

_SECTION = "tool.tracediff"
_GENERATED = ("\n# ---- generated from the field catalogue (tracediff.catalogue): one rule per c_print entry;\n"
              "# ---- quirk codes are explained in tracediff.catalogue.quirks\n")


@dataclass(frozen=True)
class ConfigFile:
    """A project's config: the file, its tracediff table, and that table's name in the file."""

    path: Path
    table: dict[str, Any]
    prefix: str  #: ``tool.tracediff`` in a pyproject.toml, empty in a tracediff.toml

    @property
    def place(self) -> Place:
        return Place(str(self.path), self.prefix)


def profile_names() -> list[str]:
    return sorted(p.name[:-5] for p in resources.files("tracediff.config.profiles").iterdir() if p.name.endswith(".toml"))


def profile_text(name: str) -> str:
    """The profile as TOML: its shipped file, then (``quirks_from_catalogue = true``) the rules
    generated from the field catalogue, so what ``profile show`` prints is what applies."""
    if name not in profile_names():
        raise TraceDiffError(f"unknown profile {name!r} (known: {', '.join(profile_names())})")
    text = resources.files("tracediff.config.profiles").joinpath(f"{name}.toml").read_text(encoding="utf-8")
    if tomllib.loads(text).get("quirks_from_catalogue"):
        from tracediff.config.quirk_rules import quirk_table  # the catalogue loads for profiles only

        table = quirk_table()
        text += _GENERATED + rules_text(table["units"], table["waive"])
    return text


def load_profile(name: str) -> dict[str, Any]:
    """The profile's table: exactly what :func:`profile_text` shows, parsed."""
    return tomllib.loads(profile_text(name))


def find_config(start: Path | None = None) -> ConfigFile | None:
    """The config of the nearest folder (from ``start`` up) with a tracediff.toml or pyproject.toml."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        own, pyproject = folder / "tracediff.toml", folder / "pyproject.toml"
        section = _section(pyproject, _read(pyproject)) if pyproject.is_file() else None
        if own.is_file() and section is not None:
            raise TraceDiffError(f"config found in two places: {own} and [{_SECTION}] of {pyproject}; keep one")
        if own.is_file():
            return read_config_file(own)
        if pyproject.is_file():
            return ConfigFile(pyproject, section, _SECTION) if section is not None else None
    return None


def _section(path: Path, data: dict[str, Any]) -> dict[str, Any] | None:
    tool = data.get("tool", {})
    section = tool.get("tracediff") if isinstance(tool, dict) else None
    if section is not None and not isinstance(section, dict):
        raise TraceDiffError(f"[{_SECTION}] must be a table", path)
    return section


def _read(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise TraceDiffError(f"cannot read config ({exc})", path) from None
    except tomllib.TOMLDecodeError as exc:
        raise TraceDiffError(f"invalid TOML ({exc})", path) from None


def read_config_file(path: Path) -> ConfigFile:
    """``--config FILE``: a pyproject.toml (or any file with a ``[tool]`` table) must hold
    ``[tool.tracediff]``; any other file holds the keys at its top level."""
    if not path.is_file():
        raise TraceDiffError("no such config file", path)
    data = _read(path)
    if path.name == "pyproject.toml" or "tool" in data:
        section = _section(path, data)
        if section is None:
            raise TraceDiffError(f"no [{_SECTION}] table in this file", path)
        return ConfigFile(path, section, _SECTION)
    return ConfigFile(path, data, "")


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def apply_table(options: CompareOptions, table: dict[str, Any], place: Place, *, profile: bool = False) -> None:
    """Check one config table (a profile's or the project's), then merge it into ``options``."""
    check_table(table, place, profile=profile)
    source = place.source
    rules = options.tolerances
    if any(key in table for key in ("rtol", "atol", "elementwise")):
        rules.default = Tolerance(
            float(table.get("rtol", rules.default.rtol)), float(table.get("atol", rules.default.atol)),
            bool(table.get("elementwise", rules.default.elementwise)),
        )
        rules.default_source = source
    for pattern, spec in table.get("fields", {}).items():
        rules.rules.append(FieldRule(
            pattern, _float(spec.get("rtol")), _float(spec.get("atol")), spec.get("elementwise"), source=source,
        ))
    options.aliases.update(table.get("aliases", {}))
    options.families.update(table.get("family", {}))
    for pattern, spec in table.get("units", {}).items():
        options.units.append(UnitRule(pattern, spec.get("ref"), spec.get("cand"), source=source))
    options.optional_tags.extend(table.get("optional_tags", []))
    for spec in table.get("waive", []):
        options.waivers.append(Waiver(
            field=spec["field"], reason=spec["reason"], occurrence=spec.get("occurrence"),
            until=_date(spec.get("until")), when_ref_equals=spec.get("when_ref_equals"),
            when_cand_equals=spec.get("when_cand_equals"),
            when_cand_fields=tuple(spec.get("when_cand_fields", {}).items()), source=source,
        ))


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def load_options(
    *, config: Path | None = None, profile: str | None = None, search_from: Path | None = None,
    use_project_config: bool = True,
) -> tuple[CompareOptions, list[str]]:
    """Options from profile and config; returns them with the sources used (for reports)."""
    options = CompareOptions(tolerances=ToleranceRules())
    sources: list[str] = []
    project: ConfigFile | None = None
    if config is not None:
        project = read_config_file(config)
    elif use_project_config:
        project = find_config(search_from)
    profile_name = profile or (project.table.get("profile") if project else None)
    if profile_name is not None:
        if profile_name not in profile_names():
            where = project.path if project and not profile else None
            raise TraceDiffError(f"unknown profile {profile_name!r} (known: {', '.join(profile_names())})", where)
        apply_table(options, load_profile(profile_name), Place(f"profile {profile_name}"), profile=True)
        sources.append(f"profile {profile_name}")
    if project:
        apply_table(options, project.table, project.place)
        sources.append(str(project.path))
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
