"""Dependency manifest parsing: requirements files, pyproject.toml and lockfiles."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

from productready.deps.manifests import (
    Dependency,
    DepKind,
    ManifestProblem,
    ManifestSet,
    is_manifest,
    parse_manifests,
    resolve,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "manifests"

Row = tuple[str, int, str, str, str | None]


def rows(ms: ManifestSet | tuple[Dependency, ...]) -> list[Row]:
    deps = ms.dependencies if isinstance(ms, ManifestSet) else ms
    return [(d.file, d.line, d.name, d.kind.value, d.version) for d in deps]


def problems(ms: ManifestSet) -> list[tuple[str, int, str]]:
    return [(p.file, p.line, p.message) for p in ms.problems]


def only(ms: ManifestSet, name: str) -> Dependency:
    found = [d for d in ms.dependencies if d.name == name]
    assert len(found) == 1, found
    return found[0]


def write(root: Path, files: dict[str, str | bytes]) -> Path:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
    return root


# --------------------------------------------------------------------------- discovery


@pytest.mark.parametrize(
    "relpath",
    [
        "requirements.txt",
        "requirements-dev.txt",
        "requirements_test.txt",
        "dev-requirements.txt",
        "docs/requirements.txt",
        "requirements/base.txt",
        "svc/requirements/prod.txt",
        "constraints.txt",
        "constraints-py311.txt",
        "pyproject.toml",
        "packages/a/pyproject.toml",
        "poetry.lock",
        "uv.lock",
        "Pipfile.lock",
        "pylock.toml",
        "pylock.dev.toml",
        "Requirements.txt",
    ],
)
def test_is_manifest_accepts(relpath: str) -> None:
    assert is_manifest(relpath) is True


@pytest.mark.parametrize(
    "relpath",
    [
        "requirements.in",
        "requirements/base.in",
        "setup.py",
        "setup.cfg",
        "Pipfile",
        "package-lock.json",
        "pylock-dev.toml",
        "pyproject.toml.bak",
        "notes.txt",
        "requirements.txt/README.md",
    ],
)
def test_is_manifest_rejects(relpath: str) -> None:
    assert is_manifest(relpath) is False


# --------------------------------------------------------------------------- requirements files


def test_requirements_fixture_dependencies_and_lines() -> None:
    ms = parse_manifests(FIXTURES / "reqs", ["requirements.txt"])
    assert rows(ms) == [
        ("requirements.txt", 10, "django-rest-framework", "pinned", "3.14.0"),
        ("requirements.txt", 11, "requests", "unpinned", None),
        ("requirements.txt", 12, "flask", "pinned", "2.3.2"),
        ("requirements.txt", 15, "pywin32", "pinned", "306"),
        ("requirements.txt", 16, "uvloop", "pinned", "0.19.0"),
        ("requirements.txt", 17, "attrs", "pinned", "23.1.0"),
        ("requirements.txt", 18, "numpy", "unpinned", None),
        ("requirements.txt", 19, "legacy", "pinned", "1.0-custom"),
        ("requirements.txt", 22, "mypkg", "editable", None),
        ("requirements.txt", 23, "editable-pkg", "editable", None),
        ("requirements.txt", 24, "mylib", "vcs", None),
        ("requirements.txt", 25, "other-pkg", "vcs", None),
        ("requirements.txt", 26, "wheelpkg", "url", None),
        ("requirements.txt", 27, "localpkg", "local_path", None),
        ("requirements.txt", 28, "filepkg", "local_path", None),
        ("requirements.txt", 29, "archive", "url", None),
        ("requirements.txt", 30, "private-pkg", "url", None),
        ("requirements.txt", 31, "urllib3", "pinned", "2.0.7"),
        ("requirements/base.txt", 2, "six", "pinned", "1.16.0"),
        ("requirements/common.txt", 2, "idna", "pinned", "3.4"),
    ]
    # index/find-links/--pre/--no-binary/--trusted-host lines are ignored, never errors
    assert ms.problems == ()
    assert ms.files == (
        "constraints.txt",
        "requirements.txt",
        "requirements/base.txt",
        "requirements/common.txt",
    )


def test_requirements_full_records() -> None:
    ms = parse_manifests(FIXTURES / "reqs", ["requirements.txt"])
    assert only(ms, "django-rest-framework") == Dependency(
        name="django-rest-framework",
        raw_name="Django_Rest.Framework",
        version="3.14.0",
        specifier="==3.14.0",
        kind=DepKind.PINNED,
        file="requirements.txt",
        line=10,
        extras=(),
        marker=None,
        hashes=(),
        source="requirements",
        is_lock=False,
        dev=False,
    )
    requests = only(ms, "requests")
    assert requests.specifier == ">=2.31,<3"
    assert requests.extras == ("security", "socks")
    assert requests.marker == 'python_version >= "3.8"'
    assert requests.version is None
    flask = only(ms, "flask")
    assert (flask.line, flask.hashes) == (12, ("sha256:aaaa1111", "sha256:bbbb2222"))
    assert only(ms, "pywin32").marker == 'sys_platform == "win32"'
    assert only(ms, "uvloop").marker == 'sys_platform != "win32"'
    assert (only(ms, "numpy").specifier, only(ms, "numpy").version) == ("==1.*", None)
    assert only(ms, "legacy").specifier == "===1.0-custom"


@pytest.mark.parametrize(
    ("name", "kind", "raw_name", "url"),
    [
        ("mypkg", DepKind.EDITABLE, "mypkg", "./src/mypkg"),
        (
            "editable-pkg",
            DepKind.EDITABLE,
            "editable_pkg",
            "git+https://github.com/org/editable.git@v1#egg=editable_pkg",
        ),
        ("mylib", DepKind.VCS, "mylib", "git+https://github.com/org/mylib.git@v2.0"),
        ("other-pkg", DepKind.VCS, "other_pkg", "git+https://github.com/org/other.git#egg=other_pkg"),
        ("wheelpkg", DepKind.URL, "wheelpkg", "https://example.com/pkgs/wheelpkg-1.0-py3-none-any.whl"),
        ("localpkg", DepKind.LOCAL_PATH, "localpkg", "./vendor/localpkg"),
        ("filepkg", DepKind.LOCAL_PATH, "filepkg", "file:///opt/pkgs/filepkg-2.0.tar.gz"),
        ("archive", DepKind.URL, "archive", "https://example.com/archive-1.0.tar.gz"),
        # ${VAR} is left as written
        ("private-pkg", DepKind.URL, "private-pkg", "https://${TOKEN}@example.com/private-pkg-1.0.tar.gz"),
    ],
)
def test_unauditable_lines_are_classified(name: str, kind: DepKind, raw_name: str, url: str) -> None:
    dep = only(parse_manifests(FIXTURES / "reqs", ["requirements.txt"]), name)
    assert (dep.kind, dep.raw_name, dep.url, dep.version, dep.specifier) == (kind, raw_name, url, None, "")


def test_constraints_pin_but_do_not_add() -> None:
    ms = parse_manifests(FIXTURES / "reqs", ["requirements.txt"])
    names = {d.name for d in ms.dependencies}
    assert "click" not in names  # only in constraints.txt
    attrs = only(ms, "attrs")
    assert (attrs.kind, attrs.version, attrs.specifier, attrs.line) == (DepKind.PINNED, "23.1.0", "", 17)
    urllib3 = only(ms, "urllib3")
    assert (urllib3.kind, urllib3.version, urllib3.specifier) == (DepKind.PINNED, "2.0.7", ">=1.26")


def test_constraints_file_alone_adds_nothing(tmp_path: Path) -> None:
    write(tmp_path, {"constraints.txt": "a==1.0\nnot valid ===\n"})
    ms = parse_manifests(tmp_path, ["constraints.txt"])
    assert ms.dependencies == ()
    assert ms.files == ("constraints.txt",)
    assert problems(ms) == [("constraints.txt", 2, "cannot parse requirement 'not valid ==='")]


def test_constraint_that_contradicts_the_requirement(tmp_path: Path) -> None:
    write(tmp_path, {"requirements.txt": "a>=2\n-c c.txt\n", "c.txt": "# pins\na==1.0\n"})
    ms = parse_manifests(tmp_path, ["requirements.txt"])
    assert rows(ms) == [("requirements.txt", 1, "a", "unpinned", None)]
    assert problems(ms) == [
        ("requirements.txt", 1, "constraint 'a==1.0' (c.txt:2) does not satisfy 'a>=2'"),
    ]


def test_conflicting_constraint_pins_leave_it_unpinned(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "requirements.txt": "a\n-c c.txt\n",
            "c.txt": 'a==1.0; sys_platform == "win32"\na==2.0; sys_platform != "win32"\n',
        },
    )
    ms = parse_manifests(tmp_path, ["requirements.txt"])
    assert rows(ms) == [("requirements.txt", 1, "a", "unpinned", None)]
    assert ms.problems == ()


def test_constraint_applies_to_the_whole_tree_and_wins_over_a_standalone_read(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "requirements/prod.txt": "-r base.txt\n-c ../constraints.txt\n",
            "requirements/base.txt": "# base\na\n",
            "constraints.txt": "a==1.0\n",
        },
    )
    ms = parse_manifests(tmp_path, ["requirements/prod.txt", "requirements/base.txt"])
    assert rows(ms) == [("requirements/base.txt", 2, "a", "pinned", "1.0")]
    assert ms.files == ("constraints.txt", "requirements/base.txt", "requirements/prod.txt")
    alone = parse_manifests(tmp_path, ["requirements/base.txt"])
    assert rows(alone) == [("requirements/base.txt", 2, "a", "unpinned", None)]


def test_nested_includes_in_every_spelling(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "requirements.txt": """
                --requirement reqs/one.txt
                -rreqs/two.txt
                --requirement=reqs/three.txt
                -r reqs/one.txt
                """,
            "reqs/one.txt": "-r ../shared/four.txt\none==1\n",
            "reqs/two.txt": "two==2\n",
            "reqs/three.txt": "three==3\n",
            "shared/four.txt": "four==4\n",
        },
    )
    ms = parse_manifests(tmp_path, ["requirements.txt", "./reqs/two.txt"])
    assert rows(ms) == [
        ("reqs/one.txt", 2, "one", "pinned", "1"),
        ("reqs/three.txt", 1, "three", "pinned", "3"),
        ("reqs/two.txt", 1, "two", "pinned", "2"),
        ("shared/four.txt", 1, "four", "pinned", "4"),
    ]
    assert ms.problems == ()
    assert ms.files == (
        "reqs/one.txt",
        "reqs/three.txt",
        "reqs/two.txt",
        "requirements.txt",
        "shared/four.txt",
    )


def test_malformed_requirement_lines_are_problems_with_lines() -> None:
    ms = parse_manifests(FIXTURES / "reqs", ["bad-requirements.txt"])
    assert problems(ms) == [
        ("bad-requirements.txt", 1, "cannot parse requirement 'flask=>1.0'"),
        ("bad-requirements.txt", 2, "unknown option '--frobnicate'"),
        ("bad-requirements.txt", 3, "invalid --hash value 'nothex' (expected ALGORITHM:HEX)"),
        ("bad-requirements.txt", 4, "-r target 'missing.txt' not found"),
        (
            "bad-requirements.txt",
            5,
            "-c target '../../../../../../../../etc/passwd' is outside the scanned root, not read",
        ),
        ("bad-requirements.txt", 6, "-r target 'https://example.com/remote.txt' is a URL, not fetched"),
    ]
    assert rows(ms) == [
        ("bad-requirements.txt", 3, "good", "pinned", "1.0"),
        ("bad-requirements.txt", 7, "ok", "pinned", "2.0"),
    ]
    assert ms.files == ("bad-requirements.txt",)


def test_include_loop_is_detected() -> None:
    ms = parse_manifests(FIXTURES / "loop", ["requirements-a.txt"])
    assert rows(ms) == [
        ("requirements-a.txt", 1, "alpha", "pinned", "1.0"),
        ("requirements-b.txt", 1, "beta", "pinned", "2.0"),
    ]
    assert problems(ms) == [("requirements-b.txt", 2, "include loops back to 'requirements-a.txt'")]


def test_self_include_is_a_loop(tmp_path: Path) -> None:
    write(tmp_path, {"requirements.txt": "a==1\n-r ./requirements.txt\n"})
    ms = parse_manifests(tmp_path, ["requirements.txt"])
    assert problems(ms) == [("requirements.txt", 2, "include loops back to 'requirements.txt'")]
    assert rows(ms) == [("requirements.txt", 1, "a", "pinned", "1")]


def test_include_escaping_root_is_not_read() -> None:
    ms = parse_manifests(FIXTURES / "escape", ["requirements.txt"])
    assert problems(ms) == [
        (
            "requirements.txt",
            2,
            "-r target '../../../../../../../../../../etc/passwd' is outside the scanned root, not read",
        )
    ]
    assert rows(ms) == [("requirements.txt", 1, "safe", "pinned", "1.0")]
    assert ms.files == ("requirements.txt",)


def test_symlinks_out_of_root_are_not_followed(tmp_path: Path) -> None:
    outside = write(tmp_path / "outside", {"secret.txt": "leaked==1.0\n"})
    root = write(tmp_path / "repo", {"requirements.txt": "ok==1\n-r link.txt\n"})
    os.symlink(outside / "secret.txt", root / "link.txt")
    os.symlink(outside / "secret.txt", root / "requirements-dev.txt")
    os.symlink(outside / "secret.txt", root / "pyproject.toml")
    ms = parse_manifests(root, ["requirements.txt", "requirements-dev.txt", "pyproject.toml"])
    assert problems(ms) == [
        ("pyproject.toml", 1, "file resolves outside the scanned root, not read"),
        ("requirements-dev.txt", 1, "file resolves outside the scanned root, not read"),
        ("requirements.txt", 2, "-r target 'link.txt' is outside the scanned root, not read"),
    ]
    assert rows(ms) == [("requirements.txt", 1, "ok", "pinned", "1")]
    assert ms.files == ("requirements.txt",)


def test_symlink_inside_root_is_followed(tmp_path: Path) -> None:
    root = write(tmp_path, {"requirements.txt": "-r link.txt\n", "real/base.txt": "inner==2\n"})
    os.symlink(root / "real" / "base.txt", root / "link.txt")
    ms = parse_manifests(root, ["requirements.txt"])
    assert rows(ms) == [("real/base.txt", 1, "inner", "pinned", "2")]
    assert ms.problems == ()


def test_oversized_files_are_not_read(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "requirements.txt": "a==1\n-r big.txt\n",
            "big.txt": "b==1\n" * 20,
            "pyproject.toml": "[project]\n" + "# padding\n" * 20,
        },
    )
    ms = parse_manifests(tmp_path, ["requirements.txt", "pyproject.toml"], max_bytes=60)
    assert problems(ms) == [
        ("big.txt", 1, "file larger than 60 bytes, not read"),
        ("pyproject.toml", 1, "file larger than 60 bytes, not read"),
    ]
    assert rows(ms) == [("requirements.txt", 1, "a", "pinned", "1")]
    assert ms.files == ("requirements.txt",)


def test_undecodable_and_missing_files(tmp_path: Path) -> None:
    write(tmp_path, {"requirements.txt": b"ok==1\n\xff\xfe bad\n"})
    ms = parse_manifests(tmp_path, ["requirements.txt", "requirements-gone.txt"])
    assert problems(ms) == [
        ("requirements-gone.txt", 1, "cannot read file: No such file or directory"),
        ("requirements.txt", 2, "cannot decode as UTF-8: invalid byte at offset 6"),
    ]
    assert ms.dependencies == ()


def test_continuations_comments_bom_and_crlf(tmp_path: Path) -> None:
    text = (
        "\ufeff# top comment\r\n"
        "alpha==1.0 \\\r\n"
        "    --hash=sha256:ab \\\r\n"
        "    --hash sha512:cd\r\n"
        "# a comment ending in a backslash is not continued \\\r\n"
        "beta==2.0  # trailing comment\r\n"
        "\r\n"
        "gamma==3.0 # comment swallows the continued line \\\r\n"
        "swallowed==9\r\n"
        "foo (>=1.0)\r\n"
        "version-var==${VERSION}\r\n"
        "last==4 \\\r\n"
    )
    write(tmp_path, {"requirements.txt": text.encode("utf-8")})
    ms = parse_manifests(tmp_path, ["requirements.txt"])
    assert rows(ms) == [
        ("requirements.txt", 2, "alpha", "pinned", "1.0"),
        ("requirements.txt", 6, "beta", "pinned", "2.0"),
        ("requirements.txt", 8, "gamma", "pinned", "3.0"),
        ("requirements.txt", 10, "foo", "unpinned", None),
        ("requirements.txt", 12, "last", "pinned", "4"),
    ]
    assert only(ms, "alpha").hashes == ("sha256:ab", "sha512:cd")
    assert only(ms, "foo").specifier == ">=1.0"
    assert problems(ms) == [("requirements.txt", 11, "cannot parse requirement 'version-var==${VERSION}'")]


def test_editable_and_local_forms(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "requirements.txt": """
                -e .
                --editable=.[dev,test]
                ../sibling
                pkgs/thing-2.1.tar.gz
                ./vendor/pkg[extra] ; python_version < "3.12"
                git+ssh://git@github.com/org/repo.git@main
                hg+https://hg.example.com/proj#egg=Proj_X
                plain @ file:///srv/plain
                """,
        },
    )
    ms = parse_manifests(tmp_path, ["requirements.txt"])
    got = [(d.line, d.name, d.kind, d.extras, d.marker, d.url) for d in ms.dependencies]
    assert got == [
        (1, ".", DepKind.EDITABLE, (), None, "."),
        (2, ".", DepKind.EDITABLE, ("dev", "test"), None, "."),
        (3, "sibling", DepKind.LOCAL_PATH, (), None, "../sibling"),
        (4, "thing", DepKind.LOCAL_PATH, (), None, "pkgs/thing-2.1.tar.gz"),
        (5, "pkg", DepKind.LOCAL_PATH, ("extra",), 'python_version < "3.12"', "./vendor/pkg"),
        (6, "repo", DepKind.VCS, (), None, "git+ssh://git@github.com/org/repo.git@main"),
        (7, "proj-x", DepKind.VCS, (), None, "hg+https://hg.example.com/proj#egg=Proj_X"),
        (8, "plain", DepKind.LOCAL_PATH, (), None, "file:///srv/plain"),
    ]
    assert ms.problems == ()


def test_option_errors(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "requirements.txt": """
                --index-url
                -c c.txt
                -e "unclosed
                --no-deps
                """,
            "c.txt": "-e ./pkg\n",
        },
    )
    ms = parse_manifests(tmp_path, ["requirements.txt"])
    assert problems(ms) == [
        ("c.txt", 1, "editable requirements are not allowed as constraints"),
        ("requirements.txt", 1, "option '--index-url' needs a value"),
        ("requirements.txt", 3, "cannot parse options '-e \"unclosed': No closing quotation"),
        ("requirements.txt", 4, "unknown option '--no-deps'"),
    ]
    assert ms.dependencies == ()


def test_pep503_normalisation() -> None:
    ms = parse_manifests(FIXTURES / "reqs", ["requirements.txt"])
    dep = only(ms, "django-rest-framework")
    assert (dep.name, dep.raw_name) == ("django-rest-framework", "Django_Rest.Framework")


def test_unrecognised_path_is_read_as_requirements(tmp_path: Path) -> None:
    write(tmp_path, {"requirements.in": "Some.Pkg>=1\n"})
    ms = parse_manifests(tmp_path, ["requirements.in"])
    assert rows(ms) == [("requirements.in", 1, "some-pkg", "unpinned", None)]


# --------------------------------------------------------------------------- pyproject.toml


def test_pep621_and_pep735() -> None:
    ms = parse_manifests(FIXTURES / "pep621", ["pyproject.toml"])
    got = [(d.line, d.name, d.kind.value, d.version, d.specifier, d.dev, d.source) for d in ms.dependencies]
    assert got == [
        (9, "httpx", "unpinned", None, ">=0.27", False, "pyproject-pep621"),
        (10, "pyyaml", "pinned", "6.0.1", "==6.0.1", False, "pyproject-pep621"),
        (11, "rich", "pinned", "13.7.1", "==13.7.1", False, "pyproject-pep621"),
        (12, "mylib", "vcs", None, "", False, "pyproject-pep621"),
        (17, "coverage", "unpinned", None, "", True, "pyproject-pep621"),
        (17, "pytest", "pinned", "8.2.0", "==8.2.0", True, "pyproject-pep621"),
        (19, "sphinx", "unpinned", None, ">=7", True, "pyproject-pep621"),
        (23, "ruff", "pinned", "0.5.0", "==0.5.0", True, "pyproject-pep735"),
    ]
    rich = only(ms, "rich")
    assert (rich.raw_name, rich.extras, rich.marker) == ("rich", ("jupyter",), 'python_version >= "3.9"')
    assert only(ms, "pyyaml").raw_name == "PyYAML"
    assert only(ms, "mylib").url == "git+https://github.com/org/mylib.git@v2"
    assert problems(ms) == [("pyproject.toml", 13, "cannot parse requirement 'flask=>1.0'")]
    assert ms.files == ("pyproject.toml",)


def test_pyproject_lines_survive_tricky_toml(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "pyproject.toml": '''
                # dependencies = ["decoy==0"]
                [project]
                name = "tricky"
                description = """
                dependencies = [
                  "not-a-dep==1",
                ]
                """
                "optional-dependencies".extra-stuff = ['one==1', "two]x" ]  # comment, with [brackets]
                authors = [{name = "A [B]", email = "a@example.com"}]
                dependencies = [ "first==1", "second",
                    # a comment line "third"
                    "third>=3",
                ]

                [tool.other]
                dependencies = ["not-ours==1"]
                ''',
        },
    )
    ms = parse_manifests(tmp_path, ["pyproject.toml"])
    got = [(d.line, d.name, d.kind.value, d.dev) for d in ms.dependencies]
    assert got == [
        (9, "one", "pinned", True),
        (11, "first", "pinned", False),
        (11, "second", "unpinned", False),
        (13, "third", "unpinned", False),
    ]
    assert problems(ms) == [
        ("pyproject.toml", 9, "cannot parse requirement 'two]x'"),
    ]


def test_setuptools_dynamic_requirement_files(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "pkg/pyproject.toml": """
                [project]
                name = "x"
                dynamic = ["dependencies", "optional-dependencies"]

                [tool.setuptools.dynamic]
                dependencies = {file = ["requirements.in"]}
                optional-dependencies.dev = {file = "dev.in"}
                optional-dependencies.gone = {file = ["gone.in"]}
                """,
            "pkg/requirements.in": "a==1\n",
            "pkg/dev.in": "b\n",
        },
    )
    ms = parse_manifests(tmp_path, ["pkg/pyproject.toml"])
    got = [(d.file, d.line, d.name, d.kind.value, d.dev, d.source) for d in ms.dependencies]
    assert got == [
        ("pkg/dev.in", 1, "b", "unpinned", True, "requirements"),
        ("pkg/requirements.in", 1, "a", "pinned", False, "requirements"),
    ]
    assert problems(ms) == [("pkg/pyproject.toml", 8, "dynamic requirements file 'gone.in' not found")]
    assert ms.files == ("pkg/dev.in", "pkg/pyproject.toml", "pkg/requirements.in")


def test_dynamic_dependencies_without_files_are_a_problem(tmp_path: Path) -> None:
    write(tmp_path, {"pyproject.toml": '[project]\nname = "x"\ndynamic = ["version", "dependencies"]\n'})
    ms = parse_manifests(tmp_path, ["pyproject.toml"])
    assert problems(ms) == [
        (
            "pyproject.toml",
            3,
            "[project] dependencies are dynamic (computed by the build backend) and cannot be read without running it",
        )
    ]


def test_pyproject_wrong_types_are_problems(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "pyproject.toml": """
                [project]
                name = "x"
                dependencies = "a"

                [project.optional-dependencies]
                x = [1]

                [tool.poetry]
                dependencies = ["nope"]
                """,
        },
    )
    ms = parse_manifests(tmp_path, ["pyproject.toml"])
    assert problems(ms) == [
        ("pyproject.toml", 3, "[project] dependencies must be an array of strings"),
        ("pyproject.toml", 6, "[project.optional-dependencies] x must be an array of strings"),
        ("pyproject.toml", 9, "[tool.poetry.dependencies] must be a table"),
    ]
    assert ms.dependencies == ()


def test_poetry_pyproject() -> None:
    ms = parse_manifests(FIXTURES / "poetry", ["pyproject.toml"])
    got = [(d.line, d.name, d.kind.value, d.version, d.specifier, d.dev) for d in ms.dependencies]
    assert got == [
        (8, "requests", "unpinned", None, "^2.31", False),
        (9, "click", "pinned", "8.1.7", "8.1.7", False),
        (10, "ruamel-yaml", "pinned", "0.18.6", "==0.18.6", False),
        (11, "pendulum", "unpinned", None, "~3.0", False),
        (12, "anyio", "unpinned", None, "4.*", False),
        (13, "star", "unpinned", None, "*", False),
        (14, "uvicorn", "pinned", "0.30.1", "0.30.1", True),
        (15, "pytz", "unpinned", None, ">=2023", False),
        (16, "mylib", "vcs", None, "", False),
        (17, "localpkg", "editable", None, "", False),
        (18, "vendored", "local_path", None, "", False),
        (19, "remote", "url", None, "", False),
        (21, "multi", "pinned", "1.0", "1.0", False),
        (22, "multi", "unpinned", None, "^2.0", False),
        (27, "pytest", "unpinned", None, "^8.0", True),
        (30, "black", "pinned", "24.4.2", "24.4.2", True),
        (32, "idna", "pinned", "3.7", "3.7", False),
    ]
    assert all(d.source == "pyproject-poetry" and not d.is_lock for d in ms.dependencies)
    assert "python" not in {d.name for d in ms.dependencies}
    uvicorn = only(ms, "uvicorn")
    assert uvicorn.extras == ("standard",)
    assert only(ms, "pytz").marker == "sys_platform == 'linux'"
    assert only(ms, "click").raw_name == "Click"
    assert only(ms, "mylib").url == "https://github.com/org/mylib.git"
    assert only(ms, "localpkg").url == "../localpkg"
    assert problems(ms) == [("pyproject.toml", 24, "cannot parse Poetry constraint 'not a >> constraint' for 'bogus'")]


# --------------------------------------------------------------------------- lockfiles


def test_poetry_lock() -> None:
    ms = parse_manifests(FIXTURES / "poetry", ["poetry.lock"])
    got = [(d.line, d.name, d.raw_name, d.kind.value, d.version, d.dev, d.url) for d in ms.dependencies]
    assert got == [
        (3, "certifi", "certifi", "pinned", "2024.7.4", False, None),
        (14, "requests", "Requests", "pinned", "2.32.3", False, None),
        (22, "pytest", "pytest", "pinned", "8.2.2", True, None),
        (31, "mylib", "mylib", "vcs", None, False, "https://github.com/org/mylib.git"),
        (46, "localpkg", "localpkg", "editable", None, False, "../localpkg"),
    ]
    assert all(d.is_lock and d.source == "poetry.lock" for d in ms.dependencies)
    assert only(ms, "certifi").hashes == (
        "sha256:c198e21b1289c2ab85ee4e67bb4b4ef3ead0892059901a8d5b622f24a1101e90",
        "sha256:5a1e7645bc0ec61a09e26c36f6106dd4cf40c6db3a1fb6352b0244e7fb057c7b",
    )
    assert ms.problems == ()


def test_poetry_lock_legacy_hashes_and_groups(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "poetry.lock": """
                [[package]]
                name = "six"
                version = "1.16.0"
                groups = ["dev"]
                markers = "python_version < '3.12'"

                [[package]]
                name = "idna"
                version = "3.7"
                groups = ["main", "dev"]

                [metadata]
                lock-version = "1.1"

                [metadata.files]
                six = [
                    {file = "six-1.16.0.tar.gz", hash = "sha256:1e61"},
                ]
                """,
        },
    )
    ms = parse_manifests(tmp_path, ["poetry.lock"])
    got = [(d.line, d.name, d.version, d.dev, d.hashes, d.marker) for d in ms.dependencies]
    assert got == [
        (1, "six", "1.16.0", True, ("sha256:1e61",), "python_version < '3.12'"),
        (7, "idna", "3.7", False, (), None),
    ]


def test_uv_lock_skips_the_project_itself() -> None:
    ms = parse_manifests(FIXTURES / "uv", ["uv.lock"])
    got = [(d.line, d.name, d.kind.value, d.version, d.url) for d in ms.dependencies]
    assert got == [
        (4, "anyio", "pinned", "4.4.0", None),
        (17, "idna", "pinned", "3.7", None),
        (33, "gitdep", "vcs", None, "https://github.com/org/gitdep?rev=v0.3#0123abcd"),
        (38, "member", "editable", None, "packages/member"),
        (43, "sniffio", "pinned", "1.3.1", None),
    ]
    assert only(ms, "anyio").hashes == (
        "sha256:5aadc6a1bbb7cdb0bede386cac5e2940f5e2ff3aa20277e991cf028e0585ce94",
        "sha256:c1b2d8f46a8a812513012e1107cb0e68c17159a7a594208005a57dc776e1bdc7",
    )
    assert all(d.is_lock and d.source == "uv.lock" for d in ms.dependencies)
    assert ms.problems == ()


def test_pipfile_lock() -> None:
    ms = parse_manifests(FIXTURES / "pipenv", ["Pipfile.lock"])
    got = [(d.line, d.name, d.kind.value, d.version, d.specifier, d.dev) for d in ms.dependencies]
    assert got == [
        (19, "requests", "pinned", "2.32.3", "==2.32.3", False),
        (28, "mylib", "vcs", None, "", False),
        (36, "loose", "unpinned", None, "*", False),
        (41, "pytest", "pinned", "8.2.2", "==8.2.2", True),
    ]
    requests = only(ms, "requests")
    assert requests.marker == "python_version >= '3.8'"
    assert requests.hashes == (
        "sha256:58cd2187c01e70e6e26505bca751777aa9f2ee0b7f4300988b709f44e013003f",
        "sha256:942c5a758f98d790eaed1a29cb6eefc7ffb0d1cf7af05c3d2791656dbd6ad1e1",
    )
    assert only(ms, "pytest").extras == ("testing",)
    assert all(d.is_lock and d.source == "Pipfile.lock" for d in ms.dependencies)
    assert ms.problems == ()


def test_pylock() -> None:
    ms = parse_manifests(FIXTURES / "pylock", ["pylock.toml"])
    got = [(d.line, d.name, d.kind.value, d.version, d.hashes, d.url) for d in ms.dependencies]
    assert got == [
        (
            6,
            "attrs",
            "pinned",
            "25.1.0",
            ("sha256:c75a69e28a550a7e93789579c22aa26b0f5b83b75dc4e08fe092980051e1090a",),
            None,
        ),
        (16, "gitpkg", "vcs", None, (), "https://github.com/org/gitpkg.git"),
        (24, "sibling", "local_path", None, (), "../sibling"),
        (28, "archived", "url", None, ("sha256:ab12",), "https://example.com/archived-1.0.tar.gz"),
        (34, "wheelonly", "pinned", "2.0", ("md5:ef56", "sha256:cd34"), None),
    ]
    assert only(ms, "archived").marker == "sys_platform == 'linux'"
    assert all(d.is_lock and d.source == "pylock.toml" for d in ms.dependencies)


def test_lock_entry_without_name(tmp_path: Path) -> None:
    write(tmp_path, {"uv.lock": 'version = 1\n\n[[package]]\nversion = "1.0"\n'})
    ms = parse_manifests(tmp_path, ["uv.lock"])
    assert problems(ms) == [("uv.lock", 3, "[[package]] entry without a name")]
    assert ms.dependencies == ()


# --------------------------------------------------------------------------- malformed files


def test_malformed_toml_and_json_report_the_line() -> None:
    ms = parse_manifests(FIXTURES / "malformed", ["pyproject.toml", "Pipfile.lock", "poetry.lock"])
    assert problems(ms) == [
        ("Pipfile.lock", 6, "JSON syntax error: Expecting ',' delimiter (column 9)"),
        ("poetry.lock", 7, "TOML syntax error: Invalid value (column 11)"),
        ("pyproject.toml", 6, "TOML syntax error: Unclosed array (column 5)"),
    ]
    assert ms.dependencies == ()
    assert ms.files == ("Pipfile.lock", "poetry.lock", "pyproject.toml")


def test_toml_error_at_end_of_document(tmp_path: Path) -> None:
    write(tmp_path, {"pylock.toml": 'lock-version = "1.0"\n[[packages]]\nname = "a"\nx = [1,\n'})
    ms = parse_manifests(tmp_path, ["pylock.toml"])
    assert problems(ms) == [("pylock.toml", 4, "TOML syntax error: Invalid value (at end of file)")]


def test_pathological_nesting_never_raises(tmp_path: Path) -> None:
    write(tmp_path, {"pyproject.toml": "a = " + "[" * 5000 + "]" * 5000 + "\n", "Pipfile.lock": "[" * 100_000})
    ms = parse_manifests(tmp_path, ["pyproject.toml", "Pipfile.lock"])
    assert problems(ms) == [
        ("Pipfile.lock", 1, "JSON syntax error: nesting too deep"),
        ("pyproject.toml", 1, "TOML syntax error: nesting too deep"),
    ]


def test_pipfile_lock_wrong_shapes(tmp_path: Path) -> None:
    write(tmp_path, {"Pipfile.lock": '{\n  "default": [],\n  "develop": {\n    "x": "1.0"\n  }\n}\n'})
    ms = parse_manifests(tmp_path, ["Pipfile.lock"])
    assert problems(ms) == [
        ("Pipfile.lock", 2, "'default' must be an object"),
        ("Pipfile.lock", 4, "entry for 'x' must be an object"),
    ]


# --------------------------------------------------------------------------- resolve


def test_resolve_prefers_lockfile_pins() -> None:
    ms = parse_manifests(FIXTURES / "poetry", ["pyproject.toml", "poetry.lock"])
    got = [(d.name, d.kind.value, d.version, d.file, d.line) for d in resolve(ms)]
    assert got == [
        ("anyio", "unpinned", None, "pyproject.toml", 12),
        ("black", "pinned", "24.4.2", "pyproject.toml", 30),
        ("certifi", "pinned", "2024.7.4", "poetry.lock", 3),
        ("click", "pinned", "8.1.7", "pyproject.toml", 9),
        ("idna", "pinned", "3.7", "pyproject.toml", 32),
        ("localpkg", "editable", None, "poetry.lock", 46),
        ("multi", "pinned", "1.0", "pyproject.toml", 21),
        ("mylib", "vcs", None, "poetry.lock", 31),
        ("pendulum", "unpinned", None, "pyproject.toml", 11),
        # declared '^8.0', locked 8.2.2: the lock pin is audited
        ("pytest", "pinned", "8.2.2", "poetry.lock", 22),
        ("pytz", "unpinned", None, "pyproject.toml", 15),
        ("remote", "url", None, "pyproject.toml", 19),
        # declared '^2.31', locked 2.32.3
        ("requests", "pinned", "2.32.3", "poetry.lock", 14),
        ("ruamel-yaml", "pinned", "0.18.6", "pyproject.toml", 10),
        ("star", "unpinned", None, "pyproject.toml", 13),
        ("uvicorn", "pinned", "0.30.1", "pyproject.toml", 14),
        ("vendored", "local_path", None, "pyproject.toml", 18),
    ]


def test_resolve_uv_project() -> None:
    ms = parse_manifests(FIXTURES / "uv", ["pyproject.toml", "uv.lock"])
    assert rows(ms)[:2] == [
        ("pyproject.toml", 4, "anyio", "unpinned", None),
        ("pyproject.toml", 4, "idna", "unpinned", None),
    ]
    assert rows(resolve(ms)) == [
        ("uv.lock", 4, "anyio", "pinned", "4.4.0"),
        ("uv.lock", 33, "gitdep", "vcs", None),
        ("uv.lock", 17, "idna", "pinned", "3.7"),
        ("uv.lock", 38, "member", "editable", None),
        ("uv.lock", 43, "sniffio", "pinned", "1.3.1"),
    ]


def test_resolve_same_version_once_lock_first_and_distinct_versions_all(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "requirements.txt": "a==1.0\nb==2\nc>=1\nd @ https://example.com/d.tar.gz\nd>=1\n",
            "docs/requirements.txt": "b==3\n",
            "uv.lock": """
                version = 1

                [[package]]
                name = "A"
                version = "1.0.0"
                source = { registry = "https://pypi.org/simple" }
                """,
        },
    )
    ms = parse_manifests(tmp_path, ["requirements.txt", "docs/requirements.txt", "uv.lock"])
    assert rows(resolve(ms)) == [
        ("uv.lock", 3, "a", "pinned", "1.0.0"),  # 1.0 == 1.0.0: audited once, via the lock
        ("docs/requirements.txt", 1, "b", "pinned", "3"),
        ("requirements.txt", 2, "b", "pinned", "2"),
        ("requirements.txt", 3, "c", "unpinned", None),
        ("requirements.txt", 4, "d", "url", None),
    ]


def test_output_is_sorted_and_deterministic(tmp_path: Path) -> None:
    root = FIXTURES / "reqs"
    one = parse_manifests(root, ["requirements.txt", "bad-requirements.txt", "requirements.txt"])
    two = parse_manifests(root, ["bad-requirements.txt", "./requirements.txt"])
    assert one == two
    keys = [(d.file, d.line, d.name) for d in one.dependencies]
    assert keys == sorted(keys)
    assert list(one.problems) == sorted(one.problems, key=lambda p: (p.file, p.line, p.message))
    assert resolve(one) == resolve(two)


def test_problem_is_a_plain_value() -> None:
    problem = ManifestProblem("a.txt", 3, "x")
    assert problem == ManifestProblem(file="a.txt", line=3, message="x")
    with pytest.raises(AttributeError):
        problem.line = 4  # type: ignore[misc]


def test_symlink_loop_and_directory_targets_are_problems(tmp_path: Path) -> None:
    root = write(tmp_path, {"requirements.txt": "a==1\n-r loop.txt\n-r subdir\n", "subdir/x.txt": ""})
    os.symlink(root / "loop.txt", root / "loop.txt")
    ms = parse_manifests(root, ["requirements.txt"])
    got = problems(ms)
    assert got[0] == ("requirements.txt", 2, got[0][2])
    assert got[0][2].startswith("-r target 'loop.txt' ")
    assert str(tmp_path) not in got[0][2]
    assert got[1:] == [("subdir", 1, "not a regular file, not read")]
    assert rows(ms) == [("requirements.txt", 1, "a", "pinned", "1")]
