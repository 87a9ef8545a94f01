"""Shared test helpers: run the real CLI in-process, build repos, make stand-in tools."""

from __future__ import annotations

import json
import os
import stat
import sys
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from productready.cli import main

REPO_ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@dataclass
class CliResult:
    code: int
    out: str
    err: str

    def report(self, output_dir: Path) -> dict[str, Any]:
        data: dict[str, Any] = json.loads((output_dir / "report.json").read_text(encoding="utf-8"))
        return data


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., CliResult]:
    def run(*args: str | Path) -> CliResult:
        with pytest.raises(SystemExit) as exc:
            main([str(a) for a in args])
        captured = capsys.readouterr()
        code = exc.value.code
        return CliResult(int(code) if isinstance(code, int) else 1, captured.out, captured.err)

    return run


def write_tree(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


VULNERABLE_APP = {
    "app/main.py": """
        import subprocess


        def run(cmd):
            return subprocess.call(cmd, shell=True)
        """,
    "app/__init__.py": "",
}

CLEAN_APP = {
    "app/main.py": """
        def add(a: int, b: int) -> int:
            return a + b
        """,
    "app/__init__.py": "",
}


@pytest.fixture
def make_tool(tmp_path: Path) -> Callable[[str, str], Path]:
    """Create an executable stand-in for a scanner from a Python body (argv in sys.argv)."""

    def make(name: str, body: str) -> Path:
        d = tmp_path / "fake-tools"
        d.mkdir(exist_ok=True)
        path = d / name
        path.write_text(f"#!{sys.executable}\nimport sys, json, time, os\n" + textwrap.dedent(body), encoding="utf-8")
        path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
        return path

    return make


@pytest.fixture(autouse=True)
def _isolate(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Tests never see a developer's overrides or write into the real home directory."""
    for key in list(os.environ):
        if key.startswith("PRODUCTREADY_") or key == "SOURCE_DATE_EPOCH":
            monkeypatch.delenv(key, raising=False)
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))


def make_ctx(root: Path, *, timeout: int = 120, jobs: int = 2, required: tuple[str, ...] = ("bandit", "semgrep")) -> Any:
    from productready import inventory
    from productready.scanners import ScanContext
    from productready.schemas import Config

    return ScanContext(
        root=root.resolve(), inventory=inventory.collect(root), config=Config(), config_dir=root,
        timeout=timeout, jobs=jobs, required=frozenset(required),
    )


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite golden files from the current output")


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Callable[[str, str], None]:
    """Compare text with tests/golden/NAME (or rewrite it with --update-golden)."""

    def check(name: str, text: str) -> None:
        path = Path(__file__).resolve().parent / "golden" / name
        if request.config.getoption("--update-golden"):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            return
        assert path.exists(), f"golden file {name} missing: run pytest --update-golden"
        assert text == path.read_text(encoding="utf-8"), f"output differs from tests/golden/{name} (pytest --update-golden)"

    return check
