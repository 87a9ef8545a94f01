"""`productready db update` against a local HTTP server: success, and every failure leaves the
previous database usable with a clear message."""

from __future__ import annotations

import io
import json
import threading
import zipfile
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from conftest import CliResult
from productready.deps.vulndb import VulnDB, user_db_path


def _zip(records: list[dict]) -> bytes:  # type: ignore[type-arg]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for r in records:
            zf.writestr(f"{r['id']}.json", json.dumps(r))
    return buf.getvalue()


RECORD = {
    "id": "PYSEC-2099-1",
    "modified": "2099-01-02T03:04:05Z",
    "summary": "test advisory",
    "aliases": ["CVE-2099-0001"],
    "affected": [{"package": {"name": "demo-pkg", "ecosystem": "PyPI"},
                  "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "2.0"}]}]}],
}
GOOD = _zip([RECORD])


class _Server:
    def __init__(self) -> None:
        self.routes: dict[str, tuple[int, bytes, dict[str, str]]] = {}
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                code, body, headers = outer.routes.get(self.path, (404, b"", {}))
                self.send_response(code)
                self.send_header("Content-Length", headers.get("Content-Length", str(len(body))))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                return

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"


@pytest.fixture
def server() -> Iterator[_Server]:
    s = _Server()
    threading.Thread(target=s.httpd.serve_forever, daemon=True).start()
    yield s
    s.httpd.shutdown()


@pytest.fixture(autouse=True)
def _data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRODUCTREADY_DATA_DIR", str(tmp_path / "data"))


def test_update_installs_the_new_database(cli: Callable[..., CliResult], server: _Server) -> None:
    server.routes["/all.zip"] = (200, GOOD, {})
    res = cli("db", "update", "--source", f"{server.url}/all.zip")
    assert res.code == 0, res.err
    assert res.out.startswith(f"updated {user_db_path()}: 1 advisories for 1 packages, snapshot 2099-01-02")
    db = VulnDB.load(user_db_path())
    assert [m.id for m in db.query("Demo_Pkg", "1.5")] == ["PYSEC-2099-1"]
    info = cli("db", "info")
    assert "snapshot: 2099-01-02" in info.out and "advisories: 1" in info.out


@pytest.mark.parametrize(
    ("route", "message"),
    [
        ((200, GOOD[: len(GOOD) // 2], {"Content-Length": str(len(GOOD))}), "was truncated"),  # server closes early
        ((200, b"PK\x03\x04 definitely not a zip", {}), "not a valid zip archive"),
        ((500, b"oops", {}), "HTTP 500"),
        ((200, _zip([{"id": "X", "affected": [{"package": {"name": "a", "ecosystem": "npm"}}]}]), {}), "no PyPI advisories"),
    ],
    ids=["truncated", "corrupt-zip", "server-error", "no-pypi-records"],
)
def test_failed_update_keeps_the_previous_database(
    cli: Callable[..., CliResult], server: _Server, route: tuple[int, bytes, dict[str, str]], message: str
) -> None:
    server.routes["/all.zip"] = (200, GOOD, {})
    assert cli("db", "update", "--source", f"{server.url}/all.zip").code == 0
    before = user_db_path().read_bytes()
    server.routes["/all.zip"] = route
    res = cli("db", "update", "--source", f"{server.url}/all.zip")
    assert res.code == 2
    assert res.err.startswith("error: database not updated: ") and message in res.err
    assert f"hint: still using {user_db_path()}" in res.err
    assert user_db_path().read_bytes() == before
    assert VulnDB.load(user_db_path()).query("demo-pkg", "1.0")
    assert [p.name for p in user_db_path().parent.iterdir()] == [user_db_path().name]  # no temp files left


def test_checksum_mismatch_is_refused(cli: Callable[..., CliResult], server: _Server) -> None:
    server.routes["/all.zip"] = (200, GOOD, {})
    res = cli("db", "update", "--source", f"{server.url}/all.zip", "--sha256", "0" * 64)
    assert res.code == 2 and "checksum mismatch" in res.err
    assert not user_db_path().exists()


def test_unreachable_server_is_a_clear_error(cli: Callable[..., CliResult]) -> None:
    res = cli("db", "update", "--source", "http://127.0.0.1:9/all.zip", "--timeout", "2")
    assert res.code == 2 and "cannot download" in res.err
    info = cli("db", "info")  # the shipped database is still in use
    assert "(shipped with productready)" in info.out
