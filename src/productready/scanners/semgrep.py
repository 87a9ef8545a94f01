"""semgrep with productready's own rule packs, fully offline."""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from ..config import data_dir
from ..models import Confidence, Finding, Location, RuleInfo, ScanResult, ScanStatus, Severity
from .base import Clock, ScanContext, ToolRun, run_tool, skipped_items, tail
from .external import ExternalScanner, cwe_numbers

# Pack folder (semgrep language) → the inventory language whose files we pass.
PACK_LANGUAGES = {"python": "python", "dockerfile": "dockerfile", "yaml": "yaml", "terraform": "terraform"}
_SEMGREP_LANG = {"python": "python", "dockerfile": "dockerfile", "yaml": "yaml", "hcl": "terraform", "terraform": "terraform"}


@cache
def pack_rules() -> tuple[RuleInfo, ...]:
    """The rules of the built-in packs, read from their YAML (our own, trusted data)."""
    base = data_dir("rulesets") / "semgrep"
    out: list[RuleInfo] = []
    for f in sorted(base.rglob("*.y*ml")):
        doc = yaml.safe_load(f.read_text(encoding="utf-8")) or {}
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
        files = [
            f.path for f in ctx.inventory.files if f.language in {PACK_LANGUAGES[x] for x in langs}
        ] if langs else []
        if ctx.config.semgrep.rulesets:
            files = [f.path for f in ctx.inventory.files if f.language]
        if not files:
            started, finished = clock.stop()
            return self.result(
                ctx, ScanStatus.SKIPPED, "no files in a language the rule packs cover",
                started=started, finished=finished, applicable=False,
            )
        ruleset_hash = _hash_rules(dirs)
        argv = [
            self.executable(), "scan", "--json", "--metrics=off", "--disable-version-check", "--quiet",
            "--timeout", "30", "--timeout-threshold", "3", "--jobs", str(max(1, ctx.jobs)),
        ]
        for d in dirs:
            argv += ["--config", str(d)]
        run = run_tool([*argv, "--", *files], cwd=ctx.root, timeout=ctx.timeout, env=_env(ctx))
        started, finished = clock.stop()
        shown = ["semgrep", *argv[1:]]
        shown = [("<rulesets>/semgrep/" + Path(a).name) if Path(a) in dirs else a for a in shown]
        common: dict[str, Any] = {
            "argv": (*shown, "--", f"<{len(files)} files>"), "started": started, "finished": finished,
            "details": (("ruleset_sha256", ruleset_hash),),
        }
        data, problem = _parse(run)
        if data is None:
            return self.result(ctx, ScanStatus.FAILED, problem, **common)
        version = str(data.get("version", ""))
        rule_errors = [e for e in data.get("errors", []) if not e.get("path") and not e.get("spans")]
        if rule_errors:
            msg = tail(str(rule_errors[0].get("message", "rule error")))
            return self.result(ctx, ScanStatus.FAILED, f"semgrep rule error: {msg}", version=version, **common)
        skipped: list[tuple[str, str]] = []
        for e in data.get("errors", []):
            path = e.get("path") or (e.get("spans") or [{}])[0].get("file")
            if path:
                kind = e.get("type")
                kind = kind[0] if isinstance(kind, list) and kind else kind
                skipped.append((str(path), f"semgrep: {kind or 'error'}: {str(e.get('message', '')).splitlines()[0][:200]}"))
        for s in (data.get("paths") or {}).get("skipped", []) or []:
            if isinstance(s, dict) and s.get("path"):
                skipped.append((str(s["path"]), f"semgrep skipped: {s.get('reason', 'unknown reason')}"))
        scanned_list = (data.get("paths") or {}).get("scanned")
        if isinstance(scanned_list, list):
            # semgrep silently drops some explicit targets in some setups: anything we asked for
            # and it did not report as scanned was not looked at
            seen = {str(x).removeprefix("./") for x in scanned_list}
            skipped.extend((f, "semgrep did not scan this file") for f in files if f not in seen)
        skipped_set = skipped_items(skipped)
        findings = tuple(sorted((_finding(r) for r in data.get("results", [])), key=Finding.sort_key))
        status = ScanStatus.PARTIAL if skipped_set else ScanStatus.OK
        reason = f"semgrep could not fully analyse {len({s.path for s in skipped_set})} file(s)" if skipped_set else ""
        scanned = len((data.get("paths") or {}).get("scanned", []) or files)
        return self.result(
            ctx, status, reason, version=version, files_scanned=scanned, skipped=skipped_set,
            findings=findings, **common,
        )


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
