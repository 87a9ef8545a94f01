"""Dependency manifests and lockfiles, read by our own code (DESIGN.md §6).

The product is never executed: no ``pip install``, no ``setup.py``, no import of its code.
Understood formats:

* pip requirements files (``requirements*.txt``, ``requirements/*.txt``) with nested
  ``-r``/``-c``, hashes, markers, extras, options lines, editable / URL / VCS / local-path lines;
  constraints files (``constraints*.txt``) pin but add no dependencies;
* ``pyproject.toml``: PEP 621 ``[project]`` (and setuptools ``dynamic`` requirement files),
  PEP 735 ``[dependency-groups]``, Poetry ``[tool.poetry.*dependencies]``;
* lockfiles: ``poetry.lock``, ``uv.lock``, ``Pipfile.lock``, ``pylock.toml`` / ``pylock.*.toml``.

Every dependency and every problem carries the manifest's path (relative to the scanned root,
POSIX) and a 1-based line. Malformed input never raises: it becomes a :class:`ManifestProblem`.
Files outside the scanned root (through ``-r ../..`` or a symlink) are never read.
"""

from __future__ import annotations

import bisect
import contextlib
import enum
import json
import re
import shlex
import stat
import tomllib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from types import MappingProxyType
from typing import Any, Final
from urllib.parse import parse_qs, unquote, urlsplit

from packaging.markers import InvalidMarker, Marker
from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name, canonicalize_version
from packaging.version import InvalidVersion, Version

__all__ = [
    "DepKind",
    "Dependency",
    "ManifestProblem",
    "ManifestSet",
    "is_manifest",
    "parse_manifests",
    "resolve",
]

SOURCE_REQUIREMENTS = "requirements"
SOURCE_PEP621 = "pyproject-pep621"
SOURCE_PEP735 = "pyproject-pep735"
SOURCE_POETRY = "pyproject-poetry"
SOURCE_POETRY_LOCK = "poetry.lock"
SOURCE_UV_LOCK = "uv.lock"
SOURCE_PIPFILE_LOCK = "Pipfile.lock"
SOURCE_PYLOCK = "pylock.toml"

MAX_INCLUDE_DEPTH = 50


class DepKind(enum.StrEnum):
    """How a dependency is specified; only ``PINNED`` can be audited by version."""

    PINNED = "pinned"
    UNPINNED = "unpinned"
    URL = "url"
    VCS = "vcs"
    EDITABLE = "editable"
    LOCAL_PATH = "local_path"


@dataclass(frozen=True)
class Dependency:
    """One declared or locked dependency, at the manifest line that declares it.

    ``version`` is set exactly when ``kind`` is ``PINNED``. ``url`` holds the URL, VCS URL or
    path as written for ``URL``/``VCS``/``EDITABLE``/``LOCAL_PATH`` dependencies.
    """

    name: str
    raw_name: str
    version: str | None
    specifier: str
    kind: DepKind
    file: str
    line: int
    extras: tuple[str, ...]
    marker: str | None
    hashes: tuple[str, ...]
    source: str
    is_lock: bool
    dev: bool
    url: str | None = None


@dataclass(frozen=True)
class ManifestProblem:
    """A manifest (or a line of one) that could not be read or understood."""

    file: str
    line: int
    message: str


@dataclass(frozen=True)
class ManifestSet:
    """Everything :func:`parse_manifests` found."""

    dependencies: tuple[Dependency, ...]
    problems: tuple[ManifestProblem, ...]
    files: tuple[str, ...]


# --------------------------------------------------------------------------- discovery

_LOCK_NAMES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "poetry.lock": SOURCE_POETRY_LOCK,
        "uv.lock": SOURCE_UV_LOCK,
        "pipfile.lock": SOURCE_PIPFILE_LOCK,
    }
)
_PYLOCK_RE = re.compile(r"^pylock(\.[^/]+)?\.toml$")
_REQUIREMENTS_RE = re.compile(r"^.*requirements.*\.txt$")
_CONSTRAINTS_RE = re.compile(r"^.*constraints.*\.txt$")


def _kind_of_path(relpath: str) -> str | None:
    p = PurePosixPath(relpath.replace("\\", "/").lower())
    name = p.name
    if name == "pyproject.toml":
        return "pyproject"
    if name in _LOCK_NAMES:
        return _LOCK_NAMES[name]
    if _PYLOCK_RE.match(name):
        return SOURCE_PYLOCK
    if _CONSTRAINTS_RE.match(name):
        return "constraints"
    if _REQUIREMENTS_RE.match(name) or (p.parent.name == "requirements" and name.endswith(".txt")):
        return SOURCE_REQUIREMENTS
    return None


def is_manifest(relpath: str) -> bool:
    """True for the paths this module understands.

    ``*requirements*.txt``, ``requirements/*.txt``, ``*constraints*.txt``, ``pyproject.toml``,
    ``poetry.lock``, ``uv.lock``, ``Pipfile.lock``, ``pylock.toml`` and ``pylock.*.toml``, in any
    directory. ``*.in`` files are not manifests (they are inputs to a lock step).
    """
    return _kind_of_path(relpath) is not None


# --------------------------------------------------------------------------- small helpers

_NAME_RE = re.compile(r"^([A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9])$")
_SCHEME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_NAMED_URL_RE = re.compile(r"^\s*[A-Za-z0-9][A-Za-z0-9._-]*\s*(\[[^\]]*\])?\s*@")
_REQ_HEAD_RE = re.compile(r"^\s*(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(?P<spec>[^;@]*)")
_EXTRAS_SUFFIX_RE = re.compile(r"^(?P<target>.+?)\[(?P<extras>[^\]]*)\]$")
_VCS_PREFIXES = ("git+", "hg+", "svn+", "bzr+", "git://")
_ARCHIVE_EXTS = (".whl", ".tar.gz", ".tgz", ".tar.bz2", ".tbz", ".tar.xz", ".txz", ".tar", ".zip")
_HASH_RE = re.compile(r"^[A-Za-z0-9_]+:[0-9A-Fa-f]+$")
_TOML_LOCATION_RE = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")
_TOML_END_RE = re.compile(r"\s*\(at end of document\)$")


def _normalise(raw: str) -> str:
    """PEP 503 name; strings that are not project names (paths like ``.``) are kept as is."""
    return canonicalize_name(raw) if _NAME_RE.match(raw) else raw


def _url_kind(url: str) -> DepKind:
    low = url.lower()
    if low.startswith(_VCS_PREFIXES):
        return DepKind.VCS
    if low.startswith("file:"):
        return DepKind.LOCAL_PATH
    if _SCHEME_RE.match(url):
        return DepKind.URL
    return DepKind.LOCAL_PATH


