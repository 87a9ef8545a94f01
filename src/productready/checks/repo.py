"""Check kinds for the 'repo' topic: repository and process hygiene."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable

from pydantic import Field

from .base import REPOSITORY, CheckContext, CheckKind, Hit, Params, Parser, kind


class FilePresentParams(Params):
    kinds: list[str] = Field(default_factory=list, description="inventory kinds any of which satisfies the check")
    globs: list[str] = Field(default_factory=list, description="path globs (fnmatch) any of which satisfies it")
    message: str = Field(description="what is missing, shown on the finding")


@kind("repo.file-present", (REPOSITORY,), FilePresentParams)
def file_present(ctx: CheckContext, p: FilePresentParams) -> Iterable[Hit]:
    """The repository contains at least one file of the given kinds or matching the given globs."""
    for f in ctx.inventory.files:
        if f.kinds & set(p.kinds) or any(fnmatch.fnmatchcase(f.path, g) for g in p.globs):
            return
    yield Hit(".", 0, p.message)


KINDS: tuple[CheckKind, ...] = (file_present,)
PARSERS: dict[str, Parser] = {}
