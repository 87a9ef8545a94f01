"""HTML report: golden file, escaping of repository text, self-containment, large reports, --template-dir."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fixture_report import HOSTILE_MESSAGE, HOSTILE_PATH, large_report, policy_report, synthetic_report

from productready.errors import ConfigError, UsageError
from productready.formats import FORMATS
from productready.formats.template import HtmlFormat, MarkdownFormat, environment, script_json

# every element the built-in template and page script produce
TEMPLATE_TAGS = {
    "html", "head", "meta", "title", "style", "body", "header", "nav", "main", "section", "footer", "div", "span",
    "a", "h1", "h2", "h3", "h4", "p", "ul", "li", "strong", "b", "em", "small", "code", "pre", "table", "thead",
    "tbody", "tr", "th", "td", "dl", "dt", "dd", "svg", "circle", "text", "label", "select", "option", "input",
    "button", "noscript", "script", "details", "summary",
}


class Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)


def parse(html: str) -> Elements:
    p = Elements()
    p.feed(html)
    p.close()
    return p


def assert_no_active_markup(html: str) -> Elements:
    """No element or attribute in the document came from repository text."""
    doc = parse(html)
    names = {t for t, _ in doc.tags}
    assert names <= TEMPLATE_TAGS, names - TEMPLATE_TAGS
    for tag, attrs in doc.tags:
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name, value)
            assert name in {
                "lang", "charset", "name", "content", "http-equiv", "class", "id", "href", "role", "aria-label",
                "aria-labelledby", "aria-hidden", "aria-live", "viewbox", "cx", "cy", "r", "fill", "stroke",
                "stroke-width", "stroke-dasharray", "stroke-dashoffset", "transform", "x", "y", "text-anchor",
                "font-size", "font-weight", "data-filter-status", "data-filter-framework", "style", "title", "for",
                "value", "type", "placeholder", "autocomplete", "hidden", "data-status", "data-n", "colspan",
            }, (tag, name, value)
            if name == "href":
                assert value is not None and (value.startswith("#") or value.startswith("https://")), value
        if tag == "script":
            assert attrs in ({"type": "application/json", "id": "pr-data"}, {}), attrs
        assert not (tag == "img" or (tag == "b" and "onmouseover" in attrs))
    assert sum(1 for t, _ in doc.tags if t == "script") <= 2
    return doc


def page_data(html: str) -> dict[str, object]:
    m = re.search(r'<script type="application/json" id="pr-data">(.*?)</script>', html, re.S)
    assert m, "no embedded data"
    data: dict[str, object] = json.loads(m.group(1))
    return data


# ---------------------------------------------------------------- golden and structure


def test_html_golden(golden: Callable[[str, str], None]) -> None:
    golden("formats/report.html", FORMATS["html"].render(synthetic_report()))


def test_html_is_deterministic() -> None:
    assert FORMATS["html"].render(synthetic_report()) == FORMATS["html"].render(synthetic_report())


def test_html_is_self_contained() -> None:
    html = FORMATS["html"].render(synthetic_report())
    doc = parse(html)
    assert not [t for t, a in doc.tags if t in ("link", "img", "iframe", "object", "embed")]
    assert not [a for _, a in doc.tags if "src" in a]
    assert "@import" not in html and "url(" not in html
    assert not re.search(r"https?://(?!osv\.dev|bandit\.readthedocs|www\.w3\.org)", html.replace("\\u003c", "<"))
    assert "@media print" in html


def test_html_csp_allows_exactly_the_page_script() -> None:
    html = FORMATS["html"].render(synthetic_report())
    doc = parse(html)
    script = doc.scripts[-1]
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    csp = next(a["content"] for t, a in doc.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy")
    assert csp is not None and f"script-src 'sha256-{digest}'" in csp and "default-src 'none'" in csp
    code = re.sub(r"/\*.*?\*/", "", script, flags=re.S)
    assert "innerHTML" not in code and "eval(" not in code and "document.write" not in code


def test_html_shows_verdict_readiness_scanners_and_empty_governance() -> None:
    html = FORMATS["html"].render(synthetic_report())
    assert "Scan incomplete" in html
    assert "required scanner &#39;pip-audit&#39; is failed" in html
    assert html.count('class="donut"') == 3
    assert "75.0%" in html  # SOC 2
    assert "could not reach the vulnerability service &lt;https://osv.dev&gt;" in html
    assert "syntax error at line 3" in html  # semgrep's skipped file
    gov = html[html.index('id="governance"'):html.index('id="unmapped"')]
    assert gov.count("None recorded") == 3


def test_html_renders_governance_when_present() -> None:
    html = FORMATS["html"].render(policy_report())
    gov = html[html.index('id="governance"'):html.index('id="unmapped"')]
    assert "None recorded" not in gov
    assert "test fixtures &lt;b&gt;only&lt;/b&gt;" in gov
    assert "W-2" in gov and "expired on 2024-01-01" in gov and "soon" in gov and "1 finding(s)" in gov
    assert "soc2-2017:CC1.1" in gov and "CISO" in gov and "Policies approved by management &lt;script&gt;" in gov
    assert "app/&lt;i&gt;x&lt;/i&gt;.py:9" in gov and "no reason given" in gov and "rejected" in gov
    assert '<h1 id="verdict-title">Not ready</h1>' in html
    verdict = html[html.index('id="verdict"'):html.index('id="glance"')]
    assert "Blockers (6)" in verdict and "Conditions (2)" in verdict
    findings = page_data(html)["findings"]
    assert isinstance(findings, list)
    assert {f["fp"]: f["tri"] for f in findings}["f0000000000000000005"] == "baselined"
    assert_no_active_markup(html)


def test_html_embeds_controls_and_findings_for_the_page_script() -> None:
    data = page_data(FORMATS["html"].render(synthetic_report()))
    controls = data["controls"]
    assert isinstance(controls, list) and len(controls) == 12
    a828 = next(c for c in controls if c["k"] == "iso27001-2022:A.8.28")
    assert a828["sev"] == "critical" and len(a828["f"]) == 3
    assert a828["sum"].startswith("Code follows secure-coding rules")  # from the built-in catalog
    findings = data["findings"]
    assert isinstance(findings, list)
    assert [findings[i]["sev"] for i in a828["f"]] == ["critical", "critical", "high"]  # worst first
    assert data["unmapped"] == [next(i for i, f in enumerate(findings) if f["fp"] == "f0000000000000000006")]


# ---------------------------------------------------------------- escaping


def test_script_json_is_safe_in_script_context() -> None:
    text = str(script_json({"a": "</script><script>alert(1)</script><!-- & \u2028\u2029"}))
    assert "<" not in text and ">" not in text and "&" not in text
    assert "\u2028" not in text and "\u2029" not in text
    assert json.loads(text) == {"a": "</script><script>alert(1)</script><!-- & \u2028\u2029"}


def test_hostile_text_in_the_synthetic_report_is_inert() -> None:
    html = FORMATS["html"].render(synthetic_report())
    assert_no_active_markup(html)
    assert HOSTILE_PATH not in html and "<script>alert" not in html
    data = page_data(html)
    findings = data["findings"]
    assert isinstance(findings, list)
    assert any(f["p"] == HOSTILE_PATH and f["m"] == HOSTILE_MESSAGE for f in findings)  # kept, only escaped


def test_scanning_a_hostile_repository_gives_inert_html(tmp_path: Path, cli: Callable[..., object]) -> None:
    repo = tmp_path / "repo"
    (repo / "app").mkdir(parents=True)
    (repo / "app" / "<img src=x onerror=alert(1)>.py").write_text(
        "import subprocess\n\n\ndef run(cmd):\n    return subprocess.call(cmd, shell=True)  # </script><b>x</b>\n",
        encoding="utf-8",
    )
    (repo / "Dockerfile").write_text("FROM evil<script>alert(1)</script>:latest\nRUN echo hi\n", encoding="utf-8")
    out = tmp_path / "out"
    result = cli("scan", repo, "-o", out, "-q", "--scanner", "bandit,checks", "-f", "json,html,markdown")
    assert result.code in (0, 1, 3), result.err
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    paths = {f["location"]["path"] for f in report["findings"]}
    messages = " ".join(f["message"] + f["snippet"] for f in report["findings"])
    assert "app/<img src=x onerror=alert(1)>.py" in paths  # the scan saw the hostile file
    assert "<script>alert(1)</script>" in messages  # and a finding carries HTML from the repository
    html = (out / "report.html").read_text(encoding="utf-8")
    assert_no_active_markup(html)
    assert "<img" not in html and "<script>alert" not in html and "<b>x</b>" not in html
    md = re.sub(r"(`+).*?\1", "", (out / "report.md").read_text(encoding="utf-8"))  # code spans are inert
    assert "<img" not in md and "<script>" not in md


# ---------------------------------------------------------------- large reports


def test_fifty_thousand_findings_are_embedded_not_rendered_up_front() -> None:
    report = large_report(50_000)
    html = FORMATS["html"].render(report)
    assert '<tbody id="controls-body"></tbody>' in html  # rows are drawn by the script, 100 per page
    assert html.count('class="finding"') == 0
    data = page_data(html)
    findings = data["findings"]
    assert isinstance(findings, list) and len(findings) == 50_000


# ---------------------------------------------------------------- --template-dir


def test_template_dir_overrides_and_extends_the_built_in_templates(tmp_path: Path) -> None:
    hub = tmp_path / "hub"
    hub.mkdir()
    (hub / "report.html.j2").write_text(
        '{% extends "builtin/report.html.j2" %}'
        "{% block title %}Hub review of {{ target.name }}{% endblock %}"
        "{% block style %}.brand { color: #004488; }{% endblock %}"
        '{% block footer %}<footer>Hub footer: {{ verdict.reasons[0] }}</footer>{% endblock %}',
        encoding="utf-8",
    )
    (hub / "report.md.j2").write_text(
        "# Hub summary for {{ target.name }}\n{% for fw in frameworks %}- {{ fw.framework }}: {{ fw.score_pct }}\n{% endfor %}"
        "{% for f in blocking_findings %}- {{ f.message }}\n{% endfor %}",
        encoding="utf-8",
    )
    report = synthetic_report()
    html = HtmlFormat(hub).render(report)
    assert "<title>Hub review of demo-shop</title>" in html
    assert "Hub footer: required scanner &#39;pip-audit&#39;" in html
    assert 'id="pr-data"' in html  # the rest of the built-in page is still there
    assert_no_active_markup(html)
    md = MarkdownFormat(hub).render(report)
    assert md.startswith("# Hub summary for demo-shop\n- ISO 27001: 0.0%\n- SOC 2: 75.0%\n")
    assert "\\<script\\>" in md and "<script>" not in md  # still escaped in a hub's template
    # a format without an override in the folder falls back to the built-in template
    only_md = tmp_path / "only-md"
    only_md.mkdir()
    shutil.copy(hub / "report.md.j2", only_md / "report.md.j2")
    assert HtmlFormat(only_md).render(report) == FORMATS["html"].render(report)


def test_template_dir_errors_are_user_errors(tmp_path: Path) -> None:
    with pytest.raises(UsageError) as exc:
        environment(tmp_path / "missing")
    assert str(exc.value) == f"--template-dir: '{tmp_path / 'missing'}' is not a directory"
    (tmp_path / "report.html.j2").write_text("line one\n{% if %}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        HtmlFormat(tmp_path).render(synthetic_report())
    assert err.value.line == 2 and err.value.file is not None and err.value.file.endswith("report.html.j2")
    (tmp_path / "report.html.j2").write_text("{{ no_such_variable }}", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        HtmlFormat(tmp_path).render(synthetic_report())
    assert "'no_such_variable' is undefined" in err.value.message


def test_template_readme_documents_every_context_variable() -> None:
    from productready.config import data_dir
    from productready.formats.template import build_context

    readme = (data_dir("reports/templates") / "README.md").read_text(encoding="utf-8")
    for name in [*build_context(synthetic_report()), "data_json", "page_script", "script_csp", "limits", "truncated", "shortened"]:
        assert f"`{name}`" in readme, name


def test_render_bytes_splices_the_page_data_into_the_same_page(tmp_path: Path) -> None:
    for report in (synthetic_report(), policy_report(), large_report(300)):
        assert FORMATS["html"].render_bytes(report) == FORMATS["html"].render(report).encode("utf-8")
    twice = tmp_path / "twice"  # an override that embeds data_json twice, or not at all, still works
    twice.mkdir()
    (twice / "report.html.j2").write_text("<p>{{ data_json }}</p><p>{{ data_json }}</p>", encoding="utf-8")
    (tmp_path / "report.html.j2").write_text("<p>{{ target.name }}</p>", encoding="utf-8")
    for hub in (twice, tmp_path):
        fmt = HtmlFormat(hub)
        assert fmt.render_bytes(synthetic_report()) == fmt.render(synthetic_report()).encode("utf-8")
    assert HtmlFormat(twice).render(synthetic_report()).count('"controls":') == 2
