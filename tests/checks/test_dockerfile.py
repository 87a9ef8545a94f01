"""The Dockerfile parser and the 'dockerfile' checks on tricky inputs and on the example products."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from conftest import REPO_ROOT
from productready import inventory
from productready.checks import CHECK_KINDS
from productready.checks.base import ParseFailure
from productready.checks.dockerfile import Dockerfile, arg_pairs, parse_dockerfile, parse_image, words
from productready.checks.rulesets import Check, load_checks
from productready.config import data_dir, load_config
from productready.models import Coverage
from productready.scanners import ScanContext
from productready.scanners.checks import ChecksScanner

DIGEST = "sha256:78387bc3881b8273120a12ebe6c1ab22b018ccc2c9adf565ae1ac9b536e184ea"


class _Topic(ChecksScanner):
    """Only this topic's ruleset, so these tests do not depend on other topics."""

    def checks(self) -> list[Check]:
        return load_checks(CHECK_KINDS, [data_dir("rulesets") / "dockerfile.yaml"])


def _scan(root: Path, only: list[str] | None = None) -> tuple[list[tuple[str, str, int, str]], dict[str, Coverage], list[str]]:
    loaded = load_config(root)
    ctx = ScanContext(
        root=root.resolve(), inventory=inventory.collect(root, loaded.config.exclude), config=loaded.config,
        config_dir=root, timeout=60, jobs=1,
    )
    res = _Topic().run(ctx, only=only)
    hits = [(f.rule_id.removeprefix("checks:"), f.location.path, f.location.line, f.message) for f in res.findings]
    return hits, {k.removeprefix("checks:"): v for k, v in res.coverage}, [f"{s.path}: {s.reason}" for s in res.skipped]


