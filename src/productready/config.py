"""Load the user's configuration and locate productready's built-in data folders."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from .errors import ConfigError
from .schemas import Config, validate
from .yamlio import LineMap, load_yaml

CONFIG_NAMES = ("productready.yaml", "productready.yml", ".productready.yaml")

_PKG_DIR = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """A built-in data folder: ``controls``, ``rulesets``, ``reports/templates`` or ``schemas``.

    Inside an installed wheel the folders live in ``productready/_data/``; in a source
    checkout (editable install) they are at the repository root.
    """
    for candidate in (_PKG_DIR / "_data" / name, _PKG_DIR.parent.parent / name):
        if candidate.is_dir():
            return candidate
    raise ConfigError(f"built-in data folder '{name}' is missing from the installation", hint="reinstall productready")


@dataclass(frozen=True)
class LoadedConfig:
    config: Config
    source: str  # display name of the file it came from, or "" for defaults
    base_dir: Path  # relative paths in the config are resolved against this


def load_config(target: Path, explicit: Path | None = None) -> LoadedConfig:
    """Load ``explicit`` if given, else the first config found in ``target``, else defaults."""
    if explicit is not None:
        if not explicit.is_file():
            raise ConfigError("config file not found", str(explicit))
        return _load_file(explicit, str(explicit))
    for name in CONFIG_NAMES:
        candidate = target / name
        if candidate.is_file() and not candidate.is_symlink():
            return _load_file(candidate, name)
    pyproject = target / "pyproject.toml"
    if pyproject.is_file() and not pyproject.is_symlink():
        loaded = _load_pyproject(pyproject, "pyproject.toml", required=False)
        if loaded is not None:
            return loaded
    return LoadedConfig(Config(), "", target)


def _load_file(path: Path, display: str) -> LoadedConfig:
    if path.name == "pyproject.toml" or path.suffix == ".toml":
        loaded = _load_pyproject(path, display, required=True)
        assert loaded is not None
        return loaded
    data, lines = load_yaml(path, display)
    return LoadedConfig(validate(Config, data, lines), display, path.parent)


def _load_pyproject(path: Path, display: str, required: bool) -> LoadedConfig | None:
    text = path.read_text(encoding="utf-8", errors="replace")
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        if not required and "[tool.productready" not in text:
            return None
        m = re.search(r"at line (\d+)", str(exc))
        raise ConfigError(f"invalid TOML: {exc}", display, int(m.group(1)) if m else None) from None
    section = doc.get("tool", {}).get("productready")
    if section is None:
        if required:
            raise ConfigError("no [tool.productready] table", display)
        return None
    return LoadedConfig(validate(Config, section, _toml_lines(text, display)), display, path.parent)


_HEADER = re.compile(r"^\s*\[+\s*tool\.productready(?:\.([A-Za-z0-9_.\-]+))?\s*\]+")
_ANY_HEADER = re.compile(r"^\s*\[")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-]+)\s*=")


def _toml_lines(text: str, display: str) -> LineMap:
    """Best-effort line numbers for keys under [tool.productready] (tomllib has none)."""
    lm = LineMap(display)
    prefix: tuple[str, ...] | None = None
    for n, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line)
        if header:
            prefix = tuple(header.group(1).split(".")) if header.group(1) else ()
            lm.lines.setdefault(prefix, n)
            continue
        if _ANY_HEADER.match(line):
            prefix = None
            continue
        key = _KEY.match(line)
        if prefix is not None and key:
            lm.lines.setdefault((*prefix, key.group(1)), n)
    return lm
