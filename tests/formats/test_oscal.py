"""OSCAL assessment-results: golden output, compliance-trestle's models, determinism, escaping."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from fixture_report import nasty_report, policy_report, synthetic_report
from trestle.oscal.assessment_results import AssessmentResults

from productready.formats import FORMATS
from productready.formats.oscal import EPOCH, OSCAL_VERSION, token
from productready.models import Report


def validate_oscal(text: str) -> dict[str, Any]:
    """Validate with trestle's pydantic models and check every uuid is unique and every
    ``#uuid`` / uuid reference resolves."""
    data: dict[str, Any] = json.loads(text)
    AssessmentResults.model_validate(data["assessment-results"])
    uuids: list[str] = []
    refs: list[str] = []

    def walk(node: Any, key: str = "") -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, k)
        elif isinstance(node, list):
            for v in node:
                walk(v, key)
        elif key == "uuid":
            uuids.append(node)
        elif key.endswith("-uuid"):
            refs.append(node)
        elif key == "href" and node.startswith("#"):
            refs.append(node[1:])

    walk(data)
    assert len(uuids) == len(set(uuids)), "duplicate uuids"
    assert set(refs) <= set(uuids), sorted(set(refs) - set(uuids))
    return data


def render(report: Report) -> dict[str, Any]:
    return validate_oscal(FORMATS["oscal"].render(report))


def test_golden(golden: Callable[[str, str], None]) -> None:
    text = FORMATS["oscal"].render(synthetic_report())
    validate_oscal(text)
    golden("formats/synthetic.oscal.json", text)


def test_metadata_and_plan_placeholder() -> None:
    ar = render(synthetic_report())["assessment-results"]
    assert ar["metadata"]["oscal-version"] == OSCAL_VERSION
    assert ar["metadata"]["last-modified"] == "2024-06-01T12:00:00Z"
    plan = ar["import-ap"]["href"].removeprefix("#")
    [resource] = [r for r in ar["back-matter"]["resources"] if r["uuid"] == plan]
    assert "assessment plan" in resource["title"]
    no_clock = render(replace(synthetic_report(), generated_at=None))["assessment-results"]
    assert no_clock["metadata"]["last-modified"] == EPOCH
    assert no_clock["results"][0]["start"] == EPOCH


def test_uuids_are_deterministic_and_content_addressed() -> None:
    a = FORMATS["oscal"].render(synthetic_report())
    assert a == FORMATS["oscal"].render(synthetic_report())
    changed = render(replace(synthetic_report(), findings=synthetic_report().findings[1:]))
    first = json.loads(a)["assessment-results"]
    assert changed["assessment-results"]["uuid"] != first["uuid"]
    # observations and findings keep their identity across documents
    kept = {o["uuid"] for o in changed["assessment-results"]["results"][0]["observations"]}
    assert kept < {o["uuid"] for o in first["results"][0]["observations"]}
    assert uuid.UUID(first["uuid"]).version == 5


def test_reviewed_controls_findings_and_observations() -> None:
    [result] = render(synthetic_report())["assessment-results"]["results"]
    selections = result["reviewed-controls"]["control-selections"]
    assert [[p["value"] for p in s["props"] if p["name"] == "catalog"] for s in selections] == [
        ["iso27001-2022"], ["soc2-2017"], ["asvs-5.0.0"],
    ]
    assert [c["control-id"] for c in selections[0]["include-controls"]] == ["A.5.1", "A.8.8", "A.8.9", "A.8.28", "A.7.4"]
    findings = {next(p["value"] for p in f["props"] if p["name"] == "control"): f for f in result["findings"]}

    def state(key: str) -> Any:
        return findings[key]["target"].get("status", {}).get("state")

    assert state("soc2-2017:CC1.1") == "satisfied"
    assert state("iso27001-2022:A.8.28") == "not-satisfied"
    assert state("iso27001-2022:A.8.8") == "not-satisfied"  # inconclusive: fail-closed
    assert state("iso27001-2022:A.5.1") == "not-satisfied"  # manual
    assert findings["asvs-5.0.0:V3.4.1"]["target"]["implementation-status"]["state"] == "not-applicable"
    props = {p["name"]: p["value"] for p in findings["soc2-2017:CC8.1"]["props"]}
    assert (props["status"], props["basis"]) == ("pass", "derived")
    observations = {o["uuid"]: o for o in result["observations"]}
    related = [r["observation-uuid"] for r in findings["iso27001-2022:A.8.28"]["related-observations"]]
    assert len(related) == 3 and all(u in observations for u in related)
    obs = next(o for o in result["observations"] if any(p["value"] == "app/listings.py" for p in o["relevant-evidence"][0].get("props", [])))
    assert obs["methods"] == ["TEST"] and obs["types"] == ["finding"]
    assert obs["relevant-evidence"][0]["href"] == "app/listings.py#L42"
    assert obs["subjects"][0]["type"] == "resource"
    tools = result["local-definitions"]["assessment-assets"]["components"]
    versions = {t["title"]: next(p["value"] for p in t["props"] if p["name"] == "version") for t in tools if t.get("props") and any(p["name"] == "version" for p in t["props"])}
    assert versions["bandit"] == "1.7.9" and versions["semgrep"] == "1.80.0"
    assert obs["origins"][0]["actors"][0]["actor-uuid"] in {t["uuid"] for t in tools}


