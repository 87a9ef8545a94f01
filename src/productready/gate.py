"""Policy → verdict: ``ready``, ``ready_with_conditions`` or ``not_ready``, with itemised blockers
and conditions. Only *new* findings (not baselined, waived or suppressed — and, with
``--changed-since``, only in changed files) can block; the compliance picture stays whole."""

from __future__ import annotations

from collections.abc import Sequence

from .attestations import AttestationResult
from .controls import ControlResult, Readiness
from .models import ControlStatus, Finding, GateResult, ScanResult, ScanStatus, Severity
from .schemas import ProfileSpec
from .triage import Triage, TriageResult


def decide(
    *,
    findings: Sequence[Finding],
    tri: TriageResult,
    scans: Sequence[ScanResult],
    controls: Sequence[ControlResult],
    readiness: Sequence[Readiness],
    attestations: Sequence[AttestationResult],
    profile: ProfileSpec,
    fail_on: Severity | None,
    changed: frozenset[str] | None = None,
) -> GateResult:
    blockers: list[str] = []
    conditions: list[str] = []
    incomplete = tuple(sorted(s.scanner for s in scans if s.required and s.status is not ScanStatus.OK and s.applicable))
    for s in scans:
        if s.scanner in incomplete:
            blockers.append(f"required scanner '{s.scanner}' is {s.status.value}: {s.reason}")

    def at_threshold(f: Finding) -> bool:
        return fail_on is not None and f.severity.rank >= fail_on.rank

    in_scope = [f for f in findings if changed is None or f.location.path in changed]
    blocking = tuple(f.fingerprint for f in in_scope if tri.state(f) is Triage.NEW and at_threshold(f))
    scope = " in files changed since the reference" if changed is not None else ""
    if blocking and fail_on is not None:
        blockers.append(f"{len(blocking)} new finding(s) at or above '{fail_on.value}'{scope}")
    # Without a gate that strict, serious findings still decide the verdict (but not the exit code).
    verdict_on = Severity(profile.verdict_on)
    serious = [f for f in in_scope if tri.state(f) is Triage.NEW and f.severity.rank >= verdict_on.rank and not at_threshold(f)]
    verdict_only = (
        [f"{len(serious)} new finding(s) at or above '{verdict_on.value}'{scope} (report only: no --fail-on gate at this level)"]
        if serious else []
    )
    baselined = [f for f in findings if tri.state(f) is Triage.BASELINED and at_threshold(f)]
    if baselined:
        conditions.append(f"{len(baselined)} baselined finding(s) at or above '{fail_on.value if fail_on else ''}' remain to fix")
    outside = [f for f in findings if changed is not None and f.location.path not in changed and tri.state(f) is Triage.NEW and at_threshold(f)]
    if outside:
        conditions.append(f"{len(outside)} finding(s) at or above the threshold in files not changed since the reference")
    waived = sum(1 for f in findings if tri.state(f) is Triage.WAIVED)
    if waived:
        conditions.append(f"{waived} finding(s) waived")

    for w in tri.waivers:
        if w.status == "expired":
            blockers.append(f"waiver {w.id} ({w.scope}) {w.problem}; owner {w.owner}")
        elif w.status == "invalid":
            blockers.append(f"waiver {w.id} ({w.scope}) is not allowed: {w.problem}")
        elif w.status == "stale":
            conditions.append(f"waiver {w.id} ({w.scope}) matches no finding: remove it")
        elif w.expiring_soon:
            conditions.append(f"waiver {w.id} expires on {w.expires}; owner {w.owner}")
    for sup in tri.suppressions:
        if not sup.accepted:
            blockers.append(f"inline suppression at {sup.path}:{sup.line} ({sup.kind}) {sup.problem}")
    for a in attestations:
        if a.status != "valid":
            blockers.append(f"attestation {a.id} for {', '.join(a.controls)}: {a.reason}")

    status = {c.key: c for c in controls}
    for ref in profile.required_controls:
        c = status.get(ref)
        if c is None:
            blockers.append(f"required control {ref} was not evaluated (is its catalog selected?)")
        elif c.status is ControlStatus.MANUAL:
            blockers.append(f"required control {ref} has no evidence: {c.reason}")
        elif c.status is not ControlStatus.PASS:
            blockers.append(f"required control {ref} is {c.status.value}: {c.reason}")
    for r in readiness:
        floor = profile.min_scores.get(r.catalog)
        if floor is not None and r.score < floor:
            blockers.append(f"{r.catalog} readiness {r.score:.0%} is below the required {floor:.0%}")
    inconclusive = sum(1 for c in controls if c.status is ControlStatus.INCONCLUSIVE)
    if profile.max_inconclusive is not None and inconclusive > profile.max_inconclusive:
        blockers.append(f"{inconclusive} control(s) inconclusive; the profile allows {profile.max_inconclusive}")
    elif inconclusive:
        conditions.append(f"{inconclusive} control(s) inconclusive: their evidence is incomplete")
    for s in scans:
        details = dict(s.details)
        if "db_age_days" in details and profile.max_db_age_days is not None and int(details["db_age_days"]) > profile.max_db_age_days:
            blockers.append(
                f"vulnerability database snapshot {details.get('db_snapshot')} is older than {profile.max_db_age_days} days; "
                "run `productready db update`"
            )
        elif "warning" in details:
            conditions.append(details["warning"])
        if s.status is not ScanStatus.OK and s.scanner not in incomplete and s.status is not ScanStatus.SKIPPED:
            conditions.append(f"scanner '{s.scanner}' is {s.status.value}: {s.reason}")

    verdict = "not_ready" if blockers or verdict_only else ("ready_with_conditions" if conditions else "ready")
    return GateResult(
        passed=not blockers,
        verdict=verdict,
        profile=profile.id,
        fail_on=fail_on.value if fail_on else "none",
        blocking=blocking,
        incomplete=incomplete,
        blockers=tuple(blockers + verdict_only),
        conditions=tuple(conditions),
    )
