"""`productready cache info|clear`: the per-file result cache."""

from __future__ import annotations

import typer

from . import cache

cache_app = typer.Typer(help="The per-file result cache that makes re-scans fast.", no_args_is_help=True)


def _size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return f"{n} B"


@cache_app.command("info")
def cache_info() -> None:
    """Where the cache is, how many file results it holds and its size on disk."""
    i = cache.info()
    typer.echo(f"path: {i.path}")
    if not i.exists:
        typer.echo("entries: 0 (no cache yet)")
        return
    typer.echo(f"entries: {i.entries if i.entries >= 0 else 'unreadable (it is rebuilt on the next scan)'}")
    typer.echo(f"size: {_size(i.size)}")


@cache_app.command("clear")
def cache_clear() -> None:
    """Delete the cache; the next scan reads every file again."""
    d = cache.cache_dir()
    freed = cache.clear(d)
    typer.echo(f"cleared {d} ({_size(freed)} freed)")
