"""Dependency audit: manifests parsed by our own code (never executed), audited offline against
the OSV database or online through the real pip-audit. A package that could not be audited is
reported as such and leaves the audit incomplete — never clean."""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..deps.manifests import Dependency, DepKind, parse_manifests, resolve
from ..deps.vulndb import VulnDB, VulnDBError, normalize
from ..models import (
    Advisory,
    Confidence,
    Coverage,
    DependencyRecord,
    Finding,
    Inventory,
    Location,
    RuleInfo,
    ScanResult,
    ScanStatus,
    Severity,
    SkippedItem,
)
from .base import Clock, ScanContext, run_tool, tail, tool_version
from .external import ExternalScanner

VULNERABLE = "deps:vulnerable-dependency"
UNPINNED = "deps:unpinned-dependency"
_INPUTS = ("python-manifest", "lockfile")
_SEVERITY = {"CRITICAL": Severity.CRITICAL, "HIGH": Severity.HIGH, "MODERATE": Severity.MEDIUM, "MEDIUM": Severity.MEDIUM, "LOW": Severity.LOW}


@dataclass(frozen=True)
class Audit:
    """What a backend said about the pinned dependencies."""

    backend: str
    found: dict[tuple[str, str], list[Advisory]]  # (name, version) → advisories
    unaudited: dict[tuple[str, str], str]  # (name, version) → why
    clean_note: str  # how to describe a package with no advisories
    details: tuple[tuple[str, str], ...]
    fixes: dict[tuple[str, str], str]
    error: str = ""  # the whole backend failed


