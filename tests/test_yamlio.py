"""The one YAML reader: lines for every node, duplicate keys rejected, errors with file:line."""

from __future__ import annotations

import pytest

from productready.errors import ConfigError
from productready.yamlio import canonical_json, parse_yaml


def test_line_map_covers_keys_and_list_items() -> None:
    data, lines = parse_yaml("a: 1\nb:\n  - x\n  - y: 2\n    z: 3\n", "f.yaml")
    assert data == {"a": 1, "b": ["x", {"y": 2, "z": 3}]}
    assert lines.line_of(("a",)) == 1
    assert lines.line_of(("b", 1)) == 4
    assert lines.line_of(("b", 1, "z")) == 5
    assert lines.line_of(("b", 1, "z", "deeper")) == 5


def test_duplicate_keys_are_errors() -> None:
    with pytest.raises(ConfigError) as exc:
        parse_yaml("a: 1\nb: 2\na: 3\n", "f.yaml")
    assert exc.value.render() == "f.yaml:3: duplicate key 'a' (first defined on line 1)"


def test_syntax_error_has_file_and_line() -> None:
    with pytest.raises(ConfigError) as exc:
        parse_yaml("a: 1\nb: [1, 2\nc: 3\n", "f.yaml")
    assert exc.value.file == "f.yaml" and exc.value.line == 3
    assert exc.value.render().startswith("f.yaml:3: invalid YAML: ")


def test_unsafe_tags_are_rejected() -> None:
    with pytest.raises(ConfigError) as exc:
        parse_yaml("a: !!python/object/apply:os.system ['id']\n", "f.yaml")
    assert exc.value.line == 1


def test_canonical_json_is_sorted_and_stable() -> None:
    assert canonical_json({"b": 1, "a": ["é"]}) == '{\n  "a": [\n    "é"\n  ],\n  "b": 1\n}\n'
