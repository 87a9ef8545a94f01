"""The project's own semgrep rule pack for Python, checked with the real semgrep.

Each rule in ``rulesets/semgrep/python/<rule-id>.yaml`` has a test target
``tests/rules/semgrep/python/<rule-id>.py`` annotated in semgrep's convention
(``# ruleid: <id>`` above lines that must match, ``# ok: <id>`` above near-misses
that must not).  The whole pack is checked by one ``semgrep --test`` run.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
RULES_DIR = REPO / "rulesets" / "semgrep" / "python"
TARGETS_DIR = REPO / "tests" / "rules" / "semgrep" / "python"

SEMGREP_TIMEOUT_S = 600
RULE_ID = re.compile(r"^python-[a-z0-9]+(?:-[a-z0-9]+)*$")
CWE_ENTRY = re.compile(r"^CWE-[1-9][0-9]*: \S.*$")
OWASP_ENTRY = re.compile(r"^A(?:0[1-9]|10):2021 - \S.*$")
SEVERITIES = {"ERROR", "WARNING", "INFO"}
CONFIDENCES = {"HIGH", "MEDIUM", "LOW"}
REQUIRED_METADATA = ("cwe", "owasp", "category", "confidence", "title", "remediation", "fix_example")
ANNOTATION = re.compile(r"^\s*#\s*(ruleid|ok|todoruleid|todook)\s*:\s*(.+?)\s*$")
MIN_RULES = 30
MIN_CASES = 2


def rule_files() -> list[Path]:
    return sorted(RULES_DIR.glob("*.yaml"))


def rule_ids() -> list[str]:
    return [path.stem for path in rule_files()]


def find_semgrep() -> Path:
    found = shutil.which("semgrep")
    if found:
        return Path(found)
    beside_python = Path(sys.executable).with_name("semgrep")
    if beside_python.is_file():
        return beside_python
    pytest.fail("semgrep is not installed (not on PATH and not next to the Python interpreter)")


@pytest.fixture(scope="module")
def semgrep_report() -> dict[str, Any]:
    """Run ``semgrep --test`` once over the whole pack and return its JSON report."""
    # Absolute paths: semgrep treats a --config starting with "r/" or "p/" as a registry name.
    argv = [
        str(find_semgrep()),
        "--test",
        "--json",
        "--metrics=off",
        "--disable-version-check",
        "--config",
        str(RULES_DIR),
        str(TARGETS_DIR),
    ]
    proc = subprocess.run(argv, cwd=REPO, capture_output=True, text=True, timeout=SEMGREP_TIMEOUT_S, check=False)
    try:
        report: dict[str, Any] = json.loads(proc.stdout)
    except json.JSONDecodeError:
        pytest.fail(
            f"semgrep --test did not produce JSON (exit {proc.returncode}):\n"
            f"{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
        )
    report["_returncode"] = proc.returncode
    return report


def load_rule(path: Path) -> dict[str, Any]:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(document, dict) and set(document) == {"rules"}, (
        f"{path.name}: top level must be a mapping with the single key 'rules'"
    )
    rules = document["rules"]
    assert isinstance(rules, list) and len(rules) == 1, f"{path.name}: expected exactly one rule"
    rule = rules[0]
    assert isinstance(rule, dict), f"{path.name}: the rule must be a mapping"
    return rule


def annotations(target: Path) -> Counter[tuple[str, str]]:
    """Count (kind, rule id) annotations in a test target."""
    counts: Counter[tuple[str, str]] = Counter()
    for line in target.read_text(encoding="utf-8").splitlines():
        match = ANNOTATION.match(line)
        if match:
            for rid in match.group(2).split(","):
                counts[(match.group(1), rid.strip())] += 1
    return counts


# --- the pack as a whole ------------------------------------------------------------------


def test_pack_has_enough_rules() -> None:
    assert len(rule_files()) >= MIN_RULES


def test_rules_directory_holds_only_rule_files() -> None:
    # productready runs `semgrep --config rulesets/semgrep/python`; anything else there would be
    # loaded as a config (or a test target) by semgrep.
    stray = sorted(p.name for p in RULES_DIR.iterdir() if not (p.is_file() and p.suffix == ".yaml"))
    assert stray == []


def test_rule_ids_are_unique_and_match_file_stems() -> None:
    ids = [str(load_rule(path).get("id")) for path in rule_files()]
    duplicates = sorted(rid for rid, n in Counter(ids).items() if n > 1)
    assert duplicates == []
    mismatched = sorted(
        f"{path.name}: id {rid!r}" for path, rid in zip(rule_files(), ids, strict=True) if rid != path.stem
    )
    assert mismatched == []


def test_every_rule_has_a_test_target_and_no_target_is_orphaned() -> None:
    targets = {p.stem for p in TARGETS_DIR.glob("*.py")}
    assert sorted(set(rule_ids()) - targets) == [], "rules without a test target"
    assert sorted(targets - set(rule_ids())) == [], "test targets without a rule"


def test_semgrep_test_mode_reports_no_config_problems(semgrep_report: dict[str, Any]) -> None:
    report = semgrep_report
    assert report["config_with_errors"] == []
    assert report["config_missing_tests"] == []
    assert report["_returncode"] == 0, "semgrep --test failed; see the per-rule tests for details"


# --- each rule ----------------------------------------------------------------------------


@pytest.mark.parametrize("path", rule_files(), ids=lambda p: p.stem)
def test_rule_metadata(path: Path) -> None:
    rule = load_rule(path)
    rid = rule.get("id")
    assert isinstance(rid, str) and RULE_ID.match(rid), f"rule id {rid!r} must be kebab-case 'python-…'"
    assert rule.get("languages") == ["python"]
    assert rule.get("severity") in SEVERITIES
    message = rule.get("message")
    assert isinstance(message, str) and message.strip(), "message must be a non-empty string"

    metadata = rule.get("metadata")
    assert isinstance(metadata, dict), "metadata mapping is required"
    missing = [key for key in REQUIRED_METADATA if key not in metadata]
    assert missing == [], f"metadata is missing {missing}"

    cwe = metadata["cwe"]
    assert isinstance(cwe, list) and cwe, "metadata.cwe must be a non-empty list"
    assert all(isinstance(c, str) and CWE_ENTRY.match(c) for c in cwe), cwe
    owasp = metadata["owasp"]
    assert isinstance(owasp, list) and owasp, "metadata.owasp must be a non-empty list"
    assert all(isinstance(o, str) and OWASP_ENTRY.match(o) for o in owasp), owasp
    assert metadata["category"] == "security"
    assert metadata["confidence"] in CONFIDENCES
    title = metadata["title"]
    assert isinstance(title, str) and 0 < len(title) < 70, f"title must be 1..69 characters: {title!r}"
    for key in ("remediation", "fix_example"):
        value = metadata[key]
        assert isinstance(value, str) and value.strip() and "\n" not in value.strip(), (
            f"metadata.{key} must be a single non-empty line"
        )


@pytest.mark.parametrize("rid", rule_ids())
def test_rule_target_has_enough_cases(rid: str) -> None:
    target = TARGETS_DIR / f"{rid}.py"
    assert target.is_file(), f"missing test target {target.relative_to(REPO)}"
    counts = annotations(target)
    assert counts[("ruleid", rid)] >= MIN_CASES, f"{target.name}: needs at least {MIN_CASES} '# ruleid:' cases"
    assert counts[("ok", rid)] >= MIN_CASES, f"{target.name}: needs at least {MIN_CASES} '# ok:' cases"
    foreign = sorted({r for (_, r) in counts if r != rid})
    assert foreign == [], f"{target.name}: annotations name other rules: {foreign}"


@pytest.mark.parametrize("rid", rule_ids())
def test_rule_passes_semgrep_test_mode(rid: str, semgrep_report: dict[str, Any]) -> None:
    report = semgrep_report
    checks: dict[str, Any] = {}
    for config_result in report["results"].values():
        checks.update(config_result["checks"])
    assert rid in checks, f"semgrep --test produced no result for {rid}"
    check = checks[rid]
    problems = [
        f"{Path(target).name}: expected lines {m['expected_lines']!r}, reported lines {m['reported_lines']!r}"
        for target, m in check["matches"].items()
        if m["expected_lines"] != m["reported_lines"]
    ]
    assert check["errors"] == [], check["errors"]
    assert check["passed"], "\n".join(problems) or "semgrep reported the check as failed"
