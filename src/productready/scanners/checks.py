"""productready's own configuration and repository checks (rulesets/*.yaml) as one scanner."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from ..checks import CHECK_KINDS, PARSERS
from ..checks.base import REPOSITORY, CheckContext, CheckSettings, Hit, NotConfigured
from ..checks.rulesets import Check, load_checks
from ..models import (
    Confidence,
    Coverage,
    Finding,
    Inventory,
    Location,
    RuleInfo,
    ScanResult,
    ScanStatus,
    Severity,
    SkippedItem,
)
from .base import Clock, ScanContext, Scanner


@cache
def _builtin_checks() -> tuple[Check, ...]:
    """The shipped rulesets never change while the process runs: parse and validate them once."""
    return tuple(load_checks(CHECK_KINDS))


class ChecksScanner(Scanner):
    """Not an external tool: runs every native check in-process over the inventory."""

    name = "checks"
    description = "productready's native checks: repository hygiene, Dockerfile, compose, Kubernetes, Terraform, CI, residency"

    def checks(self) -> list[Check]:
        return list(_builtin_checks())

    def rules(self) -> tuple[RuleInfo, ...]:
        return tuple(
            RuleInfo(c.rule_id, c.spec.title, tuple(c.spec.cwe), c.tags, c.kind.inputs) for c in self.checks()
        )

    def coverage(self, inventory: Inventory, result: ScanResult) -> tuple[tuple[str, Coverage], ...]:
        return result.coverage or super().coverage(inventory, result)  # run() computes it per check

    def run(self, ctx: ScanContext, only: Iterable[str] | None = None) -> ScanResult:
        clock = Clock()
        wanted = set(only) if only is not None else None
        checks = [c for c in self.checks() if wanted is None or c.spec.id in wanted]
        regions = ctx.config.residency.allowed_regions
        cctx = CheckContext(
            root=ctx.root, inventory=ctx.inventory, parsers=dict(PARSERS),
            settings=CheckSettings(allowed_regions=tuple(regions) if regions is not None else None),
        )
        findings: list[Finding] = []
        coverage: list[tuple[str, Coverage]] = []
        errors: list[SkippedItem] = []
        for check in checks:
            inputs = cctx.paths(*check.kind.inputs) if REPOSITORY not in check.kind.inputs else ["."]
            if not inputs:
                coverage.append((check.rule_id, Coverage.NO_INPUT))
                continue
            cctx.reads = set()
            try:
                hits = list(check.kind.run(cctx, check.params))
            except NotConfigured:
                coverage.append((check.rule_id, Coverage.NO_INPUT))
                continue
            except Exception as exc:  # a bug in one check must not pass its controls
                errors.append(SkippedItem(f"<check {check.spec.id}>", f"internal error: {type(exc).__name__}: {exc}"))
                coverage.append((check.rule_id, Coverage.INCOMPLETE))
                continue
            # a file the check needed (its inputs, or anything a repository-level check read) was unreadable
            broken = any(p in cctx.failures for p in (*inputs, *cctx.reads))
            coverage.append((check.rule_id, Coverage.INCOMPLETE if broken else Coverage.EVALUATED))
            findings.extend(_finding(check, h) for h in hits)
        skipped = tuple(sorted({*errors, *(SkippedItem(p, r) for p, r in cctx.failures.items())}))
        started, finished = clock.stop()
        status = ScanStatus.PARTIAL if skipped else ScanStatus.OK
        reason = f"{len(skipped)} file(s) or check(s) could not be evaluated" if skipped else ""
        return ScanResult(
            scanner=self.name, status=status, reason=reason, version="builtin",
            argv=(), started=started, finished=finished,
            files_scanned=len({p for c in checks for p in cctx.paths(*c.kind.inputs)}),
            skipped=skipped, findings=tuple(sorted(findings, key=Finding.sort_key)),
            required=self.name in ctx.required, coverage=tuple(sorted(coverage)),
            details=(("checks", str(len(checks))),),
        )


def _finding(check: Check, h: Hit) -> Finding:
    spec = check.spec
    remediation = spec.remediation + (f"\nExample:\n{spec.fix_example.rstrip()}" if spec.fix_example else "")
    return Finding(
        scanner="checks",
        rule_id=check.rule_id,
        severity=Severity(spec.severity),
        confidence=Confidence(spec.confidence),
        title=spec.title,
        message=h.message,
        location=Location(h.path, h.line, h.end_line or h.line),
        cwe=tuple(spec.cwe),
        tags=check.tags,
        remediation=remediation,
    )
