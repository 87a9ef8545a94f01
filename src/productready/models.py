"""Frozen data shared by every stage of the pipeline. No I/O here."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any


class Severity(enum.StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        """Higher is worse."""
        return _SEVERITY_RANK[self]

    @classmethod
    def parse(cls, text: str) -> Severity:
        return cls(text.strip().lower())


_SEVERITY_RANK = {
    Severity.CRITICAL: 4,
    Severity.HIGH: 3,
    Severity.MEDIUM: 2,
    Severity.LOW: 1,
    Severity.INFO: 0,
}


class Confidence(enum.StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class ScanStatus(enum.StrEnum):
    """How completely an evidence source looked. Only ``ok`` can support a ``pass``."""

    OK = "ok"
    PARTIAL = "partial"
    FAILED = "failed"
    SKIPPED = "skipped"


class ControlStatus(enum.StrEnum):
    PASS = "pass"
    FAIL = "fail"
    INCONCLUSIVE = "inconclusive"
    MANUAL = "manual"
    NOT_APPLICABLE = "not_applicable"


class Basis(enum.StrEnum):
    AUTOMATED = "automated"
    ATTESTED = "attested"
    DERIVED = "derived"
    NONE = "none"


@dataclass(frozen=True, order=True)
class Location:
    path: str  # relative POSIX path inside the scanned root
    line: int  # 1-based; 0 when the finding is about the whole file or repository
    end_line: int = 0
    column: int = 0

    def render(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


@dataclass(frozen=True)
class Finding:
    scanner: str
    rule_id: str  # "SCANNER:NATIVE_ID"
    severity: Severity
    confidence: Confidence
    title: str
    message: str
    location: Location
    cwe: tuple[int, ...] = ()
    tags: tuple[str, ...] = ()
    snippet: str = ""  # secrets already masked
    remediation: str = ""
    help_url: str = ""
    fingerprint: str = ""  # set by the pipeline; survives line shifts

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.location.path, self.location.line, self.location.column, self.rule_id, self.message)

    @property
    def all_tags(self) -> tuple[str, ...]:
        """Tags including ``cwe-N`` for every CWE, for selector matching."""
        return tuple(sorted({*self.tags, *(f"cwe-{c}" for c in self.cwe)}))


class Coverage(enum.StrEnum):
    """What one rule of a scanner did in this scan."""

    EVALUATED = "evaluated"  # ran over input it applies to, to the end
    NO_INPUT = "no_input"  # the repository has nothing this rule applies to
    INCOMPLETE = "incomplete"  # should have run but the scanner failed, was skipped, or missed files


@dataclass(frozen=True)
class RuleInfo:
    """Static facts about one rule a scanner can report (for mapping and catalog lint)."""

    rule_id: str  # "SCANNER:NATIVE_ID"
    title: str = ""
    cwe: tuple[int, ...] = ()
    tags: tuple[str, ...] = ()
    inputs: tuple[str, ...] = ()  # inventory languages or kinds it applies to; empty: any

    @property
    def all_tags(self) -> frozenset[str]:
        return frozenset({*self.tags, *(f"cwe-{c}" for c in self.cwe)})


@dataclass(frozen=True, order=True)
class SkippedItem:
    path: str
    reason: str


@dataclass(frozen=True)
class Advisory:
    id: str
    aliases: tuple[str, ...] = ()
    summary: str = ""
    fixed: tuple[str, ...] = ()
    severity: str = ""


@dataclass(frozen=True)
class DependencyRecord:
    """One audited (or unauditable) dependency, for the report and the SBOM."""

    name: str  # PEP 503 normalised
    version: str  # "" when not pinned
    kind: str  # pinned | unpinned | url | vcs | editable | local_path
    file: str
    line: int
    audit: str  # vulnerable | clean | unaudited
    note: str  # e.g. "no known advisories in snapshot 2024-10-10" or why it was not audited
    advisories: tuple[Advisory, ...] = ()
    fix: str = ""  # smallest upgrade that clears every advisory, when known
    dev: bool = False


@dataclass(frozen=True)
class ScanResult:
    scanner: str
    status: ScanStatus
    reason: str = ""  # why not ok; empty when ok
    version: str = ""
    argv: tuple[str, ...] = ()
    started: float = 0.0  # seconds since the epoch (wall clock)
    finished: float = 0.0
    files_scanned: int = 0
    skipped: tuple[SkippedItem, ...] = ()
    findings: tuple[Finding, ...] = ()
    required: bool = False
    applicable: bool = True  # False: skipped because the repository has nothing for it to look at
    details: tuple[tuple[str, str], ...] = ()  # extra facts, e.g. ("ruleset_hash", "...")
    coverage: tuple[tuple[str, Coverage], ...] = ()  # rule id → what it did; set by the pipeline
    dependencies: tuple[DependencyRecord, ...] = ()  # the dependency audit's per-package results

    @property
    def duration(self) -> float:
        return max(0.0, self.finished - self.started)


@dataclass(frozen=True)
class InventoryFile:
    path: str  # relative POSIX
    size: int
    language: str  # "" when none
    kinds: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Inventory:
    root_name: str
    files: tuple[InventoryFile, ...]
    skipped: tuple[SkippedItem, ...]
    is_git: bool = False

    def paths(self, kind: str | None = None, language: str | None = None) -> tuple[str, ...]:
        return tuple(
            f.path
            for f in self.files
            if (kind is None or kind in f.kinds) and (language is None or f.language == language)
        )

    def languages(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for f in self.files:
            if f.language:
                counts[f.language] = counts.get(f.language, 0) + 1
        return dict(sorted(counts.items()))

    def artifacts(self) -> dict[str, tuple[str, ...]]:
        out: dict[str, list[str]] = {}
        for f in self.files:
            for k in f.kinds:
                out.setdefault(k, []).append(f.path)
        return {k: tuple(v) for k, v in sorted(out.items())}


@dataclass(frozen=True)
class GateResult:
    passed: bool  # the gate (exit code): False only for blockers the policy enforces
    fail_on: str  # severity name or "none"
    verdict: str = "ready"  # ready | ready_with_conditions | not_ready
    profile: str = ""
    blocking: tuple[str, ...] = ()  # fingerprints of findings that failed the gate
    incomplete: tuple[str, ...] = ()  # required scanners that did not finish with status ok
    blockers: tuple[str, ...] = ()
    conditions: tuple[str, ...] = ()

    @property
    def reasons(self) -> tuple[str, ...]:
        """Why the gate did not pass (the blockers)."""
        return self.blockers


@dataclass(frozen=True)
class Report:
    schema_version: int
    tool_version: str
    target: Inventory
    scans: tuple[ScanResult, ...]
    findings: tuple[Finding, ...]
    gate: GateResult
    settings: dict[str, Any] = field(default_factory=dict)
    controls: tuple[Any, ...] = ()  # controls.ControlResult, in catalog order
    readiness: tuple[Any, ...] = ()  # controls.Readiness per catalog
    unmapped: tuple[str, ...] = ()  # fingerprints of findings no evaluated control claims
    triage: dict[str, str] = field(default_factory=dict)  # fingerprint → new | baselined | waived | suppressed
    waivers: tuple[Any, ...] = ()  # triage.WaiverResult
    suppressions: tuple[Any, ...] = ()  # triage.Suppression
    attestations: tuple[Any, ...] = ()  # attestations.AttestationResult
    generated_at: str | None = None
    timings: bool = False  # include wall-clock run intervals in machine output
