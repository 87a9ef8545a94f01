"""Shared plumbing for scanners that are external programs."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence

from ..cache import executable_identity
from .base import Scanner, find_tool


class ExternalScanner(Scanner):
    """A scanner backed by a program. The operator (never the scanned repository) may point
    productready at another build of it with ``PRODUCTREADY_<NAME>`` (e.g. ``PRODUCTREADY_BANDIT``)."""

    tool: str = ""

    def executable(self) -> str:
        env_name = "PRODUCTREADY_" + re.sub(r"[^A-Z0-9]", "_", self.tool.upper())
        return os.environ.get(env_name) or self.tool

    @staticmethod
    def identity(exe: str) -> str:
        """Which build of the program ``exe`` names (for result-cache keys)."""
        return executable_identity(find_tool(exe) if os.sep not in exe else exe)


# Code under these folders is test code, not product code: semgrep's own default ignore list skips
# them, and so do both SAST scanners here unless the config says include_tests (the secrets search
# always reads them: credentials leak from tests too).
TEST_DIRS = frozenset({"test", "tests", "testsuite"})


def is_test_path(path: str) -> bool:
    return any(part in TEST_DIRS for part in path.split("/")[:-1])


def shards(paths: Sequence[str], sizes: dict[str, int], count: int) -> list[list[str]]:
    """Split ``paths`` into at most ``count`` batches of similar total size, each sorted."""
    count = max(1, min(count, len(paths)))
    buckets: list[list[str]] = [[] for _ in range(count)]
    totals = [0] * count
    for p in sorted(paths, key=lambda p: (-sizes.get(p, 0), p)):
        i = totals.index(min(totals))
        buckets[i].append(p)
        totals[i] += sizes.get(p, 0) + 2000  # per-file overhead
    return [sorted(b) for b in buckets if b]


def cwe_numbers(values: object) -> tuple[int, ...]:
    """CWE ids from tool metadata: 78, "CWE-78", "CWE-78: OS Command Injection", or lists of them."""
    items = values if isinstance(values, (list, tuple)) else [values]
    out: set[int] = set()
    for item in items:
        if isinstance(item, int):
            out.add(item)
        elif isinstance(item, dict) and "id" in item:
            try:
                out.add(int(item["id"]))
            except (TypeError, ValueError):
                continue
        elif isinstance(item, str):
            m = re.match(r"\s*(?:CWE-)?(\d+)", item, re.I)
            if m:
                out.add(int(m.group(1)))
    return tuple(sorted(n for n in out if n > 0))