class DepsScanner(ExternalScanner):
    name = "deps"
    tool = "pip-audit"
    description = "dependency audit: offline OSV database or pip-audit; manifests never executed"
    required_by_default = False  # auditability depends on pinning, itself reported as findings

    def rules(self) -> tuple[RuleInfo, ...]:
        return (
            RuleInfo(VULNERABLE, "Dependencies have no known vulnerabilities", (1395,), ("dependencies", "supply-chain"), _INPUTS),
            RuleInfo(UNPINNED, "Dependencies are pinned to exact versions", (1357,), ("dependencies", "supply-chain"), _INPUTS),
        )

    def coverage(self, inventory: Inventory, result: ScanResult) -> tuple[tuple[str, Coverage], ...]:
        """Pinning is judged whenever the manifests parsed; the vulnerability audit only when every
        dependency could be audited."""
        base = dict(super().coverage(inventory, result))
        if result.status in (ScanStatus.OK, ScanStatus.PARTIAL, ScanStatus.FAILED) and result.files_scanned:
            manifest_problem = any(s.reason.startswith("line ") and " not audited: " not in s.reason for s in result.skipped)
            if not manifest_problem and base.get(UNPINNED) is not Coverage.NO_INPUT:
                base[UNPINNED] = Coverage.EVALUATED
            unaudited = any(r.audit == "unaudited" for r in result.dependencies) or result.status is ScanStatus.FAILED
            if base.get(VULNERABLE) is not Coverage.NO_INPUT:
                base[VULNERABLE] = Coverage.INCOMPLETE if unaudited or manifest_problem else Coverage.EVALUATED
        return tuple(sorted(base.items()))

    def run(self, ctx: ScanContext) -> ScanResult:
        clock = Clock()
        paths = ctx.inventory.paths(kind="python-manifest") + ctx.inventory.paths(kind="lockfile")
        paths = tuple(sorted(set(paths)))
        if not paths:
            started, finished = clock.stop()
            return self.result(ctx, ScanStatus.SKIPPED, "no Python dependency manifests", started=started,
                               finished=finished, applicable=False)
        ms = parse_manifests(ctx.root, paths)
        deps = resolve(ms)
        pinned = [d for d in deps if d.kind is DepKind.PINNED and d.version]
        settings = ctx.config.deps
        audit = self._audit(ctx, pinned)
        started, finished = clock.stop()
        findings: list[Finding] = []
        records: list[DependencyRecord] = []
        skipped: list[SkippedItem] = [SkippedItem(p.file, f"line {p.line}: {p.message}") for p in ms.problems]
        for d in deps:
            if d.kind is DepKind.PINNED and d.version:
                key = (d.name, d.version)
                if audit.error or key in audit.unaudited:
                    why = audit.error or audit.unaudited[key]
                    records.append(_record(d, "unaudited", f"not audited: {why}"))
                    skipped.append(SkippedItem(d.file, f"line {d.line}: {d.name}=={d.version} not audited: {why}"))
                    continue
                advisories = audit.found.get(key, [])
                if advisories:
                    fix = audit.fixes.get(key, "")
                    records.append(_record(d, "vulnerable", f"{len(advisories)} known advisories", tuple(advisories), fix))
                    findings.append(_vuln_finding(d, advisories, fix))
                else:
                    records.append(_record(d, "clean", audit.clean_note))
            else:
                why = {
                    DepKind.UNPINNED: "not pinned to an exact version and no lockfile pins it",
                    DepKind.URL: "installed from a URL",
                    DepKind.VCS: "installed from a version-control URL",
                    DepKind.EDITABLE: "editable install",
                    DepKind.LOCAL_PATH: "installed from a local path",
                }[d.kind]
                records.append(_record(d, "unaudited", f"not audited: {why}"))
                skipped.append(SkippedItem(d.file, f"line {d.line}: {d.raw_name or d.name} not audited: {why}"))
                if d.kind is DepKind.UNPINNED:
                    findings.append(_unpinned_finding(d))
        details = dict(audit.details)
        details["packages"] = str(len(records))
        details["audited"] = str(sum(1 for r in records if r.audit != "unaudited"))
        if audit.error:
            return self.result(ctx, ScanStatus.FAILED, audit.error, started=started, finished=finished,
                               details=tuple(sorted(details.items())), dependencies=tuple(records),
                               findings=tuple(sorted(findings, key=Finding.sort_key)),
                               files_scanned=len(ms.files))
        skipped_t = tuple(sorted(set(skipped)))
        status = ScanStatus.PARTIAL if skipped_t else ScanStatus.OK
        unaudited = sum(1 for r in records if r.audit == "unaudited")
        reason = f"{unaudited} dependency(ies) could not be audited" if unaudited else (
            f"{len(ms.problems)} manifest problem(s)" if ms.problems else "")
        if "db_age_days" in details and int(details["db_age_days"]) > settings.max_db_age_days:
            details["warning"] = (
                f"vulnerability database snapshot {details.get('db_snapshot', '?')} is {details['db_age_days']} days old "
                f"(limit {settings.max_db_age_days}); run `productready db update`"
            )
        return self.result(
            ctx, status, reason, version=details.get("pip_audit_version") or f"osv-db {details.get('db_snapshot', '?')}", started=started, finished=finished,
            files_scanned=len(ms.files), skipped=skipped_t,
            findings=tuple(sorted(findings, key=Finding.sort_key)),
            details=tuple(sorted(details.items())), dependencies=tuple(records),
        )

    # ------------------------------------------------------------------ backends

    def _audit(self, ctx: ScanContext, pinned: list[Dependency]) -> Audit:
        backend = ctx.config.deps.backend
        if backend == "auto":
            backend = "pip-audit" if _service_answers(ctx.config.deps.osv_url) else "offline"
        if backend == "pip-audit":
            return self._pip_audit(ctx, pinned)
        return _offline(pinned, ctx.env)

    def _pip_audit(self, ctx: ScanContext, pinned: list[Dependency]) -> Audit:
        settings = ctx.config.deps
        exe = self.executable()
        version = tool_version(exe)
        details: dict[str, str] = {"backend": "pip-audit", "osv_url": settings.osv_url, "pip_audit_version": version}
        unique = sorted({(d.name, d.version or "") for d in pinned})
        if not unique:
            return Audit("pip-audit", {}, {}, "no known advisories", tuple(details.items()), {})
        with tempfile.TemporaryDirectory(prefix="productready-pip-audit-") as tmp:
            req = Path(tmp) / "requirements.txt"
            req.write_text("".join(f"{n}=={v}\n" for n, v in unique), encoding="utf-8")
            argv = [
                exe, "-r", str(req), "--no-deps", "--disable-pip", "-f", "json", "-s", "osv",
                "--osv-url", settings.osv_url, "--progress-spinner", "off", "--cache-dir", str(Path(tmp) / "cache"),
                "--timeout", str(min(settings.timeout, 60)), "--aliases", "on", "--desc", "on",
            ]
            run = run_tool(argv, cwd=Path(tmp), timeout=settings.timeout + 30, env=ctx.env)
        if run.missing:
            return Audit("pip-audit", {}, {}, "", tuple(details.items()), {}, error=run.error)
        if run.timed_out:
            return Audit("pip-audit", {}, {}, "", tuple(details.items()), {}, error="pip-audit timed out")
        try:
            data = json.loads(run.stdout)
            entries = data["dependencies"]
        except (json.JSONDecodeError, KeyError, TypeError):
            return Audit("pip-audit", {}, {}, "", tuple(details.items()), {},
                         error=f"pip-audit exited with code {run.returncode}: {tail(run.stderr or run.stdout) or 'no output'}")
        found: dict[tuple[str, str], list[Advisory]] = {}
        unaudited: dict[tuple[str, str], str] = {}
        fixes: dict[tuple[str, str], str] = {}
        seen: set[tuple[str, str]] = set()
        for e in entries:
            key = (_norm(str(e.get("name", ""))), str(e.get("version", "")))
            if e.get("skip_reason"):
                # pip-audit's JSON omits the version of a skipped package: match by name
                for k in unique:
                    if k[0] == key[0]:
                        unaudited[k] = f"pip-audit skipped it: {e['skip_reason']}"
                        seen.add(k)
                continue
            seen.add(key)
            vulns = e.get("vulns") or []
            if vulns:
                found[key] = [
                    Advisory(str(v.get("id")), tuple(sorted(v.get("aliases") or [])), str(v.get("description") or "")[:300],
                             tuple(v.get("fix_versions") or ()))
                    for v in vulns
                ]
                fixes[key] = _smallest_common_fix(found[key])
        for k in unique:
            if k not in seen:
                unaudited[k] = "pip-audit did not report on it"
        return Audit("pip-audit", found, unaudited, f"no known advisories at {settings.osv_url}",
                     tuple(details.items()), fixes)


