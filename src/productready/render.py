"""Render several report formats of one report: side by side in forked workers when it is large.

Each format is a pure function of the report, so formats can be rendered in separate processes.
Workers are forked (they inherit the report; nothing is pickled on the way in). ``write_all``'s
workers write their output to a hidden temporary file beside its target and send back only its
name; ``render_all``'s send back the bytes. A worker that fails for any reason returns nothing, and
the parent renders that format itself, so errors (a missing optional extra, a template error)
surface exactly as in a plain run. Small reports, one format, one core, or a platform without
``fork`` are rendered in-process. Files appear only when every format rendered: each is written to
a temporary file first and renamed into place; on any error every temporary file is removed.
"""

from __future__ import annotations

import multiprocessing
import os
import tempfile
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from .errors import UsageError
from .formats.base import Format
from .models import Report

PARALLEL_MIN_FINDINGS = 2_000
# slowest first, so the long renders start at once and the short ones fill the gaps
_ORDER = ("pdf", "oscal", "sarif", "csv", "html", "json", "junit", "markdown", "cyclonedx")

# what forked workers render, and where they write (None: send the bytes back); set only around the pool
_JOB: tuple[Sequence[Format], Report, Path | None] | None = None


def _render_one(index: int) -> bytes | str | None:
    if _JOB is None:  # pragma: no cover - only reachable if a worker was not forked from here
        return None
    formats, report, out_dir = _JOB
    try:
        data = formats[index].render_bytes(report)
        return data if out_dir is None else _write_temp(out_dir, formats[index].filename(), data)
    except Exception:  # the parent renders it again and raises the real error there
        return None


def _workers(formats: Sequence[Format], report: Report, jobs: int | None) -> int:
    """How many forked workers to use; 0: render in-process."""
    workers = min(len(formats), jobs or os.cpu_count() or 1)
    if workers < 2 or len(report.findings) < PARALLEL_MIN_FINDINGS or "fork" not in multiprocessing.get_all_start_methods():
        return 0
    return workers


def _in_workers(formats: Sequence[Format], report: Report, jobs: int | None, out_dir: Path | None) -> list[bytes | str | None]:
    results: list[bytes | str | None] = [None] * len(formats)
    workers = _workers(formats, report, jobs)
    if not workers:
        return results
    global _JOB
    _JOB = (formats, report, out_dir)
    order = sorted(range(len(formats)), key=lambda i: _rank(formats[i]))
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
            futures = {i: pool.submit(_render_one, i) for i in order}
            for i, fut in futures.items():
                try:
                    results[i] = fut.result()
                except (BrokenProcessPool, OSError, MemoryError):
                    results[i] = None
    except (BrokenProcessPool, OSError):
        pass  # could not start workers: everything still missing is rendered by the caller
    finally:
        _JOB = None
    return results


def render_all(formats: Sequence[Format], report: Report, jobs: int | None = None) -> list[tuple[str, bytes]]:
    """(filename, bytes) per format, in the order given; byte-identical to rendering one by one."""
    results = _in_workers(formats, report, jobs, None)
    return [
        (fmt.filename(), data if isinstance(data, bytes) else fmt.render_bytes(report))
        for fmt, data in zip(formats, results, strict=True)
    ]


def write_all(formats: Sequence[Format], report: Report, out_dir: Path, jobs: int | None = None) -> list[Path]:
    """Render every format and write ``out_dir/<filename>`` for each, atomically; the written paths.
    A render error raises before any report file is replaced; OSError while writing → UsageError."""
    temps: list[str | None] = []
    try:
        results = _in_workers(formats, report, jobs, out_dir)
        for fmt, got in zip(formats, results, strict=True):
            if isinstance(got, str):
                temps.append(got)
            else:
                temps.append(None)  # so a failure below still cleans up what was written
                data = fmt.render_bytes(report)
                temps[-1] = _write_temp_or_fail(out_dir, fmt.filename(), data)
        mode = 0o666 & ~_umask()  # mkstemp makes 0600; reports are ordinary files
        written: list[Path] = []
        for fmt, tmp in zip(formats, temps, strict=True):
            assert tmp is not None
            target = out_dir / fmt.filename()
            try:
                os.chmod(tmp, mode)
                os.replace(tmp, target)
            except OSError as exc:
                raise UsageError(f"cannot write '{target}': {exc.strerror}") from None
            written.append(target)
        return written
    finally:
        for tmp in temps:
            if tmp is not None:
                Path(tmp).unlink(missing_ok=True)  # replaced ones are gone already


def _write_temp(out_dir: Path, filename: str, data: bytes) -> str:
    fd, tmp = tempfile.mkstemp(prefix=f".{filename}.", dir=out_dir)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return tmp


def _write_temp_or_fail(out_dir: Path, filename: str, data: bytes) -> str:
    try:
        return _write_temp(out_dir, filename, data)
    except OSError as exc:
        raise UsageError(f"cannot write '{out_dir / filename}': {exc.strerror}") from None


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def _rank(fmt: Format) -> int:
    return _ORDER.index(fmt.name) if fmt.name in _ORDER else len(_ORDER)
