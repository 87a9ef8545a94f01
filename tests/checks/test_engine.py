"""The native-check engine: unparseable repository files fail closed, rulesets are validated."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import make_ctx, write_tree
from productready.checks import CHECK_KINDS
from productready.checks.rulesets import load_checks
from productready.errors import ConfigError, MultipleErrors
from productready.models import Coverage, ScanStatus
from productready.scanners.checks import ChecksScanner


@pytest.mark.parametrize(
    ("files", "broken", "topic", "reason"),
    [
        ({"deploy/app.yaml": "apiVersion: v1\nkind: Pod\nmetadata: {name: x\nspec: [\n"}, "deploy/app.yaml", "kubernetes", "cannot parse as yaml"),
        ({"infra/main.tf": 'resource "aws_s3_bucket" "b" {\n  bucket = \n'}, "infra/main.tf", "terraform", "cannot parse as hcl (line"),
        ({"Dockerfile": "RUN echo hi\nFROM\n"}, "Dockerfile", "dockerfile", "cannot parse as dockerfile"),
        ({"docker-compose.yml": "services:\n  web: [unclosed\n"}, "docker-compose.yml", "compose", "cannot parse as yaml"),
    ],
    ids=["kubernetes", "terraform", "dockerfile", "compose"],
)
def test_unparseable_file_is_skipped_and_its_checks_inconclusive(
    tmp_path: Path, files: dict[str, str], broken: str, topic: str, reason: str
) -> None:
    repo = write_tree(tmp_path, {**files, "README.md": "# x\n"})
    res = ChecksScanner().run(make_ctx(repo))
    assert res.status is ScanStatus.PARTIAL
    skipped = {s.path: s.reason for s in res.skipped}
    assert reason in skipped[broken]
    cov = dict(res.coverage)
    topic_rules = [r for r in cov if r.startswith(f"checks:{topic}.")]
    assert topic_rules and all(cov[r] is Coverage.INCOMPLETE for r in topic_rules)
    assert cov["checks:repo.readme"] is Coverage.EVALUATED  # other topics are unaffected
    assert not [f for f in res.findings if f.location.path == broken]


def test_repository_level_check_reading_a_broken_file_is_incomplete(tmp_path: Path) -> None:
    repo = write_tree(tmp_path, {".github/workflows/ci.yml": "on: push\njobs: {test: [\n"})
    res = ChecksScanner().run(make_ctx(repo))
    assert dict(res.coverage)["checks:ci.runs-tests"] is Coverage.INCOMPLETE


def test_broken_files_make_controls_inconclusive_end_to_end(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import json

    repo = write_tree(tmp_path / "repo", {"Dockerfile": "RUN echo hi\nFROM\n", "app.py": "x = 1\n"})
    res = cli("scan", repo, "-o", tmp_path / "out", "--scanner", "checks")
    assert res.code == 3
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    statuses = {c["id"]: c["status"] for c in report["controls"]}
    relying = [c["id"] for c in report["controls"] if any(r.startswith("checks:dockerfile.") for r in c["evidence"]["incomplete_rules"])]
    assert relying and all(statuses[k] in ("inconclusive", "fail") for k in relying)


RULESET = """schema_version: 1
topic: demo
title: Demo
checks:
  - id: demo.thing
    title: A thing is true
    severity: medium
    kind: {kind}
    params:
{params}
    remediation: Do the thing.
"""


@pytest.mark.parametrize(
    ("kind", "params", "expected"),
    [
        ("repo.file-presnt", "      message: m", "rulesets/demo.yaml:8: check 'demo.thing': unknown kind 'repo.file-presnt'\n  hint: did you mean 'repo.file-present'?"),
        ("repo.file-present", "      message: m\n      kinds: [license]\n      globz: ['x']", "rulesets/demo.yaml:12: check 'demo.thing': params: unknown key 'globz'\n  hint: did you mean 'globs'?"),
    ],
    ids=["unknown-kind", "unknown-param"],
)
def test_ruleset_errors_have_file_line_and_hint(tmp_path: Path, kind: str, params: str, expected: str) -> None:
    f = tmp_path / "demo.yaml"
    f.write_text(RULESET.format(kind=kind, params=params), encoding="utf-8")
    with pytest.raises((ConfigError, MultipleErrors)) as exc:
        load_checks(CHECK_KINDS, [f])
    assert exc.value.render() == expected


def test_at_least_70_checks_each_mapped_to_iso_and_soc2() -> None:
    from productready.controls import load_catalogs

    checks = ChecksScanner().checks()
    assert len(checks) >= 70
    mapped: dict[str, set[str]] = {}
    for cat in load_catalogs(["iso27001-2022", "soc2-2017"]):
        for c in cat.spec.controls:
            for sel in c.evidence:
                if sel.startswith("check:"):
                    mapped.setdefault(sel[6:], set()).add(cat.id)
            # topic tags map every check of the topic
            for sel in c.evidence:
                if sel.startswith("tag:"):
                    for chk in checks:
                        if sel[4:] in chk.tags or sel[4:] in {f"cwe-{n}" for n in chk.spec.cwe}:
                            mapped.setdefault(chk.spec.id, set()).add(cat.id)
    unmapped = sorted(c.spec.id for c in checks if mapped.get(c.spec.id, set()) != {"iso27001-2022", "soc2-2017"})
    assert unmapped == []
