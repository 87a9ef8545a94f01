"""What a person sees on stderr: a progress display while scanning, then a summary."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from .models import Report, ScanStatus, Severity
from .pipeline import Event

_STATUS_STYLE = {
    ScanStatus.OK: "green",
    ScanStatus.PARTIAL: "yellow",
    ScanStatus.FAILED: "bold red",
    ScanStatus.SKIPPED: "dim",
}
_SEVERITY_STYLE = {
    Severity.CRITICAL: "bold red",
    Severity.HIGH: "red",
    Severity.MEDIUM: "yellow",
    Severity.LOW: "cyan",
    Severity.INFO: "dim",
}
TOP_FINDINGS = 10


def printable(text: str, limit: int = 200) -> str:
    """Make text from the scanned repository safe for a terminal: no control characters."""
    out = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    return out if len(out) <= limit else out[: limit - 1] + "…"


def t(text: str, style: str = "", limit: int = 200) -> Text:
    """Plain text (never parsed as markup) from untrusted input."""
    return Text(printable(text, limit), style=style)


class ProgressSink:
    """Receives pipeline events (from any thread) and draws one spinner per scanner."""

    def __init__(self, console: Console, scanners: Sequence[str], enabled: bool) -> None:
        self.enabled = enabled
        self.progress = Progress(
            SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
            console=console, transient=True, disable=not enabled,
        )
        self.tasks: dict[str, TaskID] = {}
        self.scanners = list(scanners)

    def __enter__(self) -> ProgressSink:
        self.progress.__enter__()
        self.walk = self.progress.add_task("listing files…", total=1)
        return self

    def __exit__(
        self, tp: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.progress.__exit__(tp, exc, tb)

    def __call__(self, event: Event) -> None:
        if event.kind == "inventory":
            self.progress.update(self.walk, description=f"listed {event.detail}", completed=1)
            for name in self.scanners:
                self.tasks[name] = self.progress.add_task(f"{name}: waiting", total=1)
        elif event.kind == "scanner-start" and event.name in self.tasks:
            self.progress.update(self.tasks[event.name], description=f"{event.name}: running")
        elif event.kind == "scanner-done" and event.name in self.tasks:
            self.progress.update(self.tasks[event.name], description=f"{event.name}: {event.detail}", completed=1)
        elif event.kind == "warning":
            # printed even when progress is off (quiet runs, CI logs): a warning is never hidden
            self.progress.console.print(t(f"warning: {event.detail}", "yellow", limit=2000), highlight=False, soft_wrap=True)


def print_summary(console: Console, report: Report, written: Sequence[Path]) -> None:
    inv = report.target
    langs = ", ".join(f"{k} {v}" for k, v in sorted(inv.languages().items(), key=lambda kv: -kv[1])[:5])
    head = Text.assemble(
        ("productready ", "bold"), report.tool_version, " — ", t(inv.root_name, "bold"),
        f": {len(inv.files)} files", f" ({langs})" if langs else "",
        f", {len(inv.skipped)} skipped" if inv.skipped else "",
    )
    console.print(head)

    table = Table(title="Scanners", title_justify="left", show_edge=False, pad_edge=False)
    for col in ("scanner", "status", "version", "time", "files", "skipped", "findings", "note"):
        table.add_column(col, justify="right" if col in ("time", "files", "skipped", "findings") else "left")
    for s in report.scans:
        table.add_row(
            s.scanner, Text(s.status.value + (" (required)" if s.required and s.status is not ScanStatus.OK else ""),
                            style=_STATUS_STYLE[s.status]),
            s.version or "-", f"{s.duration:.1f}s" if s.started else "-", str(s.files_scanned),
            str(len(s.skipped)), str(len(s.findings)), t(s.reason, limit=80),
        )
    console.print(table)

    counts = {sev: 0 for sev in Severity}
    for f in report.findings:
        counts[f.severity] += 1
    line = Text("Findings: ")
    line.append(f"{len(report.findings)} total")
    for sev in Severity:
        if counts[sev]:
            line.append("  ")
            line.append(f"{counts[sev]} {sev.value}", style=_SEVERITY_STYLE[sev])
    console.print(line)

    top = sorted(report.findings, key=lambda f: (-f.severity.rank, f.sort_key()))[:TOP_FINDINGS]
    if top:
        ft = Table(show_header=True, show_edge=False, pad_edge=False, title=f"Top {len(top)} findings",
                   title_justify="left")
        ft.add_column("severity")
        ft.add_column("rule")
        ft.add_column("location")
        ft.add_column("title")
        for f in top:
            ft.add_row(Text(f.severity.value, style=_SEVERITY_STYLE[f.severity]), t(f.rule_id),
                       t(f.location.render(), limit=60), t(f.title, limit=70))
        console.print(ft)

    if report.readiness:
        rt = Table(title="Readiness  (score = pass / (controls - not applicable))", title_justify="left",
                   show_edge=False, pad_edge=False)
        for col in ("catalog", "score", "pass", "fail", "inconcl.", "manual", "n/a", "pass basis auto/attest/derived"):
            rt.add_column(col, justify="left" if col == "catalog" else "right")
        for r in report.readiness:
            rt.add_row(
                r.catalog, f"{r.score:.0%}", f"{r.passed}/{r.denominator}", Text(str(r.failed), style="red" if r.failed else ""),
                Text(str(r.inconclusive), style="yellow" if r.inconclusive else ""), str(r.manual), str(r.not_applicable),
                f"{r.passed_automated}/{r.passed_attested}/{r.passed_derived}",
            )
        console.print(rt)
        if report.unmapped:
            console.print(Text(f"{len(report.unmapped)} finding(s) map to no evaluated control (listed as unmapped in the report)",
                               style="dim"))

    gate = report.gate
    if gate.incomplete:
        console.print(Text(f"Scan incomplete: {', '.join(gate.incomplete)} did not finish cleanly", style="bold red"))
    style = {"ready": "bold green", "ready_with_conditions": "bold yellow", "not_ready": "bold red"}[gate.verdict]
    label = gate.verdict.replace("_", " ").upper()
    threshold = "no severity gate (use --fail-on)" if gate.fail_on == "none" else f"blocking at '{gate.fail_on}'"
    note = ""
    if gate.passed and gate.verdict == "not_ready":
        note = "; the gate passes (exit 0): findings alone block only with --fail-on"
    console.print(Text.assemble(("Verdict: ", "bold"), (label, style), f"  (profile {gate.profile}, {threshold}{note})"))
    for b in gate.blockers[:10]:
        console.print(Text.assemble(("  ✗ ", "red"), t(b, limit=160)))
    if len(gate.blockers) > 10:
        console.print(Text(f"  … and {len(gate.blockers) - 10} more blocker(s) in the report", style="red"))
    for c in gate.conditions[:6]:
        console.print(Text.assemble(("  ! ", "yellow"), t(c, limit=160)))
    if len(gate.conditions) > 6:
        console.print(Text(f"  … and {len(gate.conditions) - 6} more condition(s) in the report", style="yellow"))
    for w in written:
        console.print(Text.assemble("Report: ", t(str(w), limit=300)))
