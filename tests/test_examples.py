"""The bundled example products: the flawed twin trips its planted flaws in every framework,
the hardened twin does not, and a failing scanner turns its controls inconclusive."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO_ROOT
from productready.cli import main

EXAMPLES = REPO_ROOT / "examples"
FRAMEWORKS = ("iso27001-2022", "soc2-2017", "asvs-5.0.0")
# CWEs of planted flaws for which ASVS 5.0.0 has no requirement that meaningfully covers them.
NO_ASVS5_REQUIREMENT = {377, 605, 1327}


def _scan(name: str, tmp: Path, *extra: str, env: dict[str, str] | None = None) -> tuple[int, dict[str, Any]]:
    repo = tmp / name
    shutil.copytree(EXAMPLES / name, repo)
    out = tmp / f"{name}-report"
    with pytest.MonkeyPatch.context() as mp:
        for k, v in (env or {}).items():
            mp.setenv(k, v)
        with pytest.raises(SystemExit) as exc:
            main(["scan", str(repo), "-o", str(out), "-q", *extra])
    return int(exc.value.code or 0), json.loads((out / "report.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def flawed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return _scan("agrimarket-flawed", tmp_path_factory.mktemp("flawed"))[1]


@pytest.fixture(scope="module")
def hardened(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return _scan("agrimarket-hardened", tmp_path_factory.mktemp("hardened"))[1]


def _pinned(report: dict[str, Any]) -> str:
    rows = sorted(f"{f['rule_id']} {f['location']['path']}:{f['location']['line']}" for f in report["findings"])
    return "\n".join(rows) + "\n"


def test_flawed_twin_findings_are_pinned(flawed: dict[str, Any], golden: Callable[[str, str], None]) -> None:
    assert all(s["status"] == "ok" for s in flawed["scans"] if s["scanner"] in ("bandit", "semgrep", "checks"))
    golden("agrimarket-flawed.findings.txt", _pinned(flawed))


def test_hardened_twin_findings_are_pinned(hardened: dict[str, Any], golden: Callable[[str, str], None]) -> None:
    assert all(s["status"] == "ok" for s in hardened["scans"] if s["scanner"] in ("bandit", "semgrep", "checks"))
    assert [f for f in hardened["findings"] if f["scanner"] in ("bandit", "semgrep")] == []
    golden("agrimarket-hardened.findings.txt", _pinned(hardened))


def test_flawed_twin_has_the_planted_code_flaws(flawed: dict[str, Any]) -> None:
    found = {(f["location"]["path"].rsplit("/", 1)[-1], c) for f in flawed["findings"] for c in f["cwe"]}
    planted = {
        ("listings.py", 89), ("reports.py", 78), ("orders.py", 502), ("prices.py", 502), ("auth.py", 327),
        ("prices.py", 295), ("wsgi.py", 94), ("config.py", 259), ("notifications.py", 79), ("uploads.py", 22),
        ("auth.py", 338), ("reports.py", 377), ("orders.py", 611), ("auth.py", 347),
    }
    assert planted - found == set()


def _checks_without_asvs5(report: dict[str, Any]) -> set[str]:
    """Native checks that no ASVS 5.0.0 requirement in scope covers: the mapping names none, or
    only requirements above the ASVS level the scan targets."""
    import yaml

    status = {c["id"]: c["status"] for c in report["controls"]}
    out: set[str] = set()
    for f in (REPO_ROOT / "controls" / "src" / "checks-mapping").glob("*.yaml"):
        for check_id, frameworks in (yaml.safe_load(f.read_text()) or {}).get("checks", {}).items():
            reqs = (frameworks or {}).get("asvs-5.0.0") or []
            if all(status.get(f"asvs-5.0.0:{r}") == "not_applicable" for r in reqs):
                out.add(f"checks:{check_id}")
    return out


def test_every_flaw_fails_a_control_in_each_framework(flawed: dict[str, Any]) -> None:
    no_asvs = _checks_without_asvs5(flawed)
    claimed: dict[str, set[str]] = {}
    for c in flawed["controls"]:
        if c["status"] == "fail":
            for fp in c["findings"]:
                claimed.setdefault(fp, set()).add(c["catalog"])
    missing = []
    for f in flawed["findings"]:
        need = set(FRAMEWORKS)
        if set(f["cwe"]) & NO_ASVS5_REQUIREMENT or f["rule_id"] in no_asvs:
            need.discard("asvs-5.0.0")
        gap = need - claimed.get(f["fingerprint"], set())
        if gap:
            missing.append(f"{f['rule_id']} {f['location']['path']}:{f['location']['line']} → {sorted(gap)}")
    assert missing == []
    assert flawed["unmapped_findings"] == []


def test_hardened_twin_passes_what_the_flawed_twin_fails(flawed: dict[str, Any], hardened: dict[str, Any]) -> None:
    failed = {c["id"] for c in flawed["controls"] if c["status"] == "fail"}
    assert len(failed) > 30
    status = {c["id"]: c for c in hardened["controls"]}
    still = sorted(f"{k}: {status[k]['status']} ({status[k]['reason']})" for k in failed if status[k]["status"] not in ("pass", "manual", "not_applicable"))
    assert still == []
    for r in hardened["readiness"]:
        before = next(x for x in flawed["readiness"] if x["catalog"] == r["catalog"])
        assert r["score"] > before["score"], r["catalog"]


def test_failing_scanner_turns_its_controls_inconclusive(
    hardened: dict[str, Any], tmp_path: Path, make_tool: Callable[[str, str], Path]
) -> None:
    crash = make_tool("bandit", "sys.stderr.write('boom\\n'); sys.exit(2)\n")
    code, report = _scan("agrimarket-hardened", tmp_path, env={"PRODUCTREADY_BANDIT": str(crash)})
    assert code == 3
    bandit = next(s for s in report["scans"] if s["scanner"] == "bandit")
    assert bandit["status"] == "failed" and "boom" in bandit["reason"]
    before = {c["id"]: c["status"] for c in hardened["controls"]}
    after = {c["id"]: c for c in report["controls"]}
    relying = [k for k, c in after.items() if any(r.startswith("bandit:") for r in c["evidence"]["incomplete_rules"])]
    assert "iso27001-2022:A.8.28" in relying
    for k in relying:
        assert after[k]["status"] == "inconclusive", k
        assert before[k] in ("pass", "inconclusive"), k
    assert not any(c["status"] == "pass" and c["evidence"]["incomplete_rules"] for c in after.values())
