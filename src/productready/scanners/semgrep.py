"""semgrep with productready's own rule packs, fully offline."""

from __future__ import annotations

import hashlib
import json
import os
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from ..cache import FileOutcome, make_salt
from ..config import data_dir
from ..models import Confidence, Finding, Location, RuleInfo, ScanResult, ScanStatus, Severity
from .base import (
    Clock,
    ScanContext,
    ToolRun,
    cache_plan,
    cache_store,
    run_tool,
    skipped_items,
    tail,
    tool_version,
)
from .external import ExternalScanner, cwe_numbers, is_test_path

# Pack folder (semgrep language) → the inventory language whose files we pass.
PACK_LANGUAGES = {"python": "python", "dockerfile": "dockerfile", "yaml": "yaml", "terraform": "terraform"}
_SEMGREP_LANG = {"python": "python", "dockerfile": "dockerfile", "yaml": "yaml", "hcl": "terraform", "terraform": "terraform"}


@cache
def pack_rules() -> tuple[RuleInfo, ...]:
    """The rules of the built-in packs, read from their YAML (our own, trusted data)."""
    base = data_dir("rulesets") / "semgrep"
    out: list[RuleInfo] = []
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # our own trusted data: libyaml when available
    for f in sorted(base.rglob("*.y*ml")):
        doc = yaml.load(f.read_text(encoding="utf-8"), Loader=loader) or {}
        for r in doc.get("rules", []):
            meta = r.get("metadata") or {}
            langs = tuple(sorted({_SEMGREP_LANG.get(str(x).lower(), str(x).lower()) for x in r.get("languages", [])}))
            out.append(
                RuleInfo(
                    rule_id=f"semgrep:{r['id']}",
                    title=str(meta.get("title") or r["id"]),
                    cwe=cwe_numbers(meta.get("cwe")),
                    tags=tuple(sorted({"sast", *_owasp_tags(meta.get("owasp"))})),
                    inputs=langs,
                )
            )
    return tuple(sorted(out, key=lambda r: r.rule_id))


def _owasp_tags(owasp: object) -> list[str]:
    items = owasp if isinstance(owasp, list) else ([owasp] if owasp else [])
    return [f"owasp-{str(o).split(' ')[0].split(':')[0].lower()}" for o in items]


