"""PDF report: the HTML report rendered without script (``static``) and typeset by WeasyPrint.

WeasyPrint is the optional ``pdf`` extra (``pip install 'productready[pdf]'``); without it the format
fails with a usage error before anything is written. The PDF is bytes: ``render_bytes()`` is what
the CLI writes; ``render()`` exists for the text interface and returns the HTML that gets typeset.
"""

from __future__ import annotations

import importlib
import logging
from typing import Any

from ..errors import UsageError
from ..models import Report
from .jsonout import gc_paused
from .template import HTML_TEMPLATE, TemplateFormat, build_context, render_template

MISSING_EXTRA = "the pdf format needs the 'pdf' extra"
MISSING_EXTRA_HINT = "pip install 'productready[pdf]'"


def _weasyprint() -> Any:
    try:
        return importlib.import_module("weasyprint")
    except (ImportError, OSError):  # OSError: the module is there but pango/cairo libraries are not
        raise UsageError(MISSING_EXTRA, hint=MISSING_EXTRA_HINT) from None


class PdfFormat(TemplateFormat):
    name = "pdf"
    extension = "pdf"
    description = "printable report (needs the 'pdf' extra: WeasyPrint)"
    template = HTML_TEMPLATE
    binary = True

    def context(self, report: Report) -> dict[str, Any]:
        ctx = build_context(report, static=True)
        ctx.update(data_json="", page_script="", script_csp="'none'")
        return ctx

    def render(self, report: Report) -> str:
        """The static HTML the PDF is typeset from (checks the extra first, like render_bytes)."""
        _weasyprint()
        return render_template(self.template, self.context(report), self.template_dir)

    def render_bytes(self, report: Report) -> bytes:
        weasyprint = _weasyprint()
        html = render_template(self.template, self.context(report), self.template_dir)
        for name in ("weasyprint", "fontTools", "fontTools.subset"):
            logging.getLogger(name).setLevel(logging.ERROR)
        with gc_paused():  # the layout allocates a great many objects: about 15% faster without collections
            document = weasyprint.HTML(string=html, base_url=None, url_fetcher=_no_fetch).render()
            data: bytes = document.write_pdf(pdf_identifier=b"productready-report", uncompressed_pdf=False)
        return data


def _no_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """The report is self-contained: never fetch anything (no network, no local files)."""
    raise ValueError(f"productready PDF: refusing to fetch {url!r}")
