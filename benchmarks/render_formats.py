"""Time every registered report format on a synthetic report of 50,000 findings (median of 3 runs).

    python benchmarks/render_formats.py [--findings 50000] [--runs 3] [--format html,markdown]

The report is ``tests/formats/fixture_report.large_report``: the synthetic fixture's findings spread
over its failing controls. Binary formats (PDF) are timed through ``render_bytes``; a format whose
optional dependency is missing is reported as skipped.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "formats"))

from fixture_report import large_report

from productready.errors import ProductReadyError
from productready.formats import FORMATS
from productready.render import write_all


def render(fmt: Any, report: Any) -> int:
    if hasattr(fmt, "render_bytes"):
        return len(fmt.render_bytes(report))
    return len(fmt.render(report).encode("utf-8"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--findings", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--format", default="", help="comma-separated formats (default: all registered)")
    parser.add_argument("--jobs", type=int, default=0, help="worker processes for the all-at-once line (default: cores)")
    args = parser.parse_args()
    names = [n for n in args.format.split(",") if n] or list(FORMATS)
    t0 = time.perf_counter()
    report = large_report(args.findings)
    print(f"synthetic report: {len(report.findings):,} findings, {len(report.controls)} controls, "
          f"built in {time.perf_counter() - t0:.2f}s; median of {args.runs} run(s)\n")
    print(f"{'format':<12} {'median s':>9} {'min s':>8} {'max s':>8} {'output':>12}")
    print("-" * 53)
    total_median = total_min = 0.0
    total_size = 0
    for name in names:
        fmt = FORMATS[name]
        times: list[float] = []
        size = 0
        try:
            for _ in range(args.runs):
                start = time.perf_counter()
                size = render(fmt, report)
                times.append(time.perf_counter() - start)
        except ProductReadyError as exc:
            print(f"{name:<12} skipped: {exc.message}")
            continue
        print(f"{name:<12} {statistics.median(times):>9.2f} {min(times):>8.2f} {max(times):>8.2f} {size / 1e6:>9.2f} MB")
        total_median += statistics.median(times)
        total_min += min(times)
        total_size += size
    print("-" * 53)
    print(f"{'total':<12} {total_median:>9.2f} {total_min:>8.2f} {'':>8} {total_size / 1e6:>9.2f} MB")
    # what `productready scan --format ...` does with all of them: render_all (forked workers, one per core)
    ok = []
    for name in names:
        try:
            FORMATS[name].render_bytes(large_report(10))
            ok.append(FORMATS[name])
        except ProductReadyError:
            continue
    walls: list[float] = []
    with tempfile.TemporaryDirectory(prefix="productready-render-") as out:
        for _ in range(args.runs):
            start = time.perf_counter()
            write_all(ok, report, Path(out), jobs=args.jobs or None)
            walls.append(time.perf_counter() - start)
    print(f"{'all at once':<12} {statistics.median(walls):>9.2f} {min(walls):>8.2f} {max(walls):>8.2f}"
          f"   rendered and written as `productready scan` does: {len(ok)} formats, "
          f"{args.jobs or os.cpu_count()} worker(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
