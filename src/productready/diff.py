"""What changed between two scans: load two JSON reports and compare them (``productready diff``).

Pure logic, no terminal: :func:`load_report` reads one canonical JSON report (or a folder holding
``report.json``) and raises :class:`~productready.errors.ConfigError` (``file:line: message``) when
it is not one; :func:`compare` turns two loaded reports into a frozen :class:`ReportDiff`.

Findings are matched by ``fingerprint``, which ignores line numbers, so a finding that only moved
is not new. Everything in a report is treated as untrusted data: fields may be missing or of the
wrong type in reports from other versions (``waivers`` and ``attestations`` are absent from older
reports: they are then "not recorded"); only what the diff cannot work without is checked.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from .errors import ConfigError

SCHEMA_VERSION = 1
DIFF_VERSION = 1
REPORT_FILENAME = "report.json"
ABSENT = "absent"  # the status of a control, scanner or catalog that one report does not have
SEVERITIES: tuple[str, ...] = ("critical", "high", "medium", "low", "info")
REGRESSION_SEVERITIES = frozenset({"critical", "high"})
REGRESSION_STATUSES = frozenset({"fail", "inconclusive"})

ControlGroup = Literal["newly_failing", "newly_passing", "became_inconclusive", "other"]
CONTROL_GROUPS: tuple[ControlGroup, ...] = ("newly_failing", "newly_passing", "became_inconclusive", "other")
GATE_LISTS: tuple[str, ...] = ("blockers", "conditions", "incomplete")
SETTINGS_COMPARED: tuple[str, ...] = ("asvs_level", "catalogs", "profile", "fail_on", "scanners", "required_scanners",
                                      "exclude", "baseline", "changed_since")


# ---------------------------------------------------------------- the result


@dataclass(frozen=True)
class ReportSide:
    """Which report one side of the diff is."""

    file: str
    target: str
    tool_version: str
    generated_at: str | None
    catalogs: tuple[str, ...]
    findings: int


@dataclass(frozen=True)
class ScoreChange:
    """One catalog's readiness in both reports (``None``: the catalog is not in that report)."""

    catalog: str
    name: str
    old_score: float | None
    new_score: float | None
    delta: float | None
    old_pass: int | None
    new_pass: int | None
    old_applicable: int | None  # controls - not_applicable: the score's denominator
    new_applicable: int | None
    old_fail: int | None
    new_fail: int | None
    old_inconclusive: int | None
    new_inconclusive: int | None

    @property
    def changed(self) -> bool:
        return (self.old_score, self.old_pass, self.old_applicable, self.old_fail, self.old_inconclusive) != (
            self.new_score, self.new_pass, self.new_applicable, self.new_fail, self.new_inconclusive)


@dataclass(frozen=True)
class ControlChange:
    id: str
    title: str
    old_status: str
    new_status: str
    group: ControlGroup

    @property
    def regressed(self) -> bool:
        return self.old_status == "pass" and self.new_status in REGRESSION_STATUSES


@dataclass(frozen=True)
class FindingRef:
    fingerprint: str
    rule_id: str
    scanner: str
    severity: str
    title: str
    path: str
    line: int
    triage: str


@dataclass(frozen=True)
class MovedFinding:
    """The same finding (same fingerprint) at another line: not new, not resolved."""

    fingerprint: str
    rule_id: str
    severity: str
    title: str
    path: str
    old_line: int
    new_line: int


@dataclass(frozen=True)
class ScannerChange:
    scanner: str
    old_status: str
    new_status: str
    reason: str  # why, from the new report (or the old one when the scanner is gone)


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class GateEntry:
    kind: str  # blockers, conditions or incomplete (scanner names)
    text: str


@dataclass(frozen=True)
class GateDiff:
    old_verdict: str
    new_verdict: str
    old_passed: bool | None
    new_passed: bool | None
    old_blocking: int
    new_blocking: int
    fields: tuple[FieldChange, ...]  # profile, fail_on
    added: tuple[GateEntry, ...]
    removed: tuple[GateEntry, ...]

    @property
    def changed(self) -> bool:
        return bool(
            self.old_verdict != self.new_verdict or self.old_passed != self.new_passed
            or self.old_blocking != self.new_blocking or self.fields or self.added or self.removed
        )


@dataclass(frozen=True)
class GovernanceItem:
    key: str  # the waiver/attestation id, else the control(s) it covers
    status: str
    expires: str


