"""One topic may span several ruleset files: TOPIC.yaml and TOPIC-PART.yaml (e.g. terraform-edge.yaml)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from conftest import REPO_ROOT
from productready.checks import CHECK_KINDS
from productready.checks.rulesets import load_checks, ruleset_files
from productready.errors import ConfigError

RULESETS = REPO_ROOT / "rulesets"


def _ruleset(path: Path, topic: str, check_id: str) -> Path:
    path.write_text(
        textwrap.dedent(f"""\
            schema_version: 1
            topic: {topic}
            title: A test ruleset
            checks:
              - id: {check_id}
                title: Buckets keep object versions
                severity: low
                kind: terraform.attribute
                params:
                  targets:
                    - resources: [google_storage_bucket]
                      attribute: versioning.enabled
                      allowed: [true]
                remediation: Turn versioning on.
            """),
        encoding="utf-8",
    )
    return path


def test_the_edge_ruleset_belongs_to_the_terraform_topic() -> None:
    assert RULESETS / "terraform-edge.yaml" in ruleset_files(RULESETS)
    checks = load_checks(CHECK_KINDS, [RULESETS / "terraform.yaml", RULESETS / "terraform-edge.yaml"])
    edge = [c for c in checks if c.source == "rulesets/terraform-edge.yaml"]
    assert edge, "rulesets/terraform-edge.yaml has no checks"
    assert {c.topic for c in edge} == {"terraform"}
    assert all(c.spec.id.startswith("terraform.") for c in edge)
    assert all("topic-terraform" in c.tags for c in edge)


def test_a_part_file_takes_its_topic_from_the_prefix(tmp_path: Path) -> None:
    path = _ruleset(tmp_path / "terraform-extra.yaml", "terraform", "terraform.extra-versioning")
    [check] = load_checks(CHECK_KINDS, [path])
    assert (check.topic, check.source) == ("terraform", "rulesets/terraform-extra.yaml")
    assert check.rule_id == "checks:terraform.extra-versioning"


@pytest.mark.parametrize(
    ("stem", "topic"),
    [
        ("terraform-extra", "kubernetes"),  # another topic altogether
        ("terraformextra", "terraform"),  # a prefix, but not before a '-'
        ("terraform", "terraform-extra"),  # the topic longer than the stem
        ("extra-terraform", "terraform"),  # a suffix, not a prefix
    ],
)
def test_a_topic_that_is_neither_the_stem_nor_its_prefix_is_rejected(tmp_path: Path, stem: str, topic: str) -> None:
    path = _ruleset(tmp_path / f"{stem}.yaml", topic, f"{topic}.versioning")
    with pytest.raises(ConfigError) as exc:
        load_checks(CHECK_KINDS, [path])
    assert exc.value.file == f"rulesets/{stem}.yaml"
    assert exc.value.line == 2  # the topic line
    assert "file stem" in exc.value.message


def test_check_ids_of_a_part_file_start_with_the_topic_not_the_stem(tmp_path: Path) -> None:
    path = _ruleset(tmp_path / "terraform-extra.yaml", "terraform", "terraform-extra.versioning")
    with pytest.raises(ConfigError, match=r"must be 'terraform\.kebab-name'"):
        load_checks(CHECK_KINDS, [path])


def test_check_ids_stay_unique_across_the_files_of_a_topic(tmp_path: Path) -> None:
    first = _ruleset(tmp_path / "terraform.yaml", "terraform", "terraform.same")
    second = _ruleset(tmp_path / "terraform-extra.yaml", "terraform", "terraform.same")
    with pytest.raises(ConfigError, match=r"duplicate check id 'terraform\.same'"):
        load_checks(CHECK_KINDS, [first, second])
