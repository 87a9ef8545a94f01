"""CI checks (rulesets/ci.yaml): tricky cases beyond the pass/fail fixtures, and the examples."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from conftest import REPO_ROOT
from productready import inventory
from productready.checks import PARSERS
from productready.checks.base import CheckContext, Hit
from productready.config import load_config
from productready.models import Coverage
from productready.scanners import ScanContext
from productready.scanners.checks import ChecksScanner

SCANNER = ChecksScanner()
CHECKS = {c.spec.id: c for c in SCANNER.checks()}
CI_IDS = sorted(i for i in CHECKS if i.startswith("ci."))
SHA = "11bd71901bbe5b1630ceea73d27597364c9af683"


def _write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


def _run(root: Path, check_id: str) -> tuple[list[Hit], dict[str, str]]:
    """One check's kind, called directly (fast); returns its hits and the recorded parse failures."""
    check = CHECKS[check_id]
    ctx = CheckContext(root=root.resolve(), inventory=inventory.collect(root), parsers=dict(PARSERS))
    return list(check.kind.run(ctx, check.params)), ctx.failures


def _lines(root: Path, check_id: str) -> list[tuple[str, int]]:
    return [(h.path, h.line) for h in _run(root, check_id)[0]]


def _scan(root: Path, ids: list[str]) -> tuple[set[tuple[str, str, int]], dict[str, Coverage], list[str]]:
    loaded = load_config(root)
    ctx = ScanContext(
        root=root.resolve(), inventory=inventory.collect(root, loaded.config.exclude), config=loaded.config,
        config_dir=root, timeout=60, jobs=1,
    )
    res = SCANNER.run(ctx, only=ids)
    found = {(f.rule_id.removeprefix("checks:"), f.location.path, f.location.line) for f in res.findings}
    return found, {k.removeprefix("checks:"): v for k, v in res.coverage}, [f"{s.path}: {s.reason}" for s in res.skipped]


# --------------------------------------------------------------------------- the example products


def test_flawed_example_planted_ci_flaws_are_each_caught(tmp_path: Path) -> None:
    root = tmp_path / "flawed"
    shutil.copytree(REPO_ROOT / "examples" / "agrimarket-flawed", root)
    found, _, skipped = _scan(root, CI_IDS)
    ci, triage = ".github/workflows/ci.yml", ".github/workflows/issue-triage.yml"
    expected = {
        ("ci.github-actions-pinned-by-sha", ci, 15),  # gha-checkout-tag
        ("ci.github-actions-pinned-by-sha", ci, 18),  # gha-setup-python-tag
        ("ci.github-actions-pinned-by-sha", ci, 31),  # gha-checkout-tag-deploy
        ("ci.token-least-privilege", ci, 9),  # gha-write-all
        ("ci.no-privileged-triggers", ci, 6),  # gha-prt-trigger
        ("ci.no-untrusted-checkout", ci, 17),  # gha-prt-checkout
        ("ci.no-secrets-printed", ci, 33),  # gha-secret-in-run
        ("ci.python-version-supported", ci, 20),  # gha-eol-python
        ("ci.no-untrusted-input-in-scripts", triage, 15),  # gha-issue-title-injection
        ("ci.no-untrusted-input-in-scripts", triage, 16),  # gha-issue-title-injection-2
        ("ci.token-least-privilege", triage, 7),  # gha-triage-permissions
        ("ci.runs-security-scan", ".", 0),  # tests run, but no scanner
    }
    assert expected <= found, sorted(expected - found)
    assert not skipped
    # the flawed CI does run its tests: no false alarm there
    assert not any(c == "ci.runs-tests" for c, _, _ in found)


def test_hardened_example_triggers_no_ci_check(tmp_path: Path) -> None:
    root = tmp_path / "hardened"
    shutil.copytree(REPO_ROOT / "examples" / "agrimarket-hardened", root)
    found, coverage, skipped = _scan(root, CI_IDS)
    assert found == set()
    assert not skipped
    # every GitHub-facing check really looked at the workflows
    assert coverage["ci.actions-pinned-by-sha"] is Coverage.EVALUATED
    assert coverage["ci.no-untrusted-input-in-scripts"] is Coverage.EVALUATED
    assert coverage["ci.runs-security-scan"] is Coverage.EVALUATED


