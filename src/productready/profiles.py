"""Policy profiles (controls/profiles/NAME.yaml) and the effective settings of one scan.

Precedence: command line > values set explicitly in the config file > the profile > defaults.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from .config import data_dir
from .errors import ConfigError
from .schemas import Config, ProfileSpec, validate
from .yamlio import load_yaml


def profile_names() -> list[str]:
    return sorted(p.stem for p in (data_dir("controls") / "profiles").glob("*.yaml"))


def load_profile(name: str) -> ProfileSpec:
    path = data_dir("controls") / "profiles" / f"{name}.yaml"
    if not path.is_file():
        names = profile_names()
        close = difflib.get_close_matches(name, names, n=1)
        raise ConfigError(
            f"unknown profile '{name}'", hint=f"did you mean '{close[0]}'?" if close else f"known: {', '.join(names)}"
        )
    data, lines = load_yaml(path, f"controls/profiles/{path.name}")
    spec = validate(ProfileSpec, data, lines)
    if spec.id != name:
        raise ConfigError(f"profile id '{spec.id}' must equal the file stem '{name}'", lines.file, lines.line_of(("id",)))
    return spec


@dataclass(frozen=True)
class Effective:
    """The settings a scan runs with, after merging profile and config."""

    profile: ProfileSpec
    config: Config  # with profile values filled in where the config file was silent


def effective(config: Config, profile: ProfileSpec) -> Effective:
    explicit = config.model_fields_set
    updates: dict[str, object] = {}
    if "catalogs" not in explicit:
        updates["catalogs"] = list(profile.catalogs)
    if "asvs_level" not in explicit:
        updates["asvs_level"] = profile.asvs_level
    if "fail_on" not in explicit and profile.fail_on != "none":
        updates["fail_on"] = profile.fail_on
    if "required_scanners" not in explicit and profile.required_scanners is not None:
        updates["required_scanners"] = list(profile.required_scanners)
    if profile.allowed_regions is not None and config.residency.allowed_regions is None:
        updates["residency"] = config.residency.model_copy(update={"allowed_regions": list(profile.allowed_regions)})
    if profile.max_db_age_days is not None and "max_db_age_days" not in config.deps.model_fields_set:
        updates["deps"] = config.deps.model_copy(update={"max_db_age_days": profile.max_db_age_days})
    return Effective(profile=profile, config=config.model_copy(update=updates) if updates else config)
