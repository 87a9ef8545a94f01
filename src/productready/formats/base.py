"""The format interface: render one Report to text. Only the CLI writes files."""

from __future__ import annotations

import abc

from ..models import Report


class Format(abc.ABC):
    name: str = ""
    extension: str = ""
    description: str = ""

    @abc.abstractmethod
    def render(self, report: Report) -> str: ...

    def render_bytes(self, report: Report) -> bytes:
        """The file's bytes; text formats are UTF-8 (binary formats such as PDF override this)."""
        return self.render(report).encode("utf-8")

    def filename(self) -> str:
        return f"report.{self.extension}"