@dataclass(frozen=True)
class GovernanceChange:
    key: str
    old_status: str
    new_status: str
    old_expires: str
    new_expires: str


@dataclass(frozen=True)
class GovernanceDiff:
    """Waivers or attestations: added, removed, status or expiry changed."""

    kind: str
    old_recorded: bool
    new_recorded: bool
    added: tuple[GovernanceItem, ...] = ()
    removed: tuple[GovernanceItem, ...] = ()
    changed: tuple[GovernanceChange, ...] = ()

    @property
    def recorded(self) -> bool:
        return self.old_recorded and self.new_recorded

    @property
    def has_changes(self) -> bool:
        return bool(self.added or self.removed or self.changed)


@dataclass(frozen=True)
class ReportDiff:
    old: ReportSide
    new: ReportSide
    warnings: tuple[str, ...]
    scores: tuple[ScoreChange, ...]
    controls: tuple[ControlChange, ...]
    new_findings: tuple[FindingRef, ...]
    resolved_findings: tuple[FindingRef, ...]
    moved_findings: tuple[MovedFinding, ...]
    new_by_severity: dict[str, int]
    resolved_by_severity: dict[str, int]
    scanners: tuple[ScannerChange, ...]
    gate: GateDiff
    waivers: GovernanceDiff
    attestations: GovernanceDiff
    settings: tuple[FieldChange, ...] = field(default=())

    def group(self, name: ControlGroup) -> tuple[ControlChange, ...]:
        return tuple(c for c in self.controls if c.group == name)

    @property
    def regressions(self) -> tuple[str, ...]:
        """What ``--fail-on-regression`` fails on: pass → fail/inconclusive, new critical/high findings."""
        out = [f"control {c.id} went from {c.old_status} to {c.new_status}" for c in self.controls if c.regressed]
        out += [
            f"new {f.severity} finding {f.rule_id} at {f.path}:{f.line}"
            for f in self.new_findings if f.severity in REGRESSION_SEVERITIES
        ]
        return tuple(out)

    @property
    def has_changes(self) -> bool:
        """Anything a reviewer should look at (moved findings alone are not a change)."""
        return bool(
            any(s.changed for s in self.scores) or self.controls or self.new_findings or self.resolved_findings
            or self.scanners or self.gate.changed or self.waivers.has_changes or self.attestations.has_changes
        )

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["kind"] = "productready-diff"
        data["diff_version"] = DIFF_VERSION
        data["has_changes"] = self.has_changes
        data["regressions"] = list(self.regressions)
        for score, raw in zip(self.scores, data["scores"], strict=True):
            raw["changed"] = score.changed
        for name in ("waivers", "attestations"):
            data[name]["recorded"] = getattr(self, name).recorded
        return data


# ---------------------------------------------------------------- loading


def _key_line(text: str, key: str) -> int:
    """The line of the first ``"key":`` in the JSON text (1 when it is not there)."""
    m = re.search(r'"' + re.escape(key) + r'"\s*:', text)
    return text.count("\n", 0, m.start()) + 1 if m else 1


def report_path(path: Path) -> Path:
    """The report file the user means: ``path`` itself, or ``path/report.json`` for a folder."""
    if path.is_dir():
        if not (path / REPORT_FILENAME).is_file():
            raise ConfigError(f"is a folder without a {REPORT_FILENAME}", str(path))
        return path / REPORT_FILENAME
    return path


def load_report(path: Path) -> dict[str, Any]:
    """Read a productready JSON report (a file, or a folder that holds ``report.json``)."""
    path = report_path(path)
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError("cannot read report: no such file", name) from None
    except UnicodeDecodeError:
        raise ConfigError("not a productready report: not UTF-8 text", name) from None
    except OSError as exc:
        raise ConfigError(f"cannot read report: {exc.strerror or exc}", name) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"not valid JSON: {exc.msg} (column {exc.colno})", name, exc.lineno) from None
    except RecursionError:
        raise ConfigError("not valid JSON: nested too deeply", name, 1) from None
    if not isinstance(data, dict):
        raise ConfigError(f"not a productready report: the top level is {_json_type(data)}, not an object", name, 1)
    if "schema_version" not in data:
        raise ConfigError("not a productready report: no 'schema_version'", name, 1)
    version = data["schema_version"]
    if type(version) is not int or version != SCHEMA_VERSION:
        raise ConfigError(
            f"not a productready report: schema_version is {json.dumps(version)}, expected {SCHEMA_VERSION}",
            name, _key_line(text, "schema_version"),
        )
    if not isinstance(data.get("controls"), list):
        raise ConfigError("not a productready report: no 'controls' list", name, _key_line(text, "controls"))
    for i, c in enumerate(data["controls"]):
        if not (isinstance(c, dict) and isinstance(c.get("id"), str) and isinstance(c.get("status"), str)):
            raise ConfigError(f"controls[{i}]: not a control (needs string 'id' and 'status')", name,
                              _key_line(text, "controls"))
    findings = data.get("findings", [])
    if not isinstance(findings, list):
        raise ConfigError("'findings' is not a list", name, _key_line(text, "findings"))
    for i, f in enumerate(findings):
        if not (isinstance(f, dict) and isinstance(f.get("fingerprint"), str)):
            raise ConfigError(f"findings[{i}]: not a finding (needs a string 'fingerprint')", name,
                              _key_line(text, "findings"))
    return data


