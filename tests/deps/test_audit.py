"""The dependency audit end to end: real advisories offline, never 'clean' when it did not look,
the same answers from the real pip-audit against `productready db serve`, and the product's code
never runs."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from conftest import CliResult, write_tree

VULNERABLE_REQS = """\
django==3.2.0
jinja2==2.10
requests==2.19.0
pyyaml==5.3
left-pad-for-python==1.0.0
"""


def _deps(report: dict[str, Any]) -> dict[str, Any]:
    scan = next(s for s in report["scans"] if s["scanner"] == "deps")
    return {**scan, "by_name": {d["name"]: d for d in scan.get("dependencies", [])}}


def _scan(cli: Callable[..., CliResult], repo: Path, out: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    res = cli("scan", repo, "-o", out, "--scanner", "deps", *extra)
    assert res.code in (0, 1, 3), res.err
    return res.code, json.loads((out / "report.json").read_text())


def test_offline_audit_reports_real_advisories_with_fixes(cli: Callable[..., CliResult], tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "repo", {"requirements.txt": VULNERABLE_REQS})
    _, report = _scan(cli, repo, tmp_path / "out")
    deps = _deps(report)
    assert deps["status"] == "ok", deps["reason"]
    assert deps["details"]["backend"] == "offline" and deps["details"]["db_snapshot"] == "2024-10-10"
    django = deps["by_name"]["django"]
    assert django["audit"] == "vulnerable" and len(django["advisories"]) == 25 and django["fix"] == "3.2.25"
    assert "CVE-2021-33203" in {a for adv in django["advisories"] for a in adv["aliases"]}
    assert deps["by_name"]["jinja2"]["fix"] == "2.11.3"
    assert deps["by_name"]["requests"]["fix"] == "2.31.0"
    assert deps["by_name"]["pyyaml"]["fix"] == "5.4"
    absent = deps["by_name"]["left-pad-for-python"]
    assert (absent["audit"], absent["note"]) == ("clean", "no known advisories in snapshot 2024-10-10")
    findings = [f for f in report["findings"] if f["rule_id"] == "deps:vulnerable-dependency"]
    assert {(f["location"]["path"], f["location"]["line"]) for f in findings} == {
        ("requirements.txt", 1), ("requirements.txt", 2), ("requirements.txt", 3), ("requirements.txt", 4)
    }
    jinja = next(f for f in findings if "jinja2" in f["title"])
    assert jinja["message"] == "jinja2==2.10: PYSEC-2019-217, PYSEC-2021-66 (CVE-2019-10906, CVE-2020-28493); upgrade to 2.11.3 or later"
    control = {c["id"]: c for c in report["controls"]}["iso27001-2022:A.8.8"]
    assert control["status"] == "fail"


@pytest.mark.parametrize(
    "line",
    [
        "agri-utils @ git+https://example.invalid/acme/agri-utils.git@main",
        "https://example.invalid/pkgs/thing-1.0.tar.gz#egg=thing",
        "-e ./libs/helper",
        "gunicorn>=20",
    ],
    ids=["vcs", "url", "editable", "unpinned"],
)
def test_unauditable_lines_are_inconclusive_never_clean(cli: Callable[..., CliResult], tmp_path: Path, line: str) -> None:
    repo = write_tree(tmp_path / "repo", {"requirements.txt": f"jinja2==3.1.6\n{line}\n", "libs/helper/x.py": ""})
    _, report = _scan(cli, repo, tmp_path / "out")
    deps = _deps(report)
    assert deps["status"] == "partial"
    assert deps["reason"] == "1 dependency(ies) could not be audited"
    assert deps["coverage"]["deps:vulnerable-dependency"] == "incomplete"
    [bad] = [d for d in deps["dependencies"] if d["audit"] == "unaudited"]
    assert bad["note"].startswith("not audited: ")
    assert bad["line"] == 2
    a88 = {c["id"]: c for c in report["controls"]}["iso27001-2022:A.8.8"]
    assert a88["status"] in ("inconclusive", "fail")
    assert a88["status"] != "pass"


def test_lockfile_pin_makes_an_unpinned_declaration_auditable(cli: Callable[..., CliResult], tmp_path: Path) -> None:
    repo = write_tree(
        tmp_path / "repo",
        {
            "pyproject.toml": '[project]\nname = "app"\nversion = "1"\ndependencies = ["jinja2>=2"]\n',
            "poetry.lock": '[[package]]\nname = "jinja2"\nversion = "2.10"\n',
        },
    )
    _, report = _scan(cli, repo, tmp_path / "out")
    deps = _deps(report)
    assert deps["status"] == "ok", deps["skipped"]
    assert deps["by_name"]["jinja2"]["version"] == "2.10" and deps["by_name"]["jinja2"]["audit"] == "vulnerable"
    assert not [f for f in report["findings"] if f["rule_id"] == "deps:unpinned-dependency"]


def test_product_code_never_runs(cli: Callable[..., CliResult], tmp_path: Path) -> None:
    marker = tmp_path / "EXECUTED"
    payload = f"import pathlib\npathlib.Path({str(marker)!r}).write_text('ran')\n"
    repo = write_tree(
        tmp_path / "repo",
        {
            "setup.py": payload + "from setuptools import setup\nsetup(name='evil', install_requires=['jinja2==2.10'])\n",
            "conftest.py": payload,
            "evil/__init__.py": payload,
            "requirements.txt": "-e .\njinja2==2.10\n",
            "pyproject.toml": '[build-system]\nrequires = ["setuptools"]\n[project]\nname = "evil"\nversion = "1"\ndynamic = ["dependencies"]\n',
        },
    )
    cli("scan", repo, "-o", tmp_path / "out")  # every scanner, including the dependency audit
    assert not marker.exists()


# ---------------------------------------------------------------- db serve + real pip-audit


@pytest.fixture
def mirror() -> Iterator[str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "productready", "db", "serve", "--host", "127.0.0.1", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert proc.stderr is not None
        line = proc.stderr.readline()
        m = re.search(r"http://127\.0\.0\.1:(\d+)/v1/query", line)
        assert m, line
        yield f"http://127.0.0.1:{m.group(1)}/v1/query"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_pip_audit_against_db_serve_matches_offline(cli: Callable[..., CliResult], tmp_path: Path, mirror: str) -> None:
    repo = write_tree(tmp_path / "repo", {"requirements.txt": VULNERABLE_REQS})
    _, offline = _scan(cli, repo, tmp_path / "offline")
    _, online = _scan(cli, repo, tmp_path / "online", "--deps-backend", "pip-audit", "--osv-url", mirror)
    on = _deps(online)
    assert on["status"] == "ok", on["reason"]
    assert on["details"]["backend"] == "pip-audit" and on["details"]["osv_url"] == mirror

    def ids(report: dict[str, Any]) -> dict[str, set[str]]:
        return {d["name"]: {a["id"] for a in d["advisories"]} for d in _deps(report)["dependencies"]}

    assert ids(online) == ids(offline)
    assert ids(online)["django"] and ids(online)["left-pad-for-python"] == set()


def test_auto_backend_uses_the_service_when_it_answers(cli: Callable[..., CliResult], tmp_path: Path, mirror: str) -> None:
    repo = write_tree(tmp_path / "repo", {"requirements.txt": "jinja2==2.10\n"})
    _, report = _scan(cli, repo, tmp_path / "out", "--deps-backend", "auto", "--osv-url", mirror)
    assert _deps(report)["details"]["backend"] == "pip-audit"
    _, report = _scan(cli, repo, tmp_path / "out2", "--deps-backend", "auto", "--osv-url", "http://127.0.0.1:9/v1/query")
    assert _deps(report)["details"]["backend"] == "offline"


class _Broken(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.send_response(500)
        self.end_headers()
        self.wfile.write(b"internal error")

    def log_message(self, *args: object) -> None:
        return


def test_service_error_is_inconclusive_never_clean(cli: Callable[..., CliResult], tmp_path: Path) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Broken)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/v1/query"
        repo = write_tree(tmp_path / "repo", {"requirements.txt": "jinja2==3.1.6\n"})
        _, report = _scan(cli, repo, tmp_path / "out", "--deps-backend", "pip-audit", "--osv-url", url)
    finally:
        server.shutdown()
    deps = _deps(report)
    assert deps["status"] in ("failed", "partial")
    assert deps["coverage"]["deps:vulnerable-dependency"] == "incomplete"
    assert all(d["audit"] == "unaudited" for d in deps["dependencies"])
    assert {c["id"]: c for c in report["controls"]}["iso27001-2022:A.8.8"]["status"] == "inconclusive"
