"""Baselines, waivers, attestations, suppressions, profiles and --changed-since, end to end."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO_ROOT, CliResult, write_tree

Cli = Callable[..., CliResult]
APP = "import os\n\n\ndef run(cmd):\n    return os.system(cmd)\n"
FAST = ("--scanner", "bandit")  # one real scanner keeps these tests quick


def _report(out: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((out / "report.json").read_text())
    return data


def _control(report: dict[str, Any], key: str) -> dict[str, Any]:
    return next(c for c in report["controls"] if c["id"] == key)


def test_baseline_passes_old_findings_at_the_gate_but_not_their_controls(cli: Cli, tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "repo", {"app.py": APP})
    first = tmp_path / "first"
    assert cli("scan", repo, "-o", first, *FAST, "--fail-on", "high").code == 1
    res = cli("baseline", "create", repo, "--from-report", first / "report.json")
    assert res.code == 0 and res.out == f"baseline: 1 finding(s) written to {repo / '.productready' / 'baseline.json'}\n"
    # shift the line: the baseline still recognises the finding
    (repo / "app.py").write_text("# header\n# more\n" + APP)
    second = tmp_path / "second"
    res = cli("scan", repo, "-o", second, *FAST, "--fail-on", "high")
    assert res.code == 0, res.err
    report = _report(second)
    assert [f["triage"] for f in report["findings"]] == ["baselined"]
    assert _control(report, "iso27001-2022:A.8.28")["status"] == "fail"
    assert report["gate"]["verdict"] == "ready_with_conditions"
    assert "1 baselined finding(s) at or above 'high' remain to fix" in report["gate"]["conditions"]
    # a new copy of the old finding is new
    (repo / "app.py").write_text(APP + "\n\ndef run2(cmd):\n    return os.system(cmd)\n")
    third = tmp_path / "third"
    assert cli("scan", repo, "-o", third, *FAST, "--fail-on", "high").code == 1
    assert sorted(f["triage"] for f in _report(third)["findings"]) == ["baselined", "new"]


def test_malformed_baseline_is_an_error(cli: Cli, tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "repo", {"app.py": APP, ".productready/baseline.json": '{"schema_version": 1,\n "findings": [}\n'})
    res = cli("scan", repo, "-o", tmp_path / "out", *FAST)
    assert res.code == 2
    assert res.err.startswith("error: .productready/baseline.json:2: invalid JSON")


WAIVER = """schema_version: 1
waivers:
  - id: W-001
    rule: bandit:B605
    reason: the command is a constant from our own config file
    owner: jane@example.com
    expires: {expires}
"""


def test_waiver_with_misspelt_key_exits_2_with_line_and_hint(cli: Cli, tmp_path: Path) -> None:
    text = WAIVER.format(expires="2099-01-01").replace("    owner:", "    ownr:")
    repo = write_tree(tmp_path / "repo", {"app.py": APP, ".productready/waivers.yaml": text})
    res = cli("scan", repo, "-o", tmp_path / "out", *FAST)
    assert res.code == 2
    assert res.err == (
        "error: .productready/waivers.yaml:6: unknown key 'ownr' in 'waivers[0]'\n  hint: did you mean 'owner'?\n"
    )


def test_active_waiver_waives_and_expired_waiver_fails_the_gate(cli: Cli, tmp_path: Path) -> None:
    future = (dt.date.today() + dt.timedelta(days=60)).isoformat()
    repo = write_tree(tmp_path / "repo", {"app.py": APP, ".productready/waivers.yaml": WAIVER.format(expires=future)})
    res = cli("scan", repo, "-o", tmp_path / "a", *FAST, "--fail-on", "high")
    assert res.code == 0, res.err
    report = _report(tmp_path / "a")
    assert [f["triage"] for f in report["findings"]] == ["waived"]
    assert report["waivers"][0]["status"] == "active"
    a828 = _control(report, "iso27001-2022:A.8.28")
    # waived findings do not fail controls; semgrep did not run here, so it cannot pass either
    assert (a828["status"], a828["findings"]) == ("inconclusive", [])
    (repo / ".productready/waivers.yaml").write_text(WAIVER.format(expires="2020-01-31"))
    res = cli("scan", repo, "-o", tmp_path / "b", *FAST)
    assert res.code == 1
    report = _report(tmp_path / "b")
    assert report["gate"]["verdict"] == "not_ready"
    assert "waiver W-001 (rule=bandit:B605) expired on 2020-01-31; owner jane@example.com" in report["gate"]["blockers"]
    assert [f["triage"] for f in report["findings"]] == ["new"]


def test_stale_waiver_and_profile_limits(cli: Cli, tmp_path: Path) -> None:
    far = (dt.date.today() + dt.timedelta(days=400)).isoformat()
    repo = write_tree(tmp_path / "repo", {"ok.py": "x = 1\n", ".productready/waivers.yaml": WAIVER.format(expires=far)})
    cli("scan", repo, "-o", tmp_path / "a", *FAST)
    assert "waiver W-001 (rule=bandit:B605) matches no finding: remove it" in _report(tmp_path / "a")["gate"]["conditions"]
    res = cli("scan", repo, "-o", tmp_path / "b", *FAST, "--profile", "ci-gate")
    blockers = _report(tmp_path / "b")["gate"]["blockers"]
    assert res.code in (1, 3)
    assert any(b.startswith("waiver W-001 (rule=bandit:B605) is not allowed: expires in 400 days; the profile allows at most 180") for b in blockers)


ATTESTATION = """schema_version: 1
attestations:
  - id: A-001
    controls: [iso27001-2022:A.5.1]
    statement: The security policy was approved and acknowledged by all staff.
    owner: jane@example.com
    role: Security lead
    date: 2026-01-01
    expires: 2099-01-01
    evidence:
      - path: docs/policy.md
        sha256: "{sha}"
