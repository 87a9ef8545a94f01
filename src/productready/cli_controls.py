"""`productready controls ...` and `productready catalog lint`: browsing and checking the catalogs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from .controls import Catalog, control_key, load_catalog, load_catalogs
from .crosswalk import load_crosswalks
from .errors import ConfigError, MultipleErrors, ProductReadyError, UsageError

controls_app = typer.Typer(help="Browse the control catalogs and a report's control statuses.", no_args_is_help=True)
catalog_app = typer.Typer(help="Check catalog data.", no_args_is_help=True)

# Complete catalogs: every reference ID, no more (tests compare with tools/reference too).
EXPECTED_COUNTS = {
    "iso27001-2022": 93,
    "iso27001-2022-clauses": 30,
    "soc2-2017": 61,
    "asvs-4.0.3": 278,
    "asvs-5.0.0": 345,
}
STATUSES = ("pass", "fail", "inconclusive", "manual", "not_applicable")


def _load_report(path: Path | None) -> dict[str, dict[str, Any]]:
    if path is None:
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"report '{path}' not found") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        line = getattr(exc, "lineno", None)
        raise ConfigError(f"not a productready JSON report: {exc}", str(path), line) from None
    if not isinstance(data, dict) or data.get("schema_version") != 1 or not isinstance(data.get("controls"), list):
        raise ConfigError("not a productready JSON report (schema_version 1 with 'controls')", str(path))
    return {c["id"]: c for c in data["controls"]}


def _matches_framework(cat: Catalog, framework: str | None) -> bool:
    if not framework:
        return True
    f = framework.lower().replace(" ", "")
    return f in cat.id.lower() or f in cat.spec.framework.lower().replace(" ", "")


@controls_app.command("list")
def list_controls(
    framework: Annotated[str | None, typer.Option("--framework", help="catalog id or family, e.g. iso27001, soc2, asvs-5.0.0")] = None,
    status: Annotated[str | None, typer.Option("--status", help=f"only controls with this status in --report ({', '.join(STATUSES)})")] = None,
    report: Annotated[Path | None, typer.Option("--report", help="a report.json whose statuses to show")] = None,
) -> None:
    """List controls, with their status in a report when given."""
    if status is not None and status not in STATUSES:
        raise UsageError(f"--status: unknown status '{status}'", hint=f"choose from: {', '.join(STATUSES)}")
    if status is not None and report is None:
        raise UsageError("--status needs --report FILE")
    statuses = _load_report(report)
    catalogs = [c for c in load_catalogs() if _matches_framework(c, framework)]
    if not catalogs:
        raise UsageError(f"--framework: no catalog matches '{framework}'", hint="see `productready list catalogs`")
    for cat in catalogs:
        for c in cat.spec.controls:
            key = f"{cat.id}:{c.id}"
            row = statuses.get(key)
            if report is not None and row is None:
                continue  # not evaluated in that report
            if status is not None and (row is None or row["status"] != status):
                continue
            kind = "automated" if c.evidence else "attest-only"
            state = f"{row['status']:<15}" if row else f"{kind:<15}"
            typer.echo(f"{key:<28} {state} {c.title}")


@controls_app.command("show")
def show_control(
    ref: Annotated[str, typer.Argument(help="CATALOG:ID, e.g. iso27001-2022:A.8.28")],
    report: Annotated[Path | None, typer.Option("--report", help="a report.json whose evidence to show")] = None,
) -> None:
    """Show one control: summary, selectors, related controls across frameworks, evidence in a report."""
    catalog_id, cid = control_key(ref)
    catalogs = load_catalogs()
    cat = next((c for c in catalogs if c.id == catalog_id), None)
    if cat is None:
        raise UsageError(f"unknown catalog '{catalog_id}'", hint=f"known: {', '.join(c.id for c in catalogs)}")
    c = cat.control(cid)
    if c is None:
        import difflib

        close = difflib.get_close_matches(cid, [x.id for x in cat.spec.controls], n=1)
        raise UsageError(f"'{cid}' is not a control of {catalog_id}", hint=f"did you mean '{close[0]}'?" if close else None)
    out = typer.echo
    out(f"{catalog_id}:{c.id}  {c.title}")
    out(f"catalog: {cat.spec.name}")
    if c.level:
        out(f"ASVS level: {c.level}")
    for k, v in sorted(c.attributes.items()):
        out(f"{k}: {v}")
    if c.summary:
        out(f"summary: {c.summary}")
    if c.text:
        out(f"requirement: {c.text}")
    if c.cwe:
        out("cwe: " + ", ".join(f"CWE-{n}" for n in c.cwe))
    if c.evidence:
        out("evidence selectors:")
        for s in c.evidence:
            out(f"  {s}")
    else:
        out(f"attest only: {c.attest_only_reason or 'no automated evidence'}")
    if c.pending_evidence:
        out("pending (evidence source not in this version): " + ", ".join(c.pending_evidence))
    key = f"{catalog_id}:{c.id}"
    related = [e for e in load_crosswalks(catalogs) if key in (e.source, e.target)]
    if related:
        out("related controls:")
        for e in sorted(related, key=lambda e: (e.source, e.target)):
            other, rel = (e.target, e.relation) if e.source == key else (e.source, _inverse(e.relation))
            out(f"  {rel:<9} {other}  — {e.rationale}")
    if report is not None:
        row = _load_report(report).get(key)
        if row is None:
            out("in report: not evaluated")
        else:
            out(f"in report: {row['status']} ({row['basis']}) — {row['reason']}")
            for fp in row["findings"][:20]:
                out(f"  finding {fp}")
            for r in row["evidence"]["incomplete_rules"][:20]:
                out(f"  incomplete: {r}")
            for d in row["derived_from"]:
                out(f"  derived from {d}")


def _inverse(rel: str) -> str:
    return {"subset": "superset", "superset": "subset"}.get(rel, rel)


@catalog_app.command("lint")
def lint(
    files: Annotated[list[Path] | None, typer.Argument(help="catalog files to check (default: the built-in ones)")] = None,
) -> None:
    """Every selector resolves, no duplicate IDs, cross-walk endpoints exist, counts complete, no unknown keys."""
    errors: list[ProductReadyError] = []
    catalogs: list[Catalog] = []
    targets = files or []
    try:
        if targets:
            for f in targets:
                try:
                    catalogs.append(load_catalog(f, str(f)))
                except MultipleErrors as exc:
                    errors.extend(exc.errors)
                except ProductReadyError as exc:
                    errors.append(exc)
        else:
            catalogs = load_catalogs()
            load_crosswalks(catalogs)
            for cat in catalogs:
                want = EXPECTED_COUNTS.get(cat.id)
                if want is not None and len(cat.spec.controls) != want:
                    errors.append(ConfigError(f"catalog has {len(cat.spec.controls)} controls, expected {want}", cat.file))
    except MultipleErrors as exc:
        errors.extend(exc.errors)
    except ProductReadyError as exc:
        errors.append(exc)
    for e in errors:
        typer.echo(e.render(), err=True)
    if errors:
        raise typer.Exit(2)
    n = sum(len(c.spec.controls) for c in catalogs)
    typer.echo(f"ok: {len(catalogs)} catalog(s), {n} controls")