def _json_type(value: Any) -> str:
    return {list: "an array", str: "a string", bool: "a boolean", int: "a number", float: "a number"}.get(
        type(value), "null")


# ---------------------------------------------------------------- tolerant accessors


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [x for x in value if isinstance(x, dict)] if isinstance(value, list) else []


def _str(d: Mapping[str, Any], key: str, default: str = "") -> str:
    v = d.get(key)
    return v if isinstance(v, str) else default


def _int(d: Mapping[str, Any], key: str) -> int | None:
    v = d.get(key)
    return v if type(v) is int else None


def _num(d: Mapping[str, Any], key: str) -> float | None:
    v = d.get(key)
    return float(v) if isinstance(v, int | float) and not isinstance(v, bool) else None


def _strs(value: Any) -> list[str]:
    return [x for x in value if isinstance(x, str)] if isinstance(value, list) else []


def _obj(d: Mapping[str, Any], key: str) -> dict[str, Any]:
    v = d.get(key)
    return v if isinstance(v, dict) else {}


def _short(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False) if not isinstance(value, str) else value


# ---------------------------------------------------------------- comparing


def _catalogs(report: Mapping[str, Any]) -> tuple[str, ...]:
    cats = [_str(r, "catalog") for r in _dicts(report.get("readiness")) if _str(r, "catalog")]
    if not cats:
        cats = _strs(_obj(report, "settings").get("catalogs"))
    return tuple(sorted(set(cats)))


def _side(report: Mapping[str, Any], file: str) -> ReportSide:
    gen = report.get("generated_at")
    return ReportSide(
        file=file,
        target=_str(_obj(report, "target"), "name"),
        tool_version=_str(_obj(report, "tool"), "version"),
        generated_at=gen if isinstance(gen, str) else None,
        catalogs=_catalogs(report),
        findings=len(_dicts(report.get("findings"))),
    )


