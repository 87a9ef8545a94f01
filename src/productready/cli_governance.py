"""`productready baseline create`, `productready init`, `productready schema`."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Annotated, Any

import typer

from . import __version__
from .checks.rulesets import RulesetSpec
from .config import data_dir, load_config
from .errors import ConfigError, UsageError
from .models import Finding
from .schemas import AttestationsFile, BaselineFile, CatalogSpec, Config, CrosswalkSpec, ProfileSpec, WaiversFile
from .triage import baseline_document

baseline_app = typer.Typer(help="Record today's findings so that only new ones fail the gate.", no_args_is_help=True)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


@baseline_app.command("create")
def baseline_create(
    path: Annotated[Path, typer.Argument(help="repository to baseline")] = Path("."),
    output: Annotated[Path | None, typer.Option("--output", "-o", help="default: PATH/.productready/baseline.json")] = None,
    from_report: Annotated[Path | None, typer.Option("--from-report", help="take the findings of an existing report.json")] = None,
) -> None:
    """Write the fingerprints of every current finding (line-shift proof, count-aware)."""
    target = output or path / ".productready" / "baseline.json"
    if from_report is not None:
        try:
            data = json.loads(from_report.read_text(encoding="utf-8"))
            rows = [(f["fingerprint"], f["rule_id"], f["location"]["path"]) for f in data["findings"]]
        except FileNotFoundError:
            raise UsageError(f"report '{from_report}' not found") from None
        except json.JSONDecodeError as exc:
            raise ConfigError(f"invalid JSON: {exc.msg}", str(from_report), exc.lineno) from None
        except (KeyError, TypeError):
            raise ConfigError("not a productready JSON report", str(from_report)) from None
        entries = [
            {"fingerprint": fp, "rule_id": r, "path": p} for fp, r, p in sorted(set(rows), key=lambda x: (x[2], x[1], x[0]))
        ]
        text = json.dumps({"schema_version": 1, "tool_version": __version__, "findings": entries}, indent=2, sort_keys=True) + "\n"
        count = len(entries)
    else:
        from .pipeline import ScanOptions, run
        from .profiles import effective, load_profile
        from .scanners import SCANNERS

        loaded = load_config(path)
        eff = effective(loaded.config, load_profile(loaded.config.profile))
        selected = tuple(n for n in SCANNERS if n in (eff.config.scanners or list(SCANNERS)) and n not in eff.config.skip_scanners)
        options = ScanOptions(
            scanners=selected, required=(), fail_on=None, jobs=eff.config.jobs or (os.cpu_count() or 1),
            timeout=eff.config.timeout, today=dt.date.today(), baseline=None,
        )
        from .config import LoadedConfig

        report = run(path, LoadedConfig(eff.config, loaded.source, loaded.base_dir), options)
        incomplete = [s.scanner for s in report.scans if s.status.value in ("failed", "partial")]
        findings: list[Finding] = list(report.findings)
        text = baseline_document(findings, __version__)
        count = len(findings)
        if incomplete:
            typer.echo(f"warning: {', '.join(incomplete)} did not finish cleanly; the baseline may miss findings", err=True)
    _write(target, text)
    typer.echo(f"baseline: {count} finding(s) written to {target}")


CONFIG_TEMPLATE = """\
# productready configuration — written by `productready init`; every key is optional.
# Check it with `productready validate`; editor completion: `productready schema`.

# Policy profile: developer (default), ci-gate, hub-level-1, hub-level-2
profile: {profile}

# Fail the gate on new findings of this severity or worse (critical, high, medium, low, info, none).
# fail_on: high

# Catalogs to evaluate: iso27001-2022, soc2-2017, asvs-5.0.0, asvs-4.0.3, iso27001-2022-clauses
catalogs: [iso27001-2022, soc2-2017, asvs-5.0.0]
asvs_level: 2

