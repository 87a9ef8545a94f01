"""JUnit XML: golden output, the vendored Ant/Jenkins-style XSD, counts, and escaping."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from xml.etree import ElementTree as ET

from fixture_report import NASTY_PATH, nasty_report, synthetic_report
from lxml import etree

from conftest import FIXTURES
from productready.formats import FORMATS
from productready.formats.junit import xml_safe

XSD = etree.XMLSchema(etree.parse(str(FIXTURES / "schemas" / "junit.xsd")))


def validate_junit(data: str | bytes) -> etree._Element:
    """Parse strictly, validate against the XSD, and check every count attribute."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    root = etree.fromstring(raw, etree.XMLParser(resolve_entities=False, no_network=True))
    assert XSD.validate(root), XSD.error_log
    totals = dict.fromkeys(("tests", "failures", "errors", "skipped"), 0)
    for suite in root.iter("testsuite"):
        cases = suite.findall("testcase")
        counts = {
            "tests": len(cases),
            "failures": sum(1 for c in cases if c.find("failure") is not None),
            "errors": sum(1 for c in cases if c.find("error") is not None),
            "skipped": sum(1 for c in cases if c.find("skipped") is not None),
        }
        assert {k: int(suite.get(k, "-1")) for k in counts} == counts, suite.get("name")
        for k, v in counts.items():
            totals[k] += v
    assert {k: int(root.get(k, "-1")) for k in totals} == totals
    ET.fromstring(raw)  # the standard library reads it too
    return root


def test_golden(golden: Callable[[str, str], None]) -> None:
    text = FORMATS["junit"].render(synthetic_report())
    validate_junit(text)
    golden("formats/synthetic.junit.xml", text)


def test_suites_testcases_and_outcomes() -> None:
    root = validate_junit(FORMATS["junit"].render(synthetic_report()))
    assert root.tag == "testsuites"
    assert [s.get("name") for s in root] == ["iso27001-2022", "soc2-2017", "asvs-5.0.0", "scanners"]
    cases = {(c.get("classname"), c.get("name")): c for c in root.iter("testcase")}
    fail = cases[("iso27001-2022", "A.8.28 Secure coding")]
    failure = fail.find("failure")
    assert failure is not None and failure.get("message", "").startswith("3 finding(s) from")
    assert "app/listings.py:42" in (failure.text or "")
    assert "deploy/id_rsa:1" in (failure.text or "")
    derived = cases[("soc2-2017", "CC6.1 Logical access security")].find("failure")
    assert derived is not None and "(repository)" not in (derived.text or "")
    inconclusive = cases[("asvs-5.0.0", "V1.2.4 Parameterized queries protect against SQL injection")].find("error")
    assert inconclusive is not None and inconclusive.get("type") == "inconclusive"
    manual = cases[("iso27001-2022", "A.5.1 Policies for information security")].find("skipped")
    assert manual is not None and manual.get("message") == "needs an attestation: policies are documents"
    na = cases[("asvs-5.0.0", "V3.4.1 Strict-Transport-Security header")].find("skipped")
    assert na is not None and na.get("message") == "ASVS level 2 requirement; the target is level 1"
    passed = cases[("soc2-2017", "CC1.1 Integrity and ethical values")]
    assert [e.tag for e in passed] == ["system-out"]
    assert "basis: attested" in (passed.findtext("system-out") or "")


def test_scanner_suite() -> None:
    root = validate_junit(FORMATS["junit"].render(synthetic_report()))
    suite = next(s for s in root if s.get("name") == "scanners")
    outcome = {c.get("name"): [e.tag for e in c if e.tag != "system-out"] for c in suite.findall("testcase")}
    assert outcome == {"bandit": [], "checks": [], "pip-audit": ["error"], "semgrep": ["error"], "trivy": ["skipped"]}
    semgrep = suite.find("testcase[@name='semgrep']/error")
    assert semgrep is not None and semgrep.get("message") == "partial: 2 file(s) could not be parsed"
    assert (suite.get("tests"), suite.get("errors"), suite.get("skipped")) == ("5", "2", "1")
    props = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert props["gate.passed"] == "false"


def test_counts_on_testsuites() -> None:
    root = validate_junit(FORMATS["junit"].render(synthetic_report()))
    assert (root.get("tests"), root.get("failures"), root.get("errors"), root.get("skipped")) == ("17", "4", "4", "4")


def test_hostile_text_is_escaped_not_dropped() -> None:
    text = FORMATS["junit"].render(nasty_report())
    root = validate_junit(text)
    failure = next(
        c.find("failure") for c in root.iter("testcase") if c.get("name") == "A.8.28 Secure coding"
    )
    assert failure is not None
    body = failure.text or ""
    assert f"{NASTY_PATH}:3" in body
    assert "end of CDATA ]]> then <![CDATA[ x ]]> & control \\x00\\x01\\x08\\x0b\\x0c\\x1b\\x7f chars\nnext \\ud800 line" in body
    assert "<img" not in text and "&lt;img src=x onerror=alert(1)&gt;" in text
    semgrep = next(c for c in root.iter("testcase") if c.get("name") == "semgrep").find("error")
    assert semgrep is not None and semgrep.get("message") == "partial: parse error \\x07 at ]]> <b>x</b>"
    text.encode("utf-8")


def test_xml_safe() -> None:
    assert xml_safe("a\x00b\x1fc\td\r\ne\rf\ufffeg") == "a\\x00b\\x1fc\td\ne\nf\\ufffeg"
    assert xml_safe("\U0001f600 ok") == "\U0001f600 ok"


def test_timings_set_scanner_times() -> None:
    base = synthetic_report()
    scans = tuple(replace(s, started=100.0, finished=101.25) for s in base.scans)
    root = validate_junit(FORMATS["junit"].render(replace(base, scans=scans, timings=True)))
    suite = next(s for s in root if s.get("name") == "scanners")
    assert {c.get("time") for c in suite.findall("testcase")} == {"1.250"}
    assert suite.get("time") == "6.250"
