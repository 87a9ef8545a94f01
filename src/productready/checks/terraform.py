"""Check kinds for the 'terraform' topic."""

from __future__ import annotations

from .base import CheckKind, Parser

KINDS: tuple[CheckKind, ...] = ()
PARSERS: dict[str, Parser] = {}
