"""PDF report (optional 'pdf' extra: WeasyPrint)."""

from __future__ import annotations

import importlib
import re
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fixture_report import large_report, synthetic_report

from productready.errors import ExitCode, UsageError
from productready.formats import FORMATS, Format
from productready.formats.pdf import PdfFormat

try:
    importlib.import_module("weasyprint")
    HAVE_WEASYPRINT = True
except (ImportError, OSError):
    HAVE_WEASYPRINT = False

needs_weasyprint = pytest.mark.skipif(not HAVE_WEASYPRINT, reason="the 'pdf' extra (weasyprint) is not installed")


def page_count(pdf: bytes) -> int:
    """The /Count of the page tree, looking inside compressed object streams too."""
    chunks = [pdf]
    for m in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            chunks.append(zlib.decompress(m.group(1)))
        except zlib.error:
            continue
    counts = [int(m.group(1)) for c in chunks for m in re.finditer(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)", c, re.S)]
    counts += [int(m.group(1)) for c in chunks for m in re.finditer(rb"/Count\s+(\d+)[^>]*?/Type\s*/Pages\b", c, re.S)]
    return max(counts, default=0)


def _without_weasyprint(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.import_module

    def fake(name: str, package: str | None = None) -> Any:
        if name == "weasyprint" or name.startswith("weasyprint."):
            raise ImportError("No module named 'weasyprint'")
        return real(name, package)

    monkeypatch.setattr(importlib, "import_module", fake)


def test_pdf_without_the_extra_is_a_usage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    _without_weasyprint(monkeypatch)
    for render in (PdfFormat().render_bytes, PdfFormat().render):
        with pytest.raises(UsageError) as exc:
            render(synthetic_report())
        assert exc.value.render() == "the pdf format needs the 'pdf' extra\n  hint: pip install 'productready[pdf]'"
        assert exc.value.exit_code == ExitCode.BAD_INPUT


def test_cli_writes_nothing_when_the_pdf_extra_is_missing(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, cli: Callable[..., Any]
) -> None:
    _without_weasyprint(monkeypatch)
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "main.py").write_text("print('hi')\n", encoding="utf-8")
    out = tmp_path / "out"
    result = cli("scan", repo, "-o", out, "-q", "--scanner", "checks", "-f", "json,html,pdf")
    assert result.code == 2
    assert "error: the pdf format needs the 'pdf' extra\n  hint: pip install 'productready[pdf]'" in result.err
    assert not out.exists() or list(out.iterdir()) == []


@needs_weasyprint
def test_pdf_renders_pages() -> None:
    data = PdfFormat().render_bytes(synthetic_report())
    assert data.startswith(b"%PDF-")
    assert data.rstrip().endswith(b"%%EOF")
    assert page_count(data) >= 1


@needs_weasyprint
def test_pdf_is_deterministic() -> None:
    assert PdfFormat().render_bytes(synthetic_report()) == PdfFormat().render_bytes(synthetic_report())


@needs_weasyprint
def test_pdf_source_is_static_html_without_script() -> None:
    html = FORMATS["pdf"].render(synthetic_report())
    assert "<script" not in html and 'class="static"' in html
    assert html.count('class="ctl-static"') == 12  # every control, rendered on the server
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html  # findings with snippets, escaped
    assert '<span class="ln hit" data-n="5">' in html


@needs_weasyprint
@pytest.mark.skipif(not hasattr(Format, "render_bytes"), reason="the CLI writes bytes once base.Format has render_bytes")
def test_cli_writes_a_pdf(tmp_path: Path, cli: Callable[..., Any]) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "main.py").write_text("print('hi')\n", encoding="utf-8")
    out = tmp_path / "out"
    result = cli("scan", repo, "-o", out, "-q", "--scanner", "checks", "-f", "pdf")
    assert result.code == 0, result.err
    assert (out / "report.pdf").read_bytes().startswith(b"%PDF-")


@needs_weasyprint
def test_pdf_of_a_large_report_is_a_bounded_document() -> None:
    """However many findings: every control in the table, the worst failing controls with ten
    findings each, ten finding cards, and notices that point at the HTML and JSON reports."""
    html = FORMATS["pdf"].render(large_report(5_000))
    assert html.count('class="ctl-static"') == 12
    assert html.count('class="drill-static"') == 6  # 4 failing + 2 inconclusive controls
    assert html.count('class="finding"') == 10
    notices = re.findall(r'<p class="static-note more-findings">(.*?)</p>', html)
    assert len(notices) == 5  # four failing controls, then the finding cards
    assert notices[-1] == "… and 4990 more finding(s): see the HTML or JSON report (report.html, report.json)."
    assert all("more finding(s): see the HTML or JSON report" in n for n in notices)
    assert html.count("<tr><td>") == 4 * 10  # the per-control finding tables are cut at ten rows


@needs_weasyprint
def test_pdf_explains_only_the_worst_failing_controls() -> None:
    from dataclasses import replace

    from productready.controls import ControlResult
    from productready.models import Basis, ControlStatus

    base = large_report(600)
    fps = tuple(f.fingerprint for f in base.findings)
    extra = tuple(
        ControlResult("soc2-2017", f"X{i}", f"control {i}", ControlStatus.FAIL, Basis.AUTOMATED, "r", findings=fps[i::40])
        for i in range(40)
    )
    html = FORMATS["pdf"].render(replace(base, controls=base.controls + extra))
    assert html.count('class="ctl-static"') == 52  # the table still lists every control
    assert html.count('class="drill-static"') == 25
    assert "(the 25 most severe of 46)" in html
    assert "… and 21 more failing or inconclusive control(s): see the HTML or JSON report" in html
    links = re.findall(r'<a href="#(c-[^"]+)"', html)
    assert len(links) == 25 and all(f'id="{target}"' in html for target in links)  # only to what is explained
