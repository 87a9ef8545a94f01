"""Manual evidence: attestations that a control is met, with owners, expiry and evidence hashes.

A valid attestation turns a ``manual`` control into ``pass`` (basis ``attested``). An expired
attestation, or one whose evidence file is missing or changed, turns its controls into ``fail``
with the reason. Automated results are never overridden: a failing control stays failed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from .controls import ControlResult
from .errors import ConfigError
from .models import Basis, ControlStatus
from .schemas import AttestationsFile, AttestationSpec, validate
from .yamlio import LineMap, load_yaml


@dataclass(frozen=True)
class AttestationResult:
    id: str
    controls: tuple[str, ...]
    status: str  # valid | expired | evidence_changed | evidence_missing | not_yet_valid
    reason: str
    owner: str
    role: str
    date: str
    expires: str
    statement: str
    line: int = 0


def load_attestations(path: Path, display: str, known_controls: set[str]) -> tuple[list[AttestationSpec], LineMap]:
    data, lines = load_yaml(path, display)
    spec = validate(AttestationsFile, data, lines)
    seen: dict[str, int] = {}
    for i, a in enumerate(spec.attestations):
        line = lines.line_of(("attestations", i))
        if a.id in seen:
            raise ConfigError(f"duplicate attestation id '{a.id}' (first on line {seen[a.id]})", display, line)
        seen[a.id] = line
        for j, ref in enumerate(a.controls):
            if ":" not in ref:
                raise ConfigError(f"attestation '{a.id}': '{ref}' is not CATALOG:ID", display, lines.line_of(("attestations", i, "controls", j)),
                                  "e.g. iso27001-2022:A.5.1")
            if known_controls and ref.split(":", 1)[0] in {k.split(":", 1)[0] for k in known_controls} and ref not in known_controls:
                import difflib

                close = difflib.get_close_matches(ref, sorted(known_controls), n=1)
                raise ConfigError(f"attestation '{a.id}': unknown control '{ref}'", display,
                                  lines.line_of(("attestations", i, "controls", j)), f"did you mean '{close[0]}'?" if close else None)
        if a.expires < a.date:
            raise ConfigError(f"attestation '{a.id}' expires before it was made", display, lines.line_of(("attestations", i, "expires")))
    return spec.attestations, lines


def check(specs: Sequence[AttestationSpec], lines: LineMap | None, root: Path, today: dt.date) -> list[AttestationResult]:
    out = []
    real_root = root.resolve()
    for i, a in enumerate(specs):
        status, reason = "valid", f"attested by {a.owner} ({a.role}) on {a.date.isoformat()}, valid until {a.expires.isoformat()}"
        if a.date > today:
            status, reason = "not_yet_valid", f"dated in the future ({a.date.isoformat()})"
        elif a.expires < today:
            status, reason = "expired", f"attestation expired on {a.expires.isoformat()}"
        else:
            for ev in a.evidence:
                p = (root / ev.path)
                try:
                    resolved = p.resolve(strict=True)
                    if not resolved.is_relative_to(real_root) or p.is_symlink():
                        raise FileNotFoundError
                    digest = hashlib.sha256(resolved.read_bytes()).hexdigest()
                except OSError:
                    status, reason = "evidence_missing", f"evidence file '{ev.path}' is missing"
                    break
                if digest != ev.sha256:
                    status, reason = "evidence_changed", f"evidence file '{ev.path}' changed since it was attested (sha256 {digest[:12]}…)"
                    break
        out.append(AttestationResult(
            a.id, tuple(a.controls), status, reason, a.owner, a.role, a.date.isoformat(), a.expires.isoformat(),
            a.statement, lines.line_of(("attestations", i)) if lines else 0,
        ))
    return out


def apply(results: Sequence[ControlResult], attestations: Sequence[AttestationResult]) -> list[ControlResult]:
    by_control: dict[str, list[AttestationResult]] = {}
    for a in attestations:
        for c in a.controls:
            by_control.setdefault(c, []).append(a)
    out = []
    for r in results:
        atts = by_control.get(r.key, [])
        bad = [a for a in atts if a.status != "valid"]
        good = [a for a in atts if a.status == "valid"]
        if r.status is ControlStatus.NOT_APPLICABLE or not atts:
            out.append(r)
        elif bad and r.status is not ControlStatus.FAIL:
            out.append(replace(r, status=ControlStatus.FAIL, basis=Basis.ATTESTED,
                               reason=f"attestation {bad[0].id}: {bad[0].reason}", derived_from=()))
        elif good and r.status is ControlStatus.MANUAL:
            out.append(replace(r, status=ControlStatus.PASS, basis=Basis.ATTESTED, reason=f"attestation {good[0].id}: {good[0].reason}"))
        else:
            out.append(r)
    return out
