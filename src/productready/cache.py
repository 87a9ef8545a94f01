"""The result cache: what a scanner found in one file, keyed by everything that decides it.

A key is the SHA-256 of: the scanner's *salt* (tool executable identity and version, rule-pack
hash, the settings that change its output, and a fingerprint of productready's own adapter code),
the file's path inside the scanned root, and the SHA-256 of the file's bytes. Any change to any of
these is a different key, so a stale entry is never read; it is simply never asked for again.

Storage is one SQLite database under the user's cache folder (``$PRODUCTREADY_CACHE_DIR``, else
``$XDG_CACHE_HOME/productready``, else ``~/.cache/productready``). SQLite's locking makes
concurrent scans safe (each write is one transaction; a writer waits up to 30 s, then the batch is
dropped, never half-written). A damaged database (truncated, overwritten, not SQLite) is deleted and
recreated with a warning; an entry that does not decode is treated as a miss. The cache can only
make a scan faster: any trouble with it falls back to scanning, and it is never consulted for a
file whose bytes cannot be read.

Only per-file outcomes of a scanner run that completed are stored; a crash, timeout or invalid
output stores nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import stat
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from .models import Confidence, Finding, Location, Severity

CACHE_ENV = "PRODUCTREADY_CACHE_DIR"
FORMAT = 1  # bump when the stored value layout changes
DB_NAME = f"results-v{FORMAT}.sqlite3"
_BUSY_TIMEOUT = 30.0
_READ_CHUNK = 500  # keys per SELECT (SQLite's variable limit is 32766 on current builds; stay small)

Warn = Callable[[str], None]


def cache_dir() -> Path:
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "productready"


# ------------------------------------------------------------------------------- outcomes
@dataclass(frozen=True)
class FileOutcome:
    """What one scanner concluded about one file."""

    findings: tuple[Finding, ...] = ()
    skipped: tuple[str, ...] = ()  # reasons the file was not (fully) analysed
    scanned: bool = True  # the tool reports it looked at the file
    extra: tuple[tuple[str, str], ...] = ()  # scanner-specific per-file facts (e.g. allowlist pragma lines)


def encode(outcome: FileOutcome) -> bytes:
    return json.dumps(
        {
            "f": [_finding_to_list(f) for f in outcome.findings],
            "s": list(outcome.skipped),
            "n": outcome.scanned,
            "x": [list(kv) for kv in outcome.extra],
        },
        separators=(",", ":"),
        ensure_ascii=False,
    ).encode("utf-8")


def decode(blob: bytes) -> FileOutcome:
    """Raises ValueError (or a subclass) for anything that is not a stored outcome."""
    data = json.loads(blob.decode("utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("f"), list) or not isinstance(data.get("s"), list):
        raise ValueError("not a cache entry")
    scanned = data.get("n")
    if not isinstance(scanned, bool) or not all(isinstance(s, str) for s in data["s"]):
        raise ValueError("not a cache entry")
    extra = data.get("x", [])
    if not isinstance(extra, list) or not all(
        isinstance(kv, list) and len(kv) == 2 and all(isinstance(v, str) for v in kv) for kv in extra
    ):
        raise ValueError("not a cache entry")
    return FileOutcome(
        tuple(_finding_from_list(x) for x in data["f"]), tuple(data["s"]), scanned, tuple((k, v) for k, v in extra)
    )


def _finding_to_list(f: Finding) -> list[Any]:
    loc = f.location
    return [
        f.scanner, f.rule_id, f.severity.value, f.confidence.value, f.title, f.message,
        loc.path, loc.line, loc.end_line, loc.column, list(f.cwe), list(f.tags),
        f.snippet, f.remediation, f.help_url,
    ]


def _finding_from_list(x: object) -> Finding:
    if not isinstance(x, list) or len(x) != 15:
        raise ValueError("not a cached finding")
    (scanner, rule_id, sev, conf, title, message, path, line, end_line, column, cwe, tags,
     snippet, remediation, help_url) = x
    strings = (scanner, rule_id, title, message, path, snippet, remediation, help_url)
    numbers = (line, end_line, column)
    if not all(isinstance(s, str) for s in strings) or not all(type(n) is int for n in numbers):
        raise ValueError("not a cached finding")
    if not isinstance(cwe, list) or not all(type(c) is int for c in cwe):
        raise ValueError("not a cached finding")
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise ValueError("not a cached finding")
    return Finding(
        scanner=scanner, rule_id=rule_id, severity=Severity(sev), confidence=Confidence(conf),
        title=title, message=message, location=Location(path, line, end_line, column),
        cwe=tuple(cwe), tags=tuple(tags), snippet=snippet, remediation=remediation, help_url=help_url,
    )


# ------------------------------------------------------------------------------- keys
@cache
def code_fingerprint(adapter: str) -> str:
    """Changes whenever productready's code that turns this scanner's output into findings changes
    (the adapter module, the shared scanner plumbing, the finding model, this module), so results
    converted by older code are never reused; version numbers do not change between builds."""
    here = Path(__file__).resolve().parent
    h = hashlib.sha256(str(FORMAT).encode())
    parts = [here / "models.py", here / "cache.py", here / "scanners" / "base.py", here / "scanners" / "external.py",
             Path(adapter).resolve()]
    for p in sorted(set(parts)):
        try:
            h.update(p.name.encode() + b"\0" + p.read_bytes())
        except OSError:
            h.update(p.name.encode() + b"\0missing")
    return h.hexdigest()


def executable_identity(exe: str | None) -> str:
    """Where the tool lives and which build it is: a reinstall or upgrade changes size or mtime."""
    if not exe:
        return "missing"
    try:
        real = Path(exe).resolve()
        st = real.stat()
    except OSError:
        return f"{exe}:unstatable"
    return f"{real}:{st.st_size}:{st.st_mtime_ns}"


def source_digest(path: str) -> str:
    """SHA-256 of a productready source file whose logic decides a scanner's results."""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return "missing"