# Paths not to scan (globs). Excluding paths is recorded in every report.
exclude: []
{residency}
# Governance files (paths relative to this folder):
# waivers: .productready/waivers.yaml
# attestations: .productready/attestations.yaml
# baseline: .productready/baseline.json
"""

WAIVERS_TEMPLATE = """\
# Waivers: accepted risks with an owner and an end date. Expired waivers fail the gate.
# Scope each waiver by rule, path glob, fingerprint or control (at least one).
schema_version: 1
waivers: []
# - id: W-001
#   rule: bandit:B311               # or checks:dockerfile.*, a fingerprint, control: iso27001-2022:A.8.24
#   path: "tests/**"
#   reason: random is only used to shuffle test data, never for secrets
#   owner: jane@example.com
#   expires: {expires}
"""

ATTESTATIONS_TEMPLATE = """\
# Attestations: manual evidence for controls no scanner can check. Evidence files are hashed;
# a changed file or an expired attestation fails its controls.
schema_version: 1
attestations: []
# - id: A-001
#   controls: [iso27001-2022:A.5.1, soc2-2017:CC5.3]
#   statement: The information security policy was approved by management and read by all staff.
#   owner: jane@example.com
#   role: Security lead
#   date: {today}
#   expires: {expires}
#   evidence:
#     - path: {evidence}
#       sha256: "{sha}"
"""


@baseline_app.callback()
def _baseline() -> None:
    """Baselines."""


def init_command(
    path: Annotated[Path, typer.Argument(help="repository to set up")] = Path("."),
    force: Annotated[bool, typer.Option("--force", help="overwrite existing files")] = False,
) -> None:
    """Write a commented starter config, waivers file and attestations file for this repository."""
    import hashlib

    from .inventory import collect

    if not path.is_dir():
        raise UsageError(f"'{path}' is not a directory")
    inv = collect(path)
    kinds = {k for f in inv.files for k in f.kinds}
    today = dt.date.today()
    expires = today + dt.timedelta(days=90)
    residency = ""
    if kinds & {"terraform", "kubernetes", "compose"}:
        residency = (
            "\n# This repository deploys infrastructure: list the regions it may run in to check data residency.\n"
            "# residency:\n#   allowed_regions: [me-central-1]\n"
        )
    evidence = next((f.path for f in inv.files if "security-policy" in f.kinds), "docs/security-policy.md")
    sha = "0" * 64
    if (path / evidence).is_file():
        sha = hashlib.sha256((path / evidence).read_bytes()).hexdigest()
    files = {
        path / "productready.yaml": CONFIG_TEMPLATE.format(profile="developer", residency=residency),
        path / ".productready" / "waivers.yaml": WAIVERS_TEMPLATE.format(expires=expires.isoformat()),
        path / ".productready" / "attestations.yaml": ATTESTATIONS_TEMPLATE.format(
            today=today.isoformat(), expires=(today + dt.timedelta(days=365)).isoformat(), evidence=evidence, sha=sha
        ),
    }
    existing = [p for p in files if p.exists()]
    if existing and not force:
        raise UsageError(f"'{existing[0]}' already exists", hint="use --force to overwrite")
    for p, text in files.items():
        _write(p, text)
        typer.echo(f"wrote {p}")
    found = ", ".join(sorted(kinds & {"dockerfile", "compose", "kubernetes", "terraform", "github-actions", "gitlab-ci", "python-manifest"}))
    typer.echo(f"detected: {found or 'no deployment config'}; next: productready scan {path}")


SCHEMAS: dict[str, Any] = {
    "config": Config,
    "waivers": WaiversFile,
    "attestations": AttestationsFile,
    "baseline": BaselineFile,
    "profile": ProfileSpec,
    "catalog": CatalogSpec,
    "crosswalk": CrosswalkSpec,
    "ruleset": RulesetSpec,
}


def schema_command(
    output_dir: Annotated[Path, typer.Option("--output-dir", "-o", help="where to write *.schema.json")] = Path("productready-schemas"),
) -> None:
    """Write JSON Schemas of every user-authored file (and of the report) for editor completion."""
    for name, model in SCHEMAS.items():
        schema = model.model_json_schema()
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["title"] = f"productready {name} file"
        _write(output_dir / f"{name}.schema.json", json.dumps(schema, indent=2, sort_keys=True) + "\n")
    report = data_dir("schemas") / "report.schema.json"
    _write(output_dir / "report.schema.json", report.read_text(encoding="utf-8"))
    typer.echo(f"wrote {len(SCHEMAS) + 1} schemas to {output_dir}")
