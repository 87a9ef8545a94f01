"""Show a :class:`~productready.diff.ReportDiff`: on a terminal (rich) and as Markdown (PR comments).

Everything that comes from the reports (titles, paths, messages, ids) is untrusted: on the
terminal it only ever goes into :class:`rich.text.Text` objects with control characters escaped
(never into markup strings); in Markdown it is stripped of control characters and escaped.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable, Sequence
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from .diff import (
    SEVERITIES,
    ControlChange,
    ControlGroup,
    FindingRef,
    GovernanceDiff,
    ReportDiff,
    ReportSide,
    ScoreChange,
)
from .formats.template import MARKDOWN_LIMIT, md_code, md_escape
from .terminal import printable
from .yamlio import canonical_json

NO_CHANGES = "no changes between the two reports"
NOT_RECORDED = "not recorded"
GROUP_LABELS: dict[ControlGroup, str] = {
    "newly_failing": "Newly failing",
    "newly_passing": "Newly passing",
    "became_inconclusive": "Became inconclusive",
    "other": "Other status changes",
}
GROUP_STYLES: dict[ControlGroup, str] = {
    "newly_failing": "red", "newly_passing": "green", "became_inconclusive": "yellow", "other": "",
}
SEVERITY_STYLES = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "cyan", "info": "dim"}
MD_TRUNCATION_NOTICE = (
    "\n\n> **Note:** this comparison was shortened to stay under {limit:,} characters; "
    "`productready diff --format json` lists everything.\n"
)
# rows per list in Markdown, tried in order until the text fits
MD_STEPS: tuple[int | None, ...] = (None, 200, 100, 50, 20, 5, 0)


# ---------------------------------------------------------------- shared wording


def percent(score: float | None) -> str:
    return "—" if score is None else f"{score * 100:.1f}%"


def arrow(change: ScoreChange) -> str:
    if change.delta is None:
        return "new" if change.old_score is None else "gone"
    if change.delta > 0:
        return f"▲ {change.delta * 100:+.1f} pts"
    if change.delta < 0:
        return f"▼ {change.delta * 100:+.1f} pts"
    return "= 0.0 pts"


def _count(value: int | None) -> str:
    return "—" if value is None else str(value)


def ratio(passed: int | None, applicable: int | None) -> str:
    return "—" if passed is None else f"{passed}/{_count(applicable)}"


def _pair(old: str, new: str) -> str:
    return old if old == new else f"{old} → {new}"


def severity_counts(counts: dict[str, int]) -> str:
    parts = [f"{counts[s]} {s}" for s in SEVERITIES if counts.get(s)]
    return ", ".join(parts) or "none"


def _yes_no(value: bool | None) -> str:
    return "unknown" if value is None else ("yes" if value else "no")


def governance_lines(g: GovernanceDiff) -> list[str] | None:
    """One line per change, ``[]`` when nothing changed, ``None`` when not recorded."""
    if not g.recorded:
        return None
    lines = [f"+ {i.key} ({i.status}, expires {i.expires or '—'})" for i in g.added]
    lines += [f"- {i.key} ({i.status}, expires {i.expires or '—'})" for i in g.removed]
    for c in g.changed:
        what = [f"status {_pair(c.old_status, c.new_status)}"] if c.old_status != c.new_status else []
        if c.old_expires != c.new_expires:
            what.append(f"expires {_pair(c.old_expires or '—', c.new_expires or '—')}")
        lines.append(f"~ {c.key}: {', '.join(what)}")
    return lines


def not_recorded_note(g: GovernanceDiff) -> str:
    missing = [side for side, rec in (("old", g.old_recorded), ("new", g.new_recorded)) if not rec]
    return f"{NOT_RECORDED} (the {' and '.join(missing)} report{'s' if len(missing) > 1 else ''} "\
        f"{'have' if len(missing) > 1 else 'has'} no {g.kind})"


def gate_lines(diff: ReportDiff) -> list[str]:
    g = diff.gate
    lines = []
    if g.old_verdict != g.new_verdict:
        lines.append(f"verdict {g.old_verdict} → {g.new_verdict}")
    if g.old_passed != g.new_passed:
        lines.append(f"passed {_yes_no(g.old_passed)} → {_yes_no(g.new_passed)}")
    if g.old_blocking != g.new_blocking:
        lines.append(f"blocking findings {g.old_blocking} → {g.new_blocking}")
    lines += [f"{f.field} {f.old} → {f.new}" for f in g.fields]
    singular = {"blockers": "blocker", "conditions": "condition", "incomplete": "incomplete scanner"}
    lines += [f"+ {singular.get(e.kind, e.kind)}: {e.text}" for e in g.added]
    lines += [f"- {singular.get(e.kind, e.kind)}: {e.text}" for e in g.removed]
    return lines


def side_line(side: ReportSide) -> str:
    return f"{side.file} ({side.target or '?'}, {side.findings} findings)"


def finding_location(f: FindingRef) -> str:
    return f"{f.path}:{f.line}" if f.line else f.path


# ---------------------------------------------------------------- terminal


def _t(text: str, style: str = "", limit: int = 300) -> Text:
    return Text(printable(text, limit), style=style)


def _line(*parts: str | Text | tuple[str, str]) -> Text:
    return Text.assemble(*parts)


def _print_row(console: Console, text: Text) -> None:
    """One line of a list: cut at the console width, never wrapped."""
    console.print(text, no_wrap=True, overflow="ellipsis")


def _score_table(diff: ReportDiff) -> Table:
    table = Table(title="Readiness  (score = pass / (controls - not applicable))", title_justify="left",
                  show_edge=False, pad_edge=False)
    for col, justify in (("Framework", "left"), ("Old", "right"), ("New", "right"), ("Change", "right"),
                         ("Pass", "left"), ("Fail", "left"), ("Inconclusive", "left")):
        table.add_column(col, justify=justify)  # type: ignore[arg-type]
    for s in diff.scores:
        style = "green" if (s.delta or 0) > 0 else "red" if (s.delta or 0) < 0 else "dim"
        table.add_row(
            _t(s.catalog), Text(percent(s.old_score)), Text(percent(s.new_score)), Text(arrow(s), style=style),
            Text(_pair(ratio(s.old_pass, s.old_applicable), ratio(s.new_pass, s.new_applicable))),
            Text(_pair(_count(s.old_fail), _count(s.new_fail))),
            Text(_pair(_count(s.old_inconclusive), _count(s.new_inconclusive))),
        )
    return table


def _more(console: Console, shown: int, total: int) -> None:
    if total > shown:
        console.print(Text(f"    … and {total - shown} more (--format json lists everything)", style="dim"))


def _control_line(c: ControlChange) -> Text:
    return _line("    ", _t(c.id), " ", (f"{c.old_status} → {c.new_status}", GROUP_STYLES[c.group]),
                 "  ", _t(c.title, "dim", 120))


def _finding_line(sign: str, f: FindingRef) -> Text:
    return _line(f"    {sign} ", (f"{f.severity:<8}", SEVERITY_STYLES.get(f.severity, "")), " ",
                 _t(f.rule_id, limit=120), "  ", _t(finding_location(f), limit=200), "  ", _t(f.title, "dim", 160))


def render_terminal(diff: ReportDiff, console: Console, limit: int | None = None) -> None:
    """Print the diff: a header, the score table, then one section per kind of change.

    ``limit`` caps the rows of each list (``None``: all of them).
    """

    def cap(items: Sequence[Any]) -> Sequence[Any]:
        return items if limit is None else items[:limit]

    console.print(Text("productready diff", style="bold"))
    console.print(Text.assemble("  old: ", _t(side_line(diff.old), limit=1000)))
    console.print(Text.assemble("  new: ", _t(side_line(diff.new), limit=1000)))
    for w in diff.warnings:
        console.print(Text.assemble(("warning: ", "yellow"), _t(w, limit=1000)))
    console.print()
    console.print(_score_table(diff))
    console.print()
    if not diff.has_changes:
        console.print(Text(NO_CHANGES, style="green"))
    if diff.controls:
        console.print(Text(f"Controls: {len(diff.controls)} changed status", style="bold"))
        for group in GROUP_LABELS:
            items = diff.group(group)
            if items:
                console.print(Text(f"  {GROUP_LABELS[group]} ({len(items)})", style=GROUP_STYLES[group]))
                for c in cap(items):
                    _print_row(console, _control_line(c))
                _more(console, len(cap(items)), len(items))
    if diff.new_findings or diff.resolved_findings:
        console.print(Text(f"Findings: {len(diff.new_findings)} new, {len(diff.resolved_findings)} resolved",
                           style="bold"))
        for title, sign, refs, counts in (("New", "+", diff.new_findings, diff.new_by_severity),
                                          ("Resolved", "-", diff.resolved_findings, diff.resolved_by_severity)):
            if refs:
                console.print(Text(f"  {title} ({severity_counts(counts)})"))
                for f in cap(refs):
                    _print_row(console, _finding_line(sign, f))
                _more(console, len(cap(refs)), len(refs))
    if diff.moved_findings:
        console.print(Text(f"{len(diff.moved_findings)} finding(s) moved (same fingerprint, other line): "
                           "not counted as new", style="dim"))
    if diff.scanners:
        console.print(Text("Scanners", style="bold"))
        for s in diff.scanners:
            console.print(Text.assemble("    ", _t(s.scanner), f" {s.old_status} → {s.new_status}",
                                        *(("  ", _t(s.reason, "dim")) if s.reason else ())))
    if diff.gate.changed:
        console.print(Text("Gate", style="bold"))
        for line in gate_lines(diff):
            console.print(Text.assemble("    ", _t(line, limit=500)))
    for g in (diff.waivers, diff.attestations):
        lines = governance_lines(g)
        title = g.kind.capitalize()
        if lines is None:
            console.print(Text.assemble((title, "bold"), ": ", (not_recorded_note(g), "dim")))
        elif not lines:
            console.print(Text.assemble((title, "bold"), ": ", ("no changes", "dim")))
        else:
            console.print(Text(title, style="bold"))
            for line in cap(lines):
                console.print(Text.assemble("    ", _t(line, limit=500)))
            _more(console, len(cap(lines)), len(lines))
    regressions = diff.regressions
    if regressions:
        console.print(Text(f"Regressions: {len(regressions)} (--fail-on-regression fails on these)", style="bold red"))


# ---------------------------------------------------------------- Markdown


def clean(value: Any) -> str:
    """Text without control or format characters (terminal escapes, bidi overrides)."""
    return "".join(
        " " if c in "\t\n\r" else c for c in str(value) if c in "\t\n\r" or unicodedata.category(c) not in ("Cc", "Cf")
    )


def md(value: Any) -> str:
    return md_escape(clean(value))


def code(value: Any) -> str:
    return str(md_code(clean(value)))


def _md_rows(header_row: Sequence[str], align: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    out = ["| " + " | ".join(header_row) + " |", "|" + "|".join(align) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return out


def _md_list(
    title: str, items: Sequence[Any], cap: int | None, row: Callable[[Any], Sequence[str]],
    header_row: Sequence[str], align: Sequence[str],
) -> list[str]:
    shown = items if cap is None else items[:cap]
    out = [f"**{title}**", ""]
    if shown:
        out += _md_rows(header_row, align, [row(x) for x in shown])
    if len(items) > len(shown):
        out += ["", f"… and {len(items) - len(shown)} more"]
    out.append("")
    return out


def _markdown(diff: ReportDiff, cap: int | None) -> str:
    out = [
        "## productready diff",
        "",
        f"- old: {code(diff.old.file)} ({md(diff.old.target or '?')}, {diff.old.findings} findings)",
        f"- new: {code(diff.new.file)} ({md(diff.new.target or '?')}, {diff.new.findings} findings)",
        "",
    ]
    for w in diff.warnings:
        out += [f"> **Warning:** {md(w)}", ""]
    if not diff.has_changes:
        out += [f"**{NO_CHANGES.capitalize()}.**", ""]
    out += ["### Readiness", ""]
    out += _md_rows(
        ("Framework", "Old", "New", "Change", "Pass", "Fail", "Inconclusive"),
        (":--", "--:", "--:", "--:", ":--", ":--", ":--"),
        [(md(s.catalog), percent(s.old_score), percent(s.new_score), arrow(s),
          _pair(ratio(s.old_pass, s.old_applicable), ratio(s.new_pass, s.new_applicable)),
          _pair(_count(s.old_fail), _count(s.new_fail)),
          _pair(_count(s.old_inconclusive), _count(s.new_inconclusive))) for s in diff.scores],
    )
    out.append("")
    if diff.controls:
        out += [f"### Controls: {len(diff.controls)} changed status", ""]
        for group, label in GROUP_LABELS.items():
            items = diff.group(group)
            if items:
                out += _md_list(
                    f"{label} ({len(items)})", items, cap,
                    lambda c: (md(c.id), f"{md(c.old_status)} → {md(c.new_status)}", md(c.title)),
                    ("Control", "Status", "Title"), (":--", ":--", ":--"),
                )
    if diff.new_findings or diff.resolved_findings:
        out += [f"### Findings: {len(diff.new_findings)} new, {len(diff.resolved_findings)} resolved", ""]
        for title, refs, counts in (("New", diff.new_findings, diff.new_by_severity),
                                    ("Resolved", diff.resolved_findings, diff.resolved_by_severity)):
            if refs:
                out += _md_list(
                    f"{title} ({severity_counts(counts)})", refs, cap,
                    lambda f: (md(f.severity), code(f.rule_id), code(finding_location(f)), md(f.title)),
                    ("Severity", "Rule", "Location", "Title"), (":--", ":--", ":--", ":--"),
                )
    if diff.moved_findings:
        out += [f"{len(diff.moved_findings)} finding(s) moved (same fingerprint, other line): not counted as new.", ""]
    if diff.scanners:
        out += ["### Scanners", ""]
        out += _md_rows(("Scanner", "Status", "Reason"), (":--", ":--", ":--"),
                        [(md(s.scanner), f"{md(s.old_status)} → {md(s.new_status)}", md(s.reason))
                         for s in diff.scanners])
        out.append("")
    if diff.gate.changed:
        out += ["### Gate", ""] + [f"- {md(line)}" for line in gate_lines(diff)] + [""]
    for g in (diff.waivers, diff.attestations):
        lines = governance_lines(g)
        title = g.kind.capitalize()
        if lines is None:
            out += [f"**{title}:** {md(not_recorded_note(g))}", ""]
        elif not lines:
            out += [f"**{title}:** no changes", ""]
        else:
            shown = lines if cap is None else lines[:cap]
            out += [f"### {title}", ""] + [f"- {md(line)}" for line in shown]
            if len(lines) > len(shown):
                out.append(f"- … and {len(lines) - len(shown)} more")
            out.append("")
    regressions = diff.regressions
    if regressions:
        out += [f"**Regressions: {len(regressions)}** (`--fail-on-regression` fails on these)", ""]
    return "\n".join(out).rstrip("\n") + "\n"


def render_markdown(diff: ReportDiff, limit: int = MARKDOWN_LIMIT) -> str:
    """The diff as Markdown for a PR comment or step summary, at most ``limit`` characters."""
    notice = MD_TRUNCATION_NOTICE.format(limit=limit)
    text = _markdown(diff, None)
    if len(text) <= limit:
        return text
    for cap in MD_STEPS[1:]:
        text = _markdown(diff, cap).rstrip("\n") + notice
        if len(text) <= limit:
            return text
    cut = text[: max(0, limit - len(notice))]
    if "\n" in cut:
        cut = cut[: cut.rindex("\n")]
    return cut.rstrip("\n") + notice


def render_json(diff: ReportDiff) -> str:
    """The diff as canonical JSON (sorted keys, two-space indent, trailing newline).

    Control and format characters inside strings are written as ``\\uXXXX`` escapes (the same
    data), so the JSON is safe to print on a terminal.
    """
    text = canonical_json(diff.to_dict())
    return "".join(
        json.dumps(c)[1:-1] if c != "\n" and unicodedata.category(c) in ("Cc", "Cf") else c for c in text
    )
