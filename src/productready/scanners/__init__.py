"""The scanner registry: one line per evidence source."""

from __future__ import annotations

from .bandit import BanditScanner
from .base import ScanContext, Scanner
from .checks import ChecksScanner
from .semgrep import SemgrepScanner

SCANNERS: dict[str, Scanner] = {
    s.name: s
    for s in (
        BanditScanner(),
        SemgrepScanner(),
        ChecksScanner(),
    )
}

__all__ = ["SCANNERS", "ScanContext", "Scanner"]
