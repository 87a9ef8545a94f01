"""SARIF 2.1.0: golden output, the OASIS schema, what GitHub code scanning reads, escaping, and the
real CLI writing sarif, junit, csv and oscal for the flawed example."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from fixture_report import (
    NASTY_MESSAGE,
    nasty_report,
    policy_report,
    synthetic_report,
)

from conftest import FIXTURES, REPO_ROOT
from productready.cli import main
from productready.formats import FORMATS
from productready.formats.sarif import message_text
from productready.models import Report
from productready.triage import Suppression, WaiverResult

SCHEMA = json.loads((FIXTURES / "schemas" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))


def validate_sarif(text: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(text)
    jsonschema.Draft4Validator.check_schema(SCHEMA)
    errors = sorted(jsonschema.Draft4Validator(SCHEMA).iter_errors(data), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])
    return data


def render(report: Report) -> dict[str, Any]:
    return validate_sarif(FORMATS["sarif"].render(report))


def test_golden(golden: Callable[[str, str], None]) -> None:
    text = FORMATS["sarif"].render(synthetic_report())
    validate_sarif(text)
    golden("formats/synthetic.sarif", text)


def test_deterministic() -> None:
    assert FORMATS["sarif"].render(synthetic_report()) == FORMATS["sarif"].render(synthetic_report())


def test_one_run_with_productready_driver_and_scanner_extensions() -> None:
    data = render(synthetic_report())
    assert data["version"] == "2.1.0"
    [run] = data["runs"]
    assert run["tool"]["driver"]["name"] == "productready"
    assert [e["name"] for e in run["tool"]["extensions"]] == ["bandit", "checks", "pip-audit", "semgrep", "trivy"]
    assert run["tool"]["extensions"][0]["version"] == "1.7.9"


def test_rules_carry_what_github_reads() -> None:
    run = render(synthetic_report())["runs"][0]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    b602 = rules["bandit:B602"]
    assert b602["shortDescription"]["text"] == "subprocess call with shell=True"
    assert "external/cwe/cwe-78" in b602["properties"]["tags"]
    assert "security" in b602["properties"]["tags"]
    assert b602["properties"]["security-severity"] == "8.0"
    assert "Pass a list of arguments" in b602["help"]["text"]
    assert "**Remediation:**" in b602["help"]["markdown"]
    assert b602["helpUri"].startswith("https://bandit.readthedocs.io/")
    sev = {rid: r["properties"].get("security-severity") for rid, r in rules.items()}
    assert sev["checks:secrets.private-key"] == "9.5"
    assert sev["pip-audit:PYSEC-2023-0001"] == "5.5"
    assert sev["checks:containers.user-root"] == "3.0"
    assert sev["checks:hygiene.security-md"] is None  # info: no security severity
    assert rules["checks:hygiene.security-md"]["defaultConfiguration"]["level"] == "note"


def test_results_locations_fingerprints_and_baseline() -> None:
    run = render(synthetic_report())["runs"][0]
    results = {r["partialFingerprints"]["productready/v1"]: r for r in run["results"]}
    sql = results["f0000000000000000002"]
    assert sql["ruleId"] == "semgrep:python.lang.security.audit.formatted-sql-query"
    assert run["tool"]["driver"]["rules"][sql["ruleIndex"]]["id"] == sql["ruleId"]
    assert sql["level"] == "error"
    assert sql["baselineState"] == "new"
    loc = sql["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"] == {"uri": "app/listings.py", "uriBaseId": "%SRCROOT%"}
    assert loc["region"]["startLine"] == 42 and loc["region"]["endLine"] == 43
    assert loc["region"]["snippet"]["text"].startswith("    sql = f")
    whole_file = results["f0000000000000000005"]["locations"][0]["physicalLocation"]
    assert "region" not in whole_file  # line 0: the whole file
    repo_level = results["f0000000000000000006"]["locations"][0]["physicalLocation"]
    assert repo_level["artifactLocation"]["uri"] == "."
    hostile = results["f0000000000000000001"]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert hostile == "app/%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E.py"
    assert "suppressions" not in sql


def test_message_brackets_are_not_embedded_links() -> None:
    run = render(synthetic_report())["runs"][0]
    shell = next(r for r in run["results"] if r["ruleId"] == "bandit:B602")
    assert "\\[click\\](javascript:alert(1))" in shell["message"]["text"]
    assert message_text("a \\[b]") == "a \\\\\\[b\\]"


def test_controls_are_taxonomies_linked_from_results_and_rules() -> None:
    run = render(synthetic_report())["runs"][0]
    tax = {t["name"]: t for t in run["taxonomies"]}
    assert list(tax) == ["iso27001-2022", "soc2-2017", "asvs-5.0.0"]
    assert [x["id"] for x in tax["iso27001-2022"]["taxa"]] == ["A.8.9", "A.8.28"]
    assert tax["iso27001-2022"]["isComprehensive"] is False
    assert tax["soc2-2017"]["taxa"][0]["properties"]["basis"] == "derived"
    assert [s["name"] for s in run["tool"]["driver"]["supportedTaxonomies"]] == list(tax)
    shell = next(r for r in run["results"] if r["ruleId"] == "bandit:B602")
    refs = [(t["toolComponent"]["name"], t["id"]) for t in shell["taxa"]]
    assert refs == [("iso27001-2022", "A.8.28"), ("soc2-2017", "CC6.1"), ("asvs-5.0.0", "V1.2.5")]
    for t in shell["taxa"]:
        comp = run["taxonomies"][t["toolComponent"]["index"]]
        assert comp["taxa"][t["index"]]["id"] == t["id"]
    rule = run["tool"]["driver"]["rules"][shell["ruleIndex"]]
    assert [(r["target"]["toolComponent"]["name"], r["target"]["id"]) for r in rule["relationships"]] == refs


def test_scanner_runs_are_invocations_with_notifications() -> None:
    run = render(synthetic_report())["runs"][0]
    inv = {i["properties"]["scanner"]: i for i in run["invocations"]}
    assert inv["pip-audit"]["executionSuccessful"] is False
    [note] = inv["pip-audit"]["toolExecutionNotifications"]
    assert note["level"] == "error" and note["descriptor"]["id"] == "scanner-failed"
    assert "could not reach the vulnerability service" in note["message"]["text"]
    assert inv["semgrep"]["executionSuccessful"] is True
    notes = inv["semgrep"]["toolExecutionNotifications"]
    assert [n["descriptor"]["id"] for n in notes] == ["scanner-partial", "file-skipped", "file-skipped"]
    assert notes[1]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "app/broken.py"
    assert inv["trivy"]["toolExecutionNotifications"][0]["level"] == "note"
    assert "toolExecutionNotifications" not in inv["bandit"]
    assert "startTimeUtc" not in inv["bandit"]  # no clock unless --timestamp


def triaged() -> Report:
    return replace(
        policy_report(),
        triage={"f0000000000000000002": "waived", "f0000000000000000003": "suppressed", "f0000000000000000005": "baselined"},
        waivers=(
            WaiverResult(id="W-9", status="active", reason="fixed in the next release", owner="dev@example.com",
                         expires="2099-01-01", scope="fingerprint f0000000000000000002", matched=("f0000000000000000002",)),
        ),
        suppressions=(
            Suppression(path="deploy/id_rsa", line=1, kind="productready", rules=(), reason="test key, never deployed",
                        accepted=True),
        ),
    )


def test_waived_and_suppressed_findings_carry_suppressions() -> None:
    run = render(triaged())["runs"][0]
    by_fp = {r["partialFingerprints"]["productready/v1"]: r for r in run["results"]}
    assert by_fp["f0000000000000000002"]["suppressions"] == [{
        "kind": "external", "status": "accepted", "justification": "fixed in the next release",
        "properties": {"expires": "2099-01-01", "owner": "dev@example.com", "waiver": "W-9"},
    }]
    assert by_fp["f0000000000000000003"]["suppressions"] == [{
        "kind": "inSource", "status": "accepted", "justification": "test key, never deployed",
        "properties": {"marker": "productready"},
    }]
    assert "suppressions" not in by_fp["f0000000000000000001"]


def test_baseline_state() -> None:
    by_fp = {r["partialFingerprints"]["productready/v1"]: r["baselineState"] for r in render(triaged())["runs"][0]["results"]}
    assert by_fp["f0000000000000000005"] == "unchanged"
    assert by_fp["f0000000000000000001"] == "new"


def test_policy_report_validates() -> None:
    run = render(policy_report())["runs"][0]
    assert run["properties"]["gate"]["verdict"] == "not_ready"
    assert run["properties"]["gate"]["conditions"]


def test_timings_only_with_timestamp() -> None:
    base = synthetic_report()
    scans = tuple(replace(s, started=1_700_000_000.0, finished=1_700_000_002.5) for s in base.scans)
    run = render(replace(base, scans=scans, timings=True))["runs"][0]
    assert run["invocations"][0]["startTimeUtc"] == "2023-11-14T22:13:20.000Z"
    assert run["invocations"][0]["endTimeUtc"] == "2023-11-14T22:13:22.500Z"


def test_hostile_text_round_trips() -> None:
    run = render(nasty_report())["runs"][0]
    nasty = next(r for r in run["results"] if r["ruleId"] == "bandit:B602")
    expected = NASTY_MESSAGE.replace("\ud800", "\ufffd").replace("[", "\\[").replace("]", "\\]")
    assert nasty["message"]["text"] == expected  # brackets escaped: SARIF reads [text](target) as a link
    uri = nasty["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E.py"
    rule = run["tool"]["driver"]["rules"][nasty["ruleIndex"]]
    assert "\\<" not in rule["help"]["text"]
    assert "**Remediation:** @SUM(1+1) then -2+3" in rule["help"]["markdown"]
    assert rule["help"]["markdown"].startswith('**\\=HYPERLINK("http://evil.example","click")**')
    FORMATS["sarif"].render(nasty_report()).encode("utf-8")  # writable as UTF-8


# ---------------------------------------------------------------- the real CLI, every format


@pytest.fixture(scope="module")
def flawed_outputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("formats-cli")
    repo = tmp / "agrimarket-flawed"
    shutil.copytree(REPO_ROOT / "examples" / "agrimarket-flawed", repo)
    out = tmp / "out"
    with pytest.raises(SystemExit):
        main(["scan", str(repo), "-o", str(out), "-q", "--format", "sarif,junit,csv,oscal"])
    return out


def test_cli_writes_every_format_and_each_validates(flawed_outputs: Path) -> None:
    from test_csv import parse_csv
    from test_junit import validate_junit
    from test_oscal import validate_oscal

    assert sorted(p.name for p in flawed_outputs.iterdir()) == [
        "report.csv", "report.junit.xml", "report.oscal.json", "report.sarif",
    ]
    sarif = validate_sarif((flawed_outputs / "report.sarif").read_text(encoding="utf-8"))
    results = sarif["runs"][0]["results"]
    assert results and all(r["partialFingerprints"]["productready/v1"] for r in results)
    assert any(r["ruleId"].startswith("bandit:") for r in results)
    suites = validate_junit((flawed_outputs / "report.junit.xml").read_bytes())
    names = [s.get("name") for s in suites.iter("testsuite")]
    assert "scanners" in names and "iso27001-2022" in names
    rows = parse_csv((flawed_outputs / "report.csv").read_text(encoding="utf-8"))
    assert {r["record"] for r in rows} == {"control", "finding"}
    assert sum(r["record"] == "finding" for r in rows) == len(results)
    oscal = validate_oscal((flawed_outputs / "report.oscal.json").read_text(encoding="utf-8"))
    [result] = oscal["assessment-results"]["results"]
    assert len(result["observations"]) == len(results)
