"""Command line: argv → options → pipeline → files and a summary. The one error boundary."""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import os
import sys
import traceback
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import click
import typer
from rich.console import Console

from . import __version__
from .cache import cache_dir
from .cli_cache import cache_app
from .cli_controls import catalog_app, controls_app
from .cli_db import db_app
from .cli_diff import diff_command
from .cli_governance import baseline_app, init_command, schema_command
from .config import LoadedConfig, load_config
from .errors import ExitCode, MultipleErrors, ProductReadyError, UsageError
from .formats import FORMATS, Format
from .gitdiff import changed_files
from .models import Report, Severity
from .pipeline import Event, ScanOptions, report_timestamp, run
from .profiles import effective, load_profile
from .render import write_all
from .scanners import SCANNERS
from .terminal import ProgressSink, print_summary

app = typer.Typer(
    name="productready",
    help="How far is this product from ISO 27001, SOC 2 and OWASP ASVS certification? "
    "Scans a repository and its deployment config, fails closed, and writes a gap report.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
list_app = typer.Typer(help="List what this installation knows.", no_args_is_help=True)
app.add_typer(list_app, name="list")
app.add_typer(controls_app, name="controls")
app.add_typer(catalog_app, name="catalog")
app.add_typer(db_app, name="db")
app.add_typer(baseline_app, name="baseline")
app.add_typer(cache_app, name="cache")
app.command("init")(init_command)
app.command("schema")(schema_command)
app.command("diff")(diff_command)

DEFAULT_FORMATS = ("json", "html", "markdown")


def _stderr() -> Console:
    console = Console(stderr=True, highlight=False, soft_wrap=False)
    if not console.is_terminal and "COLUMNS" not in os.environ:
        console.width = 120  # CI logs: wider than rich's 80-column default
    return console


def _split(values: Sequence[str] | None) -> list[str]:
    out: list[str] = []
    for v in values or []:
        out.extend(x.strip() for x in v.split(",") if x.strip())
    return out


def _check_names(kind: str, names: Sequence[str], known: Sequence[str], flag: str) -> None:
    for n in names:
        if n not in known:
            close = difflib.get_close_matches(n, known, n=1)
            hint = f"did you mean '{close[0]}'?" if close else f"choose from: {', '.join(known)}"
            raise UsageError(f"{flag}: unknown {kind} '{n}'", hint=hint)


def _select_scanners(
    loaded: LoadedConfig, include: list[str], exclude: list[str]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    cfg = loaded.config
    known = list(SCANNERS)
    _check_names("scanner", cfg.scanners or [], known, f"{loaded.source or 'config'}: scanners")
    _check_names("scanner", cfg.skip_scanners, known, f"{loaded.source or 'config'}: skip_scanners")
    _check_names("scanner", cfg.required_scanners or [], known, f"{loaded.source or 'config'}: required_scanners")
    _check_names("scanner", include, known, "--scanner")
    _check_names("scanner", exclude, known, "--skip-scanner")
    chosen = include or cfg.scanners or known
    skip = set(exclude) | set(cfg.skip_scanners)
    selected = tuple(n for n in known if n in chosen and n not in skip)
    required = (
        tuple(cfg.required_scanners)
        if cfg.required_scanners is not None
        else tuple(n for n in selected if SCANNERS[n].required_by_default)
    )
    return selected, required


@app.command()
def scan(
    path: Annotated[Path, typer.Argument(help="repository or folder to scan")] = Path("."),
    format: Annotated[
        list[str] | None,
        typer.Option("--format", "-f", help=f"comma-separated output formats: {', '.join(FORMATS)}"),
    ] = None,
    output_dir: Annotated[Path, typer.Option("--output-dir", "-o", help="where reports are written")] = Path(
        "productready-report"
    ),
    config: Annotated[Path | None, typer.Option("--config", "-c", help="config file (default: found in PATH)")] = None,
    profile: Annotated[str | None, typer.Option("--profile", help="policy profile")] = None,
    fail_on: Annotated[
        str | None,
        typer.Option("--fail-on", help="fail the gate on findings of this severity or worse (critical, high, "
                     "medium, low, info, none)"),
    ] = None,
    asvs_level: Annotated[int | None, typer.Option("--asvs-level", min=1, max=3, help="ASVS level to verify (1-3)")] = None,
    deps_backend: Annotated[
        str | None, typer.Option("--deps-backend", help="dependency audit backend: auto, offline, pip-audit")
    ] = None,
    osv_url: Annotated[str | None, typer.Option("--osv-url", help="OSV /v1/query URL for the pip-audit backend")] = None,
    scanner: Annotated[list[str] | None, typer.Option("--scanner", help="run only these scanners")] = None,
    skip_scanner: Annotated[list[str] | None, typer.Option("--skip-scanner", help="do not run these")] = None,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", min=1, help="parallel jobs (default: CPU cores)")] = None,
    timeout: Annotated[int | None, typer.Option("--timeout", min=1, help="seconds each scanner may run")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="no progress, no summary")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="show tracebacks of internal errors")] = False,
    timestamp: Annotated[
        bool, typer.Option("--timestamp", help="record the scan time and scanner run intervals in the reports")
    ] = False,
    changed_since: Annotated[
        str | None, typer.Option("--changed-since", help="gate only on findings in files changed since this git ref")
    ] = None,
    baseline: Annotated[Path | None, typer.Option("--baseline", help="baseline file (default: .productready/baseline.json)")] = None,
    template_dir: Annotated[
        Path | None, typer.Option("--template-dir", help="a folder with report.html.j2 / report.md.j2 overriding the built-in templates")
    ] = None,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="neither read nor write the per-file result cache (see `productready cache`)")
    ] = False,
) -> None:
    """Scan a repository and write the reports."""
    root = path
    if not root.exists():
        raise UsageError(f"target '{root}' does not exist")
    if not root.is_dir():
        raise UsageError(f"target '{root}' is not a directory")
    formats = _split(format) or list(DEFAULT_FORMATS)
    _check_names("format", formats, list(FORMATS), "--format")
    loaded = load_config(root, config)
    if profile is not None:
        loaded = LoadedConfig(loaded.config.model_copy(update={"profile": profile}), loaded.source, loaded.base_dir)
    eff = effective(loaded.config, load_profile(loaded.config.profile))
    loaded = LoadedConfig(eff.config, loaded.source, loaded.base_dir)
    selected, required = _select_scanners(loaded, _split(scanner), _split(skip_scanner))
    severity_name = fail_on or loaded.config.fail_on or "none"
    if severity_name != "none":
        _check_names("severity", [severity_name], [s.value for s in Severity], "--fail-on")
    threshold = None if severity_name == "none" else Severity(severity_name)
    updates: dict[str, object] = {}
    if asvs_level is not None:
        updates["asvs_level"] = asvs_level
    if deps_backend is not None or osv_url is not None:
        if deps_backend is not None:
            _check_names("backend", [deps_backend], ["auto", "offline", "pip-audit"], "--deps-backend")
        deps = loaded.config.deps.model_copy(
            update={k: v for k, v in (("backend", deps_backend), ("osv_url", osv_url)) if v is not None}
        )
        updates["deps"] = deps
    if updates:
        loaded = LoadedConfig(loaded.config.model_copy(update=updates), loaded.source, loaded.base_dir)
    options = ScanOptions(
        scanners=selected,
        required=required,
        fail_on=threshold,
        jobs=jobs or loaded.config.jobs or (os.cpu_count() or 1),
        timeout=timeout or loaded.config.timeout,
        timestamp=report_timestamp(timestamp),
        timings=timestamp,
        today=dt.date.today(),
        changed_files=changed_files(root, changed_since) if changed_since else None,
        baseline=str(baseline) if baseline else None,
        output_dir=output_dir,
        cache_dir=None if no_cache else cache_dir(),
    )
    err = _stderr()
    show_progress = not quiet and err.is_terminal
    with ProgressSink(err, selected, enabled=show_progress) as sink:
        report = run(root, loaded, options, on_event=sink)
    written = _write_outputs(report, formats, output_dir, template_dir)
    if not quiet:
        print_summary(err, report, written)
    raise typer.Exit(int(exit_code_for(report)))