# --------------------------------------------------------------------------- parsing and fail-closed


def test_unparseable_workflow_is_incomplete_not_clean_and_never_crashes(tmp_path: Path) -> None:
    root = _write(tmp_path / "r", {
        ".github/workflows/ci.yml": """
            on: [push]
            jobs:
              test:
                steps:
                  - run: pytest
                  run: [unclosed
            """,
    })
    found, coverage, skipped = _scan(root, CI_IDS)
    assert coverage["ci.actions-pinned-by-sha"] is Coverage.INCOMPLETE
    assert coverage["ci.token-least-privilege"] is Coverage.INCOMPLETE
    assert any(s.startswith(".github/workflows/ci.yml: cannot parse as yaml") for s in skipped)
    # repository-level checks cannot pass on a file they could not read: they fire and say why
    hits, _ = _run(root, "ci.runs-tests")
    assert [h.message for h in hits] == [
        "no readable CI configuration runs a test command; could not parse: .github/workflows/ci.yml"
    ]
    assert ("ci.runs-tests", ".", 0) in found


def test_on_as_string_and_head_ref_checkout(tmp_path: Path) -> None:
    root = _write(tmp_path / "r", {
        ".github/workflows/pr.yml": f"""
            on: pull_request_target
            permissions: {{}}
            jobs:
              build:
                runs-on: ubuntu-24.04
                steps:
                  - uses: actions/checkout@{SHA}
                    with:
                      ref: ${{{{ github.head_ref }}}}
                  - run: |
                      gh pr checkout ${{{{ github.event.number }}}}
                      make
            """,
    })
    assert _lines(root, "ci.no-untrusted-checkout") == [(".github/workflows/pr.yml", 9), (".github/workflows/pr.yml", 11)]
    assert _lines(root, "ci.no-privileged-triggers") == [(".github/workflows/pr.yml", 1)]


def test_plain_pull_request_checkout_of_head_is_not_a_pwn_request(tmp_path: Path) -> None:
    root = _write(tmp_path / "r", {
        ".github/workflows/pr.yml": f"""
            on: [pull_request]
            permissions: {{contents: read}}
            jobs:
              build:
                runs-on: ubuntu-24.04
                steps:
                  - uses: actions/checkout@{SHA}
                    with:
                      ref: ${{{{ github.event.pull_request.head.sha }}}}
            """,
    })
    assert _lines(root, "ci.no-untrusted-checkout") == []


# --------------------------------------------------------------------------- pinning


def test_pinning_covers_composite_actions_reusable_workflows_and_docker(tmp_path: Path) -> None:
    root = _write(tmp_path / "r", {
        ".github/actions/setup/action.yml": f"""
            name: setup
            runs:
              using: composite
              steps:
                - uses: actions/cache@v4
                - uses: astral-sh/setup-uv@{SHA}
                - uses: ./.github/actions/other
                - uses: pypa/gh-action-pypi-publish@release/v1
            """,
        ".github/workflows/call.yml": f"""
            on: [push]
            permissions: {{contents: read}}
            jobs:
              shared:
                uses: example/workflows/.github/workflows/build.yml@main
              local:
                uses: ./.github/workflows/build.yml
              docker:
                runs-on: ubuntu-24.04
                steps:
                  - uses: docker://alpine@sha256:{'a' * 64}
                  - uses: docker://alpine:3.20
            """,
        "tools/lint/action.yml": """
            name: lint
            runs:
              using: docker
              image: docker://ghcr.io/example/linter:1.2
            """,
    })
    third = _lines(root, "ci.actions-pinned-by-sha")
    assert third == [
        (".github/actions/setup/action.yml", 8),
        (".github/workflows/call.yml", 12),
        (".github/workflows/call.yml", 5),
        ("tools/lint/action.yml", 4),
    ]
    assert _lines(root, "ci.github-actions-pinned-by-sha") == [(".github/actions/setup/action.yml", 5)]