def _repo(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "repo"
    for name, text in files.items():
        p = root / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


def _parse(text: str) -> Dockerfile:
    return parse_dockerfile(textwrap.dedent(text).lstrip("\n"), "Dockerfile")


# ------------------------------------------------------------------------------------ parser


def test_continuations_comments_and_lines() -> None:
    df = parse_dockerfile(
        textwrap.dedent(
            """\
            # syntax=docker/dockerfile:1
            FROM debian:12.8-slim
            RUN apt-get update \\
                # a comment inside a continued instruction is dropped
                && apt-get install -y --no-install-recommends curl \\

                && rm -rf /var/lib/apt/lists/*
            USER 10001
            """
        ),
        "Dockerfile",
    )
    run = df.final.instructions[0]
    assert run.keyword == "RUN" and (run.line, run.end_line) == (3, 7)
    assert "comment" not in run.args
    assert "install -y --no-install-recommends curl" in run.args and run.args.endswith("/var/lib/apt/lists/*")
    assert df.final.instructions[1].keyword == "USER" and df.final.instructions[1].line == 8


def test_escape_directive_backtick() -> None:
    df = parse_dockerfile(
        "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN dir c:\\ `\n    && echo done\n", "Dockerfile"
    )
    assert df.escape == "`"
    run = df.final.instructions[0]
    assert (run.line, run.end_line) == (3, 4)
    assert run.args.startswith("dir c:\\ ") and "echo done" in run.args


def test_directive_after_a_comment_is_only_a_comment() -> None:
    df = parse_dockerfile("# hello\n# escape=`\nFROM alpine:3.22\nRUN echo a \\\n  b\n", "Dockerfile")
    assert df.escape == "\\"
    assert df.final.instructions[0].end_line == 5


def test_heredocs_are_kept_out_of_the_instruction_stream() -> None:
    df = parse_dockerfile(
        "FROM alpine:3.22\n"
        "RUN <<EOF\n"
        "USER root\n"
        "apk add --no-cache curl\n"
        "EOF\n"
        "COPY <<-'CONF' /etc/app.conf\n"
        "\tFROM = nothing\n"
        "\tCONF\n"
        "RUN cat <<A <<B > /tmp/x\n"
        "one\n"
        "A\n"
        "two\n"
        "B\n"
        "USER 1000\n",
        "Dockerfile",
    )
    kws = [(i.keyword, i.line, i.end_line) for i in df.final.instructions]
    assert kws == [("RUN", 2, 5), ("COPY", 6, 8), ("RUN", 9, 13), ("USER", 14, 14)]
    assert df.final.instructions[0].heredocs == ("USER root\napk add --no-cache curl",)
    assert df.final.instructions[1].heredocs == ("FROM = nothing",)
    assert df.final.instructions[2].heredocs == ("one", "two")


def test_json_and_shell_form_and_flags() -> None:
    df = _parse(
        """
        FROM --platform=$BUILDPLATFORM golang:1.23 AS build
        RUN --mount=type=cache,target=/root/.cache/go-build go build -o /out/app ./cmd/app
        FROM gcr.io/distroless/static-debian12:nonroot
        COPY --from=build --chown=65532:65532 /out/app /app
        ENTRYPOINT ["/app", "--serve"]
        CMD [not json
        HEALTHCHECK --interval=30s CMD ["/app", "health"]
        """
    )
    build, final = df.stages
    assert build.from_instruction.flag("platform") == "$BUILDPLATFORM" and build.name == "build"
    assert build.instructions[0].flag("mount") == "type=cache,target=/root/.cache/go-build"
    assert build.instructions[0].rest.startswith("go build")
    copy, entry, cmd, hc = final.instructions
    assert copy.flag("from") == "build" and copy.flag("chown") == "65532:65532" and copy.rest == "/out/app /app"
    assert entry.json_args == ("/app", "--serve")
    assert cmd.json_args is None  # invalid JSON falls back to shell form
    assert hc.flag("interval") == "30s" and hc.json_args == ("/app", "health")


def test_stages_arg_before_from_and_stage_references() -> None:
    df = _parse(
        """
        ARG PYTHON_VERSION=3.12
        ARG BASE
        FROM python:${PYTHON_VERSION}-slim AS Base
        RUN useradd -u 10001 app
        USER 10001
        FROM base AS test
        FROM ${BASE}
        FROM ${BASE:-alpine:3.22}
        """
    )
    stages = df.stages
    assert [s.name for s in stages] == ["base", "test", None, None]
    assert stages[0].image == "python:3.12-slim" and stages[0].parent is None
    assert stages[1].parent == 0 and df.chain(stages[1]) == [stages[1], stages[0]]
    assert stages[2].image is None  # a build arg without a default: unknown
    assert stages[3].image == "alpine:3.22"
    assert [i.line for i in df.global_args] == [1, 2]


def test_env_and_arg_pairs() -> None:
    df = _parse(
        """
        FROM alpine:3.22
        ENV A=1 B="two words" C=
        ENV LEGACY some value here
        ARG TOKEN
        ARG X=y Z
        """
    )
    env1, env2, arg1, arg2 = df.final.instructions
    assert arg_pairs(env1) == [("A", "1"), ("B", "two words"), ("C", "")]
    assert arg_pairs(env2) == [("LEGACY", "some value here")]
    assert arg_pairs(arg1) == [("TOKEN", None)]
    assert arg_pairs(arg2) == [("X", "y"), ("Z", None)]
    assert words("a 'b c' \"d\\\"e\" f\\ g") == ["a", "b c", 'd"e', "f g"]


def test_image_reference_parsing() -> None:
    assert parse_image("python") == parse_image("docker.io/library/python")
    ref = parse_image(f"registry.example.com:5000/team/app:1.2@{DIGEST}")
    assert (ref.repository, ref.tag, ref.digest) == ("registry.example.com:5000/team/app", "1.2", DIGEST)
    assert parse_image("registry.example.com:5000/team/app").tag is None


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ("", "no FROM instruction", 1),
        ("# only a comment\nARG X=1\n", "no FROM instruction", 2),
        ("FORM python:3.12\n", "unknown instruction 'FORM'", 1),
        ("# c\n\nRUN echo hi\nFROM alpine:3.22\n", "RUN before the first FROM (only ARG may precede it)", 3),
        ("FROM alpine:3.22\nRUN <<EOF\necho never ends\n", "heredoc '<<EOF' is not terminated", 2),
        ("FROM alpine:3.22 as\n", "FROM takes an image and an optional 'AS name'", 1),
        ("FROM alpine:3.22\nONBUILD FROM x\n", "ONBUILD cannot trigger 'FROM'", 2),
        ("# escape=x\nFROM alpine:3.22\n", "invalid escape directive 'x' (must be \\ or `)", 1),
    ],
)
def test_malformed_dockerfiles_fail_with_a_line(text: str, message: str, line: int) -> None:
    with pytest.raises(ParseFailure) as exc:
        parse_dockerfile(text, "Dockerfile")
    assert (exc.value.message, exc.value.line) == (message, line)


# ------------------------------------------------------------------------------------ checks


