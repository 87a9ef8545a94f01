"""JUnit XML (Ant/Jenkins dialect) so CI systems show controls as tests.

* one ``<testsuite>`` per evaluated catalog (``name`` = catalog id) with a ``<testcase>`` per
  control (``classname`` = catalog id, ``name`` = ``ID title``): ``pass`` → passed, ``fail`` →
  ``<failure>`` (message = reason, text = the findings with ``file:line``), ``inconclusive`` →
  ``<error>``, ``manual`` and ``not_applicable`` → ``<skipped>`` (message = reason);
* one ``<testsuite name="scanners">`` with a testcase per scanner run: ``ok`` passes, ``partial``
  and ``failed`` are ``<error>``, ``skipped`` is ``<skipped>``.

``tests``, ``failures``, ``errors`` and ``skipped`` are counted on every suite and on
``<testsuites>`` (Jenkins and GitLab count the testcase children themselves; other readers trust
the attributes). Built with ElementTree, never by string concatenation; text that XML 1.0 cannot
carry at all (control characters, lone surrogates) is written as a visible ``\\xNN`` escape.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

from ..models import ControlStatus, Finding, Report, ScanResult, ScanStatus, Severity
from .base import Format
from .jsonout import gc_paused
from .sarif import triage_state

SCANNERS_SUITE = "scanners"
# Not allowed in XML 1.0, or discouraged there (DEL and the C1 controls): written as an escape.
_XML_INVALID = re.compile("[^\t\n\r\u0020-\u007e\u00a0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text: str) -> str:
    """Text XML 1.0 can carry: CR/CRLF become LF; forbidden or discouraged characters (C0 and C1
    controls, DEL, lone surrogates, U+FFFE/U+FFFF) become a visible ``\\xNN`` / ``\\uNNNN`` escape."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _XML_INVALID.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}", text)


def _el(parent: ET.Element, tag: str, text: str = "", **attrs: str) -> ET.Element:
    e = ET.SubElement(parent, tag, {k: xml_safe(v) for k, v in attrs.items()})
    if text:
        e.text = xml_safe(text)
    return e


_SEVERITY_UPPER = {s: s.value.upper() for s in Severity}


def _finding_line(report: Report, f: Finding) -> str:
    state = triage_state(report, f)
    note = f" ({state})" if state != "new" else ""
    where = f.location.render() or "(repository)"
    return f"{_SEVERITY_UPPER[f.severity]} {f.rule_id} {where}: {f.message or f.title}{note}"


def _control_case(suite: ET.Element, report: Report, c: Any, findings: dict[str, Finding]) -> str:
    case = _el(suite, "testcase", classname=c.catalog, name=f"{c.control_id} {c.title}".strip(), time="0")
    status = c.status
    out = [f"status: {status.value}", f"basis: {c.basis.value}"]
    if status is ControlStatus.PASS:
        out.append(f"reason: {c.reason}")
    if c.derived_from:
        out.append("derived from: " + "; ".join(c.derived_from))
    if c.related:
        out.append("related: " + "; ".join(c.related))
    outcome = ""
    if status is ControlStatus.FAIL:
        lines = [_finding_line(report, findings[fp]) for fp in c.findings if fp in findings]
        if not lines and c.derived_from:
            lines = ["derived from " + "; ".join(c.derived_from)]
        _el(case, "failure", "\n".join(lines), message=c.reason, type="fail")
        outcome = "failure"
    elif status is ControlStatus.INCONCLUSIVE:
        text = "\n".join(f"incomplete: {r}" for r in c.incomplete_rules)
        _el(case, "error", text, message=c.reason, type="inconclusive")
        outcome = "error"
    elif status in (ControlStatus.MANUAL, ControlStatus.NOT_APPLICABLE):
        _el(case, "skipped", message=c.reason, type=status.value)
        outcome = "skipped"
    _el(case, "system-out", "\n".join(out) + "\n")
    return outcome


