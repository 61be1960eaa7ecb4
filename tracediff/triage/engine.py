"""Run a triage: capture the witnesses, compare the pairs, judge each field."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tracediff.capture.models.run import capture_model
from tracediff.catalogue import fields_named, quirky_fields
from tracediff.compare.engine import compare_logs
from tracediff.compare.options import CompareOptions
from tracediff.config.loader import load_options
from tracediff.compare.result import Comparison, FieldResult
from tracediff.errors import TraceDiffError
from tracediff.trace.values import ParsedValue
from tracediff.triage.verdicts import MATCH, MISSING, VERDICTS, decide

Key = tuple[str, str, int]  # (family, field, occurrence)


@dataclass
class FieldVerdict:
    """The triage of one field the port's trace does not match."""

    field: str
    occurrence: int
    verdict: str
    c_value: str | None
    port_value: str | None
    model_value: str | None = None
    production_value: str | None = None
    quirk: str = ""  #: the catalogue's quirk for the field, where it has one (named for C verdicts)
    detail: str = ""  #: what the C-vs-port comparison said

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class TriageResult:
    fields: list[FieldVerdict]
    compared: dict[str, Comparison] = field(default_factory=dict)  #: pair name -> comparison
    notes: list[str] = field(default_factory=list)

    @property
    def first_port_bug(self) -> FieldVerdict | None:
        return next((f for f in self.fields if f.verdict == "port bug"), None)

    @property
    def exit_code(self) -> int:
        return 1 if any(VERDICTS[f.verdict].fails for f in self.fields) else 0

    def counts(self) -> dict[str, int]:
        return {name: sum(f.verdict == name for f in self.fields) for name in VERDICTS}

    def headline(self) -> str:
        bug = self.first_port_bug
        if bug is not None:
            return (f"PORT BUG first at {bug.field}: C {bug.c_value}, port {bug.port_value}, "
                    f"tracediff's model {bug.model_value}")
        failing = [f for f in self.fields if VERDICTS[f.verdict].fails]
        if failing:
            return f"UNRESOLVED first at {failing[0].field}: {failing[0].verdict}"
        return "the port agrees with the C (apart from C quirks, trace-print errors and fields it does not print)"

    def to_json(self) -> dict[str, Any]:
        return {"headline": self.headline(), "exit_code": self.exit_code, "counts": self.counts(),
                "first_port_bug": self.first_port_bug.field if self.first_port_bug else None,
                "pairs": {name: c.counts.to_json() for name, c in self.compared.items()},
                "fields": [f.to_json() for f in self.fields], "notes": self.notes}


def _rows(comparison: Comparison | None) -> dict[Key, FieldResult]:
    if comparison is None:
        return {}
    return {(r.family, r.field, r.occurrence): r for r in comparison.rows}


def _text(value: ParsedValue | None) -> str | None:
    """A parsed value as the logs print it (numbers at %.15g, then the unit)."""
    if value is None:
        return None
    if value.text is not None:
        return value.text
    body = " ".join("%.15g" % n for n in value.numbers)
    return f"{body} {value.unit}" if value.unit else body


def _quirk(name: str) -> str:
    for spec in fields_named(name):
        if spec.quirk:
            return f"{'/'.join(spec.quirk_ids)}: {spec.quirk}" if spec.quirk_ids else spec.quirk
    return ""


#: fields the catalogue records as printed by the C other than as labelled (its ``c_print``)
C_PRINT_QUIRKS = frozenset(spec.name for spec in quirky_fields())
EXPLAINED = (MATCH, "waived")


def _explained(row: FieldResult | None) -> bool:
    """Whether the C's value of ``row`` agrees with the other side once its catalogued print quirk
    is applied (the row of a comparison under the ``nanobragg`` profile's generated quirk rules)."""
    return row is not None and row.field in C_PRINT_QUIRKS and row.status in EXPLAINED