class SemgrepScanner(ExternalScanner):
    name = "semgrep"
    tool = "semgrep"
    description = "semgrep with productready's own rule packs (offline, no registry)"

    def rules(self) -> tuple[RuleInfo, ...]:
        return pack_rules()

    def rule_dirs(self, ctx: ScanContext) -> list[Path]:
        base = data_dir("rulesets") / "semgrep"
        dirs = sorted(p for p in base.iterdir() if p.is_dir() and any(p.glob("*.y*ml")))
        extra = [(ctx.config_dir / r).resolve() for r in ctx.config.semgrep.rulesets]
        return dirs + extra

    def run(self, ctx: ScanContext) -> ScanResult:
        clock = Clock()
        dirs = self.rule_dirs(ctx)
        if not dirs:
            started, finished = clock.stop()
            return self.result(ctx, ScanStatus.FAILED, "no semgrep rule packs found", started=started, finished=finished)
        langs = {d.name for d in dirs if d.name in PACK_LANGUAGES}
        candidates = [
            f.path for f in ctx.inventory.files if f.language in {PACK_LANGUAGES[x] for x in langs}
        ] if langs else []
        if ctx.config.semgrep.rulesets:
            wanted = _extra_languages(dirs[len(dirs) - len(ctx.config.semgrep.rulesets):])
            candidates = [
                f.path for f in ctx.inventory.files
                if f.language and (wanted is None or f.language in wanted or f.path in set(candidates))
            ]
        include_tests = ctx.config.semgrep.include_tests
        files = [p for p in candidates if include_tests or not is_test_path(p)]
        excluded = len(candidates) - len(files)
        details: list[tuple[str, str]] = []
        if excluded:
            details.append(("excluded_test_files", str(excluded)))
        if not files:
            started, finished = clock.stop()
            why = "only test files (excluded, see semgrep.include_tests)" if excluded else "no files in a language the rule packs cover"
            return self.result(
                ctx, ScanStatus.SKIPPED, why, started=started, finished=finished, applicable=False,
                details=tuple(details),
            )
        ruleset_hash = _hash_rules(dirs)
        details.insert(0, ("ruleset_sha256", ruleset_hash))
        exe = self.executable()
        argv = [
            exe, "scan", *_engine_flags(), "--json", "--metrics=off", "--disable-version-check", "--quiet",
            "--timeout", "30", "--timeout-threshold", "3",
        ]
        version = tool_version(exe)
        # what decides a file's result: tool build, rules, options (not --jobs, not the rule folders' location)
        salt = make_salt(
            __file__, "semgrep", self.identity(exe), version, ruleset_hash,
            argv[1:],
        ) if version else None
        argv += ["--jobs", str(max(1, ctx.jobs))]
        for d in dirs:
            argv += ["--config", str(d)]
        plan = cache_plan(ctx, salt, files)
        outcomes: dict[str, FileOutcome] = dict(plan.hits)
        shown = ["semgrep", *argv[1:]]
        shown = [("<rulesets>/semgrep/" + Path(a).name) if Path(a) in dirs else a for a in shown]
        # the report does not depend on the machine: the core count is shown as a placeholder
        shown[shown.index("--jobs") + 1] = "<jobs>"
        common: dict[str, Any] = {"argv": (*shown, "--", f"<{len(files)} files>"), "details": tuple(details)}
        if plan.misses:
            run = run_tool([*argv, "--", *plan.misses], cwd=ctx.root, timeout=ctx.timeout, env=_env(ctx))
            data, problem = _parse(run)
            if data is None:
                started, finished = clock.stop()
                return self.result(ctx, ScanStatus.FAILED, problem, started=started, finished=finished, **common)
            version = str(data.get("version", "")) or version
            rule_errors = [e for e in data.get("errors", []) if not e.get("path") and not e.get("spans")]
            if rule_errors:
                started, finished = clock.stop()
                msg = tail(str(rule_errors[0].get("message", "rule error")))
                return self.result(ctx, ScanStatus.FAILED, f"semgrep rule error: {msg}", version=version,
                                   started=started, finished=finished, **common)
            fresh = _outcomes(plan.misses, data)
            cache_store(ctx, plan, fresh, keep=_deterministic)
            outcomes.update(fresh)
        started, finished = clock.stop()
        skipped_set = skipped_items([(p, r) for p, o in outcomes.items() for r in o.skipped])
        findings = tuple(sorted((f for o in outcomes.values() for f in o.findings), key=Finding.sort_key))
        status = ScanStatus.PARTIAL if skipped_set else ScanStatus.OK
        reason = f"semgrep could not fully analyse {len({s.path for s in skipped_set})} file(s)" if skipped_set else ""
        scanned = sum(1 for p in files if p in outcomes and outcomes[p].scanned)
        return self.result(
            ctx, status, reason, version=version, files_scanned=scanned, skipped=skipped_set,
            findings=findings, started=started, finished=finished, **common,
        )


def _extra_languages(paths: list[Path]) -> set[str] | None:
    """Inventory languages a user's extra rule files apply to; None when any rule's language
    is one productready does not classify (generic, regex, javascript, ...) or a file is unreadable:
    then every file with a language is passed."""
    langs: set[str] = set()
    for d in paths:
        for f in sorted(d.rglob("*.y*ml")) if d.is_dir() else [d]:
            try:
                doc = yaml.safe_load(f.read_text(encoding="utf-8")) or {}
            except (OSError, UnicodeDecodeError, yaml.YAMLError):
                return None
            for r in doc.get("rules", []) if isinstance(doc, dict) else []:
                for lang in (r.get("languages") or []) if isinstance(r, dict) else []:
                    mapped = _SEMGREP_LANG.get(str(lang).lower())
                    if mapped is None:
                        return None
                    langs.add(mapped)
    return langs


def _engine_flags() -> list[str]:
    """semgrep's native (OCaml) command line: the same semgrep-core engine and rules, without the
    Python wrapper's per-run overhead (about 40% less CPU on large trees). PRODUCTREADY_SEMGREP_ENGINE=python
    selects the classic wrapper."""
    return [] if os.environ.get("PRODUCTREADY_SEMGREP_ENGINE", "").lower() == "python" else ["--experimental"]


