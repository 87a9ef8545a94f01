"""User-facing errors and the exit codes they map to (DESIGN.md §2)."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class ExitCode(enum.IntEnum):
    OK = 0
    GATE_FAILED = 1
    BAD_INPUT = 2
    SCAN_INCOMPLETE = 3
    INTERNAL = 4


@dataclass
class ProductReadyError(Exception):
    """An error a user can act on, rendered compiler-style: ``file:line: message``."""

    message: str
    file: str | None = None
    line: int | None = None
    hint: str | None = None

    exit_code = ExitCode.BAD_INPUT

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def render(self) -> str:
        where = ""
        if self.file is not None:
            where = f"{self.file}:{self.line}: " if self.line is not None else f"{self.file}: "
        text = f"{where}{self.message}"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text

    def __str__(self) -> str:
        return self.render()


class ConfigError(ProductReadyError):
    """A user-authored file (config, catalog, ruleset, waiver, ...) is malformed."""


class UsageError(ProductReadyError):
    """The command line asked for something impossible."""


class ScanIncompleteError(ProductReadyError):
    """An evidence source the policy requires could not run."""

    exit_code = ExitCode.SCAN_INCOMPLETE


class MultipleErrors(ProductReadyError):
    """Several independent errors, reported together (e.g. by ``validate``)."""

    def __init__(self, errors: list[ProductReadyError]) -> None:
        self.errors = errors
        super().__init__(f"{len(errors)} error(s)")

    def render(self) -> str:
        return "\n".join(e.render() for e in self.errors)
