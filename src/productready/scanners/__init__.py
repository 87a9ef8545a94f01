"""The scanner registry: one line per evidence source."""

from __future__ import annotations

from .bandit import BanditScanner
from .base import ScanContext, Scanner
from .checks import ChecksScanner
from .deps import DepsScanner
from .secrets import SecretsScanner
from .semgrep import SemgrepScanner

SCANNERS: dict[str, Scanner] = {
    s.name: s
    for s in (
        BanditScanner(),
        SemgrepScanner(),
        ChecksScanner(),
        DepsScanner(),
        SecretsScanner(),
    )
}

__all__ = ["SCANNERS", "ScanContext", "Scanner"]
