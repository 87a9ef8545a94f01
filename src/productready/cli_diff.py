"""`productready diff OLD NEW`: what changed between two scans (registered in cli.py as ``diff``)."""

from __future__ import annotations

import difflib
import io
import os
import tempfile
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from .diff import diff_files
from .diff_render import render_json, render_markdown, render_terminal
from .errors import ExitCode, UsageError

DIFF_FORMATS = ("text", "markdown", "json")


def _write(target: Path, text: str) -> None:
    """Atomically: a temp file next to the target, then rename."""
    folder = target.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=folder)
    except OSError as exc:
        raise UsageError(f"cannot write '{target}': {exc.strerror}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise UsageError(f"cannot write '{target}': {exc.strerror}") from None


def _stdout_console() -> Console:
    console = Console(highlight=False, soft_wrap=False)
    if not console.is_terminal and "COLUMNS" not in os.environ:
        console.width = 120
    return console


def diff_command(
    old: Annotated[Path, typer.Argument(help="the earlier report (report.json, or the folder holding it)")],
    new: Annotated[Path, typer.Argument(help="the later report")],
    format: Annotated[str, typer.Option("--format", "-f", help="text, markdown (PR comment) or json")] = "text",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="write to this file, not standard output")] = None,
    fail_on_regression: Annotated[
        bool,
        typer.Option("--fail-on-regression",
                     help="exit 1 if a control went from pass to fail/inconclusive or a new high/critical finding "
                          "appeared"),
    ] = False,
) -> None:
    """Compare two JSON reports: score changes, control status changes, new and resolved findings."""
    if format not in DIFF_FORMATS:
        close = difflib.get_close_matches(format, DIFF_FORMATS, n=1)
        raise UsageError(f"--format: unknown diff format '{format}'",
                         hint=f"did you mean '{close[0]}'?" if close else f"choose from: {', '.join(DIFF_FORMATS)}")
    diff = diff_files(old, new)
    if format == "json":
        text = render_json(diff)
    elif format == "markdown":
        text = render_markdown(diff)
    elif output is not None:
        buffer = io.StringIO()
        render_terminal(diff, Console(file=buffer, width=120, color_system=None, highlight=False, soft_wrap=False))
        text = buffer.getvalue()
    else:
        render_terminal(diff, _stdout_console())
        text = ""
    if output is not None:
        _write(output, text)
    elif text:
        typer.echo(text, nl=False)
    if fail_on_regression and diff.regressions:
        raise typer.Exit(int(ExitCode.GATE_FAILED))
