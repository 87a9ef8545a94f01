"""The format registry: one line per output format."""

from __future__ import annotations

from .base import Format
from .cyclonedx import CycloneDxFormat
from .json import JsonFormat

FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        JsonFormat(),
        CycloneDxFormat(),
    )
}

__all__ = ["FORMATS", "Format"]
