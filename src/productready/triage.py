"""Triage of findings: waivers, the baseline and inline suppressions.

Each finding ends up ``new``, ``baselined`` (known before; still fails its controls, does not fail
the gate), ``waived`` (an active waiver covers it) or ``suppressed`` (an accepted inline
suppression on its line). A malformed waivers or baseline file is an error (exit 2), never
"log and carry on".
"""

from __future__ import annotations

import datetime as dt
import enum
import fnmatch
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ConfigError
from .models import Finding, Inventory
from .schemas import BaselineFile, SuppressionPolicy, WaiverLimits, WaiversFile, WaiverSpec, validate
from .yamlio import LineMap, load_yaml


class Triage(enum.StrEnum):
    NEW = "new"
    BASELINED = "baselined"
    WAIVED = "waived"
    SUPPRESSED = "suppressed"


@dataclass(frozen=True)
class WaiverResult:
    id: str
    status: str  # active | expired | stale | invalid
    reason: str  # the waiver's own reason
    owner: str
    expires: str
    scope: str
    matched: tuple[str, ...] = ()  # fingerprints
    problem: str = ""  # why expired/invalid/stale
    expiring_soon: bool = False
    line: int = 0


@dataclass(frozen=True)
class Suppression:
    path: str
    line: int
    kind: str  # nosec | nosemgrep | productready
    rules: tuple[str, ...]
    reason: str
    accepted: bool
    problem: str = ""


@dataclass
class TriageResult:
    states: dict[str, Triage] = field(default_factory=dict)  # fingerprint → state
    waivers: list[WaiverResult] = field(default_factory=list)
    control_waivers: dict[str, set[str]] = field(default_factory=dict)  # "catalog:ID" → waived fingerprints
    suppressions: list[Suppression] = field(default_factory=list)
    baseline_file: str = ""

    def state(self, f: Finding) -> Triage:
        return self.states.get(f.fingerprint, Triage.NEW)


# ---------------------------------------------------------------- files


def load_waivers(path: Path, display: str) -> tuple[list[WaiverSpec], LineMap]:
    data, lines = load_yaml(path, display)
    spec = validate(WaiversFile, data, lines)
    seen: dict[str, int] = {}
    for i, w in enumerate(spec.waivers):
        line = lines.line_of(("waivers", i))
        if not (w.rule or w.path or w.fingerprint or w.control):
            raise ConfigError(f"waiver '{w.id}' has no scope", display, line, "give at least one of rule, path, fingerprint, control")
        if w.id in seen:
            raise ConfigError(f"duplicate waiver id '{w.id}' (first on line {seen[w.id]})", display, line)
        seen[w.id] = line
    return spec.waivers, lines


