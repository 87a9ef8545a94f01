"""The check-kind registry: every kind of every topic module, by name."""

from __future__ import annotations

from . import ci, compose, dockerfile, kubernetes, repo, residency, terraform, terraform_edge
from .base import PARSERS as _BASE_PARSERS
from .base import CheckKind, Parser

_MODULES = (repo, dockerfile, compose, kubernetes, terraform, terraform_edge, ci, residency)

CHECK_KINDS: dict[str, CheckKind] = {k.name: k for m in _MODULES for k in m.KINDS}
PARSERS: dict[str, Parser] = {**_BASE_PARSERS, **{n: p for m in _MODULES for n, p in m.PARSERS.items()}}

__all__ = ["CHECK_KINDS", "PARSERS", "CheckKind"]