# --------------------------------------------------------------------------- permissions


@pytest.mark.parametrize(
    ("workflow", "expected"),
    [
        # no top-level block; one job declares its own, the other does not → only that job
        ("jobs:\n  a:\n    permissions: {contents: read}\n    runs-on: x\n  b:\n    runs-on: x\n", [6]),
        # every job declares permissions → fine without a top-level block
        ("jobs:\n  a:\n    permissions: {}\n    runs-on: x\n", []),
        # workflow-wide write with two jobs → the scope's line
        ("permissions:\n  contents: write\n  issues: read\njobs:\n  a:\n    runs-on: x\n  b:\n    runs-on: x\n", [3]),
        # a single job: top-level is the same as job-level
        ("permissions:\n  contents: write\njobs:\n  a:\n    runs-on: x\n", []),
        # write-all at job level
        ("permissions: read-all\njobs:\n  a:\n    permissions: write-all\n    runs-on: x\n", [5]),
    ],
)
def test_token_permissions(tmp_path: Path, workflow: str, expected: list[int]) -> None:
    root = _write(tmp_path / "r", {".github/workflows/w.yml": "on: push\n" + workflow})
    assert [line for _, line in _lines(root, "ci.token-least-privilege")] == expected


# --------------------------------------------------------------------------- injection and secrets


def test_injection_lines_are_exact_and_github_script_is_code(tmp_path: Path) -> None:
    root = _write(tmp_path / "r", {
        ".github/workflows/w.yml": f"""
            on: [issues, workflow_dispatch]
            permissions: {{}}
            jobs:
              a:
                runs-on: ubuntu-24.04
                steps:
                  - run: echo "ok"
                  - run: >
                      echo ${{{{ github.event.issue.body }}}}
                  - uses: actions/github-script@{SHA}
                    with:
                      script: |
                        const t = "${{{{ github.event.issue.title }}}}";
                  - run: echo "${{{{ inputs.target }}}} ${{{{ github.event.issue.number }}}}"
                  - env:
                      TITLE: ${{{{ github.event.issue.title }}}}
                    run: echo "$TITLE"
            """,
    })
    assert _lines(root, "ci.no-untrusted-input-in-scripts") == [(".github/workflows/w.yml", 9), (".github/workflows/w.yml", 13)]
    assert _lines(root, "ci.no-dispatch-input-in-scripts") == [(".github/workflows/w.yml", 14)]


def test_secrets_printed_in_gitlab_and_github(tmp_path: Path) -> None:
    root = _write(tmp_path / "r", {
        ".gitlab-ci.yml": """
            deploy:
              image: docker:27.3
              script:
                - echo "$CI_REGISTRY_PASSWORD" | docker login -u "$CI_REGISTRY_USER" --password-stdin "$CI_REGISTRY"
                - echo "deploying with $DEPLOY_TOKEN"
                - printenv
                - echo "$API_KEY" > .api-key
                - echo "done"
            """,
        ".github/workflows/w.yml": """
            on: push
            permissions: {}
            jobs:
              a:
                runs-on: ubuntu-24.04
                env:
                  UPLOAD: ${{ secrets.UPLOAD }}
                steps:
                  - run: |
                      set -x
                      ./upload.sh
                  - run: echo "$UPLOAD"
                  - run: echo "::add-mask::$UPLOAD"
            """,
    })
    hits, _ = _run(root, "ci.no-secrets-printed")
    assert [(h.path, h.line) for h in hits] == [
        (".github/workflows/w.yml", 10),
        (".github/workflows/w.yml", 12),
        (".gitlab-ci.yml", 5),
        (".gitlab-ci.yml", 6),
    ]
    assert "UPLOAD" in hits[0].message and "tracing" in hits[0].message
    assert all("secret" in h.message or "variable" in h.message for h in hits)


# --------------------------------------------------------------------------- pipeline content