def test_user_is_inherited_across_stages_and_root_is_caught(tmp_path: Path) -> None:
    root = _repo(tmp_path, {
        "a/Dockerfile": f"""
            FROM python:3.12-slim@{DIGEST} AS base
            RUN useradd -u 10001 app
            USER 10001
            FROM base
            CMD ["python"]
            """,
        "b/Dockerfile": f"""
            FROM python:3.12-slim@{DIGEST} AS build
            RUN pip install --no-cache-dir build
            FROM python:3.12-slim@{DIGEST}
            USER app
            USER 0:0
            """,
        "c/Dockerfile": f"""
            FROM python:3.12-slim@{DIGEST} AS build
            USER 10001
            FROM python:3.12-slim@{DIGEST} AS runtime
            CMD ["python"]
            """,
        "d/Dockerfile": "FROM gcr.io/distroless/python3-debian12:nonroot\nCMD [\"app.py\"]\n",
    })
    hits, cov, _ = _scan(root, ["dockerfile.non-root-user"])
    assert cov["dockerfile.non-root-user"] is Coverage.EVALUATED
    assert [(p, line) for _, p, line, _ in hits] == [("b/Dockerfile", 5), ("c/Dockerfile", 3)]
    assert hits[0][3] == "the final stage runs as root (USER 0:0) in final stage #2"
    assert hits[1][3] == "the final stage 'runtime' (FROM python:3.12-slim@" + DIGEST + ") never sets USER, so the container runs as root"


def test_base_image_judgement(tmp_path: Path) -> None:
    root = _repo(tmp_path, {
        "Dockerfile": f"""
            ARG PY=3.8
            ARG BASE
            FROM python:${{PY}}-slim AS old
            FROM python:3.11-buster AS deb
            FROM python:3.12-alpine3.17 AS alp
            FROM old AS again
            FROM ${{BASE}} AS unknown
            FROM scratch AS empty
            FROM node:hydrogen AS n
            FROM ubuntu:23.10 AS u
            FROM python:3.13-slim@{DIGEST}
            """,
    })
    hits, _, _ = _scan(root, ["dockerfile.eol-base-image", "dockerfile.base-image-version-tag"])
    eol = [(line, msg) for rule, _, line, msg in hits if rule == "dockerfile.eol-base-image"]
    assert [line for line, _ in eol] == [3, 4, 5, 9, 10]
    assert eol[0][1] == "base image 'python:3.8-slim' in stage 'old' is end-of-life: Python 3.8 lost security support on 2024-10-07"
    assert "Debian 10 (buster)" in eol[1][1] and "Alpine Linux 3.17" in eol[2][1] and "Node.js 18 (hydrogen)" in eol[3][1]
    tags = [(line, msg) for rule, _, line, msg in hits if rule == "dockerfile.base-image-version-tag"]
    assert tags == [(9, "base image 'node:hydrogen' in stage 'n' uses the tag 'hydrogen', which names no version")]


def test_secrets_in_env_and_arg(tmp_path: Path) -> None:
    root = _repo(tmp_path, {
        "Dockerfile": """
            ARG GITHUB_TOKEN=ghp_abcdefghijklmnopqrstuvwxyz0123456789
            FROM alpine:3.22
            ARG NPM_TOKEN
            ENV DB_PASSWORD=${DB_PASSWORD} \\
                SECRET_KEY_FILE=/run/secrets/secret_key \\
                TOKENIZERS_PARALLELISM=false \\
                AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE \\
                APP_SECRET="hunter2 with spaces"
            ENV API_KEY sk_live_123
            """,
    })
    hits, _, _ = _scan(root, ["dockerfile.no-secrets-in-env"])
    assert [(line, msg) for _, _, line, msg in hits] == [
        (1, "ARG GITHUB_TOKEN holds a literal default; it is stored in the image layers and history"),
        (4, "ENV APP_SECRET holds a literal value; it is stored in the image layers and history"),
        (9, "ENV API_KEY holds a literal value; it is stored in the image layers and history"),
    ]
    assert not any("hunter2" in m or "ghp_" in m or "sk_live" in m for *_, m in hits)


def test_run_patterns_see_heredoc_bodies_and_skip_verified_downloads(tmp_path: Path) -> None:
    root = _repo(tmp_path, {
        "Dockerfile": """
            FROM debian:12.8-slim
            RUN <<EOF
            set -e
            curl -fsSL https://get.example.com | sh
            EOF
            RUN curl -fsSLo /tmp/i.sh https://get.example.com && sha256sum -c i.sha256 && sh /tmp/i.sh
            RUN echo "curl is used later" | tee /tmp/note && sudo -n true
            RUN apt-get install -y sudo
            """,
    })
    hits, _, _ = _scan(root, ["dockerfile.no-curl-pipe-shell", "dockerfile.no-sudo"])
    assert [(r, line) for r, _, line, _ in hits] == [("dockerfile.no-curl-pipe-shell", 2), ("dockerfile.no-sudo", 7)]


def test_pip_cache_env_inherited_from_parent_stage(tmp_path: Path) -> None:
    root = _repo(tmp_path, {
        "Dockerfile": """
            FROM python:3.12-slim AS base
            ENV PIP_NO_CACHE_DIR=1
            FROM base AS deps
            RUN pip install -r requirements.txt
            FROM python:3.12-slim
            RUN python -m pip install --upgrade pip
            RUN --mount=type=cache,target=/root/.cache/pip pip install flask==3.1.0
            RUN uv pip install --no-cache --system flask==3.1.0
            """,
    })
    hits, _, _ = _scan(root, ["dockerfile.pip-no-cache-dir"])
    assert [(line, msg) for _, _, line, msg in hits] == [
        (6, "RUN pip install keeps pip's download cache in the layer (no --no-cache-dir) in final stage #3"),
    ]


