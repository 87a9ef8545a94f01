"""Typed cross-framework edges and the derivation of statuses across them (DESIGN.md §5).

An edge ``S --relation--> T`` says what S is relative to T:
``equal`` carries pass and fail both ways; ``subset`` (S narrower) carries a fail of S to T
(and a pass of T to S); ``superset`` the mirror image; ``intersect`` only asks for a review.

Two deliberate restrictions keep derivation honest (fail closed):
* only *directly* established statuses (automated or attested) are carried, one hop, never chains;
* a derived **pass** is carried only over ``equal`` edges or from an **attested** control — an
  automated pass of a broad control (e.g. "secure coding" with clean scanners) is weak evidence
  for a narrower requirement it happens to contain, so it does not make that requirement pass.
A directly evaluated status always wins over a derived one; a derived fail wins over a derived pass.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from .config import data_dir
from .controls import Catalog, ControlResult
from .errors import ConfigError, MultipleErrors, ProductReadyError
from .models import Basis, ControlStatus
from .schemas import CrosswalkSpec, validate
from .yamlio import load_yaml

_INVERSE = {"equal": "equal", "subset": "superset", "superset": "subset", "intersect": "intersect"}


@dataclass(frozen=True)
class Edge:
    source: str  # "catalog:ID"
    target: str
    relation: str
    rationale: str
    crosswalk: str


def crosswalk_files(base: Path | None = None) -> list[Path]:
    return sorted((base or data_dir("controls") / "crosswalks").glob("*.yaml"))


def load_crosswalks(catalogs: Sequence[Catalog], files: Sequence[Path] | None = None, strict: bool = True) -> list[Edge]:
    """Edges between the given catalogs. With ``strict``, every endpoint of every edge whose
    catalogs are loaded must exist (lint); crosswalks to catalogs not loaded are ignored."""
    ids = {c.id: {ctl.id for ctl in c.spec.controls} for c in catalogs}
    edges: list[Edge] = []
    errors: list[ProductReadyError] = []
    for path in files if files is not None else crosswalk_files():
        display = f"controls/crosswalks/{path.name}"
        try:
            data, lines = load_yaml(path, display)
            spec = validate(CrosswalkSpec, data, lines)
        except MultipleErrors as exc:
            errors.extend(exc.errors)
            continue
        except ProductReadyError as exc:
            errors.append(exc)
            continue
        if spec.source_catalog not in ids or spec.target_catalog not in ids:
            continue
        seen: set[tuple[str, str]] = set()
        for i, e in enumerate(spec.edges):
            for end, cat in ((e.source, spec.source_catalog), (e.target, spec.target_catalog)):
                if end not in ids[cat]:
                    close = difflib.get_close_matches(end, sorted(ids[cat]), n=1)
                    errors.append(
                        ConfigError(
                            f"edge endpoint '{end}' is not a control of '{cat}'", display, lines.line_of(("edges", i)),
                            f"did you mean '{close[0]}'?" if close else None,
                        )
                    )
            if (e.source, e.target) in seen:
                errors.append(ConfigError(f"duplicate edge {e.source} -> {e.target}", display, lines.line_of(("edges", i))))
            seen.add((e.source, e.target))
            edges.append(
                Edge(f"{spec.source_catalog}:{e.source}", f"{spec.target_catalog}:{e.target}", e.relation, e.rationale, spec.id)
            )
    if errors and strict:
        raise errors[0] if len(errors) == 1 else MultipleErrors(errors)
    return edges


def _carries(relation: str, status: ControlStatus, basis: Basis) -> ControlStatus | None:
    """What status flows from an endpoint to the other end of a ``relation`` edge, read as
    'the endpoint is <relation> the other end'."""
    if status is ControlStatus.FAIL and relation in ("equal", "subset"):
        return ControlStatus.FAIL
    if status is ControlStatus.PASS and (relation == "equal" or (relation == "superset" and basis is Basis.ATTESTED)):
        return ControlStatus.PASS
    return None


def derive(results: Sequence[ControlResult], edges: Sequence[Edge]) -> list[ControlResult]:
    by_key = {r.key: r for r in results}
    derived: dict[str, list[tuple[ControlStatus, str]]] = {}
    related: dict[str, set[str]] = {}
    for e in edges:
        for here, there, relation in ((e.source, e.target, e.relation), (e.target, e.source, _INVERSE[e.relation])):
            src = by_key.get(here)
            if src is None or there not in by_key or src.basis not in (Basis.AUTOMATED, Basis.ATTESTED):
                continue
            if src.status not in (ControlStatus.PASS, ControlStatus.FAIL):
                continue
            carried = _carries(relation, src.status, src.basis)
            label = f"{here} ({relation} of {there}: {src.status.value})"
            if carried is not None:
                derived.setdefault(there, []).append((carried, label))
            elif relation == "intersect" and src.status is ControlStatus.FAIL:
                related.setdefault(there, set()).add(f"{here} fails (intersecting control): review")
    out = []
    for r in results:
        extra = tuple(sorted(related.get(r.key, ())))
        if r.status is ControlStatus.MANUAL and r.key in derived:
            options = derived[r.key]
            fails = sorted(label for s, label in options if s is ControlStatus.FAIL)
            passes = sorted(label for s, label in options if s is ControlStatus.PASS)
            if fails:
                r = replace(r, status=ControlStatus.FAIL, basis=Basis.DERIVED, derived_from=tuple(fails),
                            reason=f"derived: {fails[0]}" + (f" and {len(fails) - 1} more" if len(fails) > 1 else ""))
            elif passes:
                r = replace(r, status=ControlStatus.PASS, basis=Basis.DERIVED, derived_from=tuple(passes),
                            reason=f"derived: {passes[0]}" + (f" and {len(passes) - 1} more" if len(passes) > 1 else ""))
        out.append(replace(r, related=extra) if extra else r)
    return out
