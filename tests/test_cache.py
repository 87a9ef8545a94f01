"""The per-file result cache: same reports with or without it, and exactly the right invalidation.

Real bandit and semgrep run behind a logging wrapper (PRODUCTREADY_BANDIT / PRODUCTREADY_SEMGREP),
so each test can see which files a tool was actually asked to read.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import CliResult, write_tree
from productready import cache
from productready.scanners.base import find_tool

SHARD_FILES = 310  # bandit shards at 150 files per shard: -j 2 gives two shards


def _repo(root: Path) -> Path:
    files = {
        "app/__init__.py": "",
        "app/main.py": """
            import pickle
            import subprocess


            def run(cmd):
                return subprocess.call(cmd, shell=True)


            def load(blob):
                return pickle.loads(blob)
            """,
        "app/settings.py": 'SECRET_KEY = "k3y-9f8a7d6c5b4a3928171605f4e3d2c1b0"\nPASSWORD = "hunter2hunter2"\n',
        "tests/test_main.py": "import os\n\ndef test_it():\n    assert os.system('true') == 0\n",
    }
    for i in range(SHARD_FILES):
        files[f"app/mod_{i:03d}.py"] = f"def f_{i}(x):\n    return x + {i}\n"
    return write_tree(root, files)


def _wrapper(path: Path, tool: str, log: Path, version: str | None = None) -> Path:
    """An executable that logs the files it was given, then runs the real tool."""
    real = find_tool(tool)
    assert real, f"{tool} must be installed for these tests"
    version_line = (
        f"if sys.argv[1:] == ['--version']:\n    print('{tool} {version}')\n    sys.exit(0)\n" if version else ""
    )
    path.write_text(
        f"#!{sys.executable}\nimport os, sys\n{version_line}"
        f"args = sys.argv[1:]\n"
        f"files = args[args.index('--') + 1:] if '--' in args else []\n"
        f"if files:\n"
        f"    with open({str(log)!r}, 'a', encoding='utf-8') as fh:\n"
        f"        fh.write('\\t'.join(files) + '\\n')\n"
        f"os.execv({real!r}, [{real!r}, *args])\n",
        encoding="utf-8",
    )
    path.chmod(0o755)
    return path


class Tools:
    def __init__(self, base: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.base = base
        self.monkeypatch = monkeypatch
        base.mkdir(parents=True, exist_ok=True)
        self.logs = {"bandit": base / "bandit.log", "semgrep": base / "semgrep.log"}
        for tool in self.logs:
            self.install(tool)

    def install(self, tool: str, version: str | None = None) -> None:
        exe = _wrapper(self.base / f"{tool}-wrapper", tool, self.logs[tool], version)
        self.monkeypatch.setenv(f"PRODUCTREADY_{tool.upper()}", str(exe))

    def scanned(self, tool: str) -> list[str]:
        """Files the tool was asked to read since the last call (all its invocations together)."""
        log = self.logs[tool]
        if not log.exists():
            return []
        files = sorted(f for line in log.read_text(encoding="utf-8").splitlines() for f in line.split("\t") if f)
        log.unlink()
        return files


@pytest.fixture
def tools(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Tools:
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path / "cache"))
    return Tools(tmp_path / "wrappers", monkeypatch)


def _scan(cli: Callable[..., CliResult], repo: Path, out: Path, *args: str) -> tuple[CliResult, bytes]:
    res = cli("scan", repo, "-q", "--format", "json", "-o", out, *args)
    assert res.code in (0, 1), res.err
    return res, (out / "report.json").read_bytes()


def _python_files(repo: Path, tests: bool = True) -> list[str]:
    out = sorted(p.relative_to(repo).as_posix() for p in repo.rglob("*.py"))
    return out if tests else [p for p in out if not p.startswith("tests/")]


def test_cached_sharded_and_plain_runs_give_byte_identical_reports(
    cli: Callable[..., CliResult], tmp_path: Path, tools: Tools
) -> None:
    repo = _repo(tmp_path / "repo")
    _, plain = _scan(cli, repo, tmp_path / "plain", "--no-cache", "-j", "1")
    assert not (tmp_path / "cache" / cache.DB_NAME).exists(), "--no-cache must not create the cache"
    assert tools.scanned("bandit") == _python_files(repo, tests=False)
    tools.scanned("semgrep")

    _, cold_sharded = _scan(cli, repo, tmp_path / "cold", "-j", "2")
    assert tools.scanned("bandit") == _python_files(repo, tests=False)
    assert tools.scanned("semgrep") == _python_files(repo, tests=False)  # test folders are skipped, as semgrep does
    _, warm_sharded = _scan(cli, repo, tmp_path / "warm", "-j", "2")
    _, warm_plain = _scan(cli, repo, tmp_path / "warm1", "-j", "1")
    assert tools.scanned("bandit") == [] and tools.scanned("semgrep") == [], "a warm re-scan reads no file again"

    assert plain == cold_sharded == warm_sharded == warm_plain
    data = json.loads(plain)
    rules = {f["rule_id"] for f in data["findings"]}
    assert {"bandit:B602", "bandit:B301"} <= rules  # the cache is not identical because both are empty
    info = cache.info()
    assert info.exists and info.entries > SHARD_FILES


def test_changed_file_rule_pack_tool_version_and_settings_invalidate_exactly_what_they_should(
    cli: Callable[..., CliResult], tmp_path: Path, tools: Tools
) -> None:
    repo = _repo(tmp_path / "repo")
    (repo / "rules").mkdir()
    rule = repo / "rules" / "extra.yaml"
    rule.write_text(textwrap.dedent("""
        rules:
          - id: no-eval-here
            languages: [python]
            severity: ERROR
            message: eval is not allowed here
            pattern: eval(...)
        """), encoding="utf-8")
    (repo / "productready.yaml").write_text("semgrep:\n  rulesets: [rules/extra.yaml]\n", encoding="utf-8")
    only = ("--scanner", "bandit", "--scanner", "semgrep")
    _scan(cli, repo, tmp_path / "o0", *only)
    tools.scanned("bandit")
    all_semgrep = tools.scanned("semgrep")
    assert "app/mod_007.py" in all_semgrep

    # 1. one file changed: only it is read again, and its new finding is reported
    target = repo / "app" / "mod_007.py"
    target.write_text("def f_7(x):\n    return eval(x)\n", encoding="utf-8")
    _, changed = _scan(cli, repo, tmp_path / "o1", *only)
    assert tools.scanned("bandit") == ["app/mod_007.py"]
    assert tools.scanned("semgrep") == ["app/mod_007.py"]
    found = {(f["rule_id"], f["location"]["path"]) for f in json.loads(changed)["findings"]}
    assert ("bandit:B307", "app/mod_007.py") in found and ("semgrep:no-eval-here", "app/mod_007.py") in found
    _, fresh = _scan(cli, repo, tmp_path / "o1-plain", *only, "--no-cache")
    tools.scanned("bandit"), tools.scanned("semgrep")
    assert changed == fresh

    # 2. a rule pack changed: every semgrep file again, no bandit file
    rule.write_text(rule.read_text(encoding="utf-8").replace("is not allowed here", "is forbidden"), encoding="utf-8")
    _, repacked = _scan(cli, repo, tmp_path / "o2", *only)
    assert tools.scanned("bandit") == []
    assert tools.scanned("semgrep") == all_semgrep
    assert "eval is forbidden" in repacked.decode()

    # 3. a new bandit version: every bandit file again, no semgrep file
    tools.install("bandit", version="9.9.9")
    _scan(cli, repo, tmp_path / "o3", *only)
    assert tools.scanned("bandit") == _python_files(repo, tests=False)
    assert tools.scanned("semgrep") == []

    # 4. a setting that changes bandit's output (skipped tests): bandit again
    (repo / "productready.yaml").write_text(
        "semgrep:\n  rulesets: [rules/extra.yaml]\nbandit:\n  skip: [B101]\n", encoding="utf-8"
    )
    _scan(cli, repo, tmp_path / "o4", *only)
    assert tools.scanned("bandit") == _python_files(repo, tests=False)
    assert tools.scanned("semgrep") == []

    # 5. unchanged again: nothing read
    _scan(cli, repo, tmp_path / "o5", *only)
    assert tools.scanned("bandit") == [] and tools.scanned("semgrep") == []


def test_a_failed_tool_run_stores_nothing(
    cli: Callable[..., CliResult], tmp_path: Path, tools: Tools, make_tool: Callable[[str, str], Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    repo = _repo(tmp_path / "repo")
    crashing = make_tool("bandit", """
        if sys.argv[1:] == ["--version"]:
            print("bandit 1.9.4"); sys.exit(0)
        sys.stderr.write("Traceback: boom\\n"); sys.exit(2)
        """)
    monkeypatch.setenv("PRODUCTREADY_BANDIT", str(crashing))
    res = cli("scan", repo, "-q", "--format", "json", "-o", tmp_path / "o", "--scanner", "bandit")
    assert res.code == 3
    tools.install("bandit")
    _scan(cli, repo, tmp_path / "o2", "--scanner", "bandit")
    assert tools.scanned("bandit") == _python_files(repo, tests=False), "nothing from the crashed run may be reused"


def test_a_damaged_cache_is_rebuilt_with_a_warning_and_changes_nothing(
    cli: Callable[..., CliResult], tmp_path: Path, tools: Tools
) -> None:
    repo = _repo(tmp_path / "repo")
    only = ("--scanner", "bandit", "--scanner", "semgrep")
    _, plain = _scan(cli, repo, tmp_path / "plain", *only, "--no-cache")
    db = tmp_path / "cache" / cache.DB_NAME
    db.parent.mkdir(parents=True)
    db.write_bytes(b"this is not a database" * 100)
    res, damaged = _scan(cli, repo, tmp_path / "o1", *only)
    assert "warning: the result cache" in res.err and "damaged" in res.err
    assert damaged == plain
    tools.scanned("bandit")
    _, warm = _scan(cli, repo, tmp_path / "o2", *only)
    assert tools.scanned("bandit") == [], "the rebuilt cache is used by the next scan"
    assert warm == plain


def test_an_unwritable_cache_folder_only_costs_speed(
    cli: Callable[..., CliResult], tmp_path: Path, tools: Tools, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = _repo(tmp_path / "repo")
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv(cache.CACHE_ENV, str(blocker / "cache"))
    res, report = _scan(cli, repo, tmp_path / "o", "--scanner", "bandit")
    assert "warning: cannot open the result cache" in res.err and "scanning without the cache" in res.err
    _, plain = _scan(cli, repo, tmp_path / "p", "--scanner", "bandit", "--no-cache")
    assert report == plain


def test_concurrent_scans_share_the_cache_safely(tmp_path: Path, tools: Tools) -> None:
    repo = _repo(tmp_path / "repo")
    env = {**os.environ}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "productready", "scan", str(repo), "-q", "--format", "json",
             "-o", str(tmp_path / f"c{i}"), "-j", "1"],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for i in range(3)
    ]
    outs = [p.communicate(timeout=600) for p in procs]
    codes = [p.returncode for p in procs]
    assert codes[0] in (0, 1) and len(set(codes)) == 1, outs
    assert all("warning" not in err for _, err in outs), outs
    reports = {(tmp_path / f"c{i}" / "report.json").read_bytes() for i in range(3)}
    assert len(reports) == 1
    tools.scanned("bandit")
    subprocess.run(
        [sys.executable, "-m", "productready", "scan", str(repo), "-q", "--format", "json", "-o", str(tmp_path / "c9")],
        env=env, check=False, capture_output=True,
    )
    assert tools.scanned("bandit") == []
    assert (tmp_path / "c9" / "report.json").read_bytes() in reports


def test_cache_info_and_clear(cli: Callable[..., CliResult], tmp_path: Path, tools: Tools) -> None:
    res = cli("cache", "info")
    assert res.code == 0 and "no cache yet" in res.out
    repo = write_tree(tmp_path / "repo", {"app/a.py": "import pickle\npickle.loads(b'')\n"})
    _scan(cli, repo, tmp_path / "o", "--scanner", "bandit")
    res = cli("cache", "info")
    assert res.code == 0 and "entries: 1" in res.out, res.out
    res = cli("cache", "clear")
    assert res.code == 0 and "cleared" in res.out
    assert not (tmp_path / "cache" / cache.DB_NAME).exists()
    tools.scanned("bandit")
    _scan(cli, repo, tmp_path / "o2", "--scanner", "bandit")
    assert tools.scanned("bandit") == ["app/a.py"]


def test_damaged_entries_are_misses_not_errors(tmp_path: Path) -> None:
    c = cache.ResultCache(tmp_path)
    good = cache.FileOutcome((), ("bandit: syntax error",), scanned=False)
    c.put_many({"k1": good, "k2": good})
    conn = c._connect()
    assert conn is not None
    conn.execute("UPDATE results SET value = ? WHERE key = 'k2'", (b'{"f": [["too", "short"]], "s": [], "n": true}',))
    conn.commit()
    assert c.get_many(["k1", "k2", "k3"]) == {"k1": good}
    c.close()


def test_secrets_search_reuses_unchanged_files_and_rereads_changed_ones(tmp_path: Path) -> None:
    from dataclasses import replace

    from conftest import make_ctx
    from productready.scanners.secrets import SecretsScanner

    repo = write_tree(tmp_path / "repo", {
        "app/settings.py": 'AWS_ACCESS_KEY_ID = "AKIAIOSFODNN7EXAMPLF"\n',
        "deploy/.env": "DB_PASSWORD=s3cr3t-Pa55w0rd-x9\n# pragma: allowlist secret\n",
        **{f"app/m{i}.py": f"x = {i}\n" for i in range(20)},
    })

    def run(store: cache.ResultCache | None) -> tuple[Any, int, int]:
        ctx = make_ctx(repo)
        if store is not None:
            ctx = replace(ctx, cache=store, digests=cache.Digests(repo.resolve()))
        before = (store.hits, store.misses) if store else (0, 0)
        res = replace(SecretsScanner().run(ctx), started=None, finished=None)  # run intervals differ, nothing else
        return res, (store.hits - before[0]) if store else 0, (store.misses - before[1]) if store else 0

    plain, _, _ = run(None)
    store = cache.ResultCache(tmp_path / "c")
    cold, _, misses = run(store)
    warm, hits, warm_misses = run(store)
    assert plain == cold == warm
    assert misses == 22 and hits == 22 and warm_misses == 0
    assert {f.rule_id for f in warm.findings} >= {"secrets:aws-access-key"}
    (repo / "app" / "m3.py").write_text('token = "ghp_0123456789abcdefghijABCDEFGHIJ012345"\n', encoding="utf-8")
    changed, hits, misses = run(store)
    assert (hits, misses) == (21, 1)
    fresh, _, _ = run(None)
    assert changed == fresh
    assert any(f.location.path == "app/m3.py" for f in changed.findings)


def test_a_file_edited_after_hashing_is_not_unchanged(tmp_path: Path) -> None:
    # results of a file edited while a tool read it are not stored (cache_store asks this)
    root = write_tree(tmp_path / "r", {"a.py": "x = 1\n", "b.py": "y = 2\n"})
    d = cache.Digests(root.resolve())
    assert d.of("a.py") and d.unchanged("a.py") and d.unchanged("b.py")
    (root / "a.py").write_text("x = 22\n", encoding="utf-8")
    assert not d.unchanged("a.py")
    (root / "b.py").unlink()
    assert not d.unchanged("b.py") and not d.unchanged("missing.py")
