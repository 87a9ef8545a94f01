"""Load and validate the native-check rulesets (rulesets/TOPIC.yaml) with file:line errors."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import Field

from ..config import data_dir
from ..errors import ConfigError, MultipleErrors, ProductReadyError
from ..schemas import SeverityName, Strict, validate
from ..yamlio import LineMap, load_yaml
from .base import CheckKind, Params

_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*\.[a-z0-9]+(?:-[a-z0-9]+)*$")


class CheckSpec(Strict):
    id: str = Field(description="TOPIC.kebab-name, TOPIC being the ruleset file stem")
    title: str = Field(min_length=3, description="what must be true, e.g. 'Container runs as a non-root user'")
    severity: SeverityName
    confidence: Literal["high", "medium", "low"] = "high"
    kind: str = Field(description="check kind from the CHECK_KINDS registry")
    params: dict[str, Any] = Field(default_factory=dict, description="parameters of the kind")
    cwe: list[int] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    description: str = Field("", description="why it matters, one or two sentences")
    remediation: str = Field(min_length=3, description="what to do")
    fix_example: str = Field("", description="a short fixed example")


class RulesetSpec(Strict):
    schema_version: Literal[1]
    topic: str
    title: str
    checks: list[CheckSpec]


@dataclass(frozen=True)
class Check:
    spec: CheckSpec
    kind: CheckKind
    params: Params
    topic: str
    source: str  # display path of the ruleset file
    line: int

    @property
    def rule_id(self) -> str:
        return f"checks:{self.spec.id}"

    @property
    def tags(self) -> tuple[str, ...]:
        return tuple(sorted({f"topic-{self.topic}", *self.spec.tags}))


def ruleset_files(base: Path | None = None) -> list[Path]:
    base = base or data_dir("rulesets")
    return sorted(p for p in base.glob("*.yaml") if p.stem != "bandit")


def load_checks(kinds: dict[str, CheckKind], files: list[Path] | None = None) -> list[Check]:
    """Every check of every ruleset, validated; all errors reported together."""
    checks: list[Check] = []
    errors: list[ProductReadyError] = []
    seen: dict[str, str] = {}
    for path in files if files is not None else ruleset_files():
        display = f"rulesets/{path.name}"
        try:
            data, lines = load_yaml(path, display)
            spec = validate(RulesetSpec, data, lines)
        except MultipleErrors as exc:
            errors.extend(exc.errors)
            continue
        except ProductReadyError as exc:
            errors.append(exc)
            continue
        # one topic may span several files: terraform.yaml, terraform-cdn.yaml, ...
        if spec.topic != path.stem and not path.stem.startswith(spec.topic + "-"):
            errors.append(ConfigError(
                f"topic '{spec.topic}' must equal the file stem '{path.stem}' or be its prefix before a '-'",
                display, lines.line_of(("topic",))))
        for i, c in enumerate(spec.checks):
            try:
                checks.append(_build(c, i, spec.topic, kinds, display, lines, seen))
            except ProductReadyError as exc:
                errors.append(exc)
    if errors:
        if len(errors) == 1:
            raise errors[0]
        raise MultipleErrors(errors)
    return sorted(checks, key=lambda c: c.spec.id)


def _build(
    c: CheckSpec, i: int, topic: str, kinds: dict[str, CheckKind], display: str, lines: LineMap, seen: dict[str, str]
) -> Check:
    line = lines.line_of(("checks", i))
    if not _ID.match(c.id) or not c.id.startswith(topic + "."):
        raise ConfigError(f"check id '{c.id}' must be '{topic}.kebab-name'", display, lines.line_of(("checks", i, "id")))
    if c.id in seen:
        raise ConfigError(f"duplicate check id '{c.id}' (first in {seen[c.id]})", display, line)
    seen[c.id] = f"{display}:{line}"
    kind = kinds.get(c.kind)
    if kind is None:
        close = difflib.get_close_matches(c.kind, list(kinds), n=1)
        hint = f"did you mean '{close[0]}'?" if close else None
        raise ConfigError(f"check '{c.id}': unknown kind '{c.kind}'", display, lines.line_of(("checks", i, "kind")), hint)
    sub = LineMap(display, {k[3:]: v for k, v in lines.lines.items() if k[:3] == ("checks", i, "params")})
    sub.lines.setdefault((), lines.line_of(("checks", i, "params")))
    try:
        params = validate(kind.params, c.params, sub)
    except ConfigError as exc:
        exc.message = f"check '{c.id}': params: {exc.message}"
        raise
    return Check(spec=c, kind=kind, params=params, topic=topic, source=display, line=line)
