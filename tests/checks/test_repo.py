"""Repository-hygiene checks (rulesets/repo.yaml): tricky cases beyond the fixtures, and the examples."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from conftest import REPO_ROOT
from productready import inventory
from productready.checks import PARSERS
from productready.checks.base import CheckContext, Hit
from productready.checks.repo import _ignored, _parse_gitignore
from productready.config import load_config
from productready.models import Coverage, Inventory, InventoryFile
from productready.scanners import ScanContext
from productready.scanners.checks import ChecksScanner

SCANNER = ChecksScanner()
CHECKS = {c.spec.id: c for c in SCANNER.checks()}
REPO_IDS = sorted(i for i in CHECKS if i.startswith("repo."))

# Known gap of the hardened twin, reported to the lead rather than hidden: its requirements.txt
# pins every package with == but carries no --hash lines (pip hash-checking mode).
HARDENED_KNOWN_GAPS: set[tuple[str, str, int]] = set()  # the hardened twin hash-locks its requirements


def _write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


def _run(root: Path, check_id: str, inv: Inventory | None = None) -> tuple[list[Hit], dict[str, str]]:
    check = CHECKS[check_id]
    ctx = CheckContext(root=root.resolve(), inventory=inv or inventory.collect(root), parsers=dict(PARSERS))
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


def test_flawed_example_planted_repo_flaws_are_each_caught(tmp_path: Path) -> None:
    root = tmp_path / "flawed"
    shutil.copytree(REPO_ROOT / "examples" / "agrimarket-flawed", root)  # a plain copy, not a git repo
    found, _, skipped = _scan(root, REPO_IDS)
    expected = {
        ("repo.gitignore-secrets", ".gitignore", 1),  # repo-gitignore
        ("repo.security-policy", ".", 0),  # repo-security-md
        ("repo.license", ".", 0),  # repo-license
        ("repo.codeowners", ".", 0),  # repo-codeowners
        ("repo.dependency-updates", ".", 0),  # repo-dependabot
        ("repo.pre-commit", ".", 0),  # repo-pre-commit
        ("repo.no-tracked-secret-files", ".env", 3),  # sec-env-secret-key (tracked .env)
        ("repo.no-tracked-secret-files", "deploy/keys/server.pem", 1),  # sec-private-key
        ("repo.requirements-pinned", "requirements.txt", 12),  # dep-unpinned
        ("repo.requirements-pinned", "requirements.txt", 13),  # dep-vcs
        ("repo.lockfile", ".", 0),
    }
    assert expected <= found, sorted(expected - found)
    assert not skipped
    assert not any(c in ("repo.readme", "repo.ci-present", "repo.no-vendored-environment") for c, _, _ in found)


def test_hardened_example_triggers_no_repo_check(tmp_path: Path) -> None:
    root = tmp_path / "hardened"
    shutil.copytree(REPO_ROOT / "examples" / "agrimarket-hardened", root)
    found, coverage, skipped = _scan(root, REPO_IDS)
    assert found == HARDENED_KNOWN_GAPS, sorted(found - HARDENED_KNOWN_GAPS)
    assert not skipped
    assert all(v is Coverage.EVALUATED for v in coverage.values()), coverage


# --------------------------------------------------------------------------- .gitignore semantics


@pytest.mark.parametrize(
    ("gitignore", "path", "ignored"),
    [
        (".env*\n", ".env", True),
        ("*.env\n", ".env", True),  # '*' matches the empty string
        (".env\n", "config/.env", True),  # no slash: any depth
        ("/.env\n", "config/.env", False),  # anchored to the root
        (".env.*\n", ".env", False),
        ("*.pem\n!server.pem\n", "server.pem", False),  # last match wins
        ("keys/\n!keys/server.pem\n", "keys/server.pem", True),  # cannot re-include below an ignored folder
        ("**/*.pem\n", "deploy/keys/server.pem", True),
        ("deploy/**/*.key\n", "deploy/keys/a/server.key", True),
        ("deploy/**/*.key\n", "other/server.key", False),
        ("*.pe[mn]\n", "server.pem", True),
        ("# *.pem\n", "server.pem", False),
        ("\\#notes\n", "#notes", True),
        ("secrets/\n", "secrets", False),  # folder-only rule does not match a file of that name
    ],
)
def test_gitignore_matching(gitignore: str, path: str, ignored: bool) -> None:
    assert _ignored(_parse_gitignore(gitignore), path) is ignored


def test_missing_gitignore_is_a_finding(tmp_path: Path) -> None:
    root = _write(tmp_path / "r", {"app.py": "x = 1\n"})
    hits, _ = _run(root, "repo.gitignore-secrets")
    assert [(h.path, h.line, h.message) for h in hits] == [
        (".", 0, "no .gitignore: nothing stops .env, *.pem, *.key files from being committed")
    ]


# --------------------------------------------------------------------------- secret-bearing files


def test_env_templates_with_real_values_are_findings_placeholders_are_not(tmp_path: Path) -> None:
    root = _write(tmp_path / "r", {
        ".env.example": """
            # template
            DB_HOST=db
            DB_PASSWORD=changeme
            API_TOKEN="<your token>"
            SECRET_KEY=${SECRET_KEY}
            EMPTY_SECRET=
            DATABASE_URL=postgresql://app:changeme@db:5432/app
            AUTH_MODE=basic
            """,
        "deploy/.env.sample": """
            SMTP_HOST=smtp.example.com
            SMTP_PASSWORD=Tomato-Season-2023
            export PAYMENT_URL=https://shop:hunter22@pay.internal/api
            """,
        "docker.env": "LOG_LEVEL=info\n",
    })
    hits, _ = _run(root, "repo.no-tracked-secret-files")
    assert [(h.path, h.line) for h in hits] == [("deploy/.env.sample", 2), ("deploy/.env.sample", 3), ("docker.env", 1)]
    for h in hits:
        assert "Tomato" not in h.message and "hunter22" not in h.message  # never the value
    assert "SMTP_PASSWORD" in hits[0].message


def test_pem_files_public_private_and_unarmoured_and_binary_keystores(tmp_path: Path) -> None:
    root = _write(tmp_path / "r", {
        "certs/chain.pem": "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
        "keys/signing.pub.pem": "-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----\n",
        "keys/tls.pem": "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
                        "-----BEGIN EC PRIVATE KEY-----\nMHcC\n-----END EC PRIVATE KEY-----\n",
        "keys/api.key": "sk_test_notreallyakey\n",
        "ssh/id_ed25519": "-----BEGIN OPENSSH PRIVATE KEY-----\nb3Bl\n-----END OPENSSH PRIVATE KEY-----\n",
    })
    (root / "keys" / "store.p12").write_bytes(b"\x30\x82\x00\x00binary")
    hits, _ = _run(root, "repo.no-tracked-secret-files")
    assert [(h.path, h.line) for h in hits] == [
        ("keys/api.key", 1), ("keys/tls.pem", 4), ("ssh/id_ed25519", 1), ("keys/store.p12", 1),
    ]
    assert "EC PRIVATE KEY" in hits[1].message
    assert "not inspected" in hits[3].message


# --------------------------------------------------------------------------- requirements and locks


def test_requirements_pinning_follows_includes_constraints_and_vcs_commits(tmp_path: Path) -> None:
    sha = "a" * 40
    root = _write(tmp_path / "r", {
        "requirements.txt": f"""
            -r requirements/base.txt
            -c constraints.txt
            -e .
            requests
            agri @ git+https://example.com/agri.git@{sha}
            tools @ git+https://example.com/tools.git@v1.2
            """,
        "requirements/base.txt": "django>=4.2\nclick==8.1.7\n",
        "constraints.txt": "requests==2.32.4\n",
    })
    hits, failures = _run(root, "repo.requirements-pinned")
    assert [(h.path, h.line) for h in hits] == [("requirements.txt", 6), ("requirements/base.txt", 1)]
    assert hits[1].message == "'django>=4.2' is a range, not an exact pin (==)"
    assert failures == {}


def test_malformed_requirement_makes_the_check_incomplete(tmp_path: Path) -> None:
    root = _write(tmp_path / "r", {"requirements.txt": "flask==3.1.3\nrequests==\n"})
    found, coverage, skipped = _scan(root, ["repo.requirements-pinned"])
    assert coverage["repo.requirements-pinned"] is Coverage.INCOMPLETE
    assert skipped == ["requirements.txt: cannot parse as a Python manifest (line 2): cannot parse requirement 'requests=='"]
    assert found == set()


def test_hashes_reported_once_per_file_at_first_unhashed_line(tmp_path: Path) -> None:
    h = "b" * 64
    root = _write(tmp_path / "r", {
        "requirements.txt": f"flask==3.1.3 --hash=sha256:{h}\nrequests==2.32.4\nidna==3.10\n",
        "requirements-dev.txt": f"pytest==8.3.4 --hash=sha256:{h}\n",
    })
    hits, _ = _run(root, "repo.requirements-hashes")
    assert [(h.path, h.line) for h in hits] == [("requirements.txt", 2)]
    assert hits[0].message.startswith("2 pinned requirement(s) in requirements.txt have no --hash (first: 'requests')")


@pytest.mark.parametrize(
    ("files", "fires"),
    [
        ({"pyproject.toml": "[tool.ruff]\nline-length = 100\n"}, False),  # tool config only: nothing to lock
        ({"pyproject.toml": '[project]\nname = "x"\nversion = "1"\ndependencies = ["flask>=3"]\n'}, True),
        ({"setup.py": "from setuptools import setup\nsetup()\n"}, True),  # not evaluated: assume deps
        ({"setup.py": "from setuptools import setup\nsetup()\n", "poetry.lock": "# lock\n"}, False),
        ({"requirements.txt": "flask==3.1.3\nrequests==2.32.4\n"}, False),  # fully pinned = a lock
        ({"requirements.txt": "flask==3.1.3\nrequests\n"}, True),
        ({"app/pylock.toml": "lock-version = '1.0'\n", "pyproject.toml": '[project]\nname = "x"\nversion = "1"\ndependencies = ["a"]\n'}, False),
    ],
)
def test_lockfile_decision(tmp_path: Path, files: dict[str, str], fires: bool) -> None:
    root = _write(tmp_path / "r", files)
    assert bool(_run(root, "repo.lockfile")[0]) is fires


# --------------------------------------------------------------------------- vendored environments


def test_vendored_venv_in_a_git_listing_is_reported_once_per_environment(tmp_path: Path) -> None:
    # A git work tree lists tracked files of a committed venv; a plain walk would skip them.
    files = (
        "app.py", "venv2/pyvenv.cfg", "venv2/lib/python3.12/site-packages/flask/__init__.py",
        "venv2/bin/activate", "third_party/site-packages/six.py",
    )
    inv = Inventory(
        root_name="r", files=tuple(InventoryFile(p, 10, "") for p in files), skipped=(), is_git=True,
    )
    hits, _ = _run(tmp_path, "repo.no-vendored-environment", inv)
    assert [(h.path, h.line) for h in hits] == [
        ("third_party/site-packages/six.py", 1),
        ("venv2/pyvenv.cfg", 1),
    ]


def test_a_local_dot_venv_in_a_plain_walk_is_not_reported(tmp_path: Path) -> None:
    root = _write(tmp_path / "r", {"app.py": "x = 1\n", ".venv/pyvenv.cfg": "home = /usr/bin\n",
                                   ".venv/lib/python3.12/site-packages/a.py": "x = 1\n"})
    assert _lines(root, "repo.no-vendored-environment") == []


def test_codeowners_only_counts_where_the_forge_reads_it(tmp_path: Path) -> None:
    misplaced = _write(tmp_path / "a", {"src/CODEOWNERS": "* @team\n"})
    assert len(_run(misplaced, "repo.codeowners")[0]) == 1
    for where in ("CODEOWNERS", ".github/CODEOWNERS", "docs/CODEOWNERS", ".gitlab/CODEOWNERS"):
        ok = _write(tmp_path / where.replace("/", "_"), {where: "* @team\n"})
        assert _run(ok, "repo.codeowners")[0] == [], where
