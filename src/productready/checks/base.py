"""The native-check engine's small interface: a check kind, its hits, and parsed-file access.

A *check* is data (``rulesets/TOPIC.yaml``: id, title, severity, CWE, remediation, a ``kind``
and its ``params``). A *kind* is code: one function that reads parsed repository files and
yields ``Hit``s. Kinds are registered in ``CHECK_KINDS`` (``checks/__init__.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from ..errors import ProductReadyError
from ..models import Inventory
from ..yamlio import LineMap, parse_yaml_documents

# Pseudo input for checks about the repository as a whole (always has input).
REPOSITORY = "repository"


class Params(BaseModel):
    """Base for a kind's parameters: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class NoParams(Params):
    pass


@dataclass(frozen=True)
class Hit:
    path: str
    line: int
    message: str
    end_line: int = 0


class NotConfigured(Exception):
    """Raised by a kind whose check needs a setting the user did not give (e.g. allowed regions):
    the check then has nothing to evaluate, which is not the same as passing."""


class ParseFailure(Exception):
    """A parser could not read a repository file; the message is shown as the skip reason."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


Parser = Callable[[str, str], Any]  # (text, display path) -> parsed model; raises ParseFailure


def _yaml_parser(text: str, path: str) -> list[tuple[Any, LineMap]]:
    try:
        return parse_yaml_documents(text, path)
    except ProductReadyError as exc:
        raise ParseFailure(exc.message, exc.line) from None


@dataclass
class CheckSettings:
    allowed_regions: tuple[str, ...] | None = None  # data residency: None = not configured


@dataclass
class CheckContext:
    """What a kind may read. Files come from the inventory (already size-capped, symlinks refused)."""

    root: Path
    inventory: Inventory
    settings: CheckSettings = field(default_factory=CheckSettings)
    parsers: dict[str, Parser] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)  # path → why it could not be parsed
    reads: set[str] = field(default_factory=set)  # files the current check read (reset per check)
    _cache: dict[tuple[str, str], Any] = field(default_factory=dict)

    def paths(self, *kinds_or_languages: str) -> list[str]:
        wanted = set(kinds_or_languages)
        return [f.path for f in self.inventory.files if f.language in wanted or f.kinds & wanted]

    def text(self, path: str) -> str | None:
        self.reads.add(path)
        key = (path, "text")
        if key not in self._cache:
            try:
                self._cache[key] = (self.root / path).read_text(encoding="utf-8")
            except UnicodeDecodeError:
                self.failures[path] = "not valid UTF-8 text"
                self._cache[key] = None
            except OSError as exc:
                self.failures[path] = f"cannot read: {exc.strerror}"
                self._cache[key] = None
        value: str | None = self._cache[key]
        return value

    def parsed(self, path: str, parser: str) -> Any:
        """The file parsed with a registered parser, or None (failure recorded) if it cannot be."""
        key = (path, parser)
        self.reads.add(path)
        if key not in self._cache:
            text = self.text(path)
            if text is None:
                self._cache[key] = None
            else:
                try:
                    self._cache[key] = self.parsers[parser](text, path)
                except ParseFailure as exc:
                    where = f" (line {exc.line})" if exc.line else ""
                    self.failures[path] = f"cannot parse as {parser}{where}: {exc.message}"
                    self._cache[key] = None
        return self._cache[key]

    def yaml_docs(self, path: str) -> list[tuple[Any, LineMap]] | None:
        docs: list[tuple[Any, LineMap]] | None = self.parsed(path, "yaml")
        return docs


@dataclass(frozen=True)
class CheckKind:
    name: str
    inputs: tuple[str, ...]  # inventory kinds or languages it reads; (REPOSITORY,) for repo-level
    run: Callable[[CheckContext, Any], Iterable[Hit]]
    params: type[Params] = NoParams
    description: str = ""


def kind(
    name: str, inputs: tuple[str, ...], params: type[Params] = NoParams, description: str = ""
) -> Callable[[Callable[[CheckContext, Any], Iterable[Hit]]], CheckKind]:
    """Decorator: turn a function into a registered-able CheckKind."""

    def wrap(fn: Callable[[CheckContext, Any], Iterable[Hit]]) -> CheckKind:
        return CheckKind(name=name, inputs=inputs, run=fn, params=params, description=description or (fn.__doc__ or "").strip())

    return wrap


PARSERS: dict[str, Parser] = {"yaml": _yaml_parser}
