"""SARIF 2.1.0 for code-scanning dashboards (GitHub code scanning, GitLab, Azure DevOps, IDEs).

One run, ``tool.driver`` = productready, one ``tool.extensions`` entry per scanner (bandit,
semgrep, checks, ...). GitHub code scanning keys an analysis by the driver name (and category):
one driver keeps every alert in one analysis whose history survives a scanner being added or
removed, and GitHub reads rules from ``driver.rules`` best. Rule ids are already namespaced
(``bandit:B602``), so rules from different scanners never collide.

* rules: ``shortDescription``, ``help`` (text and Markdown with the remediation),
  ``properties.tags`` (``security``, ``external/cwe/cwe-N``) and ``security-severity``;
* results: ``partialFingerprints`` ``productready/v1`` = the finding fingerprint (survives line
  shifts), ``baselineState``, ``suppressions`` for waived findings;
* the evaluated control catalogs are ``run.taxonomies`` (one ``toolComponent`` per catalog, its
  ``taxa`` the controls that findings of this scan point at: ``isComprehensive`` is false, the
  complete control table is in the JSON, JUnit, CSV and OSCAL outputs); results reference taxa and
  rules have ``relationships`` to them;
* every scanner run is an ``invocations[]`` entry: ``executionSuccessful`` is false for a failed
  scanner, and partial, failed and skipped runs (and skipped files) are
  ``toolExecutionNotifications``.

Triage (Report.triage, waivers, inline suppressions): a finding in the baseline is
``baselineState: unchanged``; a waived finding carries an ``external`` suppression and one
silenced by an accepted inline ``productready`` comment an ``inSource`` suppression, both with the
justification, so GitHub shows them as dismissed.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from ..models import Finding, Report, ScanResult, ScanStatus, Severity
from .base import Format
from .json import readiness_dict
from .jsonout import canonical_bytes, canonical_text, gc_paused

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
FINGERPRINT_KEY = "productready/v1"
SRCROOT = "%SRCROOT%"
# Fixed namespace for every deterministic UUID productready writes (SARIF guids, OSCAL uuids).
UUID_NAMESPACE = uuid.UUID("0e971595-15b6-4257-8fc8-4093c9c26cd4")

LEVEL = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}
# GitHub: > 9.0 critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low; info has none.
SECURITY_SEVERITY = {Severity.CRITICAL: "9.5", Severity.HIGH: "8.0", Severity.MEDIUM: "5.5", Severity.LOW: "3.0"}
PRECISION = {"high": "high", "medium": "medium", "low": "low"}
BASELINE_STATES = ("new", "unchanged", "updated", "absent")
MAX_SKIPPED_NOTIFICATIONS = 50

NOTIFICATIONS = (
    ("scanner-failed", "A scanner failed: its rules did not look at the repository."),
    ("scanner-partial", "A scanner finished but did not look at everything."),
    ("scanner-skipped", "A scanner was not run."),
    ("file-skipped", "A scanner skipped a file."),
)


_NAMESPACE_SHA1 = hashlib.sha1(UUID_NAMESPACE.bytes, usedforsecurity=False)
_VARIANT = {c: "89ab"[int(c, 16) & 3] for c in "0123456789abcdef"}


def stable_uuid(*parts: str) -> str:
    """``str(uuid.uuid5(UUID_NAMESPACE, "\\x1f".join(parts)))``, without building UUID objects
    (the OSCAL report asks for one per finding)."""
    h = _NAMESPACE_SHA1.copy()
    h.update("\x1f".join(parts).encode("utf-8"))
    x = h.hexdigest()
    return f"{x[:8]}-{x[8:12]}-5{x[13:16]}-{_VARIANT[x[16]]}{x[17:20]}-{x[20:32]}"


# ---------------------------------------------------------------- triage


def triage_state(report: Report, f: Finding) -> str:
    """``new``, ``baselined``, ``waived`` or ``suppressed`` (Report.triage; ``new`` if absent)."""
    return str(report.triage.get(f.fingerprint, "new"))


def finding_waiver(report: Report, f: Finding) -> Any | None:
    """The active waiver (triage.WaiverResult) that waived a finding, if any."""
    if triage_state(report, f) != "waived":
        return None
    return next((w for w in report.waivers if w.status == "active" and f.fingerprint in w.matched), None)


def finding_suppression(report: Report, f: Finding) -> Any | None:
    """The accepted inline suppression (triage.Suppression) that suppressed a finding, if any."""
    if triage_state(report, f) != "suppressed":
        return None
    return next(
        (
            s for s in report.suppressions
            if s.accepted and s.path == f.location.path and s.line == f.location.line
            and (not s.rules or f.rule_id in s.rules)
        ),
        None,
    )


def triage_reason(report: Report, f: Finding) -> str:
    """Why a finding does not count: the waiver's or the inline suppression's reason."""
    w = finding_waiver(report, f)
    if w is not None:
        return f"waiver {w.id}: {w.reason}" if w.id else str(w.reason)
    s = finding_suppression(report, f)
    if s is not None:
        return f"{s.kind}: {s.reason}" if s.reason else str(s.kind)
    return ""


def baseline_state(report: Report, f: Finding) -> str:
    """SARIF ``baselineState``: ``unchanged`` for a finding in the baseline, else ``new``."""
    return "unchanged" if triage_state(report, f) == "baselined" else "new"


class TriageIndex:
    """The triage lookups above for many findings: waivers and inline suppressions are indexed
    once (by fingerprint, and by path and line) instead of searched per finding. Same answers."""

    def __init__(self, report: Report) -> None:
        self.report = report
        self.states = report.triage
        self._waivers: dict[str, Any] | None = None
        self._suppressions: dict[tuple[str, int], list[Any]] | None = None

    def state(self, f: Finding) -> str:
        return str(self.states.get(f.fingerprint, "new"))

    def waiver(self, f: Finding, state: str) -> Any | None:
        if state != "waived":
            return None
        if self._waivers is None:
            index: dict[str, Any] = {}
            for w in self.report.waivers:
                if w.status == "active":
                    for fp in w.matched:
                        index.setdefault(fp, w)
            self._waivers = index
        return self._waivers.get(f.fingerprint)

    def suppression(self, f: Finding, state: str) -> Any | None:
        if state != "suppressed":
            return None
        if self._suppressions is None:
            index: dict[tuple[str, int], list[Any]] = {}
            for s in self.report.suppressions:
                if s.accepted:
                    index.setdefault((s.path, s.line), []).append(s)
            self._suppressions = index
        candidates = self._suppressions.get((f.location.path, f.location.line), ())
        return next((s for s in candidates if not s.rules or f.rule_id in s.rules), None)

    def reason(self, f: Finding, state: str) -> str:
        """:func:`triage_reason` for a finding whose state is known."""
        if state == "waived":
            w = self.waiver(f, state)
            if w is not None:
                return f"waiver {w.id}: {w.reason}" if w.id else str(w.reason)
        elif state == "suppressed":
            s = self.suppression(f, state)
            if s is not None:
                return f"{s.kind}: {s.reason}" if s.reason else str(s.kind)
        return ""


# ---------------------------------------------------------------- text helpers

_MD_INLINE = tuple((c, "\\" + c) for c in "\\`*_[]<>&~")  # the backslash first
_MD_LINE_START = re.compile(r"^([ \t]*)([#+\-=]|\d+(?=[.)]))", re.MULTILINE)


def md_escape(text: str) -> str:
    """Untrusted text as literal CommonMark/GFM: inline markup characters (emphasis, code, links,
    HTML, entities, strikethrough) are backslash-escaped, and so is anything at the start of a
    line that would open a heading, list or setext underline. Parentheses need no escape once
    brackets are escaped (no link can form)."""
    for char, escaped in _MD_INLINE:  # a backslash before each markup character
        if char in text:  # a fast scan; str.translate or a regular expression are several times slower
            text = text.replace(char, escaped)
    return _MD_LINE_START.sub(_line_start, text)


def _line_start(m: re.Match[str]) -> str:
    return m.group(1) + ("\\" + m.group(2) if not m.group(2).isdigit() else m.group(2) + "\\")


_BRACKET = re.compile(r"(\\*)([\[\]])")


def message_text(text: str) -> str:
    """Plain text for a SARIF ``message``: SARIF reads ``[text](target)`` there as an embedded
    link (§3.11.6), so literal brackets (and backslashes right before them) are escaped."""
    if "[" not in text and "]" not in text:
        return text
    return _BRACKET.sub(lambda m: m.group(1) * 2 + "\\" + m.group(2), text)


def artifact_uri(path: str) -> str:
    """A relative POSIX path as a URI reference (percent-encoded; never absolute)."""
    return quote(path.lstrip("/"), safe="/-._~") or "."


def _http_url(url: str) -> str:
    return url if re.match(r"^https?://[^\s<>\"]+$", url) else ""


def _cwe_url(n: int) -> str:
    return f"https://cwe.mitre.org/data/definitions/{n}.html"


# ---------------------------------------------------------------- building blocks


class _Taxonomies:
    """Catalog tool components and their taxa (controls that findings point at)."""

    def __init__(self, report: Report) -> None:
        names = {r.catalog: r for r in report.readiness}
        order: list[str] = [r.catalog for r in report.readiness]
        for c in report.controls:
            if c.catalog not in order:
                order.append(c.catalog)
        self.catalogs = order
        self.taxa: dict[str, list[Any]] = {cat: [] for cat in order}
        self.by_finding: dict[str, list[tuple[int, int]]] = {}
        for c in report.controls:
            if not c.findings:
                continue
            ti = order.index(c.catalog)
            xi = len(self.taxa[c.catalog])
            self.taxa[c.catalog].append(c)
            for fp in c.findings:
                self.by_finding.setdefault(fp, []).append((ti, xi))
        self.names = names
        self._refs: dict[tuple[int, int], dict[str, Any]] = {}
        self._lists: dict[tuple[tuple[int, int], ...], list[dict[str, Any]]] = {}

    def ref(self, ti: int, xi: int) -> dict[str, Any]:
        """The reference to one taxon (one shared dict per taxon: the output is only serialized)."""
        ref = self._refs.get((ti, xi))
        if ref is None:
            cat = self.catalogs[ti]
            ref = self._refs[(ti, xi)] = {
                "id": self.taxa[cat][xi].control_id,
                "index": xi,
                "toolComponent": {"name": cat, "index": ti},
            }
        return ref

    def refs_of(self, fingerprint: str) -> list[dict[str, Any]] | None:
        """A result's ``taxa``: the controls its finding fails (shared per set of controls)."""
        pairs = self.by_finding.get(fingerprint)
        if not pairs:
            return None
        key = tuple(pairs)
        refs = self._lists.get(key)
        if refs is None:
            refs = self._lists[key] = [self.ref(ti, xi) for ti, xi in pairs]
        return refs

    def components(self) -> list[dict[str, Any]]:
        out = []
        for cat in self.catalogs:
            r = self.names.get(cat)
            comp: dict[str, Any] = {
                "name": cat,
                "guid": stable_uuid("taxonomy", cat),
                "isComprehensive": False,
                "shortDescription": {
                    "text": f"{r.name if r else cat}: the controls that findings of this scan point at"
                },
                "taxa": [
                    {
                        "id": c.control_id,
                        "guid": stable_uuid("control", c.key),
                        "shortDescription": {"text": c.title or c.key},
                        "properties": {"status": c.status.value, "basis": c.basis.value, "reason": c.reason},
                    }
                    for c in self.taxa[cat]
                ],
            }
            if r is not None:
                comp["fullName"] = r.name
                comp["organization"] = r.framework
            out.append(comp)
        return out

    def supported(self) -> list[dict[str, Any]]:
        return [{"name": cat, "index": i, "guid": stable_uuid("taxonomy", cat)} for i, cat in enumerate(self.catalogs)]