"""


def test_attestation_passes_its_control_until_its_evidence_changes(cli: Cli, tmp_path: Path) -> None:
    import hashlib

    policy = "# Policy\nBe careful.\n"
    sha = hashlib.sha256(policy.encode()).hexdigest()
    repo = write_tree(tmp_path / "repo", {"ok.py": "x = 1\n", "docs/policy.md": policy, ".productready/attestations.yaml": ATTESTATION.format(sha=sha)})
    cli("scan", repo, "-o", tmp_path / "a", *FAST)
    c = _control(_report(tmp_path / "a"), "iso27001-2022:A.5.1")
    assert (c["status"], c["basis"]) == ("pass", "attested")
    (repo / "docs/policy.md").write_text(policy + "Edited later.\n")
    res = cli("scan", repo, "-o", tmp_path / "b", *FAST)
    assert res.code == 1
    report = _report(tmp_path / "b")
    c = _control(report, "iso27001-2022:A.5.1")
    assert c["status"] == "fail"
    assert c["reason"].startswith("attestation A-001: evidence file 'docs/policy.md' changed since it was attested")
    assert report["attestations"][0]["status"] == "evidence_changed"


def test_attestation_of_unknown_control_is_rejected_with_hint(cli: Cli, tmp_path: Path) -> None:
    text = ATTESTATION.format(sha="0" * 64).replace("iso27001-2022:A.5.1]", "iso27001-2022:A.5.01]")
    repo = write_tree(tmp_path / "repo", {"ok.py": "x = 1\n", ".productready/attestations.yaml": text})
    res = cli("scan", repo, "-o", tmp_path / "out", *FAST)
    assert res.code == 2
    assert res.err.startswith("error: .productready/attestations.yaml:4: attestation 'A-001': unknown control 'iso27001-2022:A.5.01'")


def test_inline_suppressions_are_inventoried_and_policed(cli: Cli, tmp_path: Path) -> None:
    code = APP.replace("os.system(cmd)", "os.system(cmd)  # productready: ignore[bandit:B605] constant command") + "import pickle  # nosec\n"
    repo = write_tree(tmp_path / "repo", {"app.py": code})
    res = cli("scan", repo, "-o", tmp_path / "a", *FAST, "--fail-on", "high")
    assert res.code == 0, res.err
    report = _report(tmp_path / "a")
    assert [f["triage"] for f in report["findings"] if f["rule_id"] == "bandit:B605"] == ["suppressed"]
    sups = {(s["kind"], s["line"]): s for s in report["suppressions"]}
    assert sups[("productready", 5)]["rules"] == ["bandit:B605"] and sups[("productready", 5)]["reason"] == "constant command"
    assert sups[("nosec", 6)]["rules"] == []
    res = cli("scan", repo, "-o", tmp_path / "b", *FAST, "--profile", "ci-gate")
    blockers = _report(tmp_path / "b")["gate"]["blockers"]
    assert "inline suppression at app.py:6 (nosec) names no rule" in blockers


def test_unknown_profile_exits_2(cli: Cli, tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "repo", {"ok.py": "x = 1\n"})
    res = cli("scan", repo, "-o", tmp_path / "out", "--profile", "hub-level-3")
    assert res.code == 2
    assert res.err.startswith("error: unknown profile 'hub-level-3'\n  hint: did you mean 'hub-level-2'?")


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.email=t@example.com", "-c", "user.name=t", *args], cwd=repo, check=True, capture_output=True)


def test_changed_since_gates_only_on_changed_files(cli: Cli, tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "repo", {"old.py": APP})
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "one")
    res = cli("scan", repo, "-o", tmp_path / "a", *FAST, "--fail-on", "high", "--changed-since", "HEAD")
    assert res.code == 0, res.err
    report = _report(tmp_path / "a")
    assert len(report["findings"]) == 1 and report["gate"]["blocking"] == []
    assert _control(report, "iso27001-2022:A.8.28")["status"] == "fail"  # the compliance picture is whole
    write_tree(repo, {"new.py": APP})
    res = cli("scan", repo, "-o", tmp_path / "b", *FAST, "--fail-on", "high", "--changed-since", "HEAD")
    assert res.code == 1
    report = _report(tmp_path / "b")
    blocking = [f["location"]["path"] for f in report["findings"] if f["fingerprint"] in report["gate"]["blocking"]]
    assert blocking == ["new.py"]
    res = cli("scan", repo, "-o", tmp_path / "c", *FAST, "--changed-since", "no-such-ref")
    assert res.code == 2 and "unknown git reference 'no-such-ref'" in res.err


@pytest.fixture
def fresh_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The shipped advisories as if `productready db update` had just run today."""
    from productready.deps.vulndb import SHIPPED

    doc = json.loads(gzip.decompress(SHIPPED.read_bytes()))
    doc["snapshot"] = dt.date.today().isoformat() + "T00:00:00Z"
    target = tmp_path / "data" / "vulndb" / "pypi-osv.json.gz"
    target.parent.mkdir(parents=True)
    target.write_bytes(gzip.compress(json.dumps(doc).encode()))
    monkeypatch.setenv("PRODUCTREADY_DATA_DIR", str(tmp_path / "data"))