def make_salt(adapter: str, *parts: object) -> str:
    """``adapter`` is the scanner module's ``__file__``."""
    h = hashlib.sha256(code_fingerprint(adapter).encode())
    for p in parts:
        h.update(b"\0" + str(p).encode("utf-8", "surrogateescape"))
    return h.hexdigest()


class Digests:
    """SHA-256 of each file's bytes, computed once per scan and shared by the scanners.
    A file that cannot be read safely (a symlink, not a regular file, gone) has no digest,
    so it is never looked up or stored. The file's size, mtime and inode at hashing time are
    kept, so ``unchanged`` can tell cheaply (one stat) whether it was modified since."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._known: dict[str, tuple[str, tuple[int, int, int]] | None] = {}
        self._lock = threading.Lock()

    def of(self, rel: str) -> str | None:
        got = self._get(rel)
        return got[0] if got else None

    def unchanged(self, rel: str) -> bool:
        """True when the file still has the size, mtime and inode it had when it was hashed
        (checked after a tool ran, so results of a file edited meanwhile are not stored)."""
        got = self._get(rel)
        if got is None:
            return False
        try:
            st = os.lstat(self.root / rel)
        except OSError:
            return False
        return (st.st_size, st.st_mtime_ns, st.st_ino) == got[1]

    def _get(self, rel: str) -> tuple[str, tuple[int, int, int]] | None:
        with self._lock:
            if rel in self._known:
                return self._known[rel]
        value = self._compute(rel)
        with self._lock:
            self._known[rel] = value
        return value

    def _compute(self, rel: str) -> tuple[str, tuple[int, int, int]] | None:
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
        try:
            fd = os.open(self.root / rel, flags)
        except OSError:
            return None
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                return None
            h = hashlib.sha256()
            while chunk := os.read(fd, 1 << 20):
                h.update(chunk)
            return h.hexdigest(), (st.st_size, st.st_mtime_ns, st.st_ino)
        except OSError:
            return None
        finally:
            os.close(fd)


def file_key(salt: str, path: str, digest: str) -> str:
    return hashlib.sha256(f"{salt}\0{path}\0{digest}".encode("utf-8", "surrogateescape")).hexdigest()


# ------------------------------------------------------------------------------- the store
class ResultCache:
    """Thread-safe; every failure is reported once through ``warn`` and then the cache is off."""

    def __init__(self, directory: Path, warn: Warn | None = None) -> None:
        self.directory = directory
        self.path = directory / DB_NAME
        self._warn = warn or (lambda _m: None)
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._disabled = False
        self.hits = 0
        self.misses = 0
        self.stored = 0

    # -- public
    def get_many(self, keys: Iterable[str]) -> dict[str, FileOutcome]:
        wanted = sorted(set(keys))
        found: dict[str, FileOutcome] = {}
        with self._lock:
            conn = self._connect()
            if conn is None:
                self.misses += len(wanted)
                return found
            try:
                for i in range(0, len(wanted), _READ_CHUNK):
                    chunk = wanted[i:i + _READ_CHUNK]
                    marks = ",".join("?" * len(chunk))
                    for key, blob in conn.execute(f"SELECT key, value FROM results WHERE key IN ({marks})", chunk):
                        try:
                            found[key] = decode(bytes(blob))
                        except (ValueError, UnicodeDecodeError, KeyError, TypeError):
                            continue  # a damaged entry is a miss; the fresh result overwrites it
            except sqlite3.DatabaseError as exc:
                self._damaged(exc)
                found = {}
        self.hits += len(found)
        self.misses += len(wanted) - len(found)
        return found

    def put_many(self, items: Mapping[str, FileOutcome]) -> None:
        if not items:
            return
        rows = [(k, encode(v), int(time.time())) for k, v in sorted(items.items())]
        with self._lock:
            conn = self._connect()
            if conn is None:
                return
            try:
                with conn:  # one transaction: all rows or none
                    conn.executemany("INSERT OR REPLACE INTO results(key, value, stored) VALUES (?, ?, ?)", rows)
                self.stored += len(rows)
            except sqlite3.OperationalError as exc:
                # locked for longer than the busy timeout, disk full, read-only: keep scanning uncached
                self._off(f"could not write to the result cache {self.path}: {exc}")
            except sqlite3.DatabaseError as exc:
                self._damaged(exc)

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    # -- internals
    def _connect(self) -> sqlite3.Connection | None:
        if self._disabled:
            return None
        if self._conn is not None:
            return self._conn
        try:
            self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
            conn = sqlite3.connect(self.path, timeout=_BUSY_TIMEOUT, check_same_thread=False)
        except (OSError, sqlite3.Error) as exc:
            self._off(f"cannot open the result cache {self.path}: {exc}")
            return None
        try:
            _prepare(conn)
        except sqlite3.OperationalError as exc:
            conn.close()
            self._off(f"cannot use the result cache {self.path}: {exc}")
            return None
        except sqlite3.DatabaseError as exc:
            conn.close()
            return self._rebuild(exc)
        self._conn = conn
        return conn

    def _rebuild(self, exc: Exception) -> sqlite3.Connection | None:
        self._warn(f"the result cache {self.path} is damaged ({exc}); it was deleted and is rebuilt")
        _remove_db(self.path)
        try:
            conn = sqlite3.connect(self.path, timeout=_BUSY_TIMEOUT, check_same_thread=False)
            _prepare(conn)
        except sqlite3.Error as again:
            self._off(f"cannot recreate the result cache {self.path}: {again}")
            return None
        self._conn = conn
        return conn

    def _damaged(self, exc: Exception) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        self._rebuild(exc)

    def _off(self, message: str) -> None:
        if not self._disabled:
            self._warn(message + "; scanning without the cache")
        self._disabled = True


def _prepare(conn: sqlite3.Connection) -> None:
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute(
        "CREATE TABLE IF NOT EXISTS results (key TEXT PRIMARY KEY, value BLOB NOT NULL, stored INTEGER NOT NULL)"
    )
    conn.execute("SELECT count(*) FROM results WHERE key = ''").fetchone()  # touches the table: detects damage now


def _remove_db(path: Path) -> None:
    for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        try:
            p.unlink()
        except FileNotFoundError:
            pass
        except OSError:
            continue


@dataclass(frozen=True)
class CacheInfo:
    path: Path
    exists: bool
    entries: int
    size: int


def info(directory: Path | None = None) -> CacheInfo:
    d = directory or cache_dir()
    path = d / DB_NAME
    size = sum(p.stat().st_size for p in d.glob(DB_NAME + "*") if p.is_file()) if d.is_dir() else 0
    if not path.is_file():
        return CacheInfo(path, False, 0, size)
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=_BUSY_TIMEOUT)
        try:
            entries = int(conn.execute("SELECT count(*) FROM results").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.Error:
        entries = -1
    return CacheInfo(path, True, entries, size)


def clear(directory: Path | None = None) -> int:
    """Delete every cache file of every format version; returns how many bytes were freed."""
    d = directory or cache_dir()
    if not d.is_dir():
        return 0
    freed = 0
    for p in sorted(d.glob("results-v*.sqlite3*")):
        try:
            size = p.stat().st_size
            p.unlink()
            freed += size
        except OSError:
            continue
    return freed