def _rule(rule_id: str, findings: Sequence[Finding], tax: _Taxonomies) -> dict[str, Any]:
    first = findings[0]
    worst_rank, worst = -1, first.severity
    confidence = first.confidence._value_
    cwes: set[int] = set()
    tags: set[str] = {"security"}
    remediation = help_url = ""
    targets: set[tuple[int, int]] = set()
    by_finding = tax.by_finding
    for f in findings:  # one pass: a rule can have tens of thousands of findings
        rank = _RANK[f.severity]
        if rank > worst_rank:
            worst_rank, worst = rank, f.severity
        if _confidence_rank(f.confidence._value_) > _confidence_rank(confidence):
            confidence = f.confidence._value_
        if f.cwe:
            cwes.update(f.cwe)
        if f.tags:
            tags.update(f.tags)
        if not remediation and f.remediation:
            remediation = f.remediation
        if not help_url and f.help_url:
            help_url = _http_url(f.help_url)
        pairs = by_finding.get(f.fingerprint)
        if pairs:
            targets.update(pairs)
    title = first.title or rule_id
    cwe_list = sorted(cwes)
    text = [title]
    md = [f"**{md_escape(title)}**"]
    if remediation:
        text.append(f"Remediation: {remediation}")
        md.append(f"**Remediation:** {md_escape(remediation)}")
    if cwe_list:
        text.append("CWE: " + ", ".join(f"CWE-{c}" for c in cwe_list))
        md.append("CWE: " + ", ".join(f"[CWE-{c}]({_cwe_url(c)})" for c in cwe_list))
    if help_url:
        text.append(f"More information: {help_url}")
        md.append(f"[More information](<{help_url}>)")
    tags.update(f"external/cwe/cwe-{c}" for c in cwe_list)
    props: dict[str, Any] = {"tags": sorted(tags), "scanner": first.scanner, "severity": worst._value_}
    if worst in SECURITY_SEVERITY:
        props["security-severity"] = SECURITY_SEVERITY[worst]
    props["precision"] = PRECISION.get(confidence, "medium")
    rule: dict[str, Any] = {
        "id": rule_id,
        "shortDescription": {"text": title},
        "fullDescription": {"text": title},
        "help": {"text": "\n\n".join(text), "markdown": "\n\n".join(md)},
        "defaultConfiguration": {"level": LEVEL[worst]},
        "properties": props,
    }
    if help_url:
        rule["helpUri"] = help_url
    if targets:
        rule["relationships"] = [{"target": tax.ref(ti, xi), "kinds": ["relevant"]} for ti, xi in sorted(targets)]
    return rule


