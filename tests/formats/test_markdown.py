"""Markdown report: golden file, escaping of repository text, the 65,000-character limit."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

import pytest
from fixture_report import large_report, policy_report, synthetic_report

from productready.controls import ControlResult
from productready.formats import FORMATS
from productready.formats.template import MARKDOWN_LIMIT, MarkdownFormat, hard_truncate, md_code, md_escape
from productready.models import Basis, ControlStatus, Report, ScanResult, ScanStatus


def test_markdown_golden(golden: Callable[[str, str], None]) -> None:
    golden("formats/report.md", FORMATS["markdown"].render(synthetic_report()))


def test_markdown_golden_with_policy(golden: Callable[[str, str], None]) -> None:
    golden("formats/report-policy.md", FORMATS["markdown"].render(policy_report()))


def test_markdown_leads_with_the_verdict_then_blocking_findings() -> None:
    md = FORMATS["markdown"].render(synthetic_report())
    assert md.startswith("## ❌ productready: Not ready\n\n⚠️ **Scan incomplete**: ")
    order = [md.index(h) for h in ("### Readiness", "#### Blocking findings (3)", "#### Other top findings (3)",
                                   "### Failing controls (4)", "### Scanners that did not finish cleanly")]
    assert order == sorted(order)
    blocking = md[md.index("#### Blocking findings"):md.index("#### Other top findings")]
    assert blocking.index("critical") < blocking.index("high")
    scanners = md[md.index("### Scanners that did not finish cleanly"):]
    assert "`semgrep` | **partial**" in scanners and "`pip-audit` | **failed**" in scanners
    assert "trivy" not in scanners  # skipped because it had nothing to look at: clean


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("a | b", "a \\| b"),
        ("`code`", "\\`code\\`"),
        ("<img src=x onerror=alert(1)>", "\\<img src=x onerror=alert(1)\\>"),
        ("# heading", "\\# heading"),
        ("- item", "\\- item"),
        ("1. item", "1\\. item"),
        ("version 1.2", "version 1.2"),
        ("[click](javascript:alert(1))", "\\[click\\](javascript:alert(1))"),
        ("**bold** _it_ ~~s~~", "\\*\\*bold\\*\\* \\_it\\_ \\~\\~s\\~\\~"),
        ("two\nlines\r\n| x", "two lines \\| x"),
        ("ping @octocat, mail dev@example.com", "ping @\u200boctocat, mail dev@example.com"),
        ("${{ secrets.X }} & $x$", "\\${{ secrets.X }} \\& \\$x\\$"),
        ("back\\slash", "back\\\\slash"),
    ],
)
def test_md_escape(text: str, escaped: str) -> None:
    assert md_escape(text) == escaped


def test_md_code_survives_backticks_pipes_and_newlines() -> None:
    assert str(md_code("app/x.py:3")) == "`app/x.py:3`"
    assert str(md_code("a`b")) == "``a`b``"
    assert str(md_code("`x`")) == "`` `x` ``"
    assert str(md_code("a|b\nc")) == "`a\\|b c`"
    assert str(md_code("")) == ""


def test_repository_text_cannot_inject_markdown() -> None:
    md = FORMATS["markdown"].render(synthetic_report())
    row = next(line for line in md.splitlines() if "bandit:B602" in line)
    assert row.count(" | ") == 3  # hostile pipes did not add table cells
    outside_code = re.sub(r"(`+).*?\1", "", md)
    assert "\\<script\\>" in row and "<script>" not in outside_code and "<img" not in outside_code
    assert re.findall(r"(?<!\\)</?[a-z]*", outside_code) == ["<sub", "</sub"]  # every other < is escaped
    assert "`app/<img src=x onerror=alert(1)>.py:5`" in row  # inside a code span: shown, never parsed
    assert "](javascript" not in md.replace("\\](javascript", "")  # only the escaped form
    assert "\\# The image has no USER instruction" in md  # no heading from a finding message


def huge_report() -> Report:
    """50,000 findings with long text, 300 failing controls, 200 failed scanners, 100 blockers."""
    base = large_report(50_000)
    findings = tuple(
        replace(f, title="T" * 150, message=f"{f.message} {'m' * 400}", location=replace(f.location, path="p/" * 200))
        for f in base.findings
    )
    fps = tuple(f.fingerprint for f in findings)
    controls = tuple(
        ControlResult("soc2-2017", f"X{i}", "long control title " * 10, ControlStatus.FAIL, Basis.AUTOMATED,
                      "r", findings=fps[i::300])
        for i in range(300)
    )
    scans = tuple(
        ScanResult(f"scanner-{i:03d}", ScanStatus.FAILED, reason=f"crashed: {'x' * 300} {i}", required=True)
        for i in range(200)
    )
    blockers = tuple(f"blocker {i}: {'b' * 400}" for i in range(100))
    return replace(
        base, findings=findings, controls=base.controls + controls, scans=base.scans + scans,
        gate=replace(base.gate, blockers=blockers),
    )


def test_huge_report_stays_under_the_limit_and_says_it_was_truncated() -> None:
    md = FORMATS["markdown"].render(huge_report())
    assert len(md) < MARKDOWN_LIMIT
    assert "this summary was truncated to stay under 65,000 characters" in md
    assert "… and 49,99" not in md  # counts are plain numbers
    assert md.rstrip().endswith("`report.html` and `report.json`.</sub>")


def test_a_long_custom_template_is_cut_at_a_line_with_a_notice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(MarkdownFormat, "limit", 2_000)
    md = FORMATS["markdown"].render(large_report(500))
    assert len(md) <= 2_000
    assert md.endswith("\n\n> **Note:** this summary was truncated to stay under 2,000 characters; "
                       "the HTML and JSON reports have everything.\n")


def test_hard_truncate_keeps_code_fences_balanced() -> None:
    text = "intro\n```\n" + "line\n" * 100 + "```\nend\n"
    out = hard_truncate(text, 200)
    assert len(out) <= 200 and out.count("```") % 2 == 0


def test_markdown_formats_only_the_findings_it_shows(monkeypatch: pytest.MonkeyPatch) -> None:
    """A summary of 50,000 findings builds the view of the few dozen it lists, not of all of them."""
    from productready.formats import template

    built: list[int] = []
    real = template._FindingViews.view

    def counting(self: template._FindingViews, i: int) -> dict[str, object]:
        built.append(i)
        return real(self, i)

    monkeypatch.setattr(template._FindingViews, "view", counting)
    md = FORMATS["markdown"].render(large_report(50_000))
    assert "#### Blocking findings (20000)" in md and "… and 19950 more." in md
    assert 0 < len(set(built)) <= 100
