"""The format registry: one line per output format."""

from __future__ import annotations

from .base import Format
from .json import JsonFormat

FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        JsonFormat(),
    )
}

__all__ = ["FORMATS", "Format"]