_RANK = {s: s.rank for s in Severity}


def _confidence_rank(value: str) -> int:
    return {"high": 2, "medium": 1}.get(value, 0)


def _add_region(physical: dict[str, Any], f: Finding) -> None:
    loc = f.location
    if loc.line > 0:
        region: dict[str, Any] = {"startLine": loc.line}
        if loc.end_line >= loc.line:
            region["endLine"] = loc.end_line
        if loc.column > 0:
            region["startColumn"] = loc.column
        if f.snippet:
            region["snippet"] = {"text": f.snippet}
        physical["region"] = region


class _Results:
    """Builds ``results``: what many results have in common (artifact locations, properties,
    taxa lists) is one shared dict, and triage is looked up through an index."""

    def __init__(self, report: Report, tax: _Taxonomies, index: dict[str, int]) -> None:
        self.tax = tax
        self.index = index
        self.triage = TriageIndex(report)
        self.artifacts: dict[str, dict[str, Any]] = {}
        self.props: dict[tuple[str, str, str], dict[str, Any]] = {}

    def result(self, f: Finding) -> dict[str, Any]:
        loc = f.location
        artifact = self.artifacts.get(loc.path)
        if artifact is None:
            artifact = self.artifacts[loc.path] = {"uri": artifact_uri(loc.path), "uriBaseId": SRCROOT}
        physical: dict[str, Any] = {"artifactLocation": artifact}
        if loc.line > 0:
            _add_region(physical, f)
        sev, conf = f.severity, f.confidence
        key = (sev, conf, f.scanner)
        props = self.props.get(key)
        if props is None:
            props = self.props[key] = {"severity": sev._value_, "confidence": conf._value_, "scanner": f.scanner}
        state = self.triage.state(f)
        result: dict[str, Any] = {
            "ruleId": f.rule_id,
            "ruleIndex": self.index[f.rule_id],
            "level": LEVEL[sev],
            "message": {"text": message_text(f.message or f.title or f.rule_id)},
            "locations": [{"physicalLocation": physical}],
            "partialFingerprints": {FINGERPRINT_KEY: f.fingerprint},
            "baselineState": "unchanged" if state == "baselined" else "new",
            "properties": props,
        }
        refs = self.tax.refs_of(f.fingerprint)
        if refs:
            result["taxa"] = refs
        if state == "waived" or state == "suppressed":
            _add_suppression(result, self.triage, f, state)
        return result


