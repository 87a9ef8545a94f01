"""run(): the one place that calls the stages in order. No typer, no rich."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from . import __version__, attestations, controls, crosswalk, gate, inventory, triage
from .cache import Digests, ResultCache
from .config import LoadedConfig
from .errors import ConfigError
from .masking import mask_secrets
from .models import Coverage, Finding, Inventory, Report, ScanResult, ScanStatus, Severity
from .profiles import load_profile
from .scanners import SCANNERS, ScanContext
from .schemas import AttestationSpec, WaiverSpec
from .yamlio import LineMap

SCHEMA_VERSION = 1

_SNIPPET_LINES = 5
_SNIPPET_WIDTH = 240


@dataclass(frozen=True)
class Event:
    kind: str  # "inventory" | "scanner-start" | "scanner-done" | "warning"
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
    today: dt.date = dt.date(1970, 1, 1)  # waiver/attestation expiry and database age are judged on this date
    changed_files: frozenset[str] | None = None  # --changed-since: only findings here can block
    baseline: str | None = None  # explicit baseline file (else the config's, when it exists)
    output_dir: Path | None = None  # where reports go: never scanned when it lies inside the target
    cache_dir: Path | None = None  # per-file result cache folder; None: no cache (--no-cache)


def run(root: Path, loaded: LoadedConfig, options: ScanOptions, on_event: EventSink | None = None) -> Report:
    emit: EventSink = on_event or (lambda _e: None)
    cfg = loaded.config
    profile = load_profile(cfg.profile)
    catalogs = controls.load_catalogs(cfg.catalogs)
    known = {f"{c.id}:{x.id}" for c in catalogs for x in c.spec.controls}
    # user-authored governance files are read (and rejected when malformed) before the long scan
    no_waivers: tuple[list[WaiverSpec], LineMap | None] = ([], None)
    no_attestations: tuple[list[AttestationSpec], LineMap | None] = ([], None)
    waiver_specs, waiver_lines = _optional(root, cfg.waivers, triage.load_waivers, no_waivers)
    att_specs, att_lines = _optional(
        root, cfg.attestations, lambda p, d: attestations.load_attestations(p, d, known), no_attestations
    )
    baseline_path = options.baseline or cfg.baseline
    baseline: set[str] = _optional(root, baseline_path, triage.load_baseline, set(), required=options.baseline is not None)
    exclude = list(cfg.exclude)
    if options.output_dir is not None:
        out = options.output_dir.resolve()
        if out.is_relative_to(root.resolve()) and out != root.resolve():
            exclude.append(out.relative_to(root.resolve()).as_posix())
    inv = inventory.collect(root, exclude=exclude, max_file_size=cfg.max_file_size)
    emit(Event("inventory", detail=f"{len(inv.files)} files"))
    result_cache = (
        ResultCache(options.cache_dir, warn=lambda m: emit(Event("warning", detail=m)))
        if options.cache_dir is not None else None
    )
    ctx = ScanContext(
        root=root.resolve(), inventory=inv, config=cfg, config_dir=loaded.base_dir,
        timeout=options.timeout, jobs=options.jobs, required=frozenset(options.required), env=dict(options.env),
        cache=result_cache, digests=Digests(root.resolve()) if result_cache is not None else None,
    )
    try:
        results = _run_scanners(ctx, options, emit)
    finally:
        if result_cache is not None:
            result_cache.close()
    findings = _enrich(root.resolve(), [f for r in results for f in r.findings])
    by_scanner: dict[str, list[Finding]] = {}
    for f in findings:
        by_scanner.setdefault(f.scanner, []).append(f)
    results = [
        replace(
            r,
            findings=tuple(by_scanner.get(r.scanner, ())),
            coverage=_unseen_files(inv, r.scanner, SCANNERS[r.scanner].coverage(inv, r)) if r.scanner in SCANNERS else (),
        )
        for r in results
    ]
    sups = triage.find_suppressions(root.resolve(), inv, profile.suppressions)
    scoped = {w.control for w in waiver_specs if w.control}
    tri = triage.triage(
        findings, waivers=waiver_specs, waiver_lines=waiver_lines, baseline=baseline, suppressions=sups,
        limits=profile.waivers, today=options.today,
        control_findings=controls.control_matches(catalogs, scoped, findings) if scoped else None,
    )
    counted = [f for f in findings if tri.state(f) not in (triage.Triage.WAIVED, triage.Triage.SUPPRESSED)]
    direct = controls.evaluate(
        catalogs, results, counted, inv, controls.EvaluationSettings(asvs_level=cfg.asvs_level),
        control_waivers=tri.control_waivers,
    )
    att_results = attestations.check(att_specs, att_lines, root, options.today)
    attested = attestations.apply(direct, att_results)
    evaluated = crosswalk.derive(attested, crosswalk.load_crosswalks(catalogs))
    readiness = controls.readiness(catalogs, evaluated)
    unmapped = tuple(f.fingerprint for f in controls.unmapped_findings(counted, evaluated))
    decision = gate.decide(
        findings=findings, tri=tri, scans=results, controls=evaluated, readiness=readiness,
        attestations=att_results, profile=profile, fail_on=options.fail_on, changed=options.changed_files,
    )
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
        "changed_since": sorted(options.changed_files) if options.changed_files is not None else None,
        "baseline": baseline_path if baseline else None,
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
        triage={f.fingerprint: tri.state(f).value for f in findings},
        waivers=tuple(tri.waivers),
        suppressions=tuple(sorted(tri.suppressions, key=lambda x: (x.path, x.line))),
        attestations=tuple(att_results),
        generated_at=options.timestamp,
        timings=options.timings,
    )


T = TypeVar("T")


def _optional(
    root: Path, rel: str, loader: Callable[[Path, str], Any], default: T, required: bool = False
) -> T:
    """Load a governance file relative to the target if it exists (required: it must)."""
    path = Path(rel) if Path(rel).is_absolute() else root / rel
    if not path.is_file():
        if required:
            raise ConfigError("file not found", rel)
        return default
    loaded: T = loader(path, rel)
    return loaded


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


def _unseen_files(inv: Inventory, scanner: str, coverage: tuple[tuple[str, Coverage], ...]) -> tuple[tuple[str, Coverage], ...]:
    """Files too large to read, or with names we cannot pass on, were seen by no scanner: every
    rule that applies to their language did not look at everything, so it cannot count as evaluated."""
    big = [s.path for s in inv.skipped if inventory.unread(s)]
    if not big:
        return coverage
    langs = {inventory.language_of(p) for p in big} - {""}
    rules = {r.rule_id: r for r in SCANNERS[scanner].rules()}
    out = []
    for rule_id, state in coverage:
        info = rules.get(rule_id)
        applies = info is not None and (not info.inputs or bool(langs & set(info.inputs)))
        out.append((rule_id, Coverage.INCOMPLETE if state is Coverage.EVALUATED and applies else state))
    return tuple(out)


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
            snippet = _masked_window(raw, text[loc.line - 2][:_SNIPPET_WIDTH] if loc.line > 1 else "")
            first_line = text[loc.line - 1]
        norm = re.sub(r"\s+", " ", first_line).strip()
        key = (f.rule_id, loc.path, norm)
        index = occurrences.get(key, 0)
        occurrences[key] = index + 1
        digest = hashlib.sha256("\0".join([f.rule_id, loc.path, norm, str(index)]).encode()).hexdigest()[:20]
        out.append(replace(f, snippet=snippet, message=mask_secrets(f.message), fingerprint=digest))
    return out


def _masked_window(lines: list[str], before: str) -> str:
    """Mask secrets in the snippet, reading one line of context before it: a value on its own line
    (``value: "…"`` under ``- name: DB_PASSWORD``) is only recognisable with its name."""
    plain = mask_secrets("\n".join(lines))
    if not before:
        return plain
    with_context = mask_secrets(before + "\n" + "\n".join(lines)).split("\n")
    if len(with_context) != len(lines) + 1:
        return plain
    # keep whichever masked more of each line
    return "\n".join(min(a, b, key=lambda x: (-x.count("****"), x)) for a, b in zip(plain.split("\n"), with_context[1:], strict=True))


def report_timestamp(flag: bool) -> str | None:
    """``--timestamp`` records now; SOURCE_DATE_EPOCH records that instant; otherwise none."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return datetime.fromtimestamp(int(epoch), tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if flag:
        return datetime.now(tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return None