def load_baseline(path: Path, display: str) -> set[str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ConfigError(f"invalid JSON: {exc.msg}", display, exc.lineno) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read baseline: {exc}", display) from None
    spec = validate(BaselineFile, data, LineMap(display))
    return {e.fingerprint for e in spec.findings}


def baseline_document(findings: Sequence[Finding], tool_version: str) -> str:
    entries = sorted(
        ({"fingerprint": f.fingerprint, "rule_id": f.rule_id, "path": f.location.path} for f in findings),
        key=lambda e: (e["path"], e["rule_id"], e["fingerprint"]),
    )
    return json.dumps({"schema_version": 1, "tool_version": tool_version, "findings": entries}, indent=2, sort_keys=True) + "\n"


# ---------------------------------------------------------------- inline suppressions

_NOSEC = re.compile(r"#\s*nosec\b(?P<rest>[^\n]*)")
_NOSEMGREP = re.compile(r"(?:#|//)\s*nosemgrep\b(?::\s*(?P<ids>[\w.\-, ]+))?(?P<rest>[^\n]*)")
_OURS = re.compile(r"#\s*productready:\s*ignore(?:\[(?P<ids>[^\]]*)\])?(?P<rest>[^\n]*)")
_BANDIT_ID = re.compile(r"^B\d{3}$")


def _reason(rest: str) -> str:
    text = rest.strip().lstrip("#").strip()
    text = re.sub(r"^(reason|because|why)\s*[:=-]\s*", "", text, flags=re.I)
    return text.strip(" -—:")


def find_suppressions(root: Path, inv: Inventory, policy: SuppressionPolicy) -> list[Suppression]:
    out: list[Suppression] = []
    for f in inv.files:
        if f.language not in ("python", "yaml", "dockerfile", "terraform", "shell", "javascript", "typescript", "toml"):
            continue
        try:
            text = (root / f.path).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if "nosec" not in text and "nosemgrep" not in text and "productready:" not in text:
            continue
        for n, line in enumerate(text.splitlines(), start=1):
            for kind, rx in (("productready", _OURS), ("nosec", _NOSEC), ("nosemgrep", _NOSEMGREP)):
                m = rx.search(line)
                if not m:
                    continue
                rest = m.group("rest") or ""
                if kind == "nosec":
                    words = rest.replace(",", " ").split()
                    ids = [w for w in words if _BANDIT_ID.match(w)]
                    rules = tuple(f"bandit:{i}" for i in ids)
                    rest = " ".join(w for w in words if not _BANDIT_ID.match(w))
                else:
                    raw = m.group("ids") or ""
                    rules = tuple(sorted({r.strip() for r in raw.split(",") if r.strip()}))
                    if kind == "nosemgrep":
                        rules = tuple(r if ":" in r else f"semgrep:{r.rsplit('.', 1)[-1]}" for r in rules)
                reason = _reason(rest)
                problems = []
                if policy.require_rule_id and not rules:
                    problems.append("names no rule")
                if policy.require_reason and not reason:
                    problems.append("gives no reason")
                out.append(Suppression(f.path, n, kind, rules, reason, not problems, "; ".join(problems)))
                break
    return out


# ---------------------------------------------------------------- triage


def _matches(w: WaiverSpec, f: Finding) -> bool:
    if w.rule and not fnmatch.fnmatchcase(f.rule_id, w.rule):
        return False
    if w.path and not (fnmatch.fnmatchcase(f.location.path, w.path) or (f.location.path.startswith(w.path.rstrip("*").rstrip("/") + "/") and w.path.endswith("**"))):
        return False
    return not (w.fingerprint and w.fingerprint != f.fingerprint)


def triage(
    findings: Sequence[Finding],
    *,
    waivers: Sequence[WaiverSpec],
    waiver_lines: LineMap | None,
    baseline: set[str],
    suppressions: Sequence[Suppression],
    limits: WaiverLimits,
    today: dt.date,
    control_findings: dict[str, set[str]] | None = None,
) -> TriageResult:
    """``control_findings`` maps "catalog:ID" to the fingerprints its selectors match (for
    control-scoped waivers)."""
    res = TriageResult(suppressions=list(suppressions))
    by_line: dict[tuple[str, int], list[Suppression]] = {}
    for s in suppressions:
        if s.kind == "productready" and s.accepted:
            by_line.setdefault((s.path, s.line), []).append(s)
    for f in findings:
        for s in by_line.get((f.location.path, f.location.line), []):
            if not s.rules or f.rule_id in s.rules:
                res.states[f.fingerprint] = Triage.SUPPRESSED
    for f in findings:
        if f.fingerprint in baseline and f.fingerprint not in res.states:
            res.states[f.fingerprint] = Triage.BASELINED
    for i, w in enumerate(waivers):
        line = waiver_lines.line_of(("waivers", i)) if waiver_lines else 0
        scope = ", ".join(f"{k}={v}" for k, v in (("rule", w.rule), ("path", w.path), ("fingerprint", w.fingerprint), ("control", w.control)) if v)
        base = {"id": w.id, "reason": w.reason, "owner": w.owner, "expires": w.expires.isoformat(), "scope": scope, "line": line}
        forbidden = [p for p in limits.never_waive if w.rule and (fnmatch.fnmatchcase(w.rule, p) or fnmatch.fnmatchcase(p, w.rule))]
        if forbidden:
            res.waivers.append(WaiverResult(status="invalid", problem=f"rules matching '{forbidden[0]}' may never be waived", **base))  # type: ignore[arg-type]
            continue
        if limits.max_days is not None and (w.expires - today).days > limits.max_days:
            res.waivers.append(WaiverResult(
                status="invalid", problem=f"expires in {(w.expires - today).days} days; the profile allows at most {limits.max_days}", **base))  # type: ignore[arg-type]
            continue
        if w.control:
            candidates = (control_findings or {}).get(w.control, set())
            matched = tuple(sorted(f.fingerprint for f in findings if f.fingerprint in candidates and _matches(w, f)))
        else:
            matched = tuple(sorted(f.fingerprint for f in findings if _matches(w, f)))
        if w.expires < today:
            res.waivers.append(WaiverResult(status="expired", matched=matched, problem=f"expired on {w.expires.isoformat()}", **base))  # type: ignore[arg-type]
            continue
        if not matched:
            res.waivers.append(WaiverResult(status="stale", problem="matches no finding", **base))  # type: ignore[arg-type]
            continue
        soon = (w.expires - today).days <= limits.expiring_within_days
        res.waivers.append(WaiverResult(status="active", matched=matched, expiring_soon=soon, **base))  # type: ignore[arg-type]
        if w.control:
            res.control_waivers.setdefault(w.control, set()).update(matched)
        else:
            for fp in matched:
                if res.states.get(fp) is not Triage.SUPPRESSED:
                    res.states[fp] = Triage.WAIVED
    return res