def _offline(pinned: list[Dependency], env: dict[str, str]) -> Audit:
    try:
        db = VulnDB.load(Path(env["PRODUCTREADY_VULNDB"]) if "PRODUCTREADY_VULNDB" in env else None)
    except VulnDBError as exc:
        return Audit("offline", {}, {}, "", (("backend", "offline"),), {}, error=str(exc))
    details = {
        "backend": "offline",
        "db_source": db.source,
        "db_snapshot": db.snapshot_date,
        "db_sha256": db.sha256(),
        "db_age_days": str(_age_days(db.snapshot)),
    }
    found: dict[tuple[str, str], list[Advisory]] = {}
    fixes: dict[tuple[str, str], str] = {}
    for d in pinned:
        key = (d.name, d.version or "")
        if key in found:
            continue
        matches = db.query(d.name, key[1])
        if matches:
            found[key] = [
                Advisory(m.id, m.aliases, str(m.advisory.get("summary") or m.advisory.get("details") or "")[:300],
                         m.fixed, _record_severity(m.advisory))
                for m in matches
            ]
            fixes[key] = db.smallest_fix(d.name, key[1]) or ""
    return Audit("offline", found, {}, f"no known advisories in snapshot {db.snapshot_date}", tuple(details.items()), fixes)


def _age_days(snapshot: str) -> int:
    try:
        when = datetime.fromisoformat(snapshot.replace("Z", "+00:00"))
    except ValueError:
        return 10_000
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0, (datetime.now(tz=UTC) - when).days)


def _service_answers(url: str) -> bool:
    import requests  # only the pip-audit backend needs it

    try:
        r = requests.post(url, json={"package": {"name": "pip", "ecosystem": "PyPI"}, "version": "0.0.0"}, timeout=3)
    except requests.RequestException:
        return False
    return r.status_code == 200


def _norm(name: str) -> str:
    return normalize(name)


def _record_severity(adv: dict[str, Any]) -> str:
    sev = str((adv.get("database_specific") or {}).get("severity") or "").upper()
    return sev if sev in _SEVERITY else ""


def _smallest_common_fix(advisories: list[Advisory]) -> str:
    from packaging.version import InvalidVersion, Version

    best: Version | None = None
    for a in advisories:
        vs = []
        for f in a.fixed:
            try:
                vs.append(Version(f))
            except InvalidVersion:
                continue
        if not vs:
            return ""
        low = min(vs)
        best = low if best is None or low > best else best
    return str(best) if best else ""


def _record(d: Dependency, audit: str, note: str, advisories: tuple[Advisory, ...] = (), fix: str = "") -> DependencyRecord:
    return DependencyRecord(
        name=d.name, version=d.version or "", kind=d.kind.value, file=d.file, line=d.line, audit=audit, note=note,
        advisories=advisories, fix=fix, dev=d.dev,
    )


def _vuln_finding(d: Dependency, advisories: list[Advisory], fix: str) -> Finding:
    sev = max((_SEVERITY.get(a.severity, Severity.HIGH) for a in advisories), key=lambda s: s.rank)
    ids = [a.id for a in advisories]
    aliases = sorted({x for a in advisories for x in a.aliases if x.startswith("CVE-")})
    shown = ", ".join(ids[:5]) + (f" and {len(ids) - 5} more" if len(ids) > 5 else "")
    upgrade = f"upgrade to {fix} or later" if fix else "no release fixes every advisory; replace or mitigate"
    return Finding(
        scanner="deps",
        rule_id=VULNERABLE,
        severity=sev,
        confidence=Confidence.HIGH,
        title=f"{d.name} {d.version} has {len(advisories)} known vulnerabilit{'y' if len(advisories) == 1 else 'ies'}",
        message=f"{d.name}=={d.version}: {shown}" + (f" ({', '.join(aliases[:5])})" if aliases else "") + f"; {upgrade}",
        location=Location(d.file, d.line, d.line),
        cwe=(1395,),
        tags=("dependencies", "supply-chain", *sorted({f"advisory-{i}" for i in ids[:50]})),
        remediation=f"Pin {d.name} to {fix} or later and re-run the audit." if fix else f"Replace {d.name} or apply vendor mitigations.",
    )


def _unpinned_finding(d: Dependency) -> Finding:
    return Finding(
        scanner="deps",
        rule_id=UNPINNED,
        severity=Severity.MEDIUM,
        confidence=Confidence.HIGH,
        title=f"{d.raw_name or d.name} is not pinned to an exact version",
        message=f"{d.raw_name or d.name}{d.specifier} is not pinned and no lockfile pins it, so the audit cannot know which version ships",
        location=Location(d.file, d.line, d.line),
        cwe=(1357,),
        tags=("dependencies", "supply-chain"),
        remediation="Pin every dependency with == in a lockfile (uv.lock, poetry.lock, pylock.toml or a fully pinned requirements file).",
    )
