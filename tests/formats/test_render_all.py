"""Rendering several formats at once (forked workers for large reports) gives the same bytes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from fixture_report import large_report

from productready import render
from productready.errors import ProductReadyError
from productready.formats import FORMATS
from productready.formats.base import Format
from productready.models import Report

TEXT_FORMATS = ("json", "sarif", "junit", "csv", "oscal", "html", "markdown", "cyclonedx")


def test_parallel_rendering_is_byte_identical_to_one_by_one() -> None:
    report = large_report(render.PARALLEL_MIN_FINDINGS + 500)
    formats = [FORMATS[n] for n in TEXT_FORMATS]
    parallel = render.render_all(formats, report, jobs=2)
    assert [name for name, _ in parallel] == [f.filename() for f in formats]  # order kept
    assert parallel == [(f.filename(), f.render_bytes(report)) for f in formats]


class _Broken(Format):
    name = "broken"
    extension = "broken"

    def __init__(self) -> None:
        self.pid = os.getpid()

    def render(self, report: Report) -> str:
        raise ProductReadyError(f"cannot render here (pid {os.getpid()})", hint="install the extra")


def test_a_format_failing_in_a_worker_fails_in_the_parent_with_its_own_error() -> None:
    report = large_report(render.PARALLEL_MIN_FINDINGS)
    broken = _Broken()
    with pytest.raises(ProductReadyError) as exc:
        render.render_all([FORMATS["json"], broken], report, jobs=2)
    assert exc.value.message == f"cannot render here (pid {broken.pid})"  # raised by this process, not a worker
    assert render._JOB is None


def test_small_reports_render_in_process() -> None:
    report = large_report(10)
    broken = _Broken()
    with pytest.raises(ProductReadyError, match=f"pid {os.getpid()}"):
        render.render_all([broken, FORMATS["json"]], report, jobs=2)


class _WhoRenders(Format):
    name = "who"
    extension = "who"

    def render(self, report: Report) -> str:
        return str(os.getpid())


def test_large_reports_are_rendered_in_worker_processes() -> None:
    big = render.render_all([_WhoRenders(), _WhoRenders()], large_report(render.PARALLEL_MIN_FINDINGS), jobs=2)
    assert all(data != str(os.getpid()).encode() for _, data in big)
    small = render.render_all([_WhoRenders(), _WhoRenders()], large_report(10), jobs=2)
    assert all(data == str(os.getpid()).encode() for _, data in small)


def test_write_all_writes_every_format_atomically_and_cleans_up_on_failure(tmp_path: Path) -> None:
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    report = large_report(render.PARALLEL_MIN_FINDINGS)
    formats = [FORMATS[n] for n in ("json", "sarif", "markdown")]
    written = render.write_all(formats, report, tmp_path, jobs=2)
    assert [p.name for p in written] == ["report.json", "report.sarif", "report.md"]
    assert all(p.read_bytes() == f.render_bytes(report) for p, f in zip(written, formats, strict=True))
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    with pytest.raises(ProductReadyError):
        render.write_all([*formats, _Broken()], report, tmp_path, jobs=2)
    # nothing replaced, no temporary file left behind
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before