def test_installing_a_scanner_is_not_running_it_but_actions_and_templates_count(tmp_path: Path) -> None:
    only_install = _write(tmp_path / "a", {
        ".github/workflows/w.yml": "on: push\njobs:\n  a:\n    steps:\n      - run: pip install bandit pip-audit && pytest\n",
    })
    assert len(_run(only_install, "ci.runs-security-scan")[0]) == 1
    assert _run(only_install, "ci.runs-tests")[0] == []
    codeql = _write(tmp_path / "b", {
        ".github/workflows/w.yml": f"on: push\njobs:\n  a:\n    steps:\n      - uses: github/codeql-action/analyze@{SHA}\n",
    })
    assert _run(codeql, "ci.runs-security-scan")[0] == []
    template = _write(tmp_path / "c", {".gitlab-ci.yml": "include:\n  - template: Jobs/SAST.gitlab-ci.yml\n"})
    assert _run(template, "ci.runs-security-scan")[0] == []
    nothing = _write(tmp_path / "d", {"app.py": "print('hi')\n"})
    assert [h.message for h in _run(nothing, "ci.runs-tests")[0]] == [
        "no CI configuration (GitHub Actions or GitLab CI) runs a test command: none was found"
    ]


def test_gitlab_images_templates_variables_and_component_header(tmp_path: Path) -> None:
    root = _write(tmp_path / "r", {
        ".gitlab-ci.yml": f"""
            spec:
              inputs:
                stage:
                  default: test
            ---
            .base:
              image: python
            build:
              extends: .base
              image:
                name: $CI_REGISTRY_IMAGE/builder
              services:
                - name: redis:latest
                - postgres:16.4@sha256:{'b' * 64}
            test:
              image: python:3.8-slim
              variables:
                CI_DEBUG_TRACE: true
            """,
    })
    assert _lines(root, "ci.images-pinned") == [(".gitlab-ci.yml", 7), (".gitlab-ci.yml", 13)]
    assert _lines(root, "ci.python-version-supported") == [(".gitlab-ci.yml", 16)]
    assert _lines(root, "ci.no-debug-trace") == [(".gitlab-ci.yml", 18)]


def test_python_versions_quoted_unquoted_and_lists(tmp_path: Path) -> None:
    root = _write(tmp_path / "r", {
        ".github/workflows/w.yml": f"""
            on: push
            jobs:
              a:
                runs-on: ubuntu-24.04
                steps:
                  - uses: actions/setup-python@{SHA}
                    with:
                      python-version: 3.9
                  - uses: actions/setup-python@{SHA}
                    with:
                      python-version: |
                        3.12
                        3.7
                  - uses: actions/setup-python@{SHA}
                    with:
                      python-version: "3.11"
            """,
    })
    assert _lines(root, "ci.python-version-supported") == [(".github/workflows/w.yml", 8), (".github/workflows/w.yml", 13)]


def test_self_hosted_labels_in_group_form_and_push_only_is_fine(tmp_path: Path) -> None:
    root = _write(tmp_path / "r", {
        ".github/workflows/pr.yml": "on: [pull_request]\njobs:\n  a:\n    runs-on:\n      group: ci\n      labels: [self-hosted, gpu]\n",
        ".github/workflows/main.yml": "on: {push: {branches: [main]}}\njobs:\n  a:\n    runs-on: [self-hosted]\n",
    })
    assert _lines(root, "ci.no-self-hosted-runners-on-pr") == [(".github/workflows/pr.yml", 4)]


def test_checkout_credentials_only_matter_when_the_workspace_is_published(tmp_path: Path) -> None:
    root = _write(tmp_path / "r", {
        ".github/workflows/w.yml": f"""
            on: push
            jobs:
              test:
                runs-on: ubuntu-24.04
                steps:
                  - uses: actions/checkout@{SHA}
                  - run: pytest
              docs:
                runs-on: ubuntu-24.04
                steps:
                  - uses: actions/checkout@{SHA}
                  - uses: actions/upload-artifact@{SHA}
                    with:
                      path: .
            """,
    })
    assert _lines(root, "ci.checkout-credentials-not-persisted") == [(".github/workflows/w.yml", 11)]
