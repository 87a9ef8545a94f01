"""Canonical JSON report (validated by schemas/report.schema.json)."""

from __future__ import annotations

from typing import Any

from ..models import DependencyRecord, Finding, Report, ScanResult, Severity
from .base import Format
from .jsonout import canonical_bytes, canonical_text, gc_paused


def finding_dict(f: Finding) -> dict[str, Any]:
    loc = f.location
    return {
        "fingerprint": f.fingerprint,
        "rule_id": f.rule_id,
        "scanner": f.scanner,
        # ``_value_`` is the plain value of a StrEnum member; ``.value`` is a (slow) descriptor
        "severity": f.severity._value_,
        "confidence": f.confidence._value_,
        "title": f.title,
        "message": f.message,
        "location": {"path": loc.path, "line": loc.line, "end_line": loc.end_line, "column": loc.column},
        "cwe": list(f.cwe),
        "tags": list(f.tags),
        "snippet": f.snippet,
        "remediation": f.remediation,
        "help_url": f.help_url,
    }


def findings_list(report: Report) -> list[dict[str, Any]]:
    """The canonical ``findings`` array: every finding with its triage state."""
    triage = report.triage
    out = []
    for f in report.findings:
        d = finding_dict(f)
        d["triage"] = triage.get(f.fingerprint, "new")
        out.append(d)
    return out


def dependency_dict(d: DependencyRecord) -> dict[str, Any]:
    return {
        "name": d.name,
        "version": d.version,
        "kind": d.kind,
        "file": d.file,
        "line": d.line,
        "audit": d.audit,
        "note": d.note,
        "fix": d.fix,
        "dev": d.dev,
        "advisories": [
            {"id": a.id, "aliases": list(a.aliases), "summary": a.summary, "fixed": list(a.fixed), "severity": a.severity}
            for a in d.advisories
        ],
    }


def scan_dict(s: ScanResult, timings: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "scanner": s.scanner,
        "status": s.status.value,
        "reason": s.reason,
        "required": s.required,
        "applicable": s.applicable,
        "version": s.version,
        "argv": list(s.argv),
        "files_scanned": s.files_scanned,
        "skipped": [{"path": k.path, "reason": k.reason} for k in s.skipped],
        "findings": len(s.findings),
        "details": dict(s.details),
        "coverage": {rule: state.value for rule, state in s.coverage},
    }
    if s.dependencies:
        out["dependencies"] = [dependency_dict(d) for d in s.dependencies]
    if timings:
        out["started"] = round(s.started, 3)
        out["finished"] = round(s.finished, 3)
        out["duration_seconds"] = round(s.duration, 3)
    return out


def control_dict(c: Any) -> dict[str, Any]:
    return {
        "id": c.key,
        "catalog": c.catalog,
        "control": c.control_id,
        "title": c.title,
        "status": c.status.value,
        "basis": c.basis.value,
        "reason": c.reason,
        "findings": list(c.findings),
        "evidence": {"evaluated_rules": list(c.evaluated_rules), "incomplete_rules": list(c.incomplete_rules)},
        "derived_from": list(c.derived_from),
        "related": list(c.related),
        "has_automated_evidence": c.has_automated_evidence,
    }


def readiness_dict(r: Any) -> dict[str, Any]:
    return {
        "catalog": r.catalog,
        "name": r.name,
        "framework": r.framework,
        "score": round(r.score, 4),
        "formula": r.formula,
        "controls": r.total,
        "not_applicable": r.not_applicable,
        "pass": {"total": r.passed, "automated": r.passed_automated, "attested": r.passed_attested, "derived": r.passed_derived},
        "fail": r.failed,
        "inconclusive": r.inconclusive,
        "manual": r.manual,
        "coverage": {"automated_evidence": r.with_automated_evidence, "attest_only": r.attest_only},
    }


def severity_counts(report: Report) -> dict[str, int]:
    by_sev = {s._value_: 0 for s in Severity}
    for f in report.findings:
        by_sev[f.severity] += 1  # a StrEnum member hashes and compares as its value
    return by_sev


def report_dict(report: Report, *, findings: bool = True) -> dict[str, Any]:
    """The canonical report. ``findings=False`` leaves the ``findings`` array out (the templates
    build it only when a template asks for it)."""
    inv = report.target
    by_sev = severity_counts(report)
    out: dict[str, Any] = {
        "schema_version": report.schema_version,
        "tool": {"name": "productready", "version": report.tool_version},
        "generated_at": report.generated_at,
        "target": {
            "name": inv.root_name,
            "source": "git" if inv.is_git else "walk",
            "files": len(inv.files),
            "languages": inv.languages(),
            "artifacts": {k: list(v) for k, v in inv.artifacts().items()},
            "skipped": [{"path": s.path, "reason": s.reason} for s in inv.skipped],
        },
        "settings": report.settings,
        "scans": [scan_dict(s, report.timings) for s in report.scans],
        "summary": {
            "findings": len(report.findings),
            "by_severity": by_sev,
            "by_scanner": {s.scanner: len(s.findings) for s in report.scans},
        },
        "findings": findings_list(report) if findings else [],
        "readiness": [readiness_dict(r) for r in report.readiness],
        "controls": [control_dict(c) for c in report.controls],
        "unmapped_findings": list(report.unmapped),
        "gate": {
            "passed": report.gate.passed,
            "verdict": report.gate.verdict,
            "profile": report.gate.profile,
            "fail_on": report.gate.fail_on,
            "blocking": list(report.gate.blocking),
            "incomplete": list(report.gate.incomplete),
            "blockers": list(report.gate.blockers),
            "conditions": list(report.gate.conditions),
        },
        "waivers": [
            {"id": w.id, "status": w.status, "scope": w.scope, "reason": w.reason, "owner": w.owner, "expires": w.expires,
             "matched": list(w.matched), "problem": w.problem, "expiring_soon": w.expiring_soon}
            for w in report.waivers
        ],
        "suppressions": [
            {"path": x.path, "line": x.line, "kind": x.kind, "rules": list(x.rules), "reason": x.reason,
             "accepted": x.accepted, "problem": x.problem}
            for x in report.suppressions
        ],
        "attestations": [
            {"id": a.id, "controls": list(a.controls), "status": a.status, "reason": a.reason, "owner": a.owner,
             "role": a.role, "date": a.date, "expires": a.expires, "statement": a.statement}
            for a in report.attestations
        ],
    }
    if not findings:
        del out["findings"]
    return out


class JsonFormat(Format):
    name = "json"
    extension = "json"
    description = "canonical machine-readable report (JSON Schema: schemas/report.schema.json)"

    def render(self, report: Report) -> str:
        with gc_paused():
            return canonical_text(report_dict(report))

    def render_bytes(self, report: Report) -> bytes:
        with gc_paused():
            return canonical_bytes(report_dict(report))
