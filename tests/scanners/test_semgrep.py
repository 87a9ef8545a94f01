"""semgrep adapter: recorded output, the real tool offline, and every failure mode ending fail-closed."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import FIXTURES, make_ctx, write_tree
from productready.models import Confidence, ScanStatus, Severity
from productready.scanners.semgrep import SemgrepScanner

RECORDED = FIXTURES / "recorded"


def _repo(tmp_path: Path) -> Path:
    dest = tmp_path / "repo"
    shutil.copytree(RECORDED / "bandit-repo", dest)
    shutil.copy(RECORDED / "semgrep-broken.py", dest / "pkg" / "broken.py")
    return dest


def test_parses_recorded_output(
    tmp_path: Path, make_tool: Callable[[str, str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    recorded = RECORDED / "semgrep-output.json"
    tool = make_tool("semgrep", f"sys.stdout.write(open({str(recorded)!r}).read())\n")
    monkeypatch.setenv("PRODUCTREADY_SEMGREP", str(tool))
    res = SemgrepScanner().run(make_ctx(_repo(tmp_path)))
    assert res.status is ScanStatus.PARTIAL
    assert res.version == "1.185.0"
    [f] = res.findings
    assert f.rule_id == "semgrep:python-pickle-loads"  # directory prefix stripped
    assert (f.location.path, f.location.line, f.cwe) == ("pkg/views.py", 9, (502,))
    assert f.severity is Severity.HIGH and f.confidence is Confidence.HIGH
    assert f.title == "Unsafe pickle deserialization"
    assert f.remediation == "Use a data-only format such as JSON."
    assert "owasp-a08" in f.tags
    assert [s.path for s in res.skipped] == ["pkg/broken.py"]
    assert res.skipped[0].reason.startswith("semgrep: PartialParsing: Syntax error")
    assert res.reason == "semgrep could not fully analyse 1 file(s)"


def test_real_semgrep_runs_offline_with_own_rules(tmp_path: Path) -> None:
    repo = write_tree(
        tmp_path / "repo",
        {"svc/handler.py": "import pickle\n\n\ndef load(blob):\n    return pickle.loads(blob)\n"},
    )
    res = SemgrepScanner().run(make_ctx(repo))
    assert res.status is ScanStatus.OK, res.reason
    assert res.version[0].isdigit()
    assert "--metrics=off" in res.argv
    assert dict(res.details)["ruleset_sha256"]
    hits = [f for f in res.findings if 502 in f.cwe]
    assert hits and all(f.location == hits[0].location for f in hits)
    assert (hits[0].location.path, hits[0].location.line) == ("svc/handler.py", 5)
    assert all(f.rule_id.startswith("semgrep:python-") for f in res.findings)


def test_real_semgrep_skips_test_folders_unless_asked(tmp_path: Path) -> None:
    # like semgrep's own default: code under test/, tests/, testsuite/ is not product code
    from dataclasses import replace

    from productready.schemas import Config, SemgrepSettings

    repo = write_tree(tmp_path / "repo", {
        "tests/test_x.py": "import pickle\npickle.loads(data)\n",
        "pkg/tests/helper.py": "import pickle\npickle.loads(data)\n",
        "app/testing.py": "import pickle\npickle.loads(data)\n",
    })
    res = SemgrepScanner().run(make_ctx(repo))
    assert res.status is ScanStatus.OK, res.reason
    assert {f.location.path for f in res.findings} == {"app/testing.py"}
    assert dict(res.details)["excluded_test_files"] == "2"
    assert res.files_scanned == 1

    ctx = replace(make_ctx(repo), config=Config(semgrep=SemgrepSettings(include_tests=True)))
    res = SemgrepScanner().run(ctx)
    assert res.status is ScanStatus.OK, res.reason
    assert {f.location.path for f in res.findings} == {"app/testing.py", "pkg/tests/helper.py", "tests/test_x.py"}
    assert "excluded_test_files" not in dict(res.details)

    only_tests = write_tree(tmp_path / "only", {"tests/test_x.py": "import pickle\npickle.loads(data)\n"})
    res = SemgrepScanner().run(make_ctx(only_tests))
    assert res.status is ScanStatus.SKIPPED and not res.applicable
    assert "include_tests" in res.reason


def test_real_semgrep_ignores_the_repos_semgrepignore(tmp_path: Path) -> None:
    repo = write_tree(
        tmp_path / "repo", {"app.py": "import pickle\npickle.loads(data)\n", ".semgrepignore": "app.py\n"}
    )
    res = SemgrepScanner().run(make_ctx(repo))
    assert any(f.location.path == "app.py" for f in res.findings)


def test_real_semgrep_unparseable_file_is_partial(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    (repo / "pkg" / "broken.py").write_text("import os\n\ndef (:\n    os.system(cmd)\n")
    res = SemgrepScanner().run(make_ctx(repo))
    assert res.status is ScanStatus.PARTIAL
    assert [s.path for s in res.skipped] == ["pkg/broken.py"]


def test_missing_tool_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRODUCTREADY_SEMGREP", str(tmp_path / "nope" / "semgrep"))
    res = SemgrepScanner().run(make_ctx(_repo(tmp_path)))
    assert res.status is ScanStatus.FAILED
    assert res.reason.endswith("not found")


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("sys.stderr.write('Fatal error: out of memory\\n'); sys.exit(2)", "semgrep exited with code 2: Fatal error: out of memory"),
        ("print('{\"results\": [ broken'); sys.exit(0)", "semgrep exited with code 0: invalid JSON"),
        ("print(json.dumps({'version': '1', 'errors': []})); sys.exit(0)", "JSON output has no 'results' list"),
        (
            "print(json.dumps({'version': '1', 'results': [], 'errors': [{'level': 'error', 'type': 'Rule parse error', 'message': 'bad rule'}]})); sys.exit(7)",
            "semgrep exited with code 7: bad rule",
        ),
    ],
    ids=["crash", "invalid-json", "wrong-shape", "rule-error"],
)
def test_tool_trouble_fails_closed(
    tmp_path: Path, make_tool: Callable[[str, str], Path], monkeypatch: pytest.MonkeyPatch, body: str, reason: str
) -> None:
    monkeypatch.setenv("PRODUCTREADY_SEMGREP", str(make_tool("semgrep", body + "\n")))
    res = SemgrepScanner().run(make_ctx(_repo(tmp_path)))
    assert res.status is ScanStatus.FAILED
    assert reason in res.reason
    assert res.findings == ()


def test_rule_error_with_exit_0_still_fails(
    tmp_path: Path, make_tool: Callable[[str, str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    body = "print(json.dumps({'version': '1', 'results': [], 'errors': [{'level': 'error', 'type': 'InvalidRuleSchemaError', 'message': 'rule x: missing pattern'}]}))\n"
    monkeypatch.setenv("PRODUCTREADY_SEMGREP", str(make_tool("semgrep", body)))
    res = SemgrepScanner().run(make_ctx(_repo(tmp_path)))
    assert res.status is ScanStatus.FAILED
    assert res.reason == "semgrep rule error: rule x: missing pattern"


def test_timeout_kills_the_tool_and_fails(
    tmp_path: Path, make_tool: Callable[[str, str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PRODUCTREADY_SEMGREP", str(make_tool("semgrep", "time.sleep(60)\n")))
    res = SemgrepScanner().run(make_ctx(_repo(tmp_path), timeout=1))
    assert res.status is ScanStatus.FAILED
    assert res.reason == "semgrep timed out"
