"""Pydantic models of user-authored files, and the mapping of their errors to file:line.

Every model forbids unknown keys; ``validate`` turns a pydantic ``ValidationError``
into compiler-style ``ConfigError`` objects with a did-you-mean hint.
"""

from __future__ import annotations

import datetime as dt
import difflib
import types
import typing
from typing import Any, Literal, TypeVar, Union

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import ConfigError, MultipleErrors
from .yamlio import LineMap

SeverityName = Literal["critical", "high", "medium", "low", "info"]
FailOn = Literal["critical", "high", "medium", "low", "info", "none"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class BanditSettings(Strict):
    skip: list[str] = Field(default_factory=list, description="bandit test ids not to run, e.g. B101")
    include_tests: bool = Field(
        False,
        description="also scan files under test/, tests/ and testsuite/ folders with bandit (skipped by default, "
        "like semgrep does: test code is not shipped, and its asserts would fail secure-coding controls)",
    )


class SemgrepSettings(Strict):
    rulesets: list[str] = Field(
        default_factory=list,
        description="extra local semgrep rule files or folders (relative to the config file)",
    )
    include_tests: bool = Field(
        False,
        description="also scan files under test/, tests/ and testsuite/ folders with semgrep (skipped by default, "
        "as semgrep itself does; bandit and the secrets search always read them)",
    )


class ResidencySettings(Strict):
    allowed_regions: list[str] | None = Field(
        None, description="cloud regions/locations the product may be deployed to (e.g. in-country only); unset: not checked"
    )


class DepsSettings(Strict):
    backend: Literal["auto", "offline", "pip-audit"] = Field(
        "offline",
        description="offline: the bundled/updated OSV database; pip-audit: the real pip-audit against osv_url; "
        "auto: pip-audit when osv_url answers, offline otherwise",
    )
    osv_url: str = Field("https://api.osv.dev/v1/query", description="OSV query API (or a hub mirror's /v1/query)")
    timeout: int = Field(60, ge=1, description="seconds for the online audit")
    max_db_age_days: int = Field(30, ge=1, description="warn when the offline database snapshot is older than this")


class Config(Strict):
    """productready.yaml, or [tool.productready] in pyproject.toml."""

    profile: str = Field("developer", description="policy profile from controls/profiles/")
    fail_on: FailOn | None = Field(
        None, description="lowest severity of a new finding that fails the gate; 'none' never fails on findings"
    )
    exclude: list[str] = Field(default_factory=list, description="glob patterns of paths not to scan")
    max_file_size: int = Field(2_000_000, ge=1, description="files larger than this many bytes are skipped")
    scanners: list[str] | None = Field(None, description="scanners to run (default: all)")
    skip_scanners: list[str] = Field(default_factory=list, description="scanners not to run")
    required_scanners: list[str] | None = Field(
        None, description="scanners that must finish with status ok (default: every enabled scanner)"
    )
    timeout: int = Field(900, ge=1, description="seconds each scanner may run")
    jobs: int = Field(0, ge=0, description="parallel jobs (0: one per CPU core)")
    bandit: BanditSettings = Field(default_factory=BanditSettings)
    semgrep: SemgrepSettings = Field(default_factory=SemgrepSettings)
    residency: ResidencySettings = Field(default_factory=ResidencySettings)
    deps: DepsSettings = Field(default_factory=DepsSettings)
    catalogs: list[str] = Field(
        default_factory=lambda: ["iso27001-2022", "soc2-2017", "asvs-5.0.0"],
        description="control catalogs to evaluate (see `productready list catalogs`)",
    )
    asvs_level: Literal[1, 2, 3] = Field(2, description="ASVS level to verify; higher-level requirements are not applicable")
    waivers: str = Field(".productready/waivers.yaml", description="waivers file, relative to the scanned folder")
    attestations: str = Field(".productready/attestations.yaml", description="attestations file, relative to the scanned folder")
    baseline: str = Field(".productready/baseline.json", description="baseline file, relative to the scanned folder")


M = TypeVar("M", bound=BaseModel)


def validate(model: type[M], data: Any, lines: LineMap) -> M:
    """Validate ``data`` against ``model``; raise ConfigError(s) with file:line."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError("expected a mapping at the top level", lines.file, lines.line_of(()))
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raw = exc.errors()
        # a misspelt required key shows up twice (unknown + missing): keep only the did-you-mean
        extras = {(tuple(e["loc"][:-1]), str(e["loc"][-1])) for e in raw if e["type"] == "extra_forbidden"}
        raw = [
            e for e in raw
            if not (
                e["type"] == "missing"
                and any(
                    parent == tuple(e["loc"][:-1]) and difflib.get_close_matches(str(e["loc"][-1]), [key], n=1, cutoff=0.6)
                    for parent, key in extras
                )
            )
        ]
        errors = [_to_config_error(model, err, lines) for err in raw]
        errors.sort(key=lambda e: (e.line or 0, e.message))
        if len(errors) == 1:
            raise errors[0] from None
        raise MultipleErrors(list(errors)) from None


def _to_config_error(model: type[BaseModel], err: Any, lines: LineMap) -> ConfigError:
    loc: tuple[str | int, ...] = tuple(err["loc"])
    line = lines.line_of(loc)
    where = _dotted(loc[:-1]) if err["type"] == "extra_forbidden" else _dotted(loc)
    if err["type"] == "extra_forbidden":
        key = str(loc[-1])
        allowed = sorted(_fields_at(model, loc[:-1]))
        close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
        hint = f"did you mean '{close[0]}'?" if close else (f"known keys: {', '.join(allowed)}" if allowed else None)
        scope = f" in '{where}'" if where else ""
        return ConfigError(f"unknown key '{key}'{scope}", lines.file, line, hint)
    if err["type"] == "missing":
        parent = _dotted(loc[:-1])
        scope = f" in '{parent}'" if parent else ""
        return ConfigError(f"missing required key '{loc[-1]}'{scope}", lines.file, lines.line_of(loc[:-1]))
    msg = str(err["msg"])
    msg = msg[0].lower() + msg[1:] if msg else msg
    hint = None
    if err["type"] == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        given = err.get("input")
        options = [o.strip().strip("'") for o in str(expected).replace(" or ", ",").split(",") if o.strip()]
        if isinstance(given, str):
            close = difflib.get_close_matches(given, options, n=1, cutoff=0.5)
            if close:
                hint = f"did you mean '{close[0]}'?"
    return ConfigError(f"'{where}': {msg}" if where else msg, lines.file, line, hint)


def _dotted(loc: tuple[str | int, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + part
    return out


def _fields_at(model: type[BaseModel], loc: tuple[str | int, ...]) -> set[str]:
    """The field names of the (nested) model found at ``loc``; empty if unknown."""
    current: Any = model
    for part in loc:
        current = _unwrap(current)
        if isinstance(part, int):
            continue
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(part)
            if field is None:
                return set()
            current = field.annotation
        else:
            # dict[str, Model]: the key is free-form, step into the value type
            args = typing.get_args(current)
            current = args[-1] if args else None
    current = _unwrap(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return set(current.model_fields)
    return set()


def _unwrap(tp: Any) -> Any:
    """Strip Optional/Union-with-None and list[...] to the interesting inner type."""
    for _ in range(4):
        origin = typing.get_origin(tp)
        if origin in (Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            tp = args[0] if len(args) == 1 else tp
            if len(args) != 1:
                return tp
        elif origin in (list, tuple, set, frozenset):
            tp = typing.get_args(tp)[0]
        else:
            return tp
    return tp


class CatalogSource(Strict):
    publisher: str
    url: str = ""
    licence_note: str
    attribution: str = ""


class ControlSpec(Strict):
    id: str
    title: str
    summary: str = Field("", description="one sentence in our own words of what must be true")
    text: str = Field("", description="requirement text where its licence allows (ASVS, CC BY-SA)")
    attributes: dict[str, str | int] = Field(default_factory=dict)
    level: int | None = Field(None, ge=1, le=3, description="lowest ASVS level the requirement applies at")
    cwe: list[int] = Field(default_factory=list)
    evidence: list[str] = Field(default_factory=list, description="selectors: scanner:X, rule:X:ID, check:ID, tag:T")
    pending_evidence: list[str] = Field(
        default_factory=list, description="selectors waiting for an evidence source this version does not have yet"
    )
    attest_only_reason: str = ""
    applies_when: list[str] = Field(default_factory=list)


class CatalogSpec(Strict):
    schema_version: Literal[1]
    id: str
    name: str
    version: str
    framework: str = Field(description="family name shown in reports, e.g. 'ISO 27001', 'SOC 2', 'OWASP ASVS'")
    source: CatalogSource
    controls: list[ControlSpec]


class EdgeSpec(Strict):
    source: str
    target: str
    relation: Literal["equal", "subset", "superset", "intersect"]
    rationale: str = ""


class CrosswalkSpec(Strict):
    schema_version: Literal[1]
    id: str
    source_catalog: str
    target_catalog: str
    title: str
    origin: str
    edges: list[EdgeSpec]


class WaiverLimits(Strict):
    max_days: int | None = Field(None, ge=1, description="longest allowed waiver, counted from the scan date")
    never_waive: list[str] = Field(default_factory=list, description="rule id globs that may never be waived")
    expiring_within_days: int = Field(14, ge=0, description="report waivers that expire this soon")


class SuppressionPolicy(Strict):
    require_rule_id: bool = Field(False, description="reject inline suppressions that name no rule")
    require_reason: bool = Field(False, description="reject inline suppressions that give no reason")


class ProfileSpec(Strict):
    """controls/profiles/NAME.yaml: the policy behind a verdict."""

    schema_version: Literal[1]
    id: str
    title: str
    description: str = ""
    catalogs: list[str] = Field(default_factory=lambda: ["iso27001-2022", "soc2-2017", "asvs-5.0.0"])
    asvs_level: Literal[1, 2, 3] = 2
    required_scanners: list[str] | None = None
    fail_on: FailOn = "none"
    verdict_on: SeverityName = Field(
        "high", description="new findings at or above this severity make the verdict not_ready even without a gate"
    )
    required_controls: list[str] = Field(default_factory=list, description="CATALOG:ID that must pass (automated or attested)")
    min_scores: dict[str, float] = Field(default_factory=dict, description="catalog id → lowest acceptable readiness score (0-1)")
    max_inconclusive: int | None = Field(None, ge=0, description="most inconclusive controls allowed before the verdict is not_ready")
    waivers: WaiverLimits = Field(default_factory=WaiverLimits)
    suppressions: SuppressionPolicy = Field(default_factory=SuppressionPolicy)
    allowed_regions: list[str] | None = None
    max_db_age_days: int | None = Field(None, ge=1, description="oldest acceptable vulnerability database snapshot")


class WaiverSpec(Strict):
    id: str = Field(description="a short stable name, e.g. W-001")
    rule: str | None = Field(None, description="rule id or glob, e.g. bandit:B311 or checks:dockerfile.*")
    path: str | None = Field(None, description="path glob, e.g. tests/**")
    fingerprint: str | None = None
    control: str | None = Field(None, description="CATALOG:ID whose findings this waives for that control")
    reason: str = Field(min_length=10)
    owner: str = Field(min_length=2)
    expires: dt.date


class WaiversFile(Strict):
    schema_version: Literal[1]
    waivers: list[WaiverSpec] = Field(default_factory=list)


class EvidenceFile(Strict):
    path: str
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


class AttestationSpec(Strict):
    id: str
    controls: list[str] = Field(min_length=1, description="CATALOG:ID references, across frameworks")
    statement: str = Field(min_length=10)
    owner: str = Field(min_length=2)
    role: str = Field(min_length=2)
    date: dt.date
    expires: dt.date
    evidence: list[EvidenceFile] = Field(default_factory=list)


class AttestationsFile(Strict):
    schema_version: Literal[1]
    attestations: list[AttestationSpec] = Field(default_factory=list)


class BaselineEntry(Strict):
    fingerprint: str
    rule_id: str
    path: str


class BaselineFile(Strict):
    schema_version: Literal[1]
    tool_version: str = ""
    findings: list[BaselineEntry]
