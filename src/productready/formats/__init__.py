"""The format registry: one line per output format."""

from __future__ import annotations

from .base import Format
from .csv import CsvFormat
from .cyclonedx import CycloneDxFormat
from .json import JsonFormat
from .junit import JunitFormat
from .oscal import OscalFormat
from .pdf import PdfFormat
from .sarif import SarifFormat
from .template import HtmlFormat, MarkdownFormat

FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        JsonFormat(),
        SarifFormat(),
        JunitFormat(),
        CsvFormat(),
        OscalFormat(),
        HtmlFormat(),
        MarkdownFormat(),
        PdfFormat(),
        CycloneDxFormat(),
    )
}

__all__ = ["FORMATS", "Format"]
