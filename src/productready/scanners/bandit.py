"""bandit: Python AST security linter, run as a subprocess with JSON output."""

from __future__ import annotations

import json
import tempfile
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path
from typing import Any

from ..cache import FileOutcome, make_salt
from ..config import data_dir
from ..models import Confidence, Coverage, Finding, Inventory, Location, RuleInfo, ScanResult, ScanStatus, Severity
from ..yamlio import load_yaml
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
from .external import ExternalScanner, cwe_numbers, is_test_path, shards

_MIN_FILES_PER_SHARD = 150
_TAGS = ("python", "sast")


@cache
def _bandit_rules() -> tuple[RuleInfo, ...]:
    """bandit's test table (rulesets/bandit.yaml), read once per process."""
    data, _ = load_yaml(data_dir("rulesets") / "bandit.yaml", "rulesets/bandit.yaml")
    return tuple(
        RuleInfo(f"bandit:{r['id']}", str(r["name"]).replace("_", " "), tuple(r.get("cwe") or ()), _TAGS, ("python",))
        for r in data["rules"]
    )


class BanditScanner(ExternalScanner):
    name = "bandit"
    tool = "bandit"
    description = "Python security linter (PyCQA bandit)"

    def rules(self) -> tuple[RuleInfo, ...]:
        return _bandit_rules()

    def run(self, ctx: ScanContext) -> ScanResult:
        clock = Clock()
        candidates = list(ctx.inventory.paths(language="python"))
        files = [p for p in candidates if ctx.config.bandit.include_tests or not is_test_path(p)]
        excluded = len(candidates) - len(files)
        extra_details: tuple[tuple[str, str], ...] = (("excluded_test_files", str(excluded)),) if excluded else ()
        if not files:
            started, finished = clock.stop()
            why = "only test files (excluded, see bandit.include_tests)" if excluded else "no Python files to scan"
            return self.result(
                ctx, ScanStatus.SKIPPED, why, started=started, finished=finished, applicable=False, details=extra_details,
            )
        exe = self.executable()
        version = tool_version(exe)
        base_argv = [exe, "--format", "json", "--quiet"]
        if ctx.config.bandit.skip:
            base_argv += ["--skip", ",".join(sorted(ctx.config.bandit.skip))]
        salt = make_salt(__file__, "bandit", self.identity(exe), version,
                         base_argv[1:]) if version else None
        plan = cache_plan(ctx, salt, files)
        outcomes: dict[str, FileOutcome] = dict(plan.hits)
        failure: ToolRun | None = None
        if plan.misses:
            sizes = {f.path: f.size for f in ctx.inventory.files}
            batches = shards(plan.misses, sizes, min(ctx.jobs, max(1, len(plan.misses) // _MIN_FILES_PER_SHARD)))
            with ThreadPoolExecutor(max_workers=len(batches)) as pool:
                runs = list(pool.map(lambda b: (b, *self._run_batch(ctx, base_argv, b)), batches))
            fresh: dict[str, FileOutcome] = {}
            for batch, run, data in runs:
                if data is None:
                    failure = failure or run
                    continue
                fresh.update(_outcomes(batch, data))
            if failure is None:
                cache_store(ctx, plan, fresh)
            outcomes.update(fresh)
        started, finished = clock.stop()
        shown_argv = (*(["bandit", *base_argv[1:]]), "--output", "<tmp>.json", f"<{len(files)} Python files>")
        common: dict[str, Any] = {
            "version": version, "argv": shown_argv, "started": started, "finished": finished,
            "details": extra_details + (
                (("skipped_rules", ",".join(sorted(ctx.config.bandit.skip))),) if ctx.config.bandit.skip else ()
            ),
        }
        if failure is not None:
            return self.result(ctx, ScanStatus.FAILED, _failure_reason(failure), **common)
        findings = [f for o in outcomes.values() for f in o.findings]
        skipped_set = skipped_items([(p, r) for p, o in outcomes.items() for r in o.skipped])
        status = ScanStatus.PARTIAL if skipped_set else ScanStatus.OK
        reason = f"bandit could not analyse {len(skipped_set)} file(s)" if skipped_set else ""
        return self.result(
            ctx, status, reason, files_scanned=len(files) - len({s.path for s in skipped_set}),
            skipped=skipped_set, findings=tuple(sorted(findings, key=Finding.sort_key)), **common,
        )

    def coverage(self, inventory: Inventory, result: ScanResult) -> tuple[tuple[str, Coverage], ...]:
        """Tests switched off by configuration did not look: their coverage is incomplete."""
        off = {f"bandit:{t}" for t in dict(result.details).get("skipped_rules", "").split(",") if t}
        return tuple(
            (rule, Coverage.INCOMPLETE if rule in off and state is Coverage.EVALUATED else state)
            for rule, state in super().coverage(inventory, result)
        )

    def _run_batch(self, ctx: ScanContext, base_argv: list[str], batch: list[str]) -> tuple[ToolRun, Any]:
        with tempfile.TemporaryDirectory(prefix="productready-bandit-") as tmp:
            out = Path(tmp) / "bandit.json"
            argv = [*base_argv, "--output", str(out), "--", *batch]
            run = run_tool(argv, cwd=ctx.root, timeout=ctx.timeout, env=ctx.env)
            if run.missing or run.timed_out or run.returncode not in (0, 1):
                return run, None
            try:
                data = json.loads(out.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
                return ToolRun(run.returncode, run.stdout, run.stderr, error=f"invalid JSON from bandit: {exc}"), None
            if not isinstance(data, dict) or not isinstance(data.get("results"), list):
                return ToolRun(run.returncode, run.stdout, run.stderr, error="bandit JSON has no 'results' list"), None
            return run, data


def _outcomes(batch: list[str], data: dict[str, Any]) -> dict[str, FileOutcome]:
    """One run's results split per file (every file of the batch gets an outcome)."""
    findings: dict[str, list[Finding]] = {p: [] for p in batch}
    reasons: dict[str, list[str]] = {p: [] for p in batch}
    for r in data.get("results", []):
        f = _finding(r)
        findings.setdefault(f.location.path, []).append(f)
    for err in data.get("errors", []):
        path = str(err.get("filename", "?")).removeprefix("./")
        reasons.setdefault(path, []).append(f"bandit: {err.get('reason', 'error')}")
        findings.setdefault(path, [])
    return {
        p: FileOutcome(tuple(sorted(fs, key=Finding.sort_key)), tuple(sorted(set(reasons.get(p, [])))),
                       scanned=not reasons.get(p))
        for p, fs in findings.items()
    }


def _failure_reason(run: ToolRun) -> str:
    if run.missing:
        return run.error
    if run.timed_out:
        return "bandit timed out"
    if run.error:
        return run.error
    return f"bandit exited with code {run.returncode}: {tail(run.stderr or run.stdout) or 'no output'}"


_SEVERITY = {"HIGH": Severity.HIGH, "MEDIUM": Severity.MEDIUM, "LOW": Severity.LOW, "UNDEFINED": Severity.INFO}
_CONFIDENCE = {"HIGH": Confidence.HIGH, "MEDIUM": Confidence.MEDIUM, "LOW": Confidence.LOW}


def _finding(r: dict[str, Any]) -> Finding:
    test_id = str(r.get("test_id", "B000"))
    name = str(r.get("test_name", test_id)).replace("_", " ")
    line = int(r.get("line_number") or 0)
    rng = r.get("line_range") or [line]
    path = str(r.get("filename", "")).removeprefix("./")
    return Finding(
        scanner="bandit",
        rule_id=f"bandit:{test_id}",
        severity=_SEVERITY.get(str(r.get("issue_severity", "")).upper(), Severity.MEDIUM),
        confidence=_CONFIDENCE.get(str(r.get("issue_confidence", "")).upper(), Confidence.MEDIUM),
        title=f"{test_id}: {name}",
        message=str(r.get("issue_text", "")),
        location=Location(path, line, int(max(rng)) if rng else line, int(r.get("col_offset") or 0) + 1),
        cwe=cwe_numbers(r.get("issue_cwe")),
        tags=_TAGS,
        help_url=str(r.get("more_info", "")),
    )
