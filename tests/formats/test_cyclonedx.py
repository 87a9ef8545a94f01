"""The CycloneDX SBOM validates against the CycloneDX schema and carries the vulnerabilities."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator

from conftest import CliResult, write_tree


def test_sbom_is_valid_cyclonedx_with_vulnerabilities(cli: Callable[..., CliResult], tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "repo", {"requirements.txt": "jinja2==2.10\nflask==3.1.3\ngunicorn\n"})
    out = tmp_path / "out"
    res = cli("scan", repo, "-o", out, "--scanner", "deps", "--format", "json,cyclonedx", "--timestamp")
    assert res.code == 0, res.err
    text = (out / "sbom.cdx.json").read_text()
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(text) is None
    bom = json.loads(text)
    names = {c["name"]: c for c in bom["components"]}
    assert names["jinja2"]["purl"] == "pkg:pypi/jinja2@2.10"
    assert names["flask"]["version"] == "3.1.3"
    assert "version" not in names["gunicorn"]  # unpinned: listed, not audited
    props = {p["name"]: p["value"] for p in names["gunicorn"]["properties"]}
    assert props["productready:audit"] == "unaudited"
    ids = {v["id"]: v for v in bom["vulnerabilities"]}
    assert set(ids) == {"PYSEC-2019-217", "PYSEC-2021-66"}
    assert ids["PYSEC-2021-66"]["affects"] == [{"ref": "pkg:pypi/jinja2@2.10"}]
    assert ids["PYSEC-2021-66"]["recommendation"] == "Upgrade jinja2 to 2.11.3 or later."
    assert "CVE-2020-28493" in {r["id"] for r in ids["PYSEC-2021-66"]["references"]}


def test_sbom_is_deterministic(cli: Callable[..., CliResult], tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "repo", {"requirements.txt": "jinja2==2.10\n"})
    for d in ("a", "b"):
        cli("scan", repo, "-o", tmp_path / d, "--scanner", "deps", "--format", "cyclonedx")
    assert (tmp_path / "a" / "sbom.cdx.json").read_bytes() == (tmp_path / "b" / "sbom.cdx.json").read_bytes()
