"""Control catalogs: load and lint them, resolve selectors, evaluate every control fail-closed.

A control's evidence selectors name rules (``scanner:X``, ``rule:X:ID``, ``check:ID``, ``tag:T``).
Its status follows DESIGN.md §2:

* a matching finding                                  → fail
* else a matched rule could not look (incomplete)     → inconclusive
* else at least one matched rule evaluated its input  → pass (automated)
* else (no selectors, or nothing to look at)          → manual
* excluded by applicability or ASVS level             → not_applicable
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from .config import data_dir
from .errors import ConfigError, MultipleErrors, ProductReadyError
from .models import Basis, ControlStatus, Coverage, Finding, Inventory, RuleInfo, ScanResult
from .schemas import CatalogSpec, ControlSpec, validate
from .yamlio import LineMap, load_yaml

CODE_LANGUAGES = frozenset(
    {"python", "javascript", "typescript", "go", "java", "kotlin", "ruby", "php", "rust", "csharp", "c", "cpp", "swift"}
)

# applies_when condition → (inventory test, what is missing when false)
CONDITIONS: dict[str, tuple[str, str]] = {
    "has_code": ("code", "no application source code"),
    "has_python": ("python", "no Python code"),
    "has_containers": ("containers", "no Dockerfile or compose file"),
    "has_kubernetes": ("kubernetes", "no Kubernetes manifests or Helm charts"),
    "has_terraform": ("terraform", "no Terraform"),
    "has_iac": ("iac", "no infrastructure-as-code (Terraform, Kubernetes, compose)"),
    "has_ci": ("ci", "no CI configuration"),
    "has_dependencies": ("deps", "no dependency manifests"),
}


def condition_holds(name: str, inv: Inventory) -> bool:
    test = CONDITIONS[name][0]
    kinds = {k for f in inv.files for k in f.kinds}
    langs = {f.language for f in inv.files}
    if test == "code":
        return bool(langs & CODE_LANGUAGES)
    if test == "python":
        return "python" in langs
    if test == "containers":
        return bool(kinds & {"dockerfile", "compose"})
    if test == "kubernetes":
        return bool(kinds & {"kubernetes", "helm-chart", "helm-template"})
    if test == "terraform":
        return "terraform" in kinds
    if test == "iac":
        return bool(kinds & {"terraform", "kubernetes", "helm-chart", "compose"})
    if test == "ci":
        return bool(kinds & {"github-actions", "gitlab-ci"})
    if test == "deps":
        return bool(kinds & {"python-manifest", "lockfile"})
    return False


# ---------------------------------------------------------------- rules and selectors


@cache
def rule_index() -> dict[str, RuleInfo]:
    """Every rule every registered scanner can report, by rule id."""
    from .scanners import SCANNERS

    out: dict[str, RuleInfo] = {}
    for scanner in SCANNERS.values():
        for r in scanner.rules():
            out[r.rule_id] = r
    return out


@cache
def known_selectors() -> frozenset[str]:
    from .scanners import SCANNERS

    rules = rule_index()
    sel: set[str] = {f"scanner:{n}" for n in SCANNERS}
    for rid, info in rules.items():
        sel.add(f"rule:{rid}")
        if rid.startswith("checks:"):
            sel.add(f"check:{rid.removeprefix('checks:')}")
        sel.update(f"tag:{t}" for t in info.all_tags)
    return frozenset(sel)


@cache
def selector_rules(selector: str) -> tuple[str, ...]:
    """Rule ids a selector covers (for coverage)."""
    return tuple(_selector_rules(selector))


def _selector_rules(selector: str) -> list[str]:
    rules = rule_index()
    kind, _, arg = selector.partition(":")
    if kind == "scanner":
        return sorted(r for r in rules if r.split(":", 1)[0] == arg)
    if kind == "rule":
        return [arg] if arg in rules else []
    if kind == "check":
        rid = f"checks:{arg}"
        return [rid] if rid in rules else []
    if kind == "tag":
        return sorted(r for r, info in rules.items() if arg in info.all_tags)
    return []


def finding_selectors(f: Finding) -> frozenset[str]:
    """Every selector that matches ``f`` (the same answers as ``selector_matches``, computed once)."""
    keys = {f"scanner:{f.scanner}", f"rule:{f.rule_id}", *(f"tag:{t}" for t in f.all_tags)}
    if f.rule_id.startswith("checks:"):
        keys.add(f"check:{f.rule_id.removeprefix('checks:')}")
    return frozenset(keys)


def selector_matches(selector: str, f: Finding) -> bool:
    kind, _, arg = selector.partition(":")
    if kind == "scanner":
        return f.scanner == arg
    if kind == "rule":
        return f.rule_id == arg
    if kind == "check":
        return f.rule_id == f"checks:{arg}"
    if kind == "tag":
        return arg in f.all_tags
    return False


# ---------------------------------------------------------------- loading and lint


@dataclass(frozen=True)
class Catalog:
    spec: CatalogSpec
    file: str
    lines: LineMap

    @property
    def id(self) -> str:
        return self.spec.id

    def control(self, cid: str) -> ControlSpec | None:
        return next((c for c in self.spec.controls if c.id == cid), None)


def catalog_files(base: Path | None = None) -> list[Path]:
    return sorted((base or data_dir("controls")).glob("*.yaml"))


def load_catalog(path: Path, display: str | None = None, lint: bool = True) -> Catalog:
    name = display or f"controls/{path.name}"
    data, lines = load_yaml(path, name)
    spec = validate(CatalogSpec, data, lines)
    cat = Catalog(spec, name, lines)
    if lint:
        errors = lint_catalog(cat)
        if errors:
            raise errors[0] if len(errors) == 1 else MultipleErrors(list(errors))
    return cat


def lint_catalog(cat: Catalog) -> list[ProductReadyError]:
    errors: list[ProductReadyError] = []
    expected_id = Path(cat.file).stem
    if cat.spec.id != expected_id:
        errors.append(ConfigError(f"catalog id '{cat.spec.id}' must equal the file stem '{expected_id}'", cat.file, cat.lines.line_of(("id",))))
    known = known_selectors()
    seen: dict[str, int] = {}
    for i, c in enumerate(cat.spec.controls):
        line = cat.lines.line_of(("controls", i))
        if c.id in seen:
            errors.append(ConfigError(f"duplicate control id '{c.id}' (first on line {seen[c.id]})", cat.file, line))
        seen.setdefault(c.id, line)
        for j, sel in enumerate(c.evidence):
            if sel not in known:
                close = difflib.get_close_matches(sel, sorted(known), n=1, cutoff=0.8)
                errors.append(
                    ConfigError(
                        f"control '{c.id}': unknown selector '{sel}'",
                        cat.file,
                        cat.lines.line_of(("controls", i, "evidence", j)),
                        f"did you mean '{close[0]}'?" if close else _selector_hint(sel),
                    )
                )
        for j, cond in enumerate(c.applies_when):
            if cond not in CONDITIONS:
                close = difflib.get_close_matches(cond, list(CONDITIONS), n=1)
                errors.append(
                    ConfigError(
                        f"control '{c.id}': unknown applies_when condition '{cond}'",
                        cat.file,
                        cat.lines.line_of(("controls", i, "applies_when", j)),
                        f"did you mean '{close[0]}'?" if close else f"known: {', '.join(CONDITIONS)}",
                    )
                )
    return errors


def _selector_hint(sel: str) -> str:
    kind = sel.partition(":")[0]
    if kind not in ("scanner", "rule", "check", "tag"):
        return "selectors are scanner:NAME, rule:SCANNER:ID, check:ID or tag:TAG"
    return f"no {kind} of that name is known to this version of productready"


def load_catalogs(ids: Sequence[str] | None = None, lint: bool = True) -> list[Catalog]:
    """The built-in catalogs (all, or the given ids, in that order). Errors are collected."""
    files = {p.stem: p for p in catalog_files()}
    wanted = list(ids) if ids is not None else sorted(files)
    out: list[Catalog] = []
    errors: list[ProductReadyError] = []
    for cid in wanted:
        if cid not in files:
            close = difflib.get_close_matches(cid, list(files), n=1)
            errors.append(ConfigError(f"unknown catalog '{cid}'", hint=f"did you mean '{close[0]}'?" if close else f"known: {', '.join(sorted(files))}"))
            continue
        try:
            out.append(load_catalog(files[cid], lint=lint))
        except MultipleErrors as exc:
            errors.extend(exc.errors)
        except ProductReadyError as exc:
            errors.append(exc)
    if errors:
        raise errors[0] if len(errors) == 1 else MultipleErrors(errors)
    return out


# ---------------------------------------------------------------- evaluation


@dataclass(frozen=True)
class ControlResult:
    catalog: str
    control_id: str
    title: str
    status: ControlStatus
    basis: Basis
    reason: str
    findings: tuple[str, ...] = ()  # fingerprints
    evaluated_rules: tuple[str, ...] = ()  # rules that looked and found nothing / found the findings
    incomplete_rules: tuple[str, ...] = ()
    derived_from: tuple[str, ...] = ()  # "catalog:ID (relation, status)"
    related: tuple[str, ...] = ()  # intersect edges worth a review
    has_automated_evidence: bool = False  # the catalog gives it selectors

    @property
    def key(self) -> str:
        return f"{self.catalog}:{self.control_id}"


@dataclass(frozen=True)
class EvaluationSettings:
    asvs_level: int = 2
    excluded: dict[str, str] = field(default_factory=dict)  # "catalog:ID" → reason (profile)


def evaluate(
    catalogs: Iterable[Catalog],
    scans: Sequence[ScanResult],
    findings: Sequence[Finding],
    inventory: Inventory,
    settings: EvaluationSettings,
    control_waivers: dict[str, set[str]] | None = None,
) -> list[ControlResult]:
    """``control_waivers``: "catalog:ID" → fingerprints an active control-scoped waiver covers."""
    coverage: dict[str, Coverage] = {}
    for s in scans:
        for rule, state in s.coverage:
            coverage[rule] = state
    out: list[ControlResult] = []
    keys = {id(f): finding_selectors(f) for f in findings}  # each finding's selectors, worked out once
    for cat in catalogs:
        for c in cat.spec.controls:
            waived = (control_waivers or {}).get(f"{cat.id}:{c.id}", set())
            mine = [f for f in findings if f.fingerprint not in waived] if waived else findings
            out.append(_evaluate_one(cat.id, c, coverage, mine, inventory, settings, keys))
    return out


def _evaluate_one(
    catalog: str,
    c: ControlSpec,
    coverage: dict[str, Coverage],
    findings: Sequence[Finding],
    inv: Inventory,
    settings: EvaluationSettings,
    keys: dict[int, frozenset[str]] | None = None,
) -> ControlResult:
    base = {"catalog": catalog, "control_id": c.id, "title": c.title, "has_automated_evidence": bool(c.evidence)}
    key = f"{catalog}:{c.id}"
    if key in settings.excluded:
        return ControlResult(status=ControlStatus.NOT_APPLICABLE, basis=Basis.NONE, reason=settings.excluded[key], **base)  # type: ignore[arg-type]
    if c.level is not None and c.level > settings.asvs_level:
        return ControlResult(
            status=ControlStatus.NOT_APPLICABLE, basis=Basis.NONE,
            reason=f"ASVS level {c.level} requirement; the target is level {settings.asvs_level}", **base,  # type: ignore[arg-type]
        )
    for cond in c.applies_when:
        if not condition_holds(cond, inv):
            return ControlResult(
                status=ControlStatus.NOT_APPLICABLE, basis=Basis.NONE,
                reason=f"applies when {cond}: the repository has {CONDITIONS[cond][1]}", **base,  # type: ignore[arg-type]
            )
    if not c.evidence:
        why = c.attest_only_reason or "no automated evidence exists for this control"
        return ControlResult(status=ControlStatus.MANUAL, basis=Basis.NONE, reason=f"needs an attestation: {why}", **base)  # type: ignore[arg-type]
    wanted = frozenset(c.evidence)
    hits = [f for f in findings if not (keys[id(f)] if keys else finding_selectors(f)).isdisjoint(wanted)]
    # a finding that says "could not determine" (e.g. a deploy region) is missing evidence, not a failure
    undetermined = [f for f in hits if any(t == "undetermined" or t.endswith("-undetermined") for t in f.tags)]
    matched = [f for f in hits if f not in undetermined]
    rules = sorted({r for s in c.evidence for r in selector_rules(s)})
    states = {r: coverage.get(r, Coverage.INCOMPLETE) for r in rules}
    for f in undetermined:
        states[f.rule_id] = Coverage.INCOMPLETE
    rules = sorted(states)
    evaluated = tuple(r for r in rules if states[r] is Coverage.EVALUATED)
    incomplete = tuple(r for r in rules if states[r] is Coverage.INCOMPLETE)
    if matched:
        ids = sorted({f.rule_id for f in matched})
        shown = ", ".join(ids[:4]) + (f" and {len(ids) - 4} more" if len(ids) > 4 else "")
        return ControlResult(
            status=ControlStatus.FAIL, basis=Basis.AUTOMATED,
            reason=f"{len(matched)} finding(s) from {shown}",
            findings=tuple(f.fingerprint for f in matched), evaluated_rules=evaluated, incomplete_rules=incomplete, **base,  # type: ignore[arg-type]
        )
    if incomplete:
        scanners = sorted({r.split(":", 1)[0] for r in incomplete})
        return ControlResult(
            status=ControlStatus.INCONCLUSIVE, basis=Basis.AUTOMATED,
            reason=f"evidence incomplete: {len(incomplete)} rule(s) from {', '.join(scanners)} could not look at everything",
            evaluated_rules=evaluated, incomplete_rules=incomplete, **base,  # type: ignore[arg-type]
        )
    if evaluated:
        scanners = sorted({r.split(":", 1)[0] for r in evaluated})
        return ControlResult(
            status=ControlStatus.PASS, basis=Basis.AUTOMATED,
            reason=f"{len(evaluated)} rule(s) from {', '.join(scanners)} ran over the repository and found nothing",
            evaluated_rules=evaluated, **base,  # type: ignore[arg-type]
        )
    return ControlResult(
        status=ControlStatus.MANUAL, basis=Basis.NONE,
        reason="no automated evidence applies to this repository (its rules had nothing to look at); needs an attestation",
        **base,  # type: ignore[arg-type]
    )


def control_matches(catalogs: Iterable[Catalog], refs: set[str], findings: Sequence[Finding]) -> dict[str, set[str]]:
    """For the given "catalog:ID" refs, the fingerprints their selectors match."""
    out: dict[str, set[str]] = {}
    for cat in catalogs:
        for c in cat.spec.controls:
            key = f"{cat.id}:{c.id}"
            if key in refs:
                out[key] = {f.fingerprint for f in findings if any(selector_matches(s, f) for s in c.evidence)}
    return out


def unmapped_findings(findings: Sequence[Finding], results: Sequence[ControlResult]) -> list[Finding]:
    claimed = {fp for r in results for fp in r.findings}
    return [f for f in findings if f.fingerprint not in claimed]


# ---------------------------------------------------------------- readiness


@dataclass(frozen=True)
class Readiness:
    catalog: str
    name: str
    framework: str
    total: int
    not_applicable: int
    passed: int
    passed_automated: int
    passed_attested: int
    passed_derived: int
    failed: int
    inconclusive: int
    manual: int
    with_automated_evidence: int  # applicable controls the catalog gives evidence selectors
    attest_only: int  # applicable controls that can only be attested

    @property
    def denominator(self) -> int:
        return self.total - self.not_applicable

    @property
    def score(self) -> float:
        return self.passed / self.denominator if self.denominator else 0.0

    @property
    def formula(self) -> str:
        return f"pass / (controls - not_applicable) = {self.passed} / ({self.total} - {self.not_applicable}) = {self.score:.1%}"


def readiness(catalogs: Sequence[Catalog], results: Sequence[ControlResult]) -> list[Readiness]:
    out = []
    for cat in catalogs:
        rs = [r for r in results if r.catalog == cat.id]
        applicable = [r for r in rs if r.status is not ControlStatus.NOT_APPLICABLE]

        def count(status: ControlStatus, basis: Basis | None = None, rs: list[ControlResult] = rs) -> int:
            return sum(1 for r in rs if r.status is status and (basis is None or r.basis is basis))

        out.append(
            Readiness(
                catalog=cat.id, name=cat.spec.name, framework=cat.spec.framework, total=len(rs),
                not_applicable=count(ControlStatus.NOT_APPLICABLE), passed=count(ControlStatus.PASS),
                passed_automated=count(ControlStatus.PASS, Basis.AUTOMATED),
                passed_attested=count(ControlStatus.PASS, Basis.ATTESTED),
                passed_derived=count(ControlStatus.PASS, Basis.DERIVED),
                failed=count(ControlStatus.FAIL), inconclusive=count(ControlStatus.INCONCLUSIVE),
                manual=count(ControlStatus.MANUAL),
                with_automated_evidence=sum(1 for r in applicable if r.has_automated_evidence),
                attest_only=sum(1 for r in applicable if not r.has_automated_evidence),
            )
        )
    return out


def control_key(text: str) -> tuple[str, str]:
    """'iso27001-2022:A.8.28' → ('iso27001-2022', 'A.8.28')."""
    m = re.match(r"^([a-z0-9.\-]+):(.+)$", text)
    if not m:
        raise ConfigError(f"'{text}' is not a control reference", hint="write CATALOG:ID, e.g. iso27001-2022:A.8.28")
    return m.group(1), m.group(2)