def judge(c_port: Comparison, c_model: Comparison, model_port: Comparison, c_production: Comparison | None = None,
          model_production: Comparison | None = None, *, c_port_quirks: Comparison | None = None,
          c_model_quirks: Comparison | None = None) -> list[FieldVerdict]:
    """One verdict per field of ``c_port`` that is not a match, in the C's order.

    ``c_port_quirks``/``c_model_quirks``: the same pairs compared under the catalogue's quirk rules.
    Where the rule explains the C-vs-port difference the verdict is "C quirk" (the quirk and rule
    named); where it explains only the C-vs-model one, the model counts as agreeing with the C.
    """
    cm, mp, cp, xp = _rows(c_model), _rows(model_port), _rows(c_production), _rows(model_production)
    qp, qm = _rows(c_port_quirks), _rows(c_model_quirks)
    out = []
    for key, row in _rows(c_port).items():
        if row.status == MATCH or row.status == "only_in_cand":
            continue
        m, x, p, q = cm.get(key), mp.get(key), cp.get(key), xp.get(key)
        if _explained(qp.get(key)):
            out.append(_quirk_verdict(row, m, qp[key]))
            continue
        model_status = MATCH if _explained(qm.get(key)) else (m.status if m else None)
        detail = row.note or row.rule
        if row.status in MISSING and p is not None and p.status not in MISSING:
            # the port's trace does not print it, but its production value was read: that is the port's word
            if p.status == MATCH:
                continue
            row, x, p, q = p, q, None, None
            detail = "the port's trace does not print it: judged on its production value"
        verdict = decide(row.status, model_status, *(r.status if r else None for r in (x, p, q)))
        out.append(FieldVerdict(
            field=row.field, occurrence=row.occurrence, verdict=verdict, c_value=_text(row.ref_value),
            port_value=_text(row.cand_value), model_value=_text(m.cand_value) if m else None,
            production_value=_text(p.cand_value) if p else None,
            quirk=_quirk(row.field), detail=detail))
    return out


def _quirk_verdict(row: FieldResult, m: FieldResult | None, explained: FieldResult) -> FieldVerdict:
    rule = explained.rule or explained.note
    return FieldVerdict(
        field=row.field, occurrence=row.occurrence, verdict="C quirk", c_value=_text(row.ref_value),
        port_value=_text(row.cand_value), model_value=_text(m.cand_value) if m else None,
        quirk=_quirk(row.field), detail=f"explained by the catalogue's quirk rule: {rule}" if rule else row.note or row.rule)


def quirk_options() -> CompareOptions:
    """Compare options with the ``nanobragg`` profile (the catalogue's generated quirk rules), every row kept."""
    options, _sources = load_options(profile="nanobragg", use_project_config=False)
    options.keep_all = True
    return options


def _capture_to(path: Path, model: str, args_file: Path, source: Path | None, dtype: str) -> Path:
    with path.open("w", encoding="utf-8") as stream, open(path.with_suffix(".stderr"), "w") as notes:
        capture_model(model, [], args_file=args_file, source=source, dtype=dtype, stream=stream, notes=notes)
    return path


def triage(args_file: Path, c_log: Path, port_log: Path | None = None, *, model: str | None = None,
           source: Path | None = None, dtype: str = "float64", workdir: Path | None = None) -> TriageResult:
    """Triage the port against the C on the flags of ``args_file``.

    The port's trace is ``port_log``, or (without it) the capture of ``model``; with both,
    ``model``'s capture is the port's production values and can turn a divergence into
    "print only". ``workdir`` keeps the captured logs (a temporary folder otherwise).
    """
    if port_log is None and model is None:
        raise TraceDiffError("triage needs the port's trace: a PORT_LOG or --model NAME")
    options = CompareOptions(keep_all=True)
    with tempfile.TemporaryDirectory(prefix="tracediff-triage-") as tmp:
        where = workdir or Path(tmp)
        where.mkdir(parents=True, exist_ok=True)
        reference = _capture_to(where / "model_tracediff.log", "tracediff", args_file, None, dtype)
        production = _capture_to(where / f"model_{model}.log", model, args_file, source, dtype) if model else None
        port = port_log or production
        assert port is not None
        compared = {"c_port": compare_logs(c_log, port, options), "c_model": compare_logs(c_log, reference, options),
                    "model_port": compare_logs(reference, port, options)}
        quirks = quirk_options()
        compared["c_port_quirks"] = compare_logs(c_log, port, quirks)
        compared["c_model_quirks"] = compare_logs(c_log, reference, quirks)
        if port_log is not None and production is not None:
            compared["c_production"] = compare_logs(c_log, production, options)
            compared["model_production"] = compare_logs(reference, production, options)
    fields = judge(compared["c_port"], compared["c_model"], compared["model_port"], compared.get("c_production"),
                   compared.get("model_production"), c_port_quirks=compared["c_port_quirks"],
                   c_model_quirks=compared["c_model_quirks"])
    notes = [f"port trace: {port_log or f'capture of --model {model}'}",
             f"tracediff's model: capture of --model tracediff on {args_file}"]
    if port_log is not None and production is not None:
        notes.append(f"port production values: capture of --model {model}")
    return TriageResult(fields=fields, compared=compared, notes=notes)
