"""The offline database: OSV range semantics, explicit versions, fixes, determinism."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from productready.deps.vulndb import FORMAT, VulnDB, VulnDBError, affects, build


def _aff(events: list[dict[str, str]], versions: list[str] | None = None) -> dict:  # type: ignore[type-arg]
    return {"package": {"name": "demo", "ecosystem": "PyPI"}, "ranges": [{"type": "ECOSYSTEM", "events": events}], "versions": versions or []}


@pytest.mark.parametrize(
    ("events", "version", "expected"),
    [
        ([{"introduced": "0"}, {"fixed": "1.2"}], "1.1.9", True),
        ([{"introduced": "0"}, {"fixed": "1.2"}], "1.2", False),
        ([{"introduced": "1.0"}, {"fixed": "1.2"}], "0.9", False),
        ([{"introduced": "1.0"}, {"fixed": "1.2"}, {"introduced": "2.0"}, {"fixed": "2.1"}], "1.5", False),
        ([{"introduced": "1.0"}, {"fixed": "1.2"}, {"introduced": "2.0"}, {"fixed": "2.1"}], "2.0.5", True),
        ([{"introduced": "1.0"}, {"last_affected": "1.4"}], "1.4", True),
        ([{"introduced": "1.0"}, {"last_affected": "1.4"}], "1.4.1", False),
        ([{"introduced": "0"}], "99.0", True),
        ([{"introduced": "0"}, {"fixed": "2.0"}], "2.0rc1", True),
    ],
)
def test_range_semantics(events: list[dict[str, str]], version: str, expected: bool) -> None:
    assert affects(_aff(events), version) is expected


def test_explicit_versions_match_even_when_not_pep440() -> None:
    assert affects(_aff([], versions=["1.0-custom"]), "1.0-custom")


def test_shipped_database_answers_known_advisories() -> None:
    db = VulnDB.load()
    assert db.snapshot_date == "2024-10-10"
    assert len(db.advisories) == 2661
    ids = [m.id for m in db.query("Jinja2", "2.10")]
    assert ids == ["PYSEC-2019-217", "PYSEC-2021-66"]
    assert db.smallest_fix("jinja2", "2.10") == "2.11.3"
    assert db.query("jinja2", "3.1.6") == []
    assert not db.knows("no-such-package-xyz")


def test_build_is_deterministic_and_skips_non_pypi() -> None:
    recs = [
        {"id": "B-1", "modified": "2024-01-02T00:00:00Z", "affected": [_aff([{"introduced": "0"}, {"fixed": "1"}])]},
        {"id": "A-1", "modified": "2024-01-01T00:00:00Z", "affected": [{"package": {"name": "x", "ecosystem": "npm"}}]},
    ]
    a, b = build(recs, "test"), build(list(reversed(recs)), "test")
    assert a == b
    doc = json.loads(gzip.decompress(a))
    assert doc["format"] == FORMAT and [x["id"] for x in doc["advisories"]] == ["B-1"]
    assert doc["snapshot"] == "2024-01-02T00:00:00Z"


def test_corrupt_database_is_a_clear_error(tmp_path: Path) -> None:
    p = tmp_path / "db.json.gz"
    p.write_bytes(b"not gzip")
    with pytest.raises(VulnDBError, match="corrupt"):
        VulnDB.load(p)
