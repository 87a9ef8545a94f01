"""CSV: golden output, one table with a ``record`` column, and formula-injection guards."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import replace

from fixture_report import NASTY_MESSAGE, NASTY_PATH, nasty_report, policy_report, synthetic_report

from productready.formats import FORMATS
from productready.formats.csv import COLUMNS, cell


def parse_csv(text: str) -> list[dict[str, str]]:
    """Parse strictly: the header is exactly COLUMNS and every row has every column."""
    rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    assert tuple(rows[0]) == COLUMNS
    assert all(len(r) == len(COLUMNS) for r in rows[1:])
    return [dict(zip(COLUMNS, r, strict=True)) for r in rows[1:]]


def test_golden(golden: Callable[[str, str], None]) -> None:
    text = FORMATS["csv"].render(synthetic_report())
    parse_csv(text)
    golden("formats/synthetic.csv", text)


def test_control_and_finding_rows() -> None:
    report = synthetic_report()
    rows = parse_csv(FORMATS["csv"].render(report))
    controls = [r for r in rows if r["record"] == "control"]
    findings = [r for r in rows if r["record"] == "finding"]
    assert len(controls) == len(report.controls) and len(findings) == len(report.findings)
    assert rows.index(findings[0]) == len(controls)  # controls first, then findings
    a828 = next(r for r in controls if r["id"] == "iso27001-2022:A.8.28")
    assert (a828["catalog"], a828["control"], a828["status"], a828["basis"]) == ("iso27001-2022", "A.8.28", "fail", "automated")
    assert a828["findings"].split() == ["f0000000000000000001", "f0000000000000000002", "f0000000000000000003"]
    shell = next(r for r in findings if r["id"] == "f0000000000000000001")
    assert shell["controls"].split() == ["iso27001-2022:A.8.28", "soc2-2017:CC6.1", "asvs-5.0.0:V1.2.5"]
    assert (shell["severity"], shell["line"], shell["cwe"], shell["status"]) == ("high", "5", "CWE-78", "new")
    assert {r["status"] for r in controls} == {"pass", "fail", "inconclusive", "manual", "not_applicable"}


def test_triage_state_and_reason() -> None:
    from productready.triage import Suppression

    report = replace(
        policy_report(),
        triage={"f0000000000000000003": "suppressed", "f0000000000000000005": "baselined"},
        suppressions=(Suppression("deploy/id_rsa", 1, "productready", (), "=test key", True),),
    )
    rows = {r["id"]: r for r in parse_csv(FORMATS["csv"].render(report)) if r["record"] == "finding"}
    assert (rows["f0000000000000000003"]["status"], rows["f0000000000000000003"]["reason"]) == (
        "suppressed", "productready: =test key",
    )
    assert rows["f0000000000000000005"]["status"] == "baselined"


def test_formula_injection_is_neutralised() -> None:
    rows = parse_csv(FORMATS["csv"].render(nasty_report()))
    nasty = next(r for r in rows if r["path"] == NASTY_PATH)
    assert nasty["title"] == "'=HYPERLINK(\"http://evil.example\",\"click\")"
    assert nasty["remediation"] == "'@SUM(1+1) then -2+3"
    assert nasty["message"] == NASTY_MESSAGE.replace("\ud800", "\ufffd")  # quoted, intact
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r", "\n")), value


def test_cell() -> None:
    assert [cell(v) for v in ("=1+1", "+1", "-1", "@x", "\tx", "\rx", "\nx", "a=b", "", 0, 7)] == [
        "'=1+1", "'+1", "'-1", "'@x", "'\tx", "'\rx", "'\nx", "a=b", "", 0, 7,
    ]