def test_attestations_and_triage() -> None:
    [result] = render(policy_report())["assessment-results"]["results"]
    examined = {o["title"]: o for o in result["observations"] if o["methods"] == ["EXAMINE"]}
    assert sorted(examined) == ["Attestation A-1", "Attestation A-2"]
    a1 = examined["Attestation A-1"]
    assert (a1["collected"], a1["expires"]) == ("2024-05-01T00:00:00Z", "2025-05-01T00:00:00Z")
    assert "\\<script\\>" in examined["Attestation A-2"]["description"]
    cc11 = next(f for f in result["findings"] if any(p["value"] == "soc2-2017:CC1.1" for p in f["props"]))
    assert cc11["related-observations"] == [{"observation-uuid": a1["uuid"]}]
    baselined = next(o for o in result["observations"] if any(p["value"] == "f0000000000000000005" for p in o["props"]))
    assert {p["name"]: p["value"] for p in baselined["props"]}["triage"] == "baselined"
    props = {p["name"]: p["value"] for p in result["props"] if p["name"] != "blocker"}
    assert props["verdict"] == "not_ready"


def test_hostile_text() -> None:
    text = FORMATS["oscal"].render(nasty_report())
    [result] = validate_oscal(text)["assessment-results"]["results"]
    obs = next(o for o in result["observations"] if o["title"].startswith("\\=HYPERLINK"))
    assert "\n" not in obs["title"]
    assert obs["relevant-evidence"][0]["href"] == "%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E.py#L3"
    assert "\\<img src=x onerror=alert(1)\\>.py:3" in obs["relevant-evidence"][0]["description"]
    assert "\\x1b" in obs["description"] and "\x1b" not in obs["description"]
    text.encode("utf-8")


def test_token() -> None:
    assert token("A.8.28") == "A.8.28"
    assert token("4.1") == "_4.1"
    assert token("CC 6.1/x") == "CC_6.1_x"


def test_finding_observations_are_lean_and_link_their_rule() -> None:
    """A finding's observation carries what is its own; what a rule's findings share (title,
    remediation, CWEs, documentation) is one back-matter resource the observation links to."""
    ar = render(synthetic_report())["assessment-results"]
    resources = {r["uuid"]: r for r in ar["back-matter"]["resources"]}
    [result] = ar["results"]
    shell = next(o for o in result["observations"] if o["title"] == "subprocess call with shell=True")
    props = {p["name"]: p["value"] for p in shell["props"]}
    assert props == {"rule-id": "bandit:B602", "severity": "high", "confidence": "high", "fingerprint": "f0000000000000000001"}
    assert [p["name"] for p in shell["relevant-evidence"][0]["props"]] == ["path"]
    assert shell["relevant-evidence"][0]["description"] == "app/\\<img src=x onerror=alert(1)\\>.py:5"  # not the message again
    [link] = shell["links"]
    rule = resources[link["href"].removeprefix("#")]
    assert rule["description"] == "Remediation: Pass a list of arguments and shell=False."
    assert {p["name"]: p["value"] for p in rule["props"]} == {"rule-id": "bandit:B602", "scanner": "bandit", "cwe": "CWE-78"}
    assert rule["rlinks"][0]["href"].startswith("https://bandit.readthedocs.io/")
    assert "snippet" not in json.dumps(result["observations"])


def test_content_uuids_follow_any_content_change() -> None:
    base = synthetic_report()
    first = render(base)["assessment-results"]
    f = base.findings[0]
    reworded = replace(base, findings=(replace(f, message=f.message + "!"), *base.findings[1:]))
    second = render(reworded)["assessment-results"]
    assert second["uuid"] != first["uuid"] and second["results"][0]["uuid"] != first["results"][0]["uuid"]
    assert {o["uuid"] for o in second["results"][0]["observations"]} == {o["uuid"] for o in first["results"][0]["observations"]}


def test_dict_and_written_document_agree() -> None:
    from productready.formats.jsonout import canonical_bytes
    from productready.formats.oscal import oscal_bytes, oscal_dict

    for report in (synthetic_report(), policy_report(), nasty_report()):
        assert oscal_bytes(report) == canonical_bytes(oscal_dict(report), replace_surrogates=True)


def test_stable_uuid_is_uuid5() -> None:
    from productready.formats.sarif import UUID_NAMESPACE, stable_uuid

    for parts in (("observation", "f0000000000000000001"), ("resource", "file", "app/<é>.py"), ("",)):
        assert stable_uuid(*parts) == str(uuid.uuid5(UUID_NAMESPACE, "\x1f".join(parts)))
