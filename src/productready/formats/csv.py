"""CSV for spreadsheets: ONE table, a row per control and a row per finding.

The ``record`` column says which (``control`` or ``finding``); the columns are the union of both,
empty where they do not apply. A finding's ``status`` is its triage state (``new``, ``baselined``,
``waived``, ``suppressed``) and its ``reason`` the waiver's or inline suppression's reason. One file is what hub spreadsheets handle best: it opens as one sheet
in Excel, LibreOffice and Google Sheets, an autofilter on ``record`` splits it, and the two kinds
of row are joined without a second file (control rows list their findings' fingerprints in
``findings``; finding rows list the controls they fail in ``controls``).

CSV/formula injection: every text cell that starts with ``=``, ``+``, ``-``, ``@``, tab, CR or LF
gets a leading ``'`` so a spreadsheet shows it as text instead of evaluating it. Rows end in LF
(RFC 4180 readers accept it; the CLI writes text files with LF); cells with separators, quotes or
line breaks are quoted.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from ..models import Finding, Report
from .base import Format
from .jsonout import gc_paused, no_surrogates
from .sarif import TriageIndex, triage_reason, triage_state

COLUMNS = (
    "record", "id", "catalog", "control", "title", "status", "basis", "severity", "confidence", "scanner",
    "rule_id", "path", "line", "end_line", "column", "message", "reason", "cwe", "controls", "findings",
    "remediation", "help_url",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def cell(value: Any) -> str | int:
    """A spreadsheet-safe cell: ints stay numbers, text that could start a formula is quoted."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return value
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _text(value: Any) -> str | int:
    """:func:`cell` with a fast path for the common case, a plain string."""
    if value.__class__ is str:
        return "'" + value if value.startswith(_FORMULA_START) else value
    return cell(value)


def _control_row(c: Any) -> dict[str, Any]:
    return {
        "record": "control", "id": c.key, "catalog": c.catalog, "control": c.control_id, "title": c.title,
        "status": c.status.value, "basis": c.basis.value, "reason": c.reason, "findings": " ".join(c.findings),
    }


def _finding_row(report: Report, f: Finding, controls: list[str]) -> dict[str, Any]:
    return {
        "record": "finding", "id": f.fingerprint, "title": f.title, "status": triage_state(report, f),
        "severity": f.severity.value, "confidence": f.confidence.value, "scanner": f.scanner, "rule_id": f.rule_id,
        "path": f.location.path, "line": f.location.line, "end_line": f.location.end_line,
        "column": f.location.column, "message": f.message, "reason": triage_reason(report, f),
        "cwe": " ".join(f"CWE-{c}" for c in f.cwe), "controls": " ".join(controls),
        "remediation": f.remediation, "help_url": f.help_url,
    }


def _finding_cells(f: Finding, triage: TriageIndex, controls: list[str] | None) -> list[str | int]:
    """The cells of :func:`_finding_row` in COLUMNS order, without the intermediate dict."""
    loc = f.location
    state = triage.state(f)
    line, end_line, column = loc.line, loc.end_line, loc.column
    return [
        "finding", _text(f.fingerprint), "", "", _text(f.title), _text(state), "",
        f.severity._value_, f.confidence._value_, _text(f.scanner), _text(f.rule_id), _text(loc.path),
        line if line.__class__ is int else cell(line),
        end_line if end_line.__class__ is int else cell(end_line),
        column if column.__class__ is int else cell(column),
        _text(f.message), _text(triage.reason(f, state)),
        " ".join(f"CWE-{c}" for c in f.cwe) if f.cwe else "",
        _text(" ".join(controls)) if controls else "",
        "", _text(f.remediation), _text(f.help_url),
    ]


def _raw_text(report: Report) -> str:
    by_finding: dict[str, list[str]] = {}
    for c in report.controls:
        key = c.key
        for fp in c.findings:
            by_finding.setdefault(fp, []).append(key)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(COLUMNS)
    for c in report.controls:
        row = _control_row(c)
        writer.writerow([cell(row.get(col, "")) for col in COLUMNS])
    triage = TriageIndex(report)
    get = by_finding.get
    writer.writerows([_finding_cells(f, triage, get(f.fingerprint)) for f in report.findings])
    return buf.getvalue()


def csv_text(report: Report) -> str:
    """The CSV text (lone surrogates from undecodable file names as U+FFFD)."""
    return _utf8(_raw_text(report)).decode("utf-8")


def _utf8(text: str) -> bytes:
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: much rarer than a regex pass over the whole text
        return no_surrogates(text).encode("utf-8")


class CsvFormat(Format):
    name = "csv"
    extension = "csv"
    description = "one spreadsheet table: a row per control and per finding (column 'record')"

    def render(self, report: Report) -> str:
        with gc_paused():
            return csv_text(report)

    def render_bytes(self, report: Report) -> bytes:
        with gc_paused():
            return _utf8(_raw_text(report))