def _looks_like_path(text: str) -> bool:
    head = text.split(";", 1)[0].strip()
    low = head.lower()
    return head.startswith((".", "/", "~")) or "/" in head or "\\" in head or low.endswith(_ARCHIVE_EXTS)


def _name_from_target(target: str) -> str:
    """Best-effort project name of a URL, VCS URL or path (``#egg=`` wins)."""
    parts = urlsplit(target) if _SCHEME_RE.match(target) or target.startswith("file:") else None
    if parts is not None and parts.fragment:
        egg = parse_qs(parts.fragment).get("egg")
        if egg and egg[0]:
            return egg[0].split("[", 1)[0]
    if "#egg=" in target and parts is None:
        egg_text = target.split("#egg=", 1)[1].split("&", 1)[0]
        if egg_text:
            return egg_text.split("[", 1)[0]
    path = unquote(parts.path) if parts is not None else target.split("#", 1)[0]
    path = path.rstrip("/\\")
    segment = re.split(r"[/\\]", path)[-1] if path else ""
    if _url_kind(target) is DepKind.VCS:
        segment = segment.split("@", 1)[0]
        segment = segment.removesuffix(".git")
    low = segment.lower()
    if low.endswith(".whl"):
        return segment.split("-", 1)[0]
    for ext in _ARCHIVE_EXTS:
        if low.endswith(ext):
            stem = segment[: -len(ext)]
            match = re.match(r"^(.+?)-\d", stem)
            return match.group(1) if match else stem
    return segment or target


def _pinned_version(spec: SpecifierSet) -> str | None:
    pins = {s.version for s in spec if s.operator == "===" or (s.operator == "==" and not s.version.endswith(".*"))}
    return pins.pop() if len(pins) == 1 else None


def _raw_specifier(text: str) -> str:
    match = _REQ_HEAD_RE.match(text)
    if match is None:
        return ""
    spec = re.sub(r"\s+", "", match.group("spec"))
    if spec.startswith("(") and spec.endswith(")"):
        spec = spec[1:-1]
    return spec


def _str_list(value: object) -> list[str] | None:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return [str(v) for v in value]
    return None


def _as_dict(value: object) -> dict[str, Any] | None:
    return value if isinstance(value, dict) else None


def _table(data: dict[str, Any], *keys: str) -> dict[str, Any] | None:
    """The table at ``keys`` (e.g. ``tool.poetry``), or None when absent or not a table."""
    current: dict[str, Any] | None = data
    for key in keys:
        if current is None:
            return None
        current = _as_dict(current.get(key))
    return current


def _is_dot(path: object) -> bool:
    return isinstance(path, str) and PurePosixPath(path.replace("\\", "/")) == PurePosixPath(".")


def _dep_sort_key(d: Dependency) -> tuple[str, int, str, str, str, str, str, str, str, bool]:
    return (
        d.file,
        d.line,
        d.name,
        d.kind.value,
        d.version or "",
        d.specifier,
        d.marker or "",
        d.url or "",
        d.source,
        d.dev,
    )


@dataclass(frozen=True)
class _Parsed:
    """A requirement string understood, before it is placed in a file."""

    raw_name: str
    kind: DepKind
    version: str | None
    specifier: str
    extras: tuple[str, ...]
    marker: str | None
    url: str | None


def _parse_pep508(text: str) -> _Parsed | str:
    """A PEP 508 requirement (``name[extras] spec ; marker`` or ``name @ url``), or a problem."""
    try:
        req = Requirement(text)
    except InvalidRequirement:
        return f"cannot parse requirement '{text}'"
    marker = str(req.marker) if req.marker is not None else None
    extras = tuple(sorted(req.extras))
    if req.url:
        return _Parsed(req.name, _url_kind(req.url), None, "", extras, marker, req.url)
    version = _pinned_version(req.specifier)
    kind = DepKind.PINNED if version is not None else DepKind.UNPINNED
    return _Parsed(req.name, kind, version, _raw_specifier(text), extras, marker, None)


def _parse_target(text: str, *, editable: bool) -> _Parsed | str:
    """A bare URL / VCS URL / path (optionally ``[extras]`` and ``; marker``), or a problem."""
    is_url = bool(_SCHEME_RE.match(text)) or text.lower().startswith("file:")
    sep = "; " if is_url else ";"
    target, _, marker_text = text.partition(sep)
    target = target.strip()
    marker: str | None = None
    if marker_text.strip():
        try:
            marker = str(Marker(marker_text.strip()))
        except InvalidMarker:
            return f"cannot parse marker '{marker_text.strip()}'"
    extras: tuple[str, ...] = ()
    match = _EXTRAS_SUFFIX_RE.match(target)
    if match is not None:
        target = match.group("target")
        extras = tuple(sorted(e.strip() for e in match.group("extras").split(",") if e.strip()))
    if not target:
        return f"cannot parse requirement '{text}'"
    kind = DepKind.EDITABLE if editable else _url_kind(target)
    return _Parsed(_name_from_target(target), kind, None, "", extras, marker, target)


def _parse_requirement_text(text: str) -> _Parsed | str:
    """One requirement from a requirements file (after options are split off)."""
    if _NAMED_URL_RE.match(text):
        return _parse_pep508(text)
    if _SCHEME_RE.match(text) or text.lower().startswith("file:") or _looks_like_path(text):
        return _parse_target(text, editable=False)
    return _parse_pep508(text)


# --------------------------------------------------------------------------- reading files


@dataclass(frozen=True)
class _Read:
    text: str | None
    problem: str | None = None
    line: int = 1


