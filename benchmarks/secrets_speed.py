"""Secrets scanner speed: the in-process ``secrets`` scanner alone on one tree, CPU and wall time.

    python benchmarks/secrets_speed.py TREE                    # 3 repetitions, median CPU and wall
    python benchmarks/secrets_speed.py TREE --repeat 1 --dump /tmp/findings.json
    python benchmarks/secrets_speed.py TREE --compare /tmp/findings.json   # exit 1 when they differ
    python benchmarks/secrets_speed.py TREE --profile 30       # cProfile, top 30 by cumulative time
    python benchmarks/secrets_speed.py TREE --full --dump /tmp/full.json   # prefilter off: every line searched

The inventory is collected once (not timed), then ``SecretsScanner().run`` is timed per repetition:
CPU is this process's user+sys time (``time.process_time``), wall is ``time.perf_counter``. The
first repetition includes importing detect-secrets' plugins, as a real scan does.

``--dump`` writes what the scan decided, without timestamps: status, reason, files scanned,
skipped items, details and every finding (rule, location, message, …), so two versions of the
scanner can be compared byte for byte (``--compare`` does that and prints the differences).
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import difflib
import json
import pstats
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from productready import inventory  # noqa: E402
from productready.models import ScanResult  # noqa: E402
from productready.scanners import ScanContext  # noqa: E402
from productready.scanners import secrets as secrets_mod  # noqa: E402
from productready.scanners.secrets import SecretsScanner  # noqa: E402
from productready.schemas import Config  # noqa: E402


def context(tree: Path, timeout: int) -> ScanContext:
    return ScanContext(
        root=tree.resolve(), inventory=inventory.collect(tree), config=Config(), config_dir=tree,
        timeout=timeout, jobs=1,
    )


def summary(res: ScanResult) -> dict[str, Any]:
    """Everything the scan decided, minus timestamps (deterministic for a given tree)."""
    return {
        "status": str(res.status),
        "reason": res.reason,
        "version": res.version,
        "files_scanned": res.files_scanned,
        "skipped": [dataclasses.asdict(s) for s in res.skipped],
        "details": [list(d) for d in res.details],
        "findings": [json.loads(json.dumps(dataclasses.asdict(f), default=str)) for f in res.findings],
    }


def dumps(res: ScanResult) -> str:
    return json.dumps(summary(res), indent=1, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("tree", type=Path)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--timeout", type=int, default=3600, help="the scanner's time budget (seconds)")
    ap.add_argument("--dump", type=Path, help="write the findings JSON here")
    ap.add_argument("--compare", type=Path, help="compare the findings with this earlier dump")
    ap.add_argument("--profile", type=int, metavar="N", help="profile one run; print the top N functions")
    ap.add_argument("--full", action="store_true", help="turn the line prefilter off (when the scanner has one)")
    args = ap.parse_args(argv)
    if args.full and hasattr(secrets_mod, "_PATTERNS_DIGEST"):
        secrets_mod._PATTERNS_DIGEST = "off"

    ctx = context(args.tree, args.timeout)
    print(f"{args.tree}: {len(ctx.inventory.files)} files in the inventory", file=sys.stderr)
    scanner = SecretsScanner()
    if args.profile:
        prof = cProfile.Profile()
        res: ScanResult = prof.runcall(scanner.run, ctx)
        pstats.Stats(prof, stream=sys.stderr).sort_stats("cumulative").print_stats(args.profile)
    else:
        runs: list[tuple[float, float]] = []
        for _ in range(max(1, args.repeat)):
            c0, w0 = time.process_time(), time.perf_counter()
            res = scanner.run(ctx)
            runs.append((time.process_time() - c0, time.perf_counter() - w0))
        cpus, walls = [r[0] for r in runs], [r[1] for r in runs]
        print(
            f"secrets: {res.status} files_scanned={res.files_scanned} findings={len(res.findings)} "
            f"skipped={len(res.skipped)}\n"
            f"  cpu  median {statistics.median(cpus):.3f}s  runs {' '.join(f'{c:.3f}' for c in cpus)}\n"
            f"  wall median {statistics.median(walls):.3f}s  runs {' '.join(f'{w:.3f}' for w in walls)}"
        )
    text = dumps(res)
    if args.dump:
        args.dump.write_text(text, encoding="utf-8")
        print(f"findings written to {args.dump}", file=sys.stderr)
    if args.compare:
        old = args.compare.read_text(encoding="utf-8")
        if old != text:
            sys.stdout.writelines(difflib.unified_diff(
                old.splitlines(keepends=True), text.splitlines(keepends=True), str(args.compare), "now",
            ))
            print("DIFFERENT from", args.compare)
            return 1
        print("identical to", args.compare)
    return 0


if __name__ == "__main__":
    sys.exit(main())
