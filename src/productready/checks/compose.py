"""Check kinds for the 'compose' topic."""

from __future__ import annotations

from .base import CheckKind, Parser

KINDS: tuple[CheckKind, ...] = ()
PARSERS: dict[str, Parser] = {}