def _outcomes(files: list[str], data: dict[str, Any]) -> dict[str, FileOutcome]:
    """One semgrep run's results, per file asked for."""
    findings: dict[str, list[Finding]] = {p: [] for p in files}
    reasons: dict[str, list[str]] = {p: [] for p in files}
    for r in data.get("results", []):
        f = _finding(r)
        findings.setdefault(f.location.path, []).append(f)
    for e in data.get("errors", []):
        path = e.get("path") or (e.get("spans") or [{}])[0].get("file")
        if path:
            kind = e.get("type")
            kind = kind[0] if isinstance(kind, list) and kind else kind
            reasons.setdefault(str(path), []).append(
                f"semgrep: {kind or 'error'}: {str(e.get('message', '')).splitlines()[0][:200] if e.get('message') else ''}"
            )
    for sk in (data.get("paths") or {}).get("skipped", []) or []:
        if isinstance(sk, dict) and sk.get("path"):
            reasons.setdefault(str(sk["path"]), []).append(f"semgrep skipped: {sk.get('reason', 'unknown reason')}")
    scanned_list = (data.get("paths") or {}).get("scanned")
    seen = {str(x).removeprefix("./") for x in scanned_list} if isinstance(scanned_list, list) else set(files)
    for p in files:
        if p not in seen:
            # semgrep silently drops some explicit targets in some setups: anything we asked for
            # and it did not report as scanned was not looked at
            reasons[p].append("semgrep did not scan this file")
    out: dict[str, FileOutcome] = {}
    for p in sorted(set(findings) | set(reasons)):
        out[p] = FileOutcome(
            tuple(sorted(findings.get(p, []), key=Finding.sort_key)),
            tuple(sorted(set(reasons.get(p, [])))),
            scanned=p in seen,
        )
    return out


def _deterministic(outcome: FileOutcome) -> bool:
    """Timeouts and memory limits depend on the machine's load: such a file is scanned again next time."""
    return not any(("Timeout" in r or "OutOfMemory" in r or "timeout" in r) for r in outcome.skipped)


def _env(ctx: ScanContext) -> dict[str, str]:
    return {
        "SEMGREP_SEND_METRICS": "off",
        "SEMGREP_ENABLE_VERSION_CHECK": "0",
        **ctx.env,
    }


def _parse(run: ToolRun) -> tuple[dict[str, Any] | None, str]:
    if run.missing:
        return None, run.error
    if run.timed_out:
        return None, "semgrep timed out"
    try:
        data = json.loads(run.stdout)
    except json.JSONDecodeError as exc:
        detail = tail(run.stderr) or f"invalid JSON ({exc.msg})"
        return None, f"semgrep exited with code {run.returncode}: {detail}"
    if not isinstance(data, dict) or not isinstance(data.get("results"), list):
        return None, f"semgrep exited with code {run.returncode}: JSON output has no 'results' list"
    if run.returncode not in (0, 1) and not data.get("results") and data.get("errors"):
        first = data["errors"][0]
        return None, f"semgrep exited with code {run.returncode}: {tail(str(first.get('message', '')))}"
    return data, ""


def _hash_rules(dirs: list[Path]) -> str:
    h = hashlib.sha256()
    for d in dirs:
        files = sorted(d.rglob("*.y*ml")) if d.is_dir() else [d]
        for f in files:
            h.update(f.name.encode())
            h.update(f.read_bytes())
    return h.hexdigest()


_SEVERITY = {"ERROR": Severity.HIGH, "WARNING": Severity.MEDIUM, "INFO": Severity.LOW}
_CONFIDENCE = {"HIGH": Confidence.HIGH, "MEDIUM": Confidence.MEDIUM, "LOW": Confidence.LOW}


def _finding(r: dict[str, Any]) -> Finding:
    extra = r.get("extra") or {}
    meta = extra.get("metadata") or {}
    native = str(r.get("check_id", "unknown")).rsplit(".", 1)[-1]
    sev = str(meta.get("productready_severity") or "").lower()
    severity = Severity(sev) if sev in {s.value for s in Severity} else _SEVERITY.get(
        str(extra.get("severity", "")).upper(), Severity.MEDIUM
    )
    start = r.get("start") or {}
    end = r.get("end") or {}
    owasp_tags = _owasp_tags(meta.get("owasp"))
    return Finding(
        scanner="semgrep",
        rule_id=f"semgrep:{native}",
        severity=severity,
        confidence=_CONFIDENCE.get(str(meta.get("confidence", "")).upper(), Confidence.MEDIUM),
        title=str(meta.get("title") or native),
        message=str(extra.get("message", "")).strip(),
        location=Location(str(r.get("path", "")), int(start.get("line") or 0), int(end.get("line") or 0), int(start.get("col") or 0)),
        cwe=cwe_numbers(meta.get("cwe")),
        tags=tuple(sorted({"sast", *owasp_tags})),
        remediation=str(meta.get("remediation", "")),
    )