def test_healthcheck_none_and_inherited(tmp_path: Path) -> None:
    root = _repo(tmp_path, {
        "a/Dockerfile": "FROM alpine:3.22 AS base\nHEALTHCHECK CMD [\"true\"]\nFROM base\nUSER 1000\n",
        "b/Dockerfile": "FROM alpine:3.22\nHEALTHCHECK NONE\n",
    })
    hits, _, _ = _scan(root, ["dockerfile.healthcheck"])
    assert [(p, line, msg) for _, p, line, msg in hits] == [
        ("b/Dockerfile", 2, "HEALTHCHECK NONE switches it off in the final image"),
    ]


def test_context_copy_dockerignore_locations(tmp_path: Path) -> None:
    root = _repo(tmp_path, {
        ".dockerignore": ".git\n",
        "Dockerfile": "FROM alpine:3.22\nCOPY . /app\n",  # root .dockerignore
        "svc/Dockerfile.prod": "FROM alpine:3.22\nCOPY [\".\", \"/app\"]\n",  # own ignore file below
        "svc/Dockerfile.prod.dockerignore": ".env\n",
        "other/sub/Dockerfile": "FROM alpine:3.22 AS b\nCOPY --from=b . /x\nCOPY ./ /app/\n",  # root file counts too
    })
    hits, _, _ = _scan(root, ["dockerfile.context-copy-dockerignore"])
    assert hits == []
    (root / ".dockerignore").unlink()
    hits, _, _ = _scan(root, ["dockerfile.context-copy-dockerignore"])
    assert [(p, line) for _, p, line, _ in hits] == [("Dockerfile", 2), ("other/sub/Dockerfile", 3)]


def test_broken_dockerfile_is_skipped_and_makes_checks_incomplete(tmp_path: Path) -> None:
    root = _repo(tmp_path, {
        "good/Dockerfile": "FROM python:3.7\nCMD [\"python\"]\n",
        "bad/Dockerfile": "FROM python:3.12\nRUNN pip install flask\n",
    })
    hits, cov, skipped = _scan(root)
    assert skipped == ["bad/Dockerfile: cannot parse as dockerfile (line 2): unknown instruction 'RUNN'"]
    assert cov["dockerfile.non-root-user"] is Coverage.INCOMPLETE
    assert cov["dockerfile.eol-base-image"] is Coverage.INCOMPLETE
    assert {p for _, p, _, _ in hits} == {"good/Dockerfile"}  # the good file is still checked
    assert ("dockerfile.eol-base-image", "good/Dockerfile", 1) in {(r, p, line) for r, p, line, _ in hits}


def test_no_dockerfile_means_no_input(tmp_path: Path) -> None:
    root = _repo(tmp_path, {"app.py": "print('hi')\n"})
    hits, cov, _ = _scan(root)
    assert hits == [] and set(cov.values()) == {Coverage.NO_INPUT}


# ------------------------------------------------------------------------------------ examples

FLAWED_DOCKERFILE = {
    ("dockerfile.eol-base-image", 1),
    ("dockerfile.base-image-digest", 1),
    ("dockerfile.no-secrets-in-env", 5),
    ("dockerfile.apt-no-install-recommends", 8),
    ("dockerfile.apt-lists-removed", 8),
    ("dockerfile.no-add-url", 10),
    ("dockerfile.context-copy-dockerignore", 13),
    ("dockerfile.pip-no-cache-dir", 14),
    ("dockerfile.non-root-user", 1),
    ("dockerfile.healthcheck", 1),
}


def test_examples_flawed_caught_and_hardened_clean(tmp_path: Path) -> None:
    flawed = tmp_path / "flawed"
    hardened = tmp_path / "hardened"
    shutil.copytree(REPO_ROOT / "examples" / "agrimarket-flawed", flawed)
    shutil.copytree(REPO_ROOT / "examples" / "agrimarket-hardened", hardened)
    hits, cov, skipped = _scan(flawed)
    assert skipped == []
    found = {(r, line) for r, p, line, _ in hits if p == "Dockerfile"}
    assert found >= FLAWED_DOCKERFILE, FLAWED_DOCKERFILE - found
    assert found == FLAWED_DOCKERFILE, found - FLAWED_DOCKERFILE  # nothing unexpected either
    hits, cov, skipped = _scan(hardened)
    assert skipped == [] and hits == []
    assert set(cov.values()) == {Coverage.EVALUATED}
