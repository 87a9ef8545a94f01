"""The only YAML reader: safe, line-tracking, duplicate keys rejected.

``load_yaml`` returns plain Python data plus a ``LineMap`` that knows the line of
every key and item, so a validation error on ``controls[3].evidence[1]`` can be
reported as ``catalog.yaml:42: ...``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import ConfigError

PathKey = tuple[str | int, ...]


@dataclass
class LineMap:
    """Maps a data path (keys and list indexes) to its 1-based line in the file."""

    file: str
    lines: dict[PathKey, int] = field(default_factory=dict)

    def line_of(self, path: PathKey) -> int:
        """The line of ``path``, or of its nearest ancestor that has one."""
        p = tuple(path)
        while p:
            if p in self.lines:
                return self.lines[p]
            p = p[:-1]
        return self.lines.get((), 1)


_SAFE_TAGS = {
    f"tag:yaml.org,2002:{t}"
    for t in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq", "binary", "merge", "omap", "set")
}


class _Constructor(yaml.constructor.SafeConstructor):
    pass


def _scalar(node: yaml.Node) -> Any:
    return _Constructor().construct_object(node, deep=True)


_MAX_NODES = 2_000_000  # alias expansion bomb guard


@dataclass
class _Budget:
    allow_merge: bool
    nodes: int = 0


def _convert(node: yaml.Node, path: PathKey, lm: LineMap, budget: _Budget | None = None) -> Any:
    budget = budget or _Budget(allow_merge=False)
    budget.nodes += 1
    if budget.nodes > _MAX_NODES:
        raise ConfigError("YAML document expands to too many nodes (alias bomb?)", lm.file, node.start_mark.line + 1)
    lm.lines.setdefault(path, node.start_mark.line + 1)
    if node.tag not in _SAFE_TAGS:
        raise ConfigError(f"unsupported YAML tag '{node.tag}'", lm.file, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        merged: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                if not budget.allow_merge:
                    raise ConfigError("YAML merge keys ('<<') are not supported", lm.file, key_node.start_mark.line + 1)
                sources = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
                for src in sources:
                    value = _convert(src, (*path, "<<"), lm, budget)
                    if not isinstance(value, dict):
                        raise ConfigError("merge key ('<<') needs a mapping", lm.file, key_node.start_mark.line + 1)
                    for k, v in value.items():
                        merged.setdefault(k, v)
                        lm.lines.setdefault((*path, str(k)), key_node.start_mark.line + 1)
                continue
            key = _scalar(key_node) if isinstance(key_node, yaml.ScalarNode) else None
            if key is None or isinstance(key, (list, dict)):
                raise ConfigError("mapping keys must be plain scalars", lm.file, key_node.start_mark.line + 1)
            if key in out:
                first = lm.lines.get((*path, str(key)), 0)
                raise ConfigError(
                    f"duplicate key '{key}' (first defined on line {first})",
                    lm.file,
                    key_node.start_mark.line + 1,
                )
            child = (*path, str(key))
            lm.lines[child] = key_node.start_mark.line + 1
            out[key] = _convert(value_node, child, lm, budget)
        for k, v in merged.items():
            out.setdefault(k, v)
        return out
    if isinstance(node, yaml.SequenceNode):
        items = []
        for i, item in enumerate(node.value):
            child = (*path, i)
            lm.lines[child] = item.start_mark.line + 1
            items.append(_convert(item, child, lm, budget))
        return items
    return _scalar(node)


# libyaml (when PyYAML was built with it) composes the same nodes with the same marks about ten
# times faster; on any error the pure-Python loader parses again, so messages stay the same.
_FAST_LOADER: Any = getattr(yaml, "CSafeLoader", None)


def _compose(text: str) -> Any:
    if _FAST_LOADER is not None:
        try:
            return yaml.compose(text, Loader=_FAST_LOADER)
        except yaml.YAMLError:
            pass
    return yaml.compose(text, Loader=yaml.SafeLoader)


def _compose_all(text: str) -> list[Any]:
    if _FAST_LOADER is not None:
        try:
            return list(yaml.compose_all(text, Loader=_FAST_LOADER))
        except yaml.YAMLError:
            pass
    return list(yaml.compose_all(text, Loader=yaml.SafeLoader))


def parse_yaml(text: str, file: str) -> tuple[Any, LineMap]:
    """Parse one YAML document; return data and its line map. Errors → ConfigError."""
    lm = LineMap(file)
    try:
        node = _compose(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise ConfigError(f"invalid YAML: {exc.problem or exc.context}", file, line) from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"invalid YAML: {exc}", file) from None
    if node is None:
        return None, lm
    try:
        return _convert(node, (), lm), lm
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark
        raise ConfigError(f"invalid YAML value: {exc.problem}", file, mark.line + 1 if mark else None) from None


def parse_yaml_documents(text: str, file: str) -> list[tuple[Any, LineMap]]:
    """Every document of a multi-document YAML file (scanned-repository data: merge keys and
    aliases allowed, unsafe tags and duplicate keys still rejected). Errors → ConfigError."""
    out: list[tuple[Any, LineMap]] = []
    budget = _Budget(allow_merge=True)
    try:
        for node in _compose_all(text):
            lm = LineMap(file)
            if node is None:
                continue
            out.append((_convert(node, (), lm, budget), lm))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise ConfigError(f"invalid YAML: {exc.problem or exc.context}", file, mark.line + 1 if mark else None) from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"invalid YAML: {exc}", file) from None
    except yaml.constructor.ConstructorError as exc:  # pragma: no cover - subclass of YAMLError
        raise ConfigError(f"invalid YAML value: {exc.problem}", file) from None
    return out


def load_yaml(path: Path, display: str | None = None, max_bytes: int = 20_000_000) -> tuple[Any, LineMap]:
    name = display or str(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise ConfigError(f"file is larger than {max_bytes} bytes", name)
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError("file not found", name) from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"file is not valid UTF-8 ({exc.reason})", name) from None
    except OSError as exc:
        raise ConfigError(f"cannot read file: {exc.strerror}", name) from None
    return parse_yaml(text, name)


def canonical_json(data: Any) -> str:
    """Deterministic JSON: sorted keys, two-space indent, UTF-8, trailing newline."""
    return json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
