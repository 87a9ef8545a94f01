"""bandit adapter: recorded output, the real tool, and every failure mode ending fail-closed."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import FIXTURES, make_ctx, write_tree
from productready.models import ScanStatus, Severity
from productready.scanners.bandit import BanditScanner

RECORDED = FIXTURES / "recorded"
EXPECTED = [
    ("bandit:B403", 2, (502,)),
    ("bandit:B404", 3, (78,)),
    ("bandit:B301", 9, (502,)),
    ("bandit:B506", 13, (20,)),
    ("bandit:B324", 17, (327,)),
    ("bandit:B602", 21, (78,)),
]


def _repo(tmp_path: Path) -> Path:
    dest = tmp_path / "repo"
    shutil.copytree(RECORDED / "bandit-repo", dest)
    return dest


def test_parses_recorded_output(
    tmp_path: Path, make_tool: Callable[[str, str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    recorded = RECORDED / "bandit-output.json"
    tool = make_tool(
        "bandit",
        f"""
        if "--version" in sys.argv:
            print("bandit 9.9.9"); sys.exit(0)
        out = sys.argv[sys.argv.index("--output") + 1]
        open(out, "w").write(open({str(recorded)!r}).read())
        sys.exit(1)
        """,
    )
    monkeypatch.setenv("PRODUCTREADY_BANDIT", str(tool))
    res = BanditScanner().run(make_ctx(_repo(tmp_path)))
    assert res.status is ScanStatus.OK and res.reason == ""
    assert res.version == "9.9.9"
    assert [(f.rule_id, f.location.line, f.cwe) for f in res.findings] == EXPECTED
    b602 = res.findings[-1]
    assert b602.severity is Severity.HIGH
    assert b602.location.path == "pkg/views.py"
    assert b602.title == "B602: subprocess popen with shell equals true"
    assert b602.help_url.startswith("https://bandit.readthedocs.io/")


def test_real_bandit_agrees_with_recording(tmp_path: Path) -> None:
    res = BanditScanner().run(make_ctx(_repo(tmp_path)))
    assert res.status is ScanStatus.OK, res.reason
    assert res.version[0].isdigit()
    assert [(f.rule_id, f.location.line, f.cwe) for f in res.findings] == EXPECTED
    assert res.files_scanned == 1


def test_real_bandit_sharded_matches_single_run(tmp_path: Path) -> None:
    files = {f"pkg/m{i:03}.py": f"import subprocess\nsubprocess.call(x{i}, shell=True)\n" for i in range(320)}
    repo = write_tree(tmp_path / "big", files)
    one = BanditScanner().run(make_ctx(repo, jobs=1))
    two = BanditScanner().run(make_ctx(repo, jobs=2))
    assert one.status is two.status is ScanStatus.OK
    assert len(one.findings) == 640
    assert one.findings == two.findings


def test_unparseable_file_makes_the_run_partial(tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "repo", {"ok.py": "x = 1\n", "py2.py": "print 'hello'\n"})
    res = BanditScanner().run(make_ctx(repo))
    assert res.status is ScanStatus.PARTIAL
    assert res.reason == "bandit could not analyse 1 file(s)"
    assert [(s.path, s.reason) for s in res.skipped] == [("py2.py", "bandit: syntax error while parsing AST from file")]
    assert res.files_scanned == 1


def test_missing_tool_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRODUCTREADY_BANDIT", str(tmp_path / "no-such-bandit"))
    res = BanditScanner().run(make_ctx(_repo(tmp_path)))
    assert res.status is ScanStatus.FAILED
    assert res.reason == f"'{tmp_path / 'no-such-bandit'}' not found"
    assert res.findings == ()


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("sys.stderr.write('Traceback ...\\nKeyError: boom\\n'); sys.exit(2)", "bandit exited with code 2: Traceback ... | KeyError: boom"),
        ("out = sys.argv[sys.argv.index('--output') + 1]; open(out, 'w').write('{not json'); sys.exit(0)", "invalid JSON from bandit"),
        ("out = sys.argv[sys.argv.index('--output') + 1]; open(out, 'w').write('[]'); sys.exit(0)", "bandit JSON has no 'results' list"),
        ("import signal; os.kill(os.getpid(), signal.SIGSEGV)", "bandit exited with code -11: no output"),
    ],
    ids=["crash", "invalid-json", "wrong-shape", "signal"],
)
def test_tool_trouble_fails_closed(
    tmp_path: Path, make_tool: Callable[[str, str], Path], monkeypatch: pytest.MonkeyPatch, body: str, reason: str
) -> None:
    tool = make_tool("bandit", f'if "--version" in sys.argv:\n    print("bandit 1.0"); sys.exit(0)\n{body}\n')
    monkeypatch.setenv("PRODUCTREADY_BANDIT", str(tool))
    res = BanditScanner().run(make_ctx(_repo(tmp_path)))
    assert res.status is ScanStatus.FAILED
    assert reason in res.reason
    assert res.findings == ()


def test_timeout_kills_the_tool_and_fails(
    tmp_path: Path, make_tool: Callable[[str, str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    tool = make_tool("bandit", 'if "--version" in sys.argv:\n    print("bandit 1.0"); sys.exit(0)\ntime.sleep(60)\n')
    monkeypatch.setenv("PRODUCTREADY_BANDIT", str(tool))
    res = BanditScanner().run(make_ctx(_repo(tmp_path), timeout=1))
    assert res.status is ScanStatus.FAILED
    assert res.reason == "bandit timed out"
    assert res.duration < 30


def test_real_bandit_skips_test_folders_unless_asked(tmp_path: Path) -> None:
    from dataclasses import replace

    from productready.models import Coverage
    from productready.schemas import BanditSettings, Config

    repo = write_tree(tmp_path / "repo", {
        "app/a.py": "import pickle\npickle.loads(data)\n",
        "tests/test_a.py": "def test_it():\n    assert 1 + 1 == 2\n",
        "pkg/testsuite/helper.py": "import pickle\npickle.loads(data)\n",
    })
    res = BanditScanner().run(make_ctx(repo))
    assert res.status is ScanStatus.OK, res.reason
    assert {f.location.path for f in res.findings} == {"app/a.py"}
    assert dict(res.details)["excluded_test_files"] == "2" and res.files_scanned == 1

    ctx = replace(make_ctx(repo), config=Config(bandit=BanditSettings(include_tests=True)))
    res = BanditScanner().run(ctx)
    assert {f.location.path for f in res.findings} == {"app/a.py", "tests/test_a.py", "pkg/testsuite/helper.py"}
    assert any(f.rule_id == "bandit:B101" for f in res.findings)

    only_tests = write_tree(tmp_path / "only", {"tests/test_a.py": "def test_it():\n    assert True\n"})
    ctx = make_ctx(only_tests)
    res = BanditScanner().run(ctx)
    assert res.status is ScanStatus.SKIPPED and not res.applicable and "include_tests" in res.reason
    # nothing in scope is not "did not look": the rules have no input, so their controls do not turn inconclusive
    assert {state for _, state in BanditScanner().coverage(ctx.inventory, res)} == {Coverage.NO_INPUT}
