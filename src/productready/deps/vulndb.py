"""The offline vulnerability database: OSV records for PyPI, stored compactly, matched with PEP 440.

Store: one gzip-compressed JSON file ``{"format", "ecosystem", "source", "snapshot", "advisories"}``
where each advisory is an OSV record trimmed to what auditing and the OSV API need (no references;
details shortened). The shipped copy is built from the PyPA advisory database (CC-BY 4.0) by
``tools/build_vulndb.py``; ``productready db update`` replaces the user's copy atomically.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packaging.version import InvalidVersion, Version

FORMAT = "productready-osv/1"
FILENAME = "pypi-osv.json.gz"
SHIPPED = Path(__file__).resolve().parent / "data" / FILENAME
_DETAILS_MAX = 600


def normalize(name: str) -> str:
    """PEP 503 normalised project name."""
    return re.sub(r"[-_.]+", "-", name).lower()


def user_db_path() -> Path:
    """Where `db update` keeps its copy: $PRODUCTREADY_DATA_DIR, else the XDG data folder."""
    base = os.environ.get("PRODUCTREADY_DATA_DIR")
    if base:
        return Path(base) / "vulndb" / FILENAME
    xdg = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(xdg) / "productready" / "vulndb" / FILENAME


def active_db_path() -> Path:
    """The user's updated copy when there is one, else the copy shipped in the package."""
    user = user_db_path()
    return user if user.is_file() else SHIPPED


class VulnDBError(Exception):
    """The database file is missing, unreadable or not in our format."""


def trim(record: dict[str, Any]) -> dict[str, Any] | None:
    """Keep what auditing and the OSV query API need. Records without PyPI packages → None."""
    affected = [
        {k: a[k] for k in ("package", "ranges", "versions", "ecosystem_specific", "database_specific") if k in a}
        for a in record.get("affected", [])
        if str((a.get("package") or {}).get("ecosystem", "")).lower() == "pypi"
    ]
    if not affected or not record.get("id"):
        return None
    details = str(record.get("details") or "").strip()
    out: dict[str, Any] = {
        "id": str(record["id"]),
        "modified": _text(record.get("modified")),
        "published": _text(record.get("published")),
        "aliases": sorted({str(a) for a in record.get("aliases") or []}),
        "summary": str(record.get("summary") or "").strip(),
        "details": details if len(details) <= _DETAILS_MAX else details[: _DETAILS_MAX - 1] + "…",
        "affected": affected,
    }
    for key in ("withdrawn", "severity", "database_specific"):
        if record.get(key):
            out[key] = record[key]
    return out


def _text(value: object) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else _iso(value)


def build(records: Iterable[dict[str, Any]], source: str) -> bytes:
    """A deterministic database file from OSV records."""
    advisories = sorted((t for r in records if (t := trim(r)) is not None), key=lambda a: a["id"])
    snapshot = max((a["modified"] for a in advisories), default="")
    doc = {
        "format": FORMAT,
        "ecosystem": "PyPI",
        "source": source,
        "snapshot": snapshot,
        "advisories": advisories,
    }
    raw = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_iso).encode()
    return gzip.compress(raw, compresslevel=9, mtime=0)


def _iso(value: object) -> str:
    """YAML sources parse unquoted timestamps as datetimes; OSV wants RFC 3339 strings."""
    iso = getattr(value, "isoformat", None)
    if iso is None:
        raise TypeError(f"cannot store {type(value).__name__} in the database")
    return str(iso()).replace("+00:00", "Z")


@dataclass(frozen=True)
class Match:
    advisory: dict[str, Any]
    fixed: tuple[str, ...]  # fixed versions named by the advisory for this package

    @property
    def id(self) -> str:
        return str(self.advisory["id"])

    @property
    def aliases(self) -> tuple[str, ...]:
        return tuple(self.advisory.get("aliases", ()))


