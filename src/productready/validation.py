"""`productready validate`: load the config and every built-in data file, collect every error."""

from __future__ import annotations

from pathlib import Path

from .config import data_dir, load_config
from .errors import MultipleErrors, ProductReadyError
from .yamlio import load_yaml


def validate_all(target: Path, explicit: Path | None) -> tuple[list[ProductReadyError], int]:
    errors: list[ProductReadyError] = []
    checked = 0

    def collect(exc: ProductReadyError) -> None:
        errors.extend(exc.errors if isinstance(exc, MultipleErrors) else [exc])

    try:
        loaded = load_config(target, explicit)
        checked += 1 if loaded.source else 0
    except ProductReadyError as exc:
        collect(exc)
        checked += 1
    for folder in ("controls", "rulesets"):
        base = data_dir(folder)
        for f in sorted(base.rglob("*.y*ml")):
            checked += 1
            try:
                load_yaml(f, f"{folder}/{f.relative_to(base).as_posix()}")
            except ProductReadyError as exc:
                collect(exc)
    return errors, checked