def _add_suppression(result: dict[str, Any], triage: TriageIndex, f: Finding, state: str) -> None:
    waiver = triage.waiver(f, state)
    sup = triage.suppression(f, state)
    if waiver is not None:
        props = {k: v for k, v in (("waiver", waiver.id), ("owner", waiver.owner), ("expires", waiver.expires)) if v}
        result["suppressions"] = [_suppression("external", waiver.reason, props)]
    elif sup is not None:
        result["suppressions"] = [_suppression("inSource", sup.reason, {"marker": sup.kind})]
    else:
        result["suppressions"] = [_suppression("external", "", {})]


def _suppression(kind: str, justification: str, props: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": kind, "status": "accepted"}
    if justification:
        out["justification"] = justification
    if props:
        out["properties"] = props
    return out


def _notification(descriptor: str, level: str, text: str, path: str = "") -> dict[str, Any]:
    n: dict[str, Any] = {
        "descriptor": {"id": descriptor, "index": [d for d, _ in NOTIFICATIONS].index(descriptor)},
        "level": level,
        "message": {"text": message_text(text)},
    }
    if path:
        n["locations"] = [{"physicalLocation": {"artifactLocation": {"uri": artifact_uri(path), "uriBaseId": SRCROOT}}}]
    return n


def _invocation(s: ScanResult, timings: bool) -> dict[str, Any]:
    notes: list[dict[str, Any]] = []
    if s.status is ScanStatus.FAILED:
        notes.append(_notification("scanner-failed", "error", f"{s.scanner} failed: {s.reason or 'no reason given'}"))
    elif s.status is ScanStatus.PARTIAL:
        notes.append(_notification("scanner-partial", "warning", f"{s.scanner} is partial: {s.reason or 'no reason given'}"))
    elif s.status is ScanStatus.SKIPPED:
        notes.append(_notification("scanner-skipped", "note", f"{s.scanner} was skipped: {s.reason or 'no reason given'}"))
    for item in s.skipped[:MAX_SKIPPED_NOTIFICATIONS]:
        notes.append(_notification("file-skipped", "warning", f"{s.scanner} skipped {item.path}: {item.reason}", item.path))
    if len(s.skipped) > MAX_SKIPPED_NOTIFICATIONS:
        more = len(s.skipped) - MAX_SKIPPED_NOTIFICATIONS
        notes.append(_notification("file-skipped", "warning", f"{s.scanner} skipped {more} more file(s)"))
    for n in notes:
        n["properties"] = {"scanner": s.scanner}
    inv: dict[str, Any] = {
        "executionSuccessful": s.status is not ScanStatus.FAILED,
        "properties": {
            "scanner": s.scanner,
            "status": s.status.value,
            "reason": s.reason,
            "required": s.required,
            "filesScanned": s.files_scanned,
            "findings": len(s.findings),
        },
    }
    if notes:
        inv["toolExecutionNotifications"] = notes
    if timings and s.started and s.finished:
        inv["startTimeUtc"] = _utc(s.started)
        inv["endTimeUtc"] = _utc(s.finished)
    return inv


def _utc(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")[:-4] + "Z"


def sarif_dict(report: Report) -> dict[str, Any]:
    tax = _Taxonomies(report)
    by_rule: dict[str, list[Finding]] = {}
    for f in report.findings:
        by_rule.setdefault(f.rule_id, []).append(f)
    rule_ids = sorted(by_rule)
    rules = [_rule(rid, by_rule[rid], tax) for rid in rule_ids]
    index = {rid: i for i, rid in enumerate(rule_ids)}
    results = _Results(report, tax, index)
    scans = sorted(report.scans, key=lambda s: s.scanner)
    extensions = []
    for s in scans:
        ext: dict[str, Any] = {"name": s.scanner, "guid": stable_uuid("scanner", s.scanner)}
        if s.version:
            ext["version"] = s.version
        ext["properties"] = {"status": s.status.value}
        extensions.append(ext)
    driver: dict[str, Any] = {
        "name": "productready",
        "version": report.tool_version,
        "semanticVersion": report.tool_version,
        "guid": stable_uuid("tool", "productready"),
        "rules": rules,
        "notifications": [{"id": d, "shortDescription": {"text": text}} for d, text in NOTIFICATIONS],
        "supportedTaxonomies": tax.supported(),
    }
    gate = report.gate
    run: dict[str, Any] = {
        "tool": {"driver": driver, "extensions": extensions},
        "invocations": [_invocation(s, report.timings) for s in scans],
        "taxonomies": tax.components(),
        "columnKind": "unicodeCodePoints",
        "results": [results.result(f) for f in report.findings],
        "properties": {
            "target": report.target.root_name,
            "gate": {
                "passed": gate.passed,
                "verdict": gate.verdict,
                "profile": gate.profile,
                "fail_on": gate.fail_on,
                "blocking": list(gate.blocking),
                "incomplete": list(gate.incomplete),
                "blockers": list(gate.blockers),
                "conditions": list(gate.conditions),
            },
            "readiness": [readiness_dict(r) for r in report.readiness],
        },
    }
    if report.generated_at:
        run["properties"]["generated_at"] = report.generated_at
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


class SarifFormat(Format):
    name = "sarif"
    extension = "sarif"
    description = "SARIF 2.1.0 for code scanning (GitHub, GitLab); controls as taxonomies"

    def render(self, report: Report) -> str:
        with gc_paused():
            return canonical_text(sarif_dict(report), replace_surrogates=True)

    def render_bytes(self, report: Report) -> bytes:
        with gc_paused():
            return canonical_bytes(sarif_dict(report), replace_surrogates=True)
