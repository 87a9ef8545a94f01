"""Time the offline dependency audit of a 300-package lockfile (median of several runs).

    python benchmarks/deps_audit.py [--packages 300] [--runs 7]

Builds a uv.lock-style lockfile from package names in the shipped database (so every package is
really looked up, and many have advisories), then times the deps scanner end to end in-process:
manifest parsing, database load and matching, fix computation.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from productready import inventory
from productready.deps.vulndb import VulnDB
from productready.scanners import ScanContext
from productready.scanners.deps import DepsScanner
from productready.schemas import Config


def lockfile(n: int) -> str:
    db = VulnDB.load()
    names = sorted({a["affected"][0]["package"]["name"] for a in db.advisories})
    out = ['version = 1\nrequires-python = ">=3.11"\n']
    for i in range(n):
        name = names[i % len(names)] if i < len(names) else f"synthetic-package-{i}"
        out.append(f'\n[[package]]\nname = "{name}"\nversion = "1.{i % 7}.0"\nsource = {{ registry = "https://pypi.org/simple" }}\n')
    return "".join(out)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--packages", type=int, default=300)
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "uv.lock").write_text(lockfile(args.packages), encoding="utf-8")
        inv = inventory.collect(root)
        ctx = ScanContext(root=root, inventory=inv, config=Config(), config_dir=root, timeout=600, jobs=1)
        times, result = [], None
        for _ in range(args.runs):
            t = time.perf_counter()
            result = DepsScanner().run(ctx)
            times.append(time.perf_counter() - t)
    assert result is not None
    vulnerable = sum(1 for d in result.dependencies if d.audit == "vulnerable")
    print(f"offline audit of {len(result.dependencies)} locked packages ({vulnerable} vulnerable, status {result.status.value})")
    print(f"  runs: {args.runs}   median: {statistics.median(times) * 1000:.0f} ms   min: {min(times) * 1000:.0f} ms   max: {max(times) * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
