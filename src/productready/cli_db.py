"""`productready db update|info|serve`: the offline vulnerability database."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TransferSpeedColumn

from .deps.update import DEFAULT_SOURCE, UpdateError, update
from .deps.vulndb import SHIPPED, VulnDB, VulnDBError, active_db_path, user_db_path
from .errors import ConfigError, UsageError

db_app = typer.Typer(help="The offline vulnerability database (OSV format, PyPI).", no_args_is_help=True)


@db_app.command("update")
def db_update(
    source: Annotated[str, typer.Option("--source", help="URL or path of an OSV ecosystem export (zip) or folder")] = DEFAULT_SOURCE,
    sha256: Annotated[str | None, typer.Option("--sha256", help="expected SHA-256 of the download")] = None,
    timeout: Annotated[float, typer.Option("--timeout", min=1, help="seconds without data before giving up")] = 60,
) -> None:
    """Download an OSV export and swap it in atomically (a failed update keeps the old database)."""
    err = Console(stderr=True)
    progress = Progress("[progress.description]{task.description}", BarColumn(), DownloadColumn(), TransferSpeedColumn(),
                        console=err, transient=True, disable=not err.is_terminal)
    with progress:
        task = progress.add_task("downloading", total=None)
        try:
            res = update(source, expected_sha256=sha256, timeout=timeout,
                         progress=lambda done, total: progress.update(task, completed=done, total=total))
        except UpdateError as exc:
            previous = active_db_path()
            raise UsageError(f"database not updated: {exc}", hint=f"still using {previous}") from None
    typer.echo(f"updated {res.path}: {res.advisories} advisories for {res.packages} packages, "
               f"snapshot {res.snapshot} (sha256 {res.sha256[:16]}…)")


@db_app.command("info")
def db_info() -> None:
    """Which database scans use: source, snapshot date, counts."""
    path = active_db_path()
    try:
        db = VulnDB.load(path)
    except VulnDBError as exc:
        raise ConfigError(str(exc), hint="run `productready db update`") from None
    typer.echo(f"path: {path}{' (shipped with productready)' if path == SHIPPED else ''}")
    typer.echo(f"source: {db.source}")
    typer.echo(f"snapshot: {db.snapshot_date}")
    typer.echo(f"advisories: {len(db.advisories)}")
    typer.echo(f"packages: {db.package_count}")
    if path == SHIPPED:
        typer.echo(f"updates go to: {user_db_path()}")


@db_app.command("serve")
def db_serve(
    host: Annotated[str, typer.Option("--host", help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="port (0: any free port)")] = 8765,
) -> None:
    """Serve the database as an OSV API (POST /v1/query, /v1/querybatch) for pipelines and pip-audit."""
    from .deps.mirror import make_server

    try:
        db = VulnDB.load()
    except VulnDBError as exc:
        raise ConfigError(str(exc), hint="run `productready db update`") from None
    try:
        server = make_server(db, host, port)
    except OSError as exc:
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    h, p = str(server.server_address[0]), int(server.server_address[1])
    typer.echo(f"serving {len(db.advisories)} advisories (snapshot {db.snapshot_date}) at http://{h}:{p}/v1/query", err=True)
    typer.echo(f"  pip-audit -s osv --osv-url http://{h}:{p}/v1/query ...", err=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