def _read_text(path: Path, max_bytes: int) -> _Read:
    try:
        st = path.stat()
    except OSError as exc:
        return _Read(None, f"cannot read file: {exc.strerror or exc}")
    if not stat.S_ISREG(st.st_mode):
        return _Read(None, "not a regular file, not read")
    if st.st_size > max_bytes:
        return _Read(None, f"file larger than {max_bytes} bytes, not read")
    try:
        with path.open("rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        return _Read(None, f"cannot read file: {exc.strerror or exc}")
    if len(data) > max_bytes:
        return _Read(None, f"file larger than {max_bytes} bytes, not read")
    try:
        return _Read(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return _Read(None, f"cannot decode as UTF-8: invalid byte at offset {exc.start}", line)


def _resolve(path: Path) -> Path | str:
    """The real path, or why it cannot be resolved (never an absolute path in the message)."""
    try:
        return path.resolve()
    except RuntimeError:
        return "symlink loop"
    except OSError as exc:
        return exc.strerror or type(exc).__name__


def _inside(path: Path, root: Path) -> bool:
    return path == root or path.is_relative_to(root)


# --------------------------------------------------------------------------- line finders

_TPath = tuple[str | int, ...]


class _ScanError(Exception):
    """The line scanner met text it does not understand; it keeps what it found so far."""


class _LineScanner:
    """Shared cursor and offset → line mapping for the TOML and JSON line scanners."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.newlines = [m.start() for m in re.finditer("\n", text)]
        self.lines: dict[_TPath, int] = {}

    def line_at(self, pos: int) -> int:
        return bisect.bisect_left(self.newlines, pos) + 1

    def peek(self) -> str:
        if self.pos >= len(self.text):
            raise _ScanError("end of text")
        return self.text[self.pos]

    def expect(self, token: str) -> None:
        if not self.text.startswith(token, self.pos):
            raise _ScanError(f"expected {token!r}")
        self.pos += len(token)

    def regex(self, pattern: re.Pattern[str]) -> str:
        match = pattern.match(self.text, self.pos)
        if match is None or match.end() == self.pos:
            raise _ScanError("unexpected text")
        self.pos = match.end()
        return match.group()


_T_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_T_BASIC = re.compile(r'"(?:[^"\\\n]++|\\.)*+"')
_T_LITERAL = re.compile(r"'[^'\n]*'")
_T_ML_BASIC = re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""(?:"{1,2})?', re.S)
_T_ML_LITERAL = re.compile(r"'''(?:[^']|'(?!''))*'''(?:'{1,2})?", re.S)
_T_SCALAR = re.compile(r"[^,\]}\r\n#]+")


def _unquote_basic(token: str) -> str:
    try:
        value = json.loads(token)
    except ValueError:
        return token[1:-1]
    return value if isinstance(value, str) else token[1:-1]


class _TomlLines(_LineScanner):
    """Lines of keys, ``[tables]``, ``[[array-of-tables]]`` entries and array elements.

    tomllib gives values without positions, so this light scanner re-reads a document tomllib
    has already accepted. Paths are tuples of keys, with the entry index after an
    array-of-tables key and the element index after an array key:
    ``("package", 3)`` is the header line of the fourth ``[[package]]``,
    ``("project", "dependencies", 0)`` the line of the first dependency string.
    """

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self._aot: dict[_TPath, int] = {}
        # On text it does not understand, keep what was found; lookups fall back to ancestors.
        with contextlib.suppress(_ScanError, RecursionError):
            self._document()

    def _skip(self, newlines: bool) -> None:
        text, n = self.text, len(self.text)
        while self.pos < n:
            c = text[self.pos]
            if c in " \t" or (newlines and c in "\r\n"):
                self.pos += 1
            elif newlines and c == "#":
                nl = text.find("\n", self.pos)
                self.pos = n if nl < 0 else nl
            else:
                return

    def _resolve(self, keys: tuple[str, ...]) -> _TPath:
        out: _TPath = ()
        for key in keys:
            out = (*out, key)
            if out in self._aot:
                out = (*out, self._aot[out])
        return out

    def _document(self) -> None:
        table: _TPath = ()
        while True:
            self._skip(newlines=True)
            if self.pos >= len(self.text):
                return
            line = self.line_at(self.pos)
            if self.text.startswith("[[", self.pos):
                self.pos += 2
                keys = self._key()
                self._skip(newlines=False)
                self.expect("]]")
                aot_path = (*self._resolve(keys[:-1]), keys[-1])
                index = self._aot.get(aot_path, -1) + 1
                self._aot[aot_path] = index
                table = (*aot_path, index)
                self.lines.setdefault(aot_path, line)
                self.lines[table] = line
            elif self.peek() == "[":
                self.pos += 1
                keys = self._key()
                self._skip(newlines=False)
                self.expect("]")
                table = self._resolve(keys)
                self.lines.setdefault(table, line)
            else:
                self._keyval(table)

    def _key(self) -> tuple[str, ...]:
        parts: list[str] = []
        while True:
            self._skip(newlines=False)
            c = self.peek()
            if c == '"':
                parts.append(_unquote_basic(self.regex(_T_BASIC)))
            elif c == "'":
                parts.append(self.regex(_T_LITERAL)[1:-1])
            else:
                parts.append(self.regex(_T_BARE_KEY))
            self._skip(newlines=False)
            if self.pos < len(self.text) and self.text[self.pos] == ".":
                self.pos += 1
                continue
            return tuple(parts)

    def _keyval(self, table: _TPath) -> None:
        line = self.line_at(self.pos)
        path = (*table, *self._key())
        self._skip(newlines=False)
        self.expect("=")
        self._skip(newlines=False)
        for end in range(len(table) + 1, len(path) + 1):
            self.lines.setdefault(path[:end], line)
        self._value(path)

    def _value(self, path: _TPath) -> None:
        text, pos = self.text, self.pos
        if text.startswith('"""', pos):
            self.regex(_T_ML_BASIC)
        elif text.startswith("'''", pos):
            self.regex(_T_ML_LITERAL)
        elif self.peek() == '"':
            self.regex(_T_BASIC)
        elif text[pos] == "'":
            self.regex(_T_LITERAL)
        elif text[pos] == "[":
            self._array(path)
        elif text[pos] == "{":
            self._inline_table(path)
        else:
            self.regex(_T_SCALAR)

    def _array(self, path: _TPath) -> None:
        self.pos += 1
        index = 0
        while True:
            self._skip(newlines=True)
            if self.peek() == "]":
                self.pos += 1
                return
            self.lines.setdefault((*path, index), self.line_at(self.pos))
            self._value((*path, index))
            index += 1
            self._skip(newlines=True)
            if self.peek() == ",":
                self.pos += 1
            else:
                self.expect("]")
                return

    def _inline_table(self, path: _TPath) -> None:
        self.pos += 1
        while True:
            self._skip(newlines=True)
            if self.peek() == "}":
                self.pos += 1
                return
            self._keyval(path)
            self._skip(newlines=True)
            if self.peek() == ",":
                self.pos += 1
            else:
                self.expect("}")
                return


_J_STRING = re.compile(r'"(?:[^"\\]++|\\.)*+"')
_J_SCALAR = re.compile(r"[^,\]}\s]+")
_J_WS = re.compile(r"[ \t\r\n]*")


class _JsonLines(_LineScanner):
    """Lines of object keys (path of keys) in a JSON document json.loads has accepted."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        with contextlib.suppress(_ScanError, RecursionError):
            self._value(())

    def _ws(self) -> None:
        match = _J_WS.match(self.text, self.pos)
        if match is not None:
            self.pos = match.end()

    def _value(self, path: _TPath) -> None:
        self._ws()
        c = self.peek()
        if c == "{":
            self.pos += 1
            self._ws()
            if self.peek() == "}":
                self.pos += 1
                return
            while True:
                self._ws()
                line = self.line_at(self.pos)
                key = _unquote_basic(self.regex(_J_STRING))
                self.lines.setdefault((*path, key), line)
                self._ws()
                self.expect(":")
                self._value((*path, key))
                self._ws()
                if self.peek() == ",":
                    self.pos += 1
                else:
                    self.expect("}")
                    return
        elif c == "[":
            self.pos += 1
            self._ws()
            if self.peek() == "]":
                self.pos += 1
                return
            index = 0
            while True:
                self._ws()
                self.lines.setdefault((*path, index), self.line_at(self.pos))
                self._value((*path, index))
                index += 1
                self._ws()
                if self.peek() == ",":
                    self.pos += 1
                else:
                    self.expect("]")
                    return
        elif c == '"':
            self.regex(_J_STRING)
        else:
            self.regex(_J_SCALAR)


def _line_of(lines: dict[_TPath, int], path: _TPath) -> int:
    """The line of ``path``, else of its nearest recorded ancestor, else 1."""
    for end in range(len(path), 0, -1):
        found = lines.get(path[:end])
        if found is not None:
            return found
    return 1


# --------------------------------------------------------------------------- requirements files

_COMMENT_RE = re.compile(r"(^|\s+)#.*$")

# Options that take a value, mapped to a canonical name; and flag options.
_OPTIONS_WITH_VALUE: Final[Mapping[str, str]] = MappingProxyType(
    {
        "-r": "requirement",
        "--requirement": "requirement",
        "-c": "constraint",
        "--constraint": "constraint",
        "-e": "editable",
        "--editable": "editable",
        "-i": "index-url",
        "--index-url": "index-url",
        "--extra-index-url": "extra-index-url",
        "-f": "find-links",
        "--find-links": "find-links",
        "--no-binary": "no-binary",
        "--only-binary": "only-binary",
        "--trusted-host": "trusted-host",
        "--use-feature": "use-feature",
        "--hash": "hash",
        "-C": "config-settings",
        "--config-settings": "config-settings",
        "--global-option": "global-option",
        "--install-option": "install-option",
    }
)
_OPTION_FLAGS: Final = frozenset({"--pre", "--no-index", "--prefer-binary", "--require-hashes"})


def _logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """(first physical line, logical line) with pip's continuation and comment rules."""
    pending: list[str] = []
    start = 0
    for number, physical in enumerate(text.split("\n"), start=1):
        line = physical.rstrip("\r")
        comment_only = line.lstrip().startswith("#")
        if not line.endswith("\\") or comment_only:
            if pending:
                pending.append(line)
                yield start, "".join(pending)
                pending = []
            else:
                yield number, line
        else:
            if not pending:
                start = number
            pending.append(line[:-1])
    if pending:
        yield start, "".join(pending)


def _break_args_options(line: str) -> tuple[str, str]:
    """Split a line into the requirement and its options, as pip does (first token with '-')."""
    tokens = line.split(" ")
    for index, token in enumerate(tokens):
        if token.startswith("-"):
            return " ".join(tokens[:index]), " ".join(tokens[index:])
    return line, ""


def _parse_options(tokens: list[str]) -> tuple[list[tuple[str, str]], list[str]]:
    """Options as (canonical name, value) pairs, and problems."""
    options: list[tuple[str, str]] = []
    problems: list[str] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        index += 1
        if token.startswith("--"):
            name, eq, value = token.partition("=")
            if name in _OPTION_FLAGS:
                options.append((name[2:], ""))
                continue
        elif token.startswith("-") and len(token) >= 2:
            name, value = token[:2], token[2:]
            eq = "=" if value else ""
        else:
            problems.append(f"unexpected argument '{token}'")
            continue
        canonical = _OPTIONS_WITH_VALUE.get(name)
        if canonical is None:
            problems.append(f"unknown option '{name}'")
            continue
        if not eq:
            if index >= len(tokens):
                problems.append(f"option '{name}' needs a value")
                continue
            value = tokens[index]
            index += 1
        options.append((canonical, value))
    return options, problems


@dataclass
class _Tree:
    """One pip invocation: a requirements file and everything it includes."""

    dev: bool
    entries: list[Dependency] = field(default_factory=list)
    pins: dict[str, list[tuple[str, str, int]]] = field(default_factory=dict)
    visited: set[Path] = field(default_factory=set)


@dataclass
class _Collector:
    """Mutable state of one parse_manifests call (never shared between calls)."""

    root: Path
    max_bytes: int
    deps: dict[tuple[str, int, str, int], Dependency] = field(default_factory=dict)
    problems: set[ManifestProblem] = field(default_factory=set)
    files: set[str] = field(default_factory=set)

    def problem(self, file: str, line: int, message: str) -> None:
        self.problems.add(ManifestProblem(file, line, message))

    def add(self, dep: Dependency, index: int = 0) -> None:
        key = (dep.file, dep.line, dep.name, index)
        old = self.deps.get(key)
        # The same requirements line seen from several -r trees: keep the constraint-pinned view.
        if old is None or (old.kind is not DepKind.PINNED and dep.kind is DepKind.PINNED):
            self.deps[key] = dep

    def rel(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix() or "."

    # ---- requirements

    def requirements_root(self, rel: str, lexical: Path, *, constraint: bool, dev: bool = False) -> None:
        real = _resolve(lexical)
        if isinstance(real, str):
            self.problem(rel, 1, f"cannot resolve path: {real}")
            return
        if not _inside(real, self.root):
            self.problem(rel, 1, "file resolves outside the scanned root, not read")
            return
        tree = _Tree(dev=dev)
        self._req_file(tree, rel, lexical, real, constraint=constraint, stack=())
        self._apply_constraints(tree)

    def _include(
        self,
        tree: _Tree,
        frm_rel: str,
        frm_lexical: Path,
        line: int,
        what: str,
        target: str,
        *,
        constraint: bool,
        stack: tuple[Path, ...],
    ) -> None:
        if _SCHEME_RE.match(target):
            self.problem(frm_rel, line, f"{what} '{target}' is a URL, not fetched")
            return
        lexical = frm_lexical.parent / target
        real = _resolve(lexical)
        if isinstance(real, str):
            self.problem(frm_rel, line, f"{what} '{target}' cannot be resolved: {real}")
            return
        if not _inside(real, self.root):
            self.problem(frm_rel, line, f"{what} '{target}' is outside the scanned root, not read")
            return
        if real in stack:
            self.problem(frm_rel, line, f"include loops back to '{self.rel(real)}'")
            return
        if real in tree.visited:
            return
        if not real.exists():
            self.problem(frm_rel, line, f"{what} '{target}' not found")
            return
        if len(stack) >= MAX_INCLUDE_DEPTH:
            self.problem(frm_rel, line, f"includes nested deeper than {MAX_INCLUDE_DEPTH}, not followed")
            return
        self._req_file(tree, self.rel(real), lexical, real, constraint=constraint, stack=stack)

    def _req_file(
        self,
        tree: _Tree,
        rel: str,
        lexical: Path,
        real: Path,
        *,
        constraint: bool,
        stack: tuple[Path, ...],
    ) -> None:
        tree.visited.add(real)
        read = _read_text(real, self.max_bytes)
        if read.text is None:
            self.problem(rel, read.line, read.problem or "cannot read file")
            return
        self.files.add(rel)
        stack = (*stack, real)
        for number, logical in _logical_lines(read.text):
            line = _COMMENT_RE.sub("", logical).strip()
            if line:
                self._req_line(tree, rel, lexical, number, line, constraint, stack)

    def _req_line(
        self,
        tree: _Tree,
        rel: str,
        lexical: Path,
        number: int,
        line: str,
        constraint: bool,
        stack: tuple[Path, ...],
    ) -> None:
        args, options_text = _break_args_options(line)
        try:
            tokens = shlex.split(options_text)
        except ValueError as exc:
            self.problem(rel, number, f"cannot parse options '{options_text}': {exc}")
            return
        options, problems = _parse_options(tokens)
        for message in problems:
            self.problem(rel, number, message)
        if args:
            hashes: list[str] = []
            for name, value in options:
                if name == "hash":
                    if _HASH_RE.match(value):
                        hashes.append(value)
                    else:
                        self.problem(rel, number, f"invalid --hash value '{value}' (expected ALGORITHM:HEX)")
            self._req_requirement(tree, rel, number, args.strip(), tuple(hashes), constraint)
            return
        for name, value in options:
            if name in ("requirement", "constraint"):
                flag = "-r" if name == "requirement" else "-c"
                self._include(
                    tree,
                    rel,
                    lexical,
                    number,
                    f"{flag} target",
                    value,
                    constraint=constraint or name == "constraint",
                    stack=stack,
                )
            elif name == "editable":
                if constraint:
                    self.problem(rel, number, "editable requirements are not allowed as constraints")
                    continue
                parsed = _parse_target(value, editable=True)
                if isinstance(parsed, str):
                    self.problem(rel, number, parsed)
                else:
                    tree.entries.append(self._req_dep(parsed, rel, number, (), tree.dev))

    def _req_requirement(
        self,
        tree: _Tree,
        rel: str,
        number: int,
        text: str,
        hashes: tuple[str, ...],
        constraint: bool,
    ) -> None:
        parsed = _parse_requirement_text(text)
        if isinstance(parsed, str):
            self.problem(rel, number, parsed)
            return
        if constraint:
            if parsed.kind is DepKind.PINNED and parsed.version is not None:
                pins = tree.pins.setdefault(_normalise(parsed.raw_name), [])
                pins.append((parsed.version, rel, number))
            return
        tree.entries.append(self._req_dep(parsed, rel, number, hashes, tree.dev))

    @staticmethod
    def _req_dep(parsed: _Parsed, rel: str, number: int, hashes: tuple[str, ...], dev: bool) -> Dependency:
        return Dependency(
            name=_normalise(parsed.raw_name),
            raw_name=parsed.raw_name,
            version=parsed.version,
            specifier=parsed.specifier,
            kind=parsed.kind,
            file=rel,
            line=number,
            extras=parsed.extras,
            marker=parsed.marker,
            hashes=hashes,
            source=SOURCE_REQUIREMENTS,
            is_lock=False,
            dev=dev,
            url=parsed.url,
        )

    def _apply_constraints(self, tree: _Tree) -> None:
        for dep in tree.entries:
            pins = tree.pins.get(dep.name)
            if dep.kind is DepKind.UNPINNED and pins:
                versions = sorted({version for version, _, _ in pins})
                if len(versions) == 1:
                    dep = self._constrained(dep, versions[0], pins[0][1], pins[0][2])
            self.add(dep)

    def _constrained(self, dep: Dependency, version: str, cfile: str, cline: int) -> Dependency:
        if dep.specifier:
            try:
                ok = SpecifierSet(dep.specifier).contains(version, prereleases=True)
            except (InvalidSpecifier, InvalidVersion):
                ok = False
            if not ok:
                self.problem(
                    dep.file,
                    dep.line,
                    f"constraint '{dep.name}=={version}' ({cfile}:{cline}) does not satisfy "
                    f"'{dep.raw_name}{dep.specifier}'",
                )
                return dep
        return replace(dep, kind=DepKind.PINNED, version=version)

    # ---- TOML and JSON

    def _load_toml(self, rel: str, text: str) -> dict[str, Any] | None:
        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            message = str(exc)
            line = 1
            located = _TOML_LOCATION_RE.search(message)
            if located is not None:
                line = int(located.group(1))
                message = f"{message[: located.start()]} (column {located.group(2)})"
            else:
                ended = _TOML_END_RE.search(message)
                if ended is not None:
                    line = max(1, text.count("\n") + (0 if text.endswith("\n") else 1))
                    message = f"{message[: ended.start()]} (at end of file)"
            self.problem(rel, line, f"TOML syntax error: {message}")
        except RecursionError:
            self.problem(rel, 1, "TOML syntax error: nesting too deep")
        return None

    def _open(self, rel: str) -> str | None:
        lexical = self.root / rel
        real = _resolve(lexical)
        if isinstance(real, str):
            self.problem(rel, 1, f"cannot resolve path: {real}")
            return None
        if not _inside(real, self.root):
            self.problem(rel, 1, "file resolves outside the scanned root, not read")
            return None
        read = _read_text(real, self.max_bytes)
        if read.text is None:
            self.problem(rel, read.line, read.problem or "cannot read file")
            return None
        self.files.add(rel)
        return read.text

    # ---- pyproject.toml

    def pyproject(self, rel: str) -> None:
        text = self._open(rel)
        if text is None:
            return
        data = self._load_toml(rel, text)
        if data is None:
            return
        lines = _TomlLines(text).lines
        project = _as_dict(data.get("project"))
        if project is not None:
            self._pep621(rel, project, data, lines)
        groups = data.get("dependency-groups")
        if groups is not None:
            self._pep735(rel, groups, lines)
        poetry = _table(data, "tool", "poetry")
        if poetry is not None:
            self._poetry(rel, poetry, lines)

    def _pep508_list(
        self,
        rel: str,
        value: object,
        path: _TPath,
        lines: dict[_TPath, int],
        *,
        source: str,
        dev: bool,
        what: str,
    ) -> None:
        if not isinstance(value, list):
            self.problem(rel, _line_of(lines, path), f"{what} must be an array of strings")
            return
        for index, item in enumerate(value):
            line = _line_of(lines, (*path, index))
            if isinstance(item, dict) and source == SOURCE_PEP735 and "include-group" in item:
                continue
            if not isinstance(item, str):
                self.problem(rel, line, f"{what} must be an array of strings")
                continue
            parsed = _parse_pep508(item)
            if isinstance(parsed, str):
                self.problem(rel, line, parsed)
                continue
            dep = self._req_dep(parsed, rel, line, (), dev)
            self.add(replace(dep, source=source), index)

    def _pep621(
        self,
        rel: str,
        project: dict[str, Any],
        data: dict[str, Any],
        lines: dict[_TPath, int],
    ) -> None:
        dynamic = _str_list(project.get("dynamic")) or []
        dynamic_files = _table(data, "tool", "setuptools", "dynamic")
        if "dependencies" in project:
            self._pep508_list(
                rel,
                project["dependencies"],
                ("project", "dependencies"),
                lines,
                source=SOURCE_PEP621,
                dev=False,
                what="[project] dependencies",
            )
        elif "dependencies" in dynamic:
            self._dynamic(rel, dynamic_files, "dependencies", lines, dev=False)
        optional = project.get("optional-dependencies")
        if isinstance(optional, dict):
            for group, items in optional.items():
                self._pep508_list(
                    rel,
                    items,
                    ("project", "optional-dependencies", group),
                    lines,
                    source=SOURCE_PEP621,
                    dev=True,
                    what=f"[project.optional-dependencies] {group}",
                )
        elif optional is not None:
            self.problem(
                rel,
                _line_of(lines, ("project", "optional-dependencies")),
                "[project.optional-dependencies] must be a table",
            )
        elif "optional-dependencies" in dynamic:
            self._dynamic(rel, dynamic_files, "optional-dependencies", lines, dev=True)

    def _dynamic(
        self,
        rel: str,
        dynamic: dict[str, Any] | None,
        key: str,
        lines: dict[_TPath, int],
        *,
        dev: bool,
    ) -> None:
        """setuptools ``dynamic`` requirement files; any other dynamic source is unreadable."""
        spec = dynamic.get(key) if dynamic is not None else None
        tables: list[tuple[_TPath, object]] = []
        if key == "dependencies" and isinstance(spec, dict):
            tables.append((("tool", "setuptools", "dynamic", key), spec))
        elif key == "optional-dependencies" and isinstance(spec, dict):
            tables.extend((("tool", "setuptools", "dynamic", key, group), sub) for group, sub in spec.items())
        if not tables:
            self.problem(
                rel,
                _line_of(lines, ("project", "dynamic")),
                f"[project] {key} are dynamic (computed by the build backend) and cannot be read without running it",
            )
            return
        for path, table in tables:
            files = table.get("file") if isinstance(table, dict) else None
            names = [files] if isinstance(files, str) else _str_list(files)
            line = _line_of(lines, path)
            if not names:
                self.problem(rel, line, f"dynamic {key} must name requirement files")
                continue
            for name in names:
                self._dynamic_file(rel, line, name, dev=dev)

    def _dynamic_file(self, rel: str, line: int, target: str, *, dev: bool) -> None:
        what = f"dynamic requirements file '{target}'"
        lexical = (self.root / rel).parent / target
        real = _resolve(lexical)
        if isinstance(real, str):
            self.problem(rel, line, f"{what} cannot be resolved: {real}")
            return
        if not _inside(real, self.root):
            self.problem(rel, line, f"{what} is outside the scanned root, not read")
            return
        if not real.exists():
            self.problem(rel, line, f"{what} not found")
            return
        self.requirements_root(self.rel(real), lexical, constraint=False, dev=dev)

    def _pep735(self, rel: str, groups: object, lines: dict[_TPath, int]) -> None:
        if not isinstance(groups, dict):
            self.problem(rel, _line_of(lines, ("dependency-groups",)), "[dependency-groups] must be a table")
            return
        for group, items in groups.items():
            self._pep508_list(
                rel,
                items,
                ("dependency-groups", group),
                lines,
                source=SOURCE_PEP735,
                dev=True,
                what=f"[dependency-groups] {group}",
            )

    def _poetry(self, rel: str, poetry: dict[str, Any], lines: dict[_TPath, int]) -> None:
        tables: list[tuple[_TPath, object, bool]] = []
        if "dependencies" in poetry:
            tables.append((("tool", "poetry", "dependencies"), poetry["dependencies"], False))
        if "dev-dependencies" in poetry:
            tables.append((("tool", "poetry", "dev-dependencies"), poetry["dev-dependencies"], True))
        groups = _as_dict(poetry.get("group")) or {}
        for group, body in groups.items():
            table = _as_dict(body)
            if table is not None and "dependencies" in table:
                path: _TPath = ("tool", "poetry", "group", group, "dependencies")
                tables.append((path, table["dependencies"], True))
        for path, deps, dev in tables:
            if not isinstance(deps, dict):
                self.problem(rel, _line_of(lines, path), f"[{'.'.join(map(str, path))}] must be a table")
                continue
            for key, spec in deps.items():
                if key.lower() == "python":
                    continue
                if isinstance(spec, list):
                    for index, item in enumerate(spec):
                        self._poetry_dep(rel, key, item, (*path, key, index), lines, dev, index)
                else:
                    self._poetry_dep(rel, key, spec, (*path, key), lines, dev, 0)

    def _poetry_dep(
        self,
        rel: str,
        key: str,
        spec: object,
        path: _TPath,
        lines: dict[_TPath, int],
        dev: bool,
        index: int,
    ) -> None:
        line = _line_of(lines, path)
        table: dict[str, Any]
        if isinstance(spec, str):
            table = {"version": spec}
        elif isinstance(spec, dict):
            table = spec
        else:
            self.problem(rel, line, f"unsupported Poetry dependency value for '{key}'")
            return
        extras_value = table.get("extras", [])
        extras = tuple(sorted(_str_list(extras_value) or []))
        markers = table.get("markers")
        marker = markers if isinstance(markers, str) else None
        dev = dev or table.get("optional") is True
        kind: DepKind
        version: str | None = None
        specifier = ""
        url: str | None = None
        if isinstance(table.get("git"), str):
            kind, url = DepKind.VCS, str(table["git"])
        elif isinstance(table.get("path"), str):
            kind = DepKind.EDITABLE if table.get("develop") is True else DepKind.LOCAL_PATH
            url = str(table["path"])
        elif isinstance(table.get("url"), str):
            url = str(table["url"])
            kind = _url_kind(url)
            if kind is DepKind.VCS:
                kind = DepKind.URL
        else:
            constraint = table.get("version", "*")
            if not isinstance(constraint, str) or not _POETRY_CONSTRAINT_RE.match(constraint):
                self.problem(rel, line, f"cannot parse Poetry constraint {constraint!r} for '{key}'")
                return
            specifier = constraint.strip()
            version = _poetry_exact(specifier)
            kind = DepKind.PINNED if version is not None else DepKind.UNPINNED
        dep = Dependency(
            name=_normalise(key),
            raw_name=key,
            version=version,
            specifier=specifier,
            kind=kind,
            file=rel,
            line=line,
            extras=extras,
            marker=marker,
            hashes=(),
            source=SOURCE_POETRY,
            is_lock=False,
            dev=dev,
            url=url,
        )
        self.add(dep, index)

    # ---- lockfiles

    def _lock_dep(
        self,
        rel: str,
        line: int,
        name: str,
        version: object,
        kind: DepKind,
        *,
        source: str,
        specifier: str = "",
        extras: tuple[str, ...] = (),
        marker: object = None,
        hashes: tuple[str, ...] = (),
        dev: bool = False,
        url: object = None,
        index: int = 0,
    ) -> None:
        pinned_version = version if isinstance(version, str) and version else None
        if kind is DepKind.PINNED and pinned_version is None:
            kind = DepKind.UNPINNED
        dep = Dependency(
            name=_normalise(name),
            raw_name=name,
            version=pinned_version if kind is DepKind.PINNED else None,
            specifier=specifier,
            kind=kind,
            file=rel,
            line=line,
            extras=extras,
            marker=marker if isinstance(marker, str) else None,
            hashes=hashes,
            source=source,
            is_lock=True,
            dev=dev,
            url=url if isinstance(url, str) else None,
        )
        self.add(dep, index)

    def _toml_packages(self, rel: str, key: str) -> tuple[list[tuple[int, int, dict[str, Any]]], dict[str, Any]] | None:
        """(index, line, table) for each ``[[key]]`` entry that has a name, and the document."""
        text = self._open(rel)
        if text is None:
            return None
        data = self._load_toml(rel, text)
        if data is None:
            return None
        lines = _TomlLines(text).lines
        packages = data.get(key, [])
        if not isinstance(packages, list):
            self.problem(rel, _line_of(lines, (key,)), f"'{key}' must be an array of tables")
            return None
        out: list[tuple[int, int, dict[str, Any]]] = []
        for index, package in enumerate(packages):
            line = _line_of(lines, (key, index))
            if not isinstance(package, dict) or not isinstance(package.get("name"), str):
                self.problem(rel, line, f"[[{key}]] entry without a name")
                continue
            out.append((index, line, package))
        return out, data

    def poetry_lock(self, rel: str) -> None:
        found = self._toml_packages(rel, "package")
        if found is None:
            return
        packages, data = found
        metadata = _as_dict(data.get("metadata")) or {}
        legacy_files = _as_dict(metadata.get("files")) or {}
        for index, line, pkg in packages:
            name = str(pkg["name"])
            source = _as_dict(pkg.get("source")) or {}
            source_type = source.get("type")
            kind = {
                "git": DepKind.VCS,
                "directory": DepKind.EDITABLE if pkg.get("develop") is True else DepKind.LOCAL_PATH,
                "file": DepKind.LOCAL_PATH,
                "url": DepKind.URL,
            }.get(source_type if isinstance(source_type, str) else "", DepKind.PINNED)
            files = pkg.get("files")
            if not isinstance(files, list):
                files = legacy_files.get(name)
            hashes = tuple(
                str(f["hash"])
                for f in (files if isinstance(files, list) else [])
                if isinstance(f, dict) and isinstance(f.get("hash"), str)
            )
            groups = _str_list(pkg.get("groups"))
            dev = pkg.get("category") == "dev" or (groups is not None and "main" not in groups)
            self._lock_dep(
                rel,
                line,
                name,
                pkg.get("version"),
                kind,
                source=SOURCE_POETRY_LOCK,
                marker=pkg.get("markers"),
                hashes=hashes,
                dev=dev,
                url=source.get("url") if kind is not DepKind.PINNED else None,
                index=index,
            )

    def uv_lock(self, rel: str) -> None:
        found = self._toml_packages(rel, "package")
        if found is None:
            return
        for index, line, pkg in found[0]:
            source = _as_dict(pkg.get("source")) or {}
            if _is_dot(source.get("editable")) or _is_dot(source.get("virtual")):
                continue  # the project itself
            kind, url = DepKind.PINNED, None
            for key, key_kind in (
                ("git", DepKind.VCS),
                ("url", DepKind.URL),
                ("path", DepKind.LOCAL_PATH),
                ("directory", DepKind.LOCAL_PATH),
                ("editable", DepKind.EDITABLE),
                ("virtual", DepKind.LOCAL_PATH),
            ):
                if key in source:
                    kind, url = key_kind, source[key]
                    break
            hashes: list[str] = []
            sdist = _as_dict(pkg.get("sdist"))
            if sdist is not None and isinstance(sdist.get("hash"), str):
                hashes.append(sdist["hash"])
            wheels = pkg.get("wheels")
            for wheel in wheels if isinstance(wheels, list) else []:
                if isinstance(wheel, dict) and isinstance(wheel.get("hash"), str):
                    hashes.append(wheel["hash"])
            self._lock_dep(
                rel,
                line,
                str(pkg["name"]),
                pkg.get("version"),
                kind,
                source=SOURCE_UV_LOCK,
                hashes=tuple(hashes),
                url=url,
                index=index,
            )

    def pylock(self, rel: str) -> None:
        found = self._toml_packages(rel, "packages")
        if found is None:
            return
        for index, line, pkg in found[0]:
            hashes: list[str] = []
            kind, url = DepKind.PINNED, None
            vcs = _as_dict(pkg.get("vcs"))
            directory = _as_dict(pkg.get("directory"))
            archive = _as_dict(pkg.get("archive"))
            if vcs is not None:
                kind, url = DepKind.VCS, vcs.get("url", vcs.get("path"))
            elif directory is not None:
                if _is_dot(directory.get("path")):
                    continue  # the project itself
                editable = directory.get("editable") is True
                kind = DepKind.EDITABLE if editable else DepKind.LOCAL_PATH
                url = directory.get("path")
            elif archive is not None:
                if isinstance(archive.get("url"), str):
                    url = archive["url"]
                    kind = _url_kind(str(url))
                    if kind is DepKind.VCS:
                        kind = DepKind.URL
                else:
                    kind, url = DepKind.LOCAL_PATH, archive.get("path")
                hashes.extend(_pylock_hashes(archive))
            sdist = _as_dict(pkg.get("sdist"))
            if sdist is not None:
                hashes.extend(_pylock_hashes(sdist))
            wheels = pkg.get("wheels")
            for wheel in wheels if isinstance(wheels, list) else []:
                if isinstance(wheel, dict):
                    hashes.extend(_pylock_hashes(wheel))
            self._lock_dep(
                rel,
                line,
                str(pkg["name"]),
                pkg.get("version"),
                kind,
                source=SOURCE_PYLOCK,
                marker=pkg.get("marker"),
                hashes=tuple(hashes),
                url=url,
                index=index,
            )

    def pipfile_lock(self, rel: str) -> None:
        text = self._open(rel)
        if text is None:
            return
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            self.problem(rel, exc.lineno, f"JSON syntax error: {exc.msg} (column {exc.colno})")
            return
        except RecursionError:
            self.problem(rel, 1, "JSON syntax error: nesting too deep")
            return
        if not isinstance(data, dict):
            self.problem(rel, 1, "Pipfile.lock must be a JSON object")
            return
        lines = _JsonLines(text).lines
        for section, dev in (("default", False), ("develop", True)):
            packages = data.get(section)
            if packages is None:
                continue
            if not isinstance(packages, dict):
                self.problem(rel, _line_of(lines, (section,)), f"'{section}' must be an object")
                continue
            for name, entry in packages.items():
                line = _line_of(lines, (section, name))
                if not isinstance(entry, dict):
                    self.problem(rel, line, f"entry for '{name}' must be an object")
                    continue
                self._pipfile_entry(rel, line, name, entry, dev)

    def _pipfile_entry(self, rel: str, line: int, name: str, entry: dict[str, Any], dev: bool) -> None:
        if _is_dot(entry.get("path")):
            return  # the project itself
        vcs = next((k for k in ("git", "hg", "svn", "bzr") if isinstance(entry.get(k), str)), None)
        specifier = ""
        version: str | None = None
        url: object = None
        if entry.get("editable") is True:
            kind = DepKind.EDITABLE
            url = entry.get("path", entry.get(vcs) if vcs else None)
        elif vcs is not None:
            kind, url = DepKind.VCS, entry[vcs]
        elif isinstance(entry.get("path"), str):
            kind, url = DepKind.LOCAL_PATH, entry["path"]
        elif isinstance(entry.get("file"), str):
            url = entry["file"]
            kind = _url_kind(str(url))
        else:
            raw = entry.get("version")
            specifier = raw if isinstance(raw, str) else ""
            kind = DepKind.UNPINNED
            if specifier.startswith(("==", "===")) and "*" not in specifier:
                version = specifier.lstrip("=").strip()
                kind = DepKind.PINNED
        hashes = tuple(_str_list(entry.get("hashes")) or [])
        extras = tuple(sorted(_str_list(entry.get("extras")) or []))
        self._lock_dep(
            rel,
            line,
            name,
            version,
            kind,
            source=SOURCE_PIPFILE_LOCK,
            specifier=specifier,
            extras=extras,
            marker=entry.get("markers"),
            hashes=hashes,
            dev=dev,
            url=url,
        )


def _pylock_hashes(table: dict[str, Any]) -> list[str]:
    hashes = _as_dict(table.get("hashes")) or {}
    return [f"{alg}:{value}" for alg, value in sorted(hashes.items()) if isinstance(value, str)]


_POETRY_ATOM = r"(?:\^|~=|~|===|==|!=|>=|<=|>|<|=)?\s*[0-9A-Za-z*][0-9A-Za-z.*+!_-]*"
_POETRY_CLAUSE = rf"{_POETRY_ATOM}(?:\s*,?\s*{_POETRY_ATOM})*"
_POETRY_CONSTRAINT_RE = re.compile(rf"^\s*{_POETRY_CLAUSE}(?:\s*\|\|?\s*{_POETRY_CLAUSE})*\s*$")


def _poetry_exact(constraint: str) -> str | None:
    """The version a Poetry constraint pins (``1.2.3``, ``==1.2.3``), else None."""
    text = constraint.strip()
    for prefix in ("===", "==", "="):
        if text.startswith(prefix):
            text = text[len(prefix) :].strip()
            break
    if not text or "*" in text:
        return None
    try:
        Version(text)
    except InvalidVersion:
        return None
    return text


# --------------------------------------------------------------------------- public entry points


def _clean_relpath(relpath: str) -> str:
    text = relpath.replace("\\", "/")
    while text.startswith("./"):
        text = text[2:]
    return PurePosixPath(text).as_posix() if text else "."


def parse_manifests(root: Path, relpaths: Sequence[str], *, max_bytes: int = 5_000_000) -> ManifestSet:
    """Parse the given manifests (paths relative to ``root``) and everything they include.

    Requirements files are read as pip would (one ``-r``/``-c`` tree per file given; a
    constraint pin makes an unpinned requirement of that tree pinned). A path that
    :func:`is_manifest` does not recognise is read as a requirements file.
    """
    collector = _Collector(root=root.resolve(), max_bytes=max_bytes)
    for rel in sorted({_clean_relpath(p) for p in relpaths}):
        kind = _kind_of_path(rel)
        if kind == "pyproject":
            collector.pyproject(rel)
        elif kind == SOURCE_POETRY_LOCK:
            collector.poetry_lock(rel)
        elif kind == SOURCE_UV_LOCK:
            collector.uv_lock(rel)
        elif kind == SOURCE_PIPFILE_LOCK:
            collector.pipfile_lock(rel)
        elif kind == SOURCE_PYLOCK:
            collector.pylock(rel)
        else:
            collector.requirements_root(rel, collector.root / rel, constraint=kind == "constraints")
    return ManifestSet(
        dependencies=tuple(sorted(collector.deps.values(), key=_dep_sort_key)),
        problems=tuple(sorted(collector.problems, key=lambda p: (p.file, p.line, p.message))),
        files=tuple(sorted(collector.files)),
    )


def resolve(ms: ManifestSet) -> tuple[Dependency, ...]:
    """The dependencies to audit, one or more per normalised name.

    For each name: every distinct pinned version (a lockfile pin is preferred as the
    representative of its version, then the first declaration by file and line); only when
    nothing pins the name, its first unpinned / URL / VCS / editable / local declaration, whose
    audit is inconclusive. A lockfile pin thus settles an unpinned declaration.
    """
    by_name: dict[str, list[Dependency]] = {}
    for dep in sorted(ms.dependencies, key=_dep_sort_key):
        by_name.setdefault(dep.name, []).append(dep)
    chosen: list[Dependency] = []
    for deps in by_name.values():
        pinned = [d for d in deps if d.kind is DepKind.PINNED and d.version is not None]
        if not pinned:
            chosen.append(deps[0])
            continue
        per_version: dict[str, Dependency] = {}
        for dep in sorted(pinned, key=lambda d: (not d.is_lock, *_dep_sort_key(d))):
            per_version.setdefault(canonicalize_version(dep.version or "", strip_trailing_zero=True), dep)
        chosen.extend(per_version.values())
    return tuple(sorted(chosen, key=lambda d: (d.name, *_dep_sort_key(d))))
