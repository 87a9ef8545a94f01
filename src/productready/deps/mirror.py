"""`productready db serve`: the local database as an OSV-compatible query API.

``POST /v1/query`` with ``{"package": {"name", "ecosystem"}, "version"}`` returns ``{"vulns": [...]}``
(full OSV records); ``POST /v1/querybatch`` with ``{"queries": [...]}`` returns
``{"results": [{"vulns": [{"id", "modified"}]}]}`` as the OSV API does; ``GET /v1/vulns/ID``
returns one record. Enough for pip-audit's ``--osv-url`` and for other pipelines on a hub's network.
"""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from .vulndb import VulnDB

MAX_BODY = 4_000_000
MAX_BATCH = 1000


def make_server(db: VulnDB, host: str = "127.0.0.1", port: int = 8765) -> ThreadingHTTPServer:
    by_id = {str(a["id"]): a for a in db.advisories}
    for a in db.advisories:
        for alias in a.get("aliases", []):
            by_id.setdefault(str(alias), a)

    def answer(query: dict[str, Any]) -> list[dict[str, Any]]:
        pkg = query.get("package") or {}
        if not isinstance(pkg, dict):
            raise ValueError("'package' must be an object")
        eco = str(pkg.get("ecosystem", "PyPI"))
        name = pkg.get("name")
        version = query.get("version")
        if eco.lower() != "pypi":
            return []
        if not isinstance(name, str) or not isinstance(version, str):
            raise ValueError("query needs package.name and version (commit queries are not supported)")
        return [m.advisory for m in db.query(name, version)]

    class Handler(BaseHTTPRequestHandler):
        server_version = "productready-osv-mirror"

        def log_message(self, format: str, *args: Any) -> None:  # quiet by default
            return

        def _send(self, code: int, body: dict[str, Any]) -> None:
            data = json.dumps(body, sort_keys=True).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            if self.path.startswith("/v1/vulns/"):
                rec = by_id.get(self.path.rsplit("/", 1)[-1])
                if rec is None:
                    self._send(404, {"code": 5, "message": "Bug not found."})
                else:
                    self._send(200, rec)
            elif self.path in ("/", "/healthz"):
                self._send(200, {"status": "ok", "snapshot": db.snapshot, "advisories": len(db.advisories)})
            else:
                self._send(404, {"code": 5, "message": "not found"})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length <= 0 or length > MAX_BODY:
                self._send(400, {"code": 3, "message": "missing or oversized request body"})
                return
            try:
                body = json.loads(self.rfile.read(length))
                if not isinstance(body, dict):
                    raise ValueError("body must be a JSON object")
                if self.path == "/v1/query":
                    vulns = answer(body)
                    self._send(200, {"vulns": vulns} if vulns else {})
                elif self.path == "/v1/querybatch":
                    queries = body.get("queries")
                    if not isinstance(queries, list) or len(queries) > MAX_BATCH:
                        raise ValueError(f"'queries' must be a list of at most {MAX_BATCH}")
                    results = [
                        {"vulns": [{"id": v["id"], "modified": v["modified"]} for v in answer(q)]} if isinstance(q, dict) else {}
                        for q in queries
                    ]
                    self._send(200, {"results": [r if r.get("vulns") else {} for r in results]})
                else:
                    self._send(404, {"code": 5, "message": "not found"})
            except (ValueError, json.JSONDecodeError) as exc:
                self._send(400, {"code": 3, "message": str(exc)})

    return ThreadingHTTPServer((host, port), Handler)