def exit_code_for(report: Report) -> ExitCode:
    if report.gate.incomplete:
        return ExitCode.SCAN_INCOMPLETE
    if not report.gate.passed:
        return ExitCode.GATE_FAILED
    return ExitCode.OK


def _format(name: str, template_dir: Path | None) -> Format:
    """The registered format, restyled with a hub's templates where the format has templates."""
    fmt = FORMATS[name]
    if template_dir is not None and hasattr(fmt, "template_dir"):
        return type(fmt)(template_dir)  # type: ignore[call-arg]
    return fmt


def _write_outputs(report: Report, formats: Sequence[str], output_dir: Path, template_dir: Path | None = None) -> list[Path]:
    """Render every format first, then write each atomically (temp file + rename)."""
    if template_dir is not None and not template_dir.is_dir():
        raise UsageError(f"--template-dir: '{template_dir}' is not a directory")
    chosen = [_format(name, template_dir) for name in formats]
    existed = output_dir.is_dir()
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot create output folder '{output_dir}': {exc.strerror}") from None
    # large reports: the formats side by side in forked workers; files are replaced only when all rendered
    try:
        return write_all(chosen, report, output_dir)
    except BaseException:
        if not existed:  # a failed render leaves no empty output folder behind
            with contextlib.suppress(OSError):
                output_dir.rmdir()
        raise