def test_hub_level_2_verdicts_on_the_examples(cli: Cli, tmp_path: Path, fresh_db: None) -> None:
    for name in ("agrimarket-flawed", "agrimarket-hardened"):
        shutil.copytree(REPO_ROOT / "examples" / name, tmp_path / name)
    res = cli("scan", tmp_path / "agrimarket-flawed", "-o", tmp_path / "f", "--profile", "hub-level-2")
    flawed = _report(tmp_path / "f")["gate"]
    assert res.code in (1, 3) and flawed["verdict"] == "not_ready"
    assert "required control iso27001-2022:A.8.28 is fail" in "\n".join(flawed["blockers"])
    assert any(b.startswith("required control iso27001-2022:A.5.1 has no evidence") for b in flawed["blockers"])
    assert any("new finding(s) at or above 'medium'" in b for b in flawed["blockers"])
    res = cli("scan", tmp_path / "agrimarket-hardened", "-o", tmp_path / "h", "--profile", "hub-level-2")
    hardened = _report(tmp_path / "h")["gate"]
    assert res.code == 0, hardened["blockers"]
    assert hardened["verdict"] in ("ready", "ready_with_conditions")


def test_stale_database_blocks_hub_level_2(cli: Cli, tmp_path: Path) -> None:
    shutil.copytree(REPO_ROOT / "examples" / "agrimarket-hardened", tmp_path / "h")
    cli("scan", tmp_path / "h", "-o", tmp_path / "out", "--profile", "hub-level-2", "--scanner", "deps")
    blockers = _report(tmp_path / "out")["gate"]["blockers"]
    assert "vulnerability database snapshot 2024-10-10 is older than 7 days; run `productready db update`" in blockers


def test_init_then_scan_works_without_editing(cli: Cli, tmp_path: Path) -> None:
    repo = tmp_path / "flawed"
    shutil.copytree(REPO_ROOT / "examples" / "agrimarket-flawed", repo)
    res = cli("init", repo)
    assert res.code == 0, res.err
    assert (repo / "productready.yaml").is_file() and (repo / ".productready" / "waivers.yaml").is_file()
    assert "residency" in (repo / "productready.yaml").read_text()  # it noticed the deployment config
    assert cli("validate", repo).code == 0
    res = cli("scan", repo, "-o", tmp_path / "out")
    assert res.code == 0, res.err
    assert cli("init", repo).code == 2  # never overwrites silently


def test_schema_command_writes_schemas_that_validate_real_files(cli: Cli, tmp_path: Path) -> None:
    import jsonschema
    import yaml

    assert cli("schema", "-o", tmp_path / "s").code == 0
    profile = json.loads((tmp_path / "s" / "profile.schema.json").read_text())
    jsonschema.validate(yaml.safe_load((REPO_ROOT / "controls/profiles/hub-level-2.yaml").read_text()), profile)
    waivers = json.loads((tmp_path / "s" / "waivers.schema.json").read_text())
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"schema_version": 1, "waivers": [{"id": "x", "reasn": "r"}]}, waivers)