def _scores(old: Mapping[str, Any], new: Mapping[str, Any]) -> tuple[ScoreChange, ...]:
    def index(report: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
        return {_str(r, "catalog"): r for r in _dicts(report.get("readiness")) if _str(r, "catalog")}

    a, b = index(old), index(new)
    order = list(b) + [c for c in a if c not in b]  # the new report's order, then catalogs it dropped
    out = []
    for cat in order:
        o, n = a.get(cat), b.get(cat)

        def applicable(r: dict[str, Any] | None) -> int | None:
            if r is None:
                return None
            total, na = _int(r, "controls"), _int(r, "not_applicable")
            return None if total is None else total - (na or 0)

        def passed(r: dict[str, Any] | None) -> int | None:
            if r is None:
                return None
            p = r.get("pass")
            return _int(p, "total") if isinstance(p, dict) else _int(r, "pass")

        os_, ns = (_num(o, "score") if o else None), (_num(n, "score") if n else None)
        out.append(ScoreChange(
            catalog=cat,
            name=_str(n or o or {}, "name") or cat,
            old_score=os_, new_score=ns,
            delta=round(ns - os_, 4) if os_ is not None and ns is not None else None,
            old_pass=passed(o), new_pass=passed(n),
            old_applicable=applicable(o), new_applicable=applicable(n),
            old_fail=_int(o, "fail") if o else None, new_fail=_int(n, "fail") if n else None,
            old_inconclusive=_int(o, "inconclusive") if o else None,
            new_inconclusive=_int(n, "inconclusive") if n else None,
        ))
    return tuple(out)


def _group(old_status: str, new_status: str) -> ControlGroup:
    if new_status == "fail":
        return "newly_failing"
    if new_status == "pass":
        return "newly_passing"
    if new_status == "inconclusive":
        return "became_inconclusive"
    return "other"


def _controls(old: Mapping[str, Any], new: Mapping[str, Any]) -> tuple[ControlChange, ...]:
    a = {_str(c, "id"): c for c in _dicts(old.get("controls"))}
    b = {_str(c, "id"): c for c in _dicts(new.get("controls"))}
    out = []
    for cid in sorted(set(a) | set(b)):
        o, n = a.get(cid), b.get(cid)
        os_ = _str(o, "status", ABSENT) if o else ABSENT
        ns = _str(n, "status", ABSENT) if n else ABSENT
        if os_ == ns:
            continue
        out.append(ControlChange(cid, _str(n or o or {}, "title"), os_, ns, _group(os_, ns)))
    rank = {g: i for i, g in enumerate(CONTROL_GROUPS)}
    return tuple(sorted(out, key=lambda c: (rank[c.group], c.id)))


def _finding_ref(f: Mapping[str, Any]) -> FindingRef:
    loc = _obj(f, "location")
    sev = _str(f, "severity")
    return FindingRef(
        fingerprint=_str(f, "fingerprint"), rule_id=_str(f, "rule_id"), scanner=_str(f, "scanner"),
        severity=sev if sev in SEVERITIES else "info", title=_str(f, "title") or _str(f, "message"),
        path=_str(loc, "path"), line=_int(loc, "line") or 0, triage=_str(f, "triage", "new"),
    )


def _finding_order(f: FindingRef) -> tuple[int, str, int, str, str]:
    return (SEVERITIES.index(f.severity), f.path, f.line, f.rule_id, f.fingerprint)


def _by_severity(findings: Iterable[FindingRef]) -> dict[str, int]:
    counts = dict.fromkeys(SEVERITIES, 0)
    for f in findings:
        counts[f.severity] += 1
    return counts


def _findings(
    old: Mapping[str, Any], new: Mapping[str, Any]
) -> tuple[tuple[FindingRef, ...], tuple[FindingRef, ...], tuple[MovedFinding, ...]]:
    a: dict[str, FindingRef] = {}
    for f in _dicts(old.get("findings")):
        ref = _finding_ref(f)
        a.setdefault(ref.fingerprint, ref)
    b: dict[str, FindingRef] = {}
    for f in _dicts(new.get("findings")):
        ref = _finding_ref(f)
        b.setdefault(ref.fingerprint, ref)
    added = sorted((f for fp, f in b.items() if fp not in a), key=_finding_order)
    resolved = sorted((f for fp, f in a.items() if fp not in b), key=_finding_order)
    moved = sorted(
        (MovedFinding(fp, f.rule_id, f.severity, f.title, f.path, a[fp].line, f.line)
         for fp, f in b.items() if fp in a and (a[fp].line, a[fp].path) != (f.line, f.path)),
        key=lambda m: (m.path, m.new_line, m.rule_id, m.fingerprint),
    )
    return tuple(added), tuple(resolved), tuple(moved)


def _scanners(old: Mapping[str, Any], new: Mapping[str, Any]) -> tuple[ScannerChange, ...]:
    a = {_str(s, "scanner"): s for s in _dicts(old.get("scans")) if _str(s, "scanner")}
    b = {_str(s, "scanner"): s for s in _dicts(new.get("scans")) if _str(s, "scanner")}
    out = []
    for name in sorted(set(a) | set(b)):
        o, n = a.get(name), b.get(name)
        os_ = _str(o, "status", "unknown") if o else ABSENT
        ns = _str(n, "status", "unknown") if n else ABSENT
        if os_ != ns:
            out.append(ScannerChange(name, os_, ns, _str(n, "reason") if n else _str(o or {}, "reason")))
    return tuple(out)


def _gate(old: Mapping[str, Any], new: Mapping[str, Any]) -> GateDiff:
    a, b = _obj(old, "gate"), _obj(new, "gate")
    fields = tuple(
        FieldChange(k, _short(a.get(k, "")), _short(b.get(k, ""))) for k in ("profile", "fail_on") if a.get(k) != b.get(k)
    )
    added: list[GateEntry] = []
    removed: list[GateEntry] = []
    for kind in GATE_LISTS:
        oa, nb = _strs(a.get(kind)), _strs(b.get(kind))
        added += [GateEntry(kind, t) for t in nb if t not in oa]
        removed += [GateEntry(kind, t) for t in oa if t not in nb]

    def passed(g: Mapping[str, Any]) -> bool | None:
        v = g.get("passed")
        return v if isinstance(v, bool) else None

    return GateDiff(
        old_verdict=_str(a, "verdict", "unknown"), new_verdict=_str(b, "verdict", "unknown"),
        old_passed=passed(a), new_passed=passed(b),
        old_blocking=len(_strs(a.get("blocking"))), new_blocking=len(_strs(b.get("blocking"))),
        fields=fields, added=tuple(added), removed=tuple(removed),
    )


def _governance_items(value: Any) -> dict[str, GovernanceItem]:
    out: dict[str, GovernanceItem] = {}
    for i, item in enumerate(value if isinstance(value, list) else []):
        if not isinstance(item, dict):
            continue
        key = _str(item, "id") or _str(item, "control") or ", ".join(_strs(item.get("controls"))) or f"#{i + 1}"
        unique, n = key, 2
        while unique in out:
            unique, n = f"{key} ({n})", n + 1
        out[unique] = GovernanceItem(unique, _short(item.get("status", "")), _short(item.get("expires", "")))
    return out


def _governance(kind: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> GovernanceDiff:
    old_rec, new_rec = isinstance(old.get(kind), list), isinstance(new.get(kind), list)
    if not (old_rec and new_rec):
        return GovernanceDiff(kind, old_rec, new_rec)
    a, b = _governance_items(old[kind]), _governance_items(new[kind])
    changed = tuple(
        GovernanceChange(k, a[k].status, b[k].status, a[k].expires, b[k].expires)
        for k in sorted(set(a) & set(b))
        if (a[k].status, a[k].expires) != (b[k].status, b[k].expires)
    )
    return GovernanceDiff(
        kind, True, True,
        added=tuple(b[k] for k in sorted(set(b) - set(a))),
        removed=tuple(a[k] for k in sorted(set(a) - set(b))),
        changed=changed,
    )


def _settings(old: Mapping[str, Any], new: Mapping[str, Any]) -> tuple[FieldChange, ...]:
    a, b = _obj(old, "settings"), _obj(new, "settings")
    return tuple(
        FieldChange(k, _short(a.get(k)), _short(b.get(k))) for k in SETTINGS_COMPARED if a.get(k) != b.get(k)
    )


def _warnings(old: ReportSide, new: ReportSide, settings: Sequence[FieldChange]) -> tuple[str, ...]:
    out = []
    if old.target != new.target:
        out.append(f"the reports are of different targets: '{old.target}' and '{new.target}'")
    if old.catalogs != new.catalogs:
        out.append(
            f"the reports cover different catalogs: {', '.join(old.catalogs) or 'none'} "
            f"and {', '.join(new.catalogs) or 'none'}"
        )
    if old.tool_version != new.tool_version:
        out.append(
            f"the reports come from different productready versions ({old.tool_version or 'unknown'} and "
            f"{new.tool_version or 'unknown'}): some changes may come from the tool"
        )
    if settings:
        out.append("the scans used different settings: " + "; ".join(f"{s.field} {s.old} → {s.new}" for s in settings))
    return tuple(out)


def compare(old: Mapping[str, Any], new: Mapping[str, Any], old_file: str = "", new_file: str = "") -> ReportDiff:
    """The changes from ``old`` to ``new`` (two loaded reports)."""
    old_side = _side(old, old_file or "old")
    new_side = _side(new, new_file or "new")
    added, resolved, moved = _findings(old, new)
    settings = _settings(old, new)
    return ReportDiff(
        old=old_side,
        new=new_side,
        warnings=_warnings(old_side, new_side, settings),
        scores=_scores(old, new),
        controls=_controls(old, new),
        new_findings=added,
        resolved_findings=resolved,
        moved_findings=moved,
        new_by_severity=_by_severity(added),
        resolved_by_severity=_by_severity(resolved),
        scanners=_scanners(old, new),
        gate=_gate(old, new),
        waivers=_governance("waivers", old, new),
        attestations=_governance("attestations", old, new),
        settings=settings,
    )


def diff_files(old: Path, new: Path) -> ReportDiff:
    """Load both reports (every problem is a ``ConfigError``) and compare them."""
    old, new = report_path(old), report_path(new)
    return compare(load_report(old), load_report(new), str(old), str(new))
