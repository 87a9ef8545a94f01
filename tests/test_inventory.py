"""One walk of the repository: classification, git listing, excludes, and untrusted-input safety."""

from __future__ import annotations

import subprocess
from pathlib import Path

from conftest import write_tree
from productready.inventory import collect


def _kinds(inv: object, path: str) -> set[str]:
    return set(next(f for f in inv.files if f.path == path).kinds)  # type: ignore[attr-defined]


def test_classifies_deploy_artifacts_and_documents(tmp_path: Path) -> None:
    repo = write_tree(
        tmp_path,
        {
            "src/app.py": "x = 1\n",
            "tests/test_app.py": "def test(): pass\n",
            "requirements.txt": "flask==3.0.0\n",
            "poetry.lock": "",
            "Dockerfile": "FROM python:3.12\n",
            "docker/Dockerfile.worker": "FROM python:3.12\n",
            "docker-compose.yml": "services: {}\n",
            "deploy/k8s/app.yaml": "---\napiVersion: v1\nkind: Service\n---\napiVersion: apps/v1\nkind: Deployment\n",
            "deploy/values.yaml": "replicas: 2\n",
            "chart/Chart.yaml": "apiVersion: v2\nname: c\n",
            "chart/templates/dep.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n",
            "infra/main.tf": 'provider "aws" {}\n',
            ".github/workflows/ci.yml": "on: push\n",
            ".github/dependabot.yml": "version: 2\n",
            ".gitlab-ci.yml": "stages: []\n",
            "SECURITY.md": "# Security\n",
            "LICENSE": "MIT\n",
            ".github/CODEOWNERS": "* @team\n",
            ".env": "A=1\n",
            "certs/server.pem": "x\n",
            "bin/tool": "#!/usr/bin/env python3\nprint(1)\n",
            "constraints.txt": "urllib3<3\n",
            "docs/ref/constraints.txt": "Model constraints\n=================\n",
        },
    )
    inv = collect(repo)
    assert inv.is_git is False
    assert _kinds(inv, "src/app.py") == set()
    assert _kinds(inv, "tests/test_app.py") == {"python-test"}
    assert _kinds(inv, "requirements.txt") == {"python-manifest"}
    assert _kinds(inv, "poetry.lock") == {"lockfile"}
    assert _kinds(inv, "constraints.txt") == {"python-manifest"}
    assert _kinds(inv, "docs/ref/constraints.txt") == set()
    assert _kinds(inv, "Dockerfile") == {"dockerfile"}
    assert _kinds(inv, "docker/Dockerfile.worker") == {"dockerfile"}
    assert _kinds(inv, "docker-compose.yml") == {"compose"}
    assert _kinds(inv, "deploy/k8s/app.yaml") == {"kubernetes"}
    assert _kinds(inv, "deploy/values.yaml") == set()
    assert _kinds(inv, "chart/Chart.yaml") == {"helm-chart"}
    assert _kinds(inv, "chart/templates/dep.yaml") == {"helm-template"}
    assert _kinds(inv, "infra/main.tf") == {"terraform"}
    assert _kinds(inv, ".github/workflows/ci.yml") == {"github-actions"}
    assert _kinds(inv, ".github/dependabot.yml") == {"dependabot"}
    assert _kinds(inv, ".gitlab-ci.yml") == {"gitlab-ci"}
    assert _kinds(inv, "SECURITY.md") == {"security-policy"}
    assert _kinds(inv, "LICENSE") == {"license"}
    assert _kinds(inv, ".github/CODEOWNERS") == {"codeowners"}
    assert _kinds(inv, ".env") == {"env-file"}
    assert _kinds(inv, "certs/server.pem") == {"secret-file"}
    assert next(f for f in inv.files if f.path == "bin/tool").language == "python"
    assert [f.path for f in inv.files] == sorted(f.path for f in inv.files)


def test_git_listing_respects_gitignore_and_includes_untracked(tmp_path: Path) -> None:
    repo = write_tree(
        tmp_path / "r",
        {".gitignore": "build/\n*.log\n", "a.py": "", "build/gen.py": "", "x.log": "", "new.py": ""},
    )
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    subprocess.run(["git", "add", ".gitignore", "a.py"], cwd=repo, check=True)
    inv = collect(repo)
    assert inv.is_git is True
    assert [f.path for f in inv.files] == [".gitignore", "a.py", "new.py"]


def test_plain_walk_skips_vcs_and_virtualenv_folders(tmp_path: Path) -> None:
    repo = write_tree(
        tmp_path,
        {"a.py": "", "node_modules/x/index.js": "", "env/pyvenv.cfg": "", "env/lib/site.py": "", "__pycache__/a.pyc": ""},
    )
    inv = collect(repo)
    assert [f.path for f in inv.files] == ["a.py"]
    assert {s.path for s in inv.skipped} == {"node_modules/", "env/", "__pycache__/"}


def test_excludes_files_and_folders(tmp_path: Path) -> None:
    repo = write_tree(tmp_path, {"a.py": "", "docs/conf.py": "", "vendor/lib/x.py": "", "gen_pb2.py": ""})
    inv = collect(repo, exclude=["docs/", "vendor", "*_pb2.py"])
    assert [f.path for f in inv.files] == ["a.py"]


def test_large_binary_and_special_files_are_skipped_with_reason(tmp_path: Path) -> None:
    repo = write_tree(tmp_path, {"small.py": "x = 1\n"})
    (repo / "big.py").write_text("x = 1\n" * 1000)
    (repo / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0")
    inv = collect(repo, max_file_size=1000)
    assert [f.path for f in inv.files] == ["small.py"]
    assert {(s.path, s.reason) for s in inv.skipped} == {
        ("big.py", "larger than 1000 bytes"),
        ("logo.png", "binary file"),
    }


def test_symlinks_out_of_root_are_not_followed(tmp_path: Path) -> None:
    outside = write_tree(tmp_path / "outside", {"secret.py": "KEY = 'x'\n", "dir/inner.py": ""})
    repo = write_tree(tmp_path / "repo", {"a.py": ""})
    (repo / "link.py").symlink_to(outside / "secret.py")
    (repo / "linkdir").symlink_to(outside / "dir", target_is_directory=True)
    (repo / "inner_link.py").symlink_to(repo / "a.py")
    (repo / "dangling.py").symlink_to(tmp_path / "missing.py")
    inv = collect(repo)
    assert [f.path for f in inv.files] == ["a.py"]
    reasons = {s.path: s.reason for s in inv.skipped}
    assert reasons == {
        "link.py": "symlink points outside the repository; not followed",
        "linkdir": "symlink points outside the repository; not followed",
        "inner_link.py": "symlink inside the repository; its target is scanned at its own path",
        "dangling.py": "broken symlink",
    }


def test_git_tracked_symlink_out_of_root_is_not_followed(tmp_path: Path) -> None:
    outside = write_tree(tmp_path / "outside", {"secret.py": "x = 1\n"})
    repo = write_tree(tmp_path / "repo", {"a.py": ""})
    (repo / "link.py").symlink_to(outside / "secret.py")
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    inv = collect(repo)
    assert inv.is_git
    assert [f.path for f in inv.files] == ["a.py"]
    assert [s.path for s in inv.skipped] == ["link.py"]