def _scanner_case(suite: ET.Element, s: ScanResult, timings: bool) -> str:
    time = f"{s.duration:.3f}" if timings else "0"
    case = _el(suite, "testcase", classname=SCANNERS_SUITE, name=s.scanner, time=time)
    reason = s.reason or "no reason given"
    outcome = ""
    if s.status in (ScanStatus.FAILED, ScanStatus.PARTIAL):
        text = "\n".join(f"skipped {k.path}: {k.reason}" for k in s.skipped)
        _el(case, "error", text, message=f"{s.status.value}: {reason}", type=s.status.value)
        outcome = "error"
    elif s.status is ScanStatus.SKIPPED:
        _el(case, "skipped", message=reason, type="skipped")
        outcome = "skipped"
    out = [
        f"status: {s.status.value}",
        f"version: {s.version or 'unknown'}",
        f"required: {'yes' if s.required else 'no'}",
        f"files scanned: {s.files_scanned}",
        f"findings: {len(s.findings)}",
    ]
    _el(case, "system-out", "\n".join(out) + "\n")
    return outcome


def _count(suite: ET.Element, outcomes: list[str], time: float = 0.0) -> dict[str, int]:
    counts = {
        "tests": len(outcomes),
        "failures": outcomes.count("failure"),
        "errors": outcomes.count("error"),
        "skipped": outcomes.count("skipped"),
    }
    for k, v in counts.items():
        suite.set(k, str(v))
    suite.set("time", f"{time:.3f}" if time else "0")
    return counts


def _properties(suite: ET.Element, items: list[tuple[str, str]]) -> None:
    props = _el(suite, "properties")
    for name, value in items:
        _el(props, "property", name=name, value=value)


def junit_xml(report: Report) -> str:
    root = ET.Element("testsuites", {"name": "productready"})
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    findings = {f.fingerprint: f for f in report.findings}
    readiness = {r.catalog: r for r in report.readiness}
    catalogs: list[str] = list(readiness)
    for c in report.controls:
        if c.catalog not in catalogs:
            catalogs.append(c.catalog)

    def add_suite(name: str) -> ET.Element:
        attrs = {"name": name, "tests": "0", "failures": "0", "errors": "0", "skipped": "0", "time": "0"}
        if report.generated_at:
            attrs["timestamp"] = report.generated_at
        return _el(root, "testsuite", **attrs)

    for cat in catalogs:
        suite = add_suite(cat)
        r = readiness.get(cat)
        if r is not None:
            _properties(suite, [
                ("catalog", r.name), ("framework", r.framework),
                ("readiness", f"{r.score:.1%}"), ("formula", r.formula),
            ])
        outcomes = [_control_case(suite, report, c, findings) for c in report.controls if c.catalog == cat]
        for k, v in _count(suite, outcomes).items():
            totals[k] += v
    suite = add_suite(SCANNERS_SUITE)
    gate = report.gate
    _properties(suite, [
        ("target", report.target.root_name), ("productready.version", report.tool_version),
        ("gate.passed", "true" if gate.passed else "false"), ("gate.verdict", gate.verdict),
        ("gate.profile", gate.profile), ("gate.fail_on", gate.fail_on),
        *(("gate.blocker", text) for text in gate.blockers),
        *(("gate.condition", text) for text in gate.conditions),
    ])
    scans = sorted(report.scans, key=lambda s: s.scanner)
    outcomes = [_scanner_case(suite, s, report.timings) for s in scans]
    elapsed = sum(round(s.duration, 3) for s in scans) if report.timings else 0.0
    for k, v in _count(suite, outcomes, elapsed).items():
        totals[k] += v
    for k, v in totals.items():
        root.set(k, str(v))
    root.set("time", "0")
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


class JunitFormat(Format):
    name = "junit"
    extension = "junit.xml"
    description = "JUnit XML for CI test views: a testsuite per catalog, a testcase per control"

    def render(self, report: Report) -> str:
        with gc_paused():
            return junit_xml(report)
