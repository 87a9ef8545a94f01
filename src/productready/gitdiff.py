"""Files changed since a git reference (for --changed-since): committed, staged, unstaged, untracked."""

from __future__ import annotations

import subprocess
from pathlib import Path

from .errors import UsageError

_GIT = ["git", "-c", "core.fsmonitor=false", "-c", "core.quotepath=off"]


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run([*_GIT, *args], cwd=root, capture_output=True, text=True, timeout=120, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise UsageError(f"--changed-since: cannot run git: {exc}") from None


def changed_files(root: Path, ref: str) -> frozenset[str]:
    """Paths (relative to ``root``) changed between ``ref`` and the work tree, plus untracked files."""
    if _git(root, "rev-parse", "--is-inside-work-tree").returncode != 0:
        raise UsageError(f"--changed-since: '{root}' is not inside a git work tree")
    if ref.startswith("-") or _git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").returncode != 0:
        raise UsageError(f"--changed-since: unknown git reference '{ref}'", hint="e.g. origin/main, HEAD~1 or a commit id")
    diff = _git(root, "diff", "--name-only", "--relative", "-z", ref, "--")
    untracked = _git(root, "ls-files", "-z", "--others", "--exclude-standard")
    names = [n for n in (diff.stdout + untracked.stdout).split("\0") if n]
    return frozenset(names)
