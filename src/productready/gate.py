"""Policy → gate decision. (Waivers, baseline and profiles plug in here.)"""

from __future__ import annotations

from collections.abc import Sequence

from .models import Finding, GateResult, ScanResult, ScanStatus, Severity


def decide(
    findings: Sequence[Finding],
    scans: Sequence[ScanResult],
    fail_on: Severity | None,
) -> GateResult:
    incomplete = tuple(
        sorted(s.scanner for s in scans if s.required and s.status is not ScanStatus.OK and s.applicable)
    )
    blocking: tuple[str, ...] = ()
    if fail_on is not None:
        blocking = tuple(f.fingerprint for f in findings if f.severity.rank >= fail_on.rank)
    reasons: list[str] = []
    for s in scans:
        if s.scanner in incomplete:
            reasons.append(f"required scanner '{s.scanner}' is {s.status.value}: {s.reason}")
    if blocking and fail_on is not None:
        reasons.append(f"{len(blocking)} finding(s) at or above severity '{fail_on.value}'")
    return GateResult(
        passed=not blocking and not incomplete,
        fail_on=fail_on.value if fail_on else "none",
        blocking=blocking,
        incomplete=incomplete,
        reasons=tuple(reasons),
    )