@app.command()
def version() -> None:
    """Show productready's version and the scanners it finds."""
    from .scanners.base import find_tool, tool_version

    typer.echo(f"productready {__version__}")
    typer.echo(f"python {sys.version.split()[0]}")
    for name, sc in SCANNERS.items():
        tool = getattr(sc, "tool", "")
        if not tool:
            typer.echo(f"{name}: built in")
            continue
        exe = os.environ.get(f"PRODUCTREADY_{tool.upper().replace('-', '_')}") or tool
        found = find_tool(exe) if os.sep not in exe else exe
        v = tool_version(exe) if found else ""
        shown = v if tool == name else f"{tool} {v}"
        typer.echo(f"{name}: {shown if v else 'not found'}" + (f" ({found})" if found else ""))


@list_app.command("scanners")
def list_scanners() -> None:
    """Evidence sources productready can run."""
    for name, sc in SCANNERS.items():
        typer.echo(f"{name:12} {sc.description}")


@list_app.command("formats")
def list_formats() -> None:
    """Report formats for --format."""
    for name, f in FORMATS.items():
        typer.echo(f"{name:12} {f.description}")


@list_app.command("checks")
def list_checks() -> None:
    """Native checks (rulesets/*.yaml)."""

    from .checks import CHECK_KINDS
    from .checks.rulesets import load_checks
    from .controls import load_catalogs

    mapped: dict[str, list[str]] = {}
    for cat in load_catalogs():
        for c in cat.spec.controls:
            for sel in c.evidence:
                if sel.startswith("check:"):
                    mapped.setdefault(sel[6:], []).append(f"{cat.id}:{c.id}")
    for check in load_checks(CHECK_KINDS):
        controls = ", ".join(mapped.get(check.spec.id, [])) or "(mapped by tags only)"
        typer.echo(f"{check.spec.id:<44} {check.spec.severity:<8} {check.spec.title}\n{'':<44} controls: {controls}")


@list_app.command("catalogs")
def list_catalogs() -> None:
    """Control catalogs (controls/*.yaml)."""
    from .controls import load_catalogs

    for cat in load_catalogs():
        auto = sum(1 for c in cat.spec.controls if c.evidence)
        typer.echo(f"{cat.id:24} {len(cat.spec.controls):4} controls ({auto} with automated evidence)  {cat.spec.name}")


@app.command()
def validate(
    path: Annotated[Path, typer.Argument(help="repository whose config to check")] = Path("."),
    config: Annotated[Path | None, typer.Option("--config", "-c")] = None,
) -> None:
    """Check the config and every built-in data file; print every error as file:line: message."""
    from .validation import validate_all

    errors, checked = validate_all(path, config)
    for e in errors:
        typer.echo(e.render(), err=True)
    if errors:
        typer.echo(f"{len(errors)} error(s) in {checked} file(s)", err=True)
        raise typer.Exit(int(ExitCode.BAD_INPUT))
    typer.echo(f"ok: {checked} file(s) checked")


@contextmanager
def _error_boundary(debug: bool) -> Iterator[None]:
    err = _stderr()
    try:
        yield
    except ProductReadyError as exc:
        for one in exc.errors if isinstance(exc, MultipleErrors) else [exc]:
            err.print(f"error: {one.render()}", markup=False, highlight=False, soft_wrap=True)
        sys.exit(int(exc.exit_code))
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(int(ExitCode.BAD_INPUT))
    except click.exceptions.Abort:
        err.print("aborted", markup=False)
        sys.exit(130)
    except KeyboardInterrupt:
        err.print("interrupted", markup=False)
        sys.exit(130)
    except Exception as exc:
        if debug:
            traceback.print_exc()
        err.print(
            f"internal error: {type(exc).__name__}: {exc}\n"
            "  this is a bug in productready; run again with --debug for the traceback",
            markup=False, highlight=False, soft_wrap=True,
        )
        sys.exit(int(ExitCode.INTERNAL))


def main(argv: Sequence[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    command = typer.main.get_command(app)
    with _error_boundary("--debug" in args):
        rc = command.main(args=args, prog_name="productready", standalone_mode=False)
        sys.exit(rc if isinstance(rc, int) else 0)


# re-exported for tests
__all__ = ["Event", "app", "exit_code_for", "main"]