class VulnDB:
    def __init__(self, doc: dict[str, Any], path: Path) -> None:
        if doc.get("format") != FORMAT:
            raise VulnDBError(f"{path}: not a productready vulnerability database (format {doc.get('format')!r})")
        self.path = path
        self.source = str(doc.get("source", ""))
        self.snapshot = str(doc.get("snapshot", ""))
        self.advisories: list[dict[str, Any]] = doc.get("advisories", [])
        self._index: dict[str, list[tuple[dict[str, Any], dict[str, Any]]]] = {}
        for adv in self.advisories:
            if adv.get("withdrawn"):
                continue
            for aff in adv.get("affected", []):
                name = normalize(str((aff.get("package") or {}).get("name", "")))
                self._index.setdefault(name, []).append((adv, aff))

    @classmethod
    def load(cls, path: Path | None = None) -> VulnDB:
        p = path or active_db_path()
        try:
            doc = json.loads(gzip.decompress(p.read_bytes()))
        except FileNotFoundError:
            raise VulnDBError(f"{p}: vulnerability database not found") from None
        except (OSError, EOFError, gzip.BadGzipFile, json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise VulnDBError(f"{p}: vulnerability database is corrupt ({exc})") from None
        return cls(doc, p)

    @property
    def snapshot_date(self) -> str:
        return self.snapshot[:10]

    @property
    def package_count(self) -> int:
        return len(self._index)

    def sha256(self) -> str:
        return hashlib.sha256(self.path.read_bytes()).hexdigest()

    def knows(self, name: str) -> bool:
        return normalize(name) in self._index

    def query(self, name: str, version: str) -> list[Match]:
        """Advisories affecting ``name==version``, sorted by id."""
        out: list[Match] = []
        for adv, aff in self._index.get(normalize(name), []):
            if affects(aff, version):
                out.append(Match(adv, fixed_versions(aff)))
        return sorted(out, key=lambda m: m.id)

    def smallest_fix(self, name: str, version: str) -> str | None:
        """The smallest release above ``version`` named as a fix that no advisory affects."""
        try:
            current = Version(version)
        except InvalidVersion:
            return None
        candidates: set[Version] = set()
        for _adv, aff in self._index.get(normalize(name), []):
            for f in fixed_versions(aff):
                try:
                    v = Version(f)
                except InvalidVersion:
                    continue
                if v > current:
                    candidates.add(v)
        for v in sorted(candidates):
            if not self.query(name, str(v)):
                return str(v)
        return None


def fixed_versions(aff: dict[str, Any]) -> tuple[str, ...]:
    out = {str(e["fixed"]) for r in aff.get("ranges", []) for e in r.get("events", []) if "fixed" in e}
    return tuple(sorted(out, key=_sort_key))


def _sort_key(v: str) -> tuple[int, Any]:
    try:
        return (0, Version(v))
    except InvalidVersion:
        return (1, v)


def affects(aff: dict[str, Any], version: str) -> bool:
    """OSV semantics: an explicit ``versions`` entry, or inside an ECOSYSTEM range."""
    if version in (aff.get("versions") or []):
        return True
    try:
        v = Version(version)
    except InvalidVersion:
        return False
    for r in aff.get("ranges", []):
        if r.get("type") not in ("ECOSYSTEM", "SEMVER"):
            continue
        if _in_range(v, r.get("events", [])):
            return True
    return False


def _in_range(v: Version, events: list[dict[str, Any]]) -> bool:
    """Walk the events in version order: affected after 'introduced', until 'fixed'
    (exclusive) or after 'last_affected' (inclusive)."""
    points: list[tuple[Version, int, str]] = []
    for e in events:
        for kind, order in (("introduced", 1), ("fixed", 0), ("last_affected", 2), ("limit", 0)):
            if kind in e:
                raw = str(e[kind])
                try:
                    at = Version("0") if raw == "0" else Version(raw)
                except InvalidVersion:
                    continue
                points.append((at, order, kind))
    affected = False
    for at, _order, kind in sorted(points):
        if kind == "introduced":
            if v < at:
                return affected
            affected = True
        elif kind in ("fixed", "limit"):
            if v < at:
                return affected
            affected = False
        elif kind == "last_affected":
            if v <= at:
                return affected
            affected = False
    return affected


def iter_osv_files(folder: Path) -> Iterator[dict[str, Any]]:
    """OSV records from a folder of .yaml/.json files (the PyPA advisory database layout)."""
    import yaml

    for p in sorted(folder.rglob("*")):
        if p.suffix in (".yaml", ".yml"):
            yield yaml.safe_load(p.read_text(encoding="utf-8"))
        elif p.suffix == ".json":
            yield json.loads(p.read_text(encoding="utf-8"))
