"""run(): the one place that calls the stages in order. No typer, no rich."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from . import __version__, controls, crosswalk, gate, inventory
from .config import LoadedConfig
from .masking import mask_secrets
from .models import Finding, Report, ScanResult, ScanStatus, Severity
from .scanners import SCANNERS, ScanContext

SCHEMA_VERSION = 1

_SNIPPET_LINES = 5
_SNIPPET_WIDTH = 240


@dataclass(frozen=True)
class Event:
    kind: str  # "inventory" | "scanner-start" | "scanner-done"
    name: str = ""
    detail: str = ""


EventSink = Callable[[Event], None]


@dataclass(frozen=True)
class ScanOptions:
    scanners: tuple[str, ...]  # selected, in registry order
    required: tuple[str, ...]
    fail_on: Severity | None
    jobs: int
    timeout: int
    timestamp: str | None = None  # ISO time to record, or None for a reproducible report
    timings: bool = False
    env: tuple[tuple[str, str], ...] = ()


def run(root: Path, loaded: LoadedConfig, options: ScanOptions, on_event: EventSink | None = None) -> Report:
    emit: EventSink = on_event or (lambda _e: None)
    cfg = loaded.config
    inv = inventory.collect(root, exclude=cfg.exclude, max_file_size=cfg.max_file_size)
    emit(Event("inventory", detail=f"{len(inv.files)} files"))
    ctx = ScanContext(
        root=root.resolve(), inventory=inv, config=cfg, config_dir=loaded.base_dir,
        timeout=options.timeout, jobs=options.jobs, required=frozenset(options.required), env=dict(options.env),
    )
    results = _run_scanners(ctx, options, emit)
    findings = _enrich(root.resolve(), [f for r in results for f in r.findings])
    by_scanner: dict[str, list[Finding]] = {}
    for f in findings:
        by_scanner.setdefault(f.scanner, []).append(f)
    results = [
        replace(
            r,
            findings=tuple(by_scanner.get(r.scanner, ())),
            coverage=SCANNERS[r.scanner].coverage(inv, r) if r.scanner in SCANNERS else (),
        )
        for r in results
    ]
    decision = gate.decide(findings, results, options.fail_on)
    catalogs = controls.load_catalogs(cfg.catalogs)
    direct = controls.evaluate(
        catalogs, results, findings, inv, controls.EvaluationSettings(asvs_level=cfg.asvs_level)
    )
    evaluated = crosswalk.derive(direct, crosswalk.load_crosswalks(catalogs))
    readiness = controls.readiness(catalogs, evaluated)
    unmapped = tuple(f.fingerprint for f in controls.unmapped_findings(findings, evaluated))
    settings: dict[str, Any] = {
        "config_file": loaded.source,
        "profile": cfg.profile,
        "fail_on": options.fail_on.value if options.fail_on else "none",
        "scanners": list(options.scanners),
        "required_scanners": sorted(options.required),
        "exclude": list(cfg.exclude),
        "max_file_size": cfg.max_file_size,
        "bandit_skip": sorted(cfg.bandit.skip),
        "extra_semgrep_rulesets": list(cfg.semgrep.rulesets),
        "allowed_regions": cfg.residency.allowed_regions,
        "catalogs": list(cfg.catalogs),
        "asvs_level": cfg.asvs_level,
    }
    return Report(
        schema_version=SCHEMA_VERSION,
        tool_version=__version__,
        target=inv,
        scans=tuple(results),
        findings=tuple(findings),
        gate=decision,
        settings=settings,
        controls=tuple(evaluated),
        readiness=tuple(readiness),
        unmapped=unmapped,
        generated_at=options.timestamp,
        timings=options.timings,
    )


def _run_scanners(ctx: ScanContext, options: ScanOptions, emit: EventSink) -> list[ScanResult]:
    selected = [SCANNERS[name] for name in options.scanners]
    skipped = [
        ScanResult(scanner=name, status=ScanStatus.SKIPPED, reason="not selected for this scan", required=name in ctx.required)
        for name in SCANNERS
        if name not in options.scanners
    ]

    def one(scanner: Any) -> ScanResult:
        emit(Event("scanner-start", scanner.name))
        try:
            res: ScanResult = scanner.run(ctx)
        except Exception as exc:  # a bug in an adapter must not turn into "pass"
            res = ScanResult(
                scanner=scanner.name, status=ScanStatus.FAILED,
                reason=f"internal error in the {scanner.name} adapter: {type(exc).__name__}: {exc}",
                required=scanner.name in ctx.required,
            )
        emit(Event("scanner-done", scanner.name, res.status.value))
        return res

    if not selected:
        return sorted(skipped, key=lambda r: r.scanner)
    with ThreadPoolExecutor(max_workers=len(selected)) as pool:
        done = list(pool.map(one, selected))
    return sorted([*done, *skipped], key=lambda r: r.scanner)


def _enrich(root: Path, findings: Sequence[Finding]) -> list[Finding]:
    """Fill masked snippets and line-independent fingerprints; sort; drop exact duplicates."""
    lines_cache: dict[str, list[str]] = {}

    def lines_of(path: str) -> list[str]:
        if path not in lines_cache:
            full = (root / path)
            try:
                if full.is_symlink() or not full.resolve().is_relative_to(root):
                    raise OSError
                lines_cache[path] = full.read_text(encoding="utf-8", errors="replace").splitlines()
            except OSError:
                lines_cache[path] = []
        return lines_cache[path]

    unique: dict[tuple[Any, ...], Finding] = {}
    for f in findings:
        unique.setdefault((f.rule_id, f.location, f.message), f)
    ordered = sorted(unique.values(), key=Finding.sort_key)
    occurrences: dict[tuple[str, str, str], int] = {}
    out: list[Finding] = []
    for f in ordered:
        text = lines_of(f.location.path)
        loc = f.location
        snippet = f.snippet
        first_line = ""
        if loc.line and 0 < loc.line <= len(text):
            end = max(loc.line, min(loc.end_line or loc.line, loc.line + _SNIPPET_LINES - 1, len(text)))
            raw = [ln[:_SNIPPET_WIDTH] for ln in text[loc.line - 1 : end]]
            snippet = mask_secrets("\n".join(raw))
            first_line = text[loc.line - 1]
        norm = re.sub(r"\s+", " ", first_line).strip()
        key = (f.rule_id, loc.path, norm)
        index = occurrences.get(key, 0)
        occurrences[key] = index + 1
        digest = hashlib.sha256("\0".join([f.rule_id, loc.path, norm, str(index)]).encode()).hexdigest()[:20]
        out.append(replace(f, snippet=snippet, message=mask_secrets(f.message), fingerprint=digest))
    return out


def report_timestamp(flag: bool) -> str | None:
    """``--timestamp`` records now; SOURCE_DATE_EPOCH records that instant; otherwise none."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return datetime.fromtimestamp(int(epoch), tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if flag:
        return datetime.now(tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return None
