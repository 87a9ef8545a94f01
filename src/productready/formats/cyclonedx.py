"""CycloneDX 1.6 JSON SBOM of the product's Python dependencies, with the known vulnerabilities."""

from __future__ import annotations

import uuid
from typing import Any

from ..models import DependencyRecord, Report
from .base import Format
from .jsonout import canonical_bytes, canonical_text

_NS = uuid.UUID("6f1d7a52-5a8e-4c1e-9a51-70726f647265")  # productready's fixed namespace
_RATING = {"CRITICAL": "critical", "HIGH": "high", "MODERATE": "medium", "MEDIUM": "medium", "LOW": "low"}


def _purl(d: DependencyRecord) -> str:
    return f"pkg:pypi/{d.name}@{d.version}" if d.version else f"pkg:pypi/{d.name}"


def _ref(d: DependencyRecord) -> str:
    return _purl(d) if d.version else f"{_purl(d)}#{d.file}:{d.line}"


def sbom(report: Report) -> dict[str, Any]:
    records = sorted({(_ref(d), d): None for s in report.scans for d in s.dependencies}, key=lambda x: x[0])
    components = []
    vulns: dict[str, dict[str, Any]] = {}
    for ref, d in records:
        comp: dict[str, Any] = {"type": "library", "bom-ref": ref, "name": d.name, "purl": _purl(d),
                                "scope": "optional" if d.dev else "required"}
        if d.version:
            comp["version"] = d.version
        comp["properties"] = [
            {"name": "productready:manifest", "value": f"{d.file}:{d.line}"},
            {"name": "productready:audit", "value": d.audit},
            {"name": "productready:audit-note", "value": d.note},
        ]
        components.append(comp)
        for a in d.advisories:
            v = vulns.setdefault(a.id, {
                "bom-ref": f"vuln:{a.id}",
                "id": a.id,
                "source": {"name": "OSV", "url": f"https://osv.dev/vulnerability/{a.id}"},
                "references": [{"id": al, "source": {"name": "OSV", "url": f"https://osv.dev/vulnerability/{al}"}} for al in a.aliases],
                "description": a.summary,
                "affects": [],
            })
            if a.severity in _RATING:
                v["ratings"] = [{"severity": _RATING[a.severity], "method": "other", "source": {"name": "OSV"}}]
            if d.fix:
                v["recommendation"] = f"Upgrade {d.name} to {d.fix} or later."
            v["affects"].append({"ref": ref})
    target = report.target.root_name
    meta: dict[str, Any] = {
        "tools": {"components": [{"type": "application", "name": "productready", "version": report.tool_version}]},
        "component": {"type": "application", "bom-ref": "product", "name": target},
    }
    if report.generated_at:
        meta["timestamp"] = report.generated_at
    serial = uuid.uuid5(_NS, target + "\0" + "\0".join(r for r, _ in records) + "\0" + ",".join(sorted(vulns)))
    return {
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "serialNumber": f"urn:uuid:{serial}",
        "version": 1,
        "metadata": meta,
        "components": components,
        "dependencies": [{"ref": "product", "dependsOn": [r for r, _ in records]}],
        "vulnerabilities": [vulns[k] for k in sorted(vulns)],
    }


class CycloneDxFormat(Format):
    name = "cyclonedx"
    extension = "cdx.json"
    description = "CycloneDX 1.6 SBOM of the Python dependencies with known vulnerabilities"

    def filename(self) -> str:
        return "sbom.cdx.json"

    def render(self, report: Report) -> str:
        return canonical_text(sbom(report))

    def render_bytes(self, report: Report) -> bytes:
        return canonical_bytes(sbom(report))
