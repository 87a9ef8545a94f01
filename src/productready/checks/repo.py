"""Check kinds for the 'repo' topic: repository and process hygiene.

Dependency manifests are read with ``productready.deps.manifests`` (never executed). File-name
lists, placeholder values and gitignore samples are params in ``rulesets/repo.yaml``.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ..deps.manifests import Dependency, DepKind, ManifestSet, parse_manifests
from .base import REPOSITORY, CheckContext, CheckKind, Hit, Params, Parser, kind

PYTHON_MANIFEST = "python-manifest"


def _name_matches(path: str, globs: Iterable[str]) -> bool:
    """fnmatch on the lower-cased file name, or on the whole path when the glob has a '/'."""
    lower = path.lower()
    name = PurePosixPath(lower).name
    return any(fnmatch.fnmatchcase(lower if "/" in g else name, g.lower()) for g in globs)


# --------------------------------------------------------------------------- file present


class FilePresentParams(Params):
    kinds: list[str] = Field(default_factory=list, description="inventory kinds any of which satisfies the check")
    globs: list[str] = Field(default_factory=list, description="path globs (fnmatch) any of which satisfies it")
    message: str = Field(description="what is missing, shown on the finding")


@kind("repo.file-present", (REPOSITORY,), FilePresentParams)
def file_present(ctx: CheckContext, p: FilePresentParams) -> Iterable[Hit]:
    """The repository contains at least one file of the given kinds or matching the given globs."""
    for f in ctx.inventory.files:
        if f.kinds & set(p.kinds) or any(fnmatch.fnmatchcase(f.path, g) for g in p.globs):
            return
    yield Hit(".", 0, p.message)


# --------------------------------------------------------------------------- dependencies


class RequirementsParams(Params):
    requirements_globs: list[str] = Field(
        description="pip requirements files (file-name globs; a glob with '/' matches the whole path)"
    )


def _requirement_files(ctx: CheckContext, p: RequirementsParams) -> list[str]:
    return [path for path in ctx.paths(PYTHON_MANIFEST) if _name_matches(path, p.requirements_globs)]


_VCS_SHA = re.compile(r"@[0-9a-fA-F]{40}(?:[#?]|$)")


def _unpinned_reason(dep: Dependency) -> str | None:
    """Why a requirement is not reproducible, or None when it is pinned (or local code)."""
    if dep.kind is DepKind.PINNED or dep.kind in (DepKind.EDITABLE, DepKind.LOCAL_PATH):
        return None
    if dep.kind is DepKind.VCS:
        if dep.url and _VCS_SHA.search(dep.url):
            return None
        return f"'{dep.raw_name}' is a VCS requirement on a movable branch or tag, not a commit SHA"
    if dep.kind is DepKind.URL:
        if dep.hashes or (dep.url and "sha256=" in dep.url):
            return None
        return f"'{dep.raw_name}' is a direct URL without a hash"
    if dep.specifier:
        return f"'{dep.raw_name}{dep.specifier}' is a range, not an exact pin (==)"
    return f"'{dep.raw_name}' has no version at all (pin it with ==)"


def _record_problems(ctx: CheckContext, ms: ManifestSet) -> None:
    """Record manifest problems as parse failures, so the check reads incomplete (fail closed)."""
    for problem in ms.problems:
        ctx.failures.setdefault(problem.file, f"cannot parse as a Python manifest (line {problem.line}): {problem.message}")


class PinningParams(RequirementsParams):
    mode: Literal["pinned", "hashed"] = Field(
        description="'pinned': every requirement line is an exact pin; 'hashed': pins carry --hash"
    )


@kind("repo.requirements-pinning", (PYTHON_MANIFEST,), PinningParams)
def requirements_pinning(ctx: CheckContext, p: PinningParams) -> Iterable[Hit]:
    """Requirements files pin every dependency exactly ('pinned') or with hashes ('hashed')."""
    files = _requirement_files(ctx, p)
    if not files:
        return
    ms = parse_manifests(ctx.root, files)
    _record_problems(ctx, ms)
    deps = [d for d in ms.dependencies if d.source == "requirements" and not d.is_lock]
    if p.mode == "pinned":
        for dep in deps:
            reason = _unpinned_reason(dep)
            if reason is not None:
                yield Hit(dep.file, dep.line, reason)
        return
    by_file: dict[str, list[Dependency]] = {}
    for dep in deps:
        if dep.kind is DepKind.PINNED and not dep.hashes:
            by_file.setdefault(dep.file, []).append(dep)
    for file, missing in sorted(by_file.items()):
        first = min(missing, key=lambda d: d.line)
        yield Hit(
            file, first.line,
            f"{len(missing)} pinned requirement(s) in {file} have no --hash (first: '{first.raw_name}'), so pip cannot verify the downloaded files",
        )


class LockfileParams(RequirementsParams):
    lock_globs: list[str] = Field(description="lockfile names (globs) that settle every dependency")
    opaque_manifests: list[str] = Field(
        description="manifests we do not evaluate (setup.py, setup.cfg, Pipfile): assumed to declare dependencies"
    )


@kind("repo.python-lockfile", (PYTHON_MANIFEST,), LockfileParams)
def python_lockfile(ctx: CheckContext, p: LockfileParams) -> Iterable[Hit]:
    """A project that declares Python dependencies locks them: a lockfile, or a requirements
    file in which every dependency is an exact pin."""
    if any(_name_matches(f.path, p.lock_globs) for f in ctx.inventory.files):
        return
    manifests = ctx.paths(PYTHON_MANIFEST)
    requirements = _requirement_files(ctx, p)
    for rel in requirements:
        ms = parse_manifests(ctx.root, [rel])
        deps = [d for d in ms.dependencies if d.source == "requirements"]
        if deps and not ms.problems and all(_unpinned_reason(d) is None for d in deps):
            return  # a fully pinned requirements file is a lock
    pyprojects = [m for m in manifests if PurePosixPath(m).name.lower() == "pyproject.toml"]
    declares = bool(requirements) or any(_name_matches(m, p.opaque_manifests) for m in manifests)
    if not declares and pyprojects:
        ms = parse_manifests(ctx.root, pyprojects)
        _record_problems(ctx, ms)
        declares = bool(ms.dependencies) or bool(ms.problems)
    if declares:
        yield Hit(
            ".", 0,
            f"Python dependencies are declared ({', '.join(manifests)}) but not locked: no lockfile "
            "(poetry.lock, uv.lock, Pipfile.lock, pylock.toml) and no fully pinned requirements file",
        )


# --------------------------------------------------------------------------- .gitignore


class GitignoreEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    label: str = Field(description="what must be ignored, for the message (e.g. '*.pem')")
    samples: list[str] = Field(min_length=1, description="repository paths that must all be ignored")


class GitignoreParams(Params):
    file: str = Field(".gitignore", description="the ignore file evaluated (repository root)")
    entries: list[GitignoreEntry]


@dataclass(frozen=True)
class _IgnoreRule:
    regex: re.Pattern[str]
    negate: bool
    dir_only: bool


def _glob_to_regex(glob: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(glob):
        c = glob[i]
        if c == "*":
            if glob.startswith("**", i):
                at_start = i == 0 or glob[i - 1] == "/"
                at_end = i + 2 == len(glob)
                if at_start and at_end:
                    out.append(".*")
                    i += 2
                    continue
                if at_start and glob.startswith("**/", i):
                    out.append("(?:.*/)?")
                    i += 3
                    continue
                out.append("[^/]*")
                i += 2
                continue
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            end = glob.find("]", i + 2 if glob[i + 1 : i + 2] in ("!", "]") else i + 1)
            if end == -1:
                out.append(re.escape(c))
            else:
                body = glob[i + 1 : end]
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append("[" + body.replace("\\", "\\\\") + "]")
                i = end
        elif c == "\\" and i + 1 < len(glob):
            i += 1
            out.append(re.escape(glob[i]))
        else:
            out.append(re.escape(c))
        i += 1
    return "".join(out)


def _parse_gitignore(text: str) -> list[_IgnoreRule]:
    rules: list[_IgnoreRule] = []
    for raw in text.splitlines():
        line = re.sub(r"(?<!\\)\s+$", "", raw)
        if not line or line.startswith("#"):
            continue
        negate = line.startswith("!")
        if negate or line.startswith("\\!") or line.startswith("\\#"):
            line = line[1:]
        dir_only = line.endswith("/")
        line = line.rstrip("/")
        if not line:
            continue
        anchored = "/" in line
        body = _glob_to_regex(line.lstrip("/"))
        prefix = "" if anchored else "(?:.*/)?"
        rules.append(_IgnoreRule(re.compile(f"^{prefix}{body}$"), negate, dir_only))
    return rules


def _ignored(rules: list[_IgnoreRule], path: str) -> bool:
    """git's verdict for a file path: a file under an ignored folder cannot be re-included."""
    parts = path.split("/")
    for depth in range(1, len(parts) + 1):
        candidate = "/".join(parts[:depth])
        is_dir = depth < len(parts)
        state = False
        for rule in rules:
            if rule.dir_only and not is_dir:
                continue
            if rule.regex.match(candidate):
                state = not rule.negate
        if state:
            return True
    return False


@kind("repo.gitignore-covers", (REPOSITORY,), GitignoreParams)
def gitignore_covers(ctx: CheckContext, p: GitignoreParams) -> Iterable[Hit]:
    """The root .gitignore ignores the given kinds of files (env files, private keys...)."""
    if not any(f.path == p.file for f in ctx.inventory.files):
        yield Hit(".", 0, f"no {p.file}: nothing stops {', '.join(e.label for e in p.entries)} files from being committed")
        return
    text = ctx.text(p.file)
    if text is None:
        yield Hit(p.file, 1, f"{p.file} could not be read; cannot confirm it ignores secret-bearing files")
        return
    rules = _parse_gitignore(text)
    missing = [e.label for e in p.entries if not all(_ignored(rules, s) for s in e.samples)]
    if missing:
        yield Hit(p.file, 1, f"{p.file} does not ignore {', '.join(missing)}")


# --------------------------------------------------------------------------- secret-bearing files


class SecretFilesParams(Params):
    env_globs: list[str] = Field(description="environment-file names")
    template_words: list[str] = Field(description="a dot-separated name part marking a template (.env.example)")
    placeholders: list[str] = Field(description="regexes (full match, case-insensitive) of placeholder values")
    secret_names: str = Field(description="regex: a variable name that holds a secret")
    secret_values: list[str] = Field(
        description="regexes: values that are credentials whatever the name; a group named 'secret' is the part judged"
    )
    key_globs: list[str] = Field(description="files that are fine when they hold only public PEM blocks")
    private_block: str = Field(description="regex of a PEM header of private material")
    public_block: str = Field(description="regex of a PEM header of public material")
    always_secret_globs: list[str] = Field(description="files that are secret by nature (id_rsa, keystores, .netrc...)")


_ASSIGN = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*?)\s*$")


def _env_value(raw: str) -> str:
    if raw[:1] in ("'", '"'):
        end = raw.find(raw[0], 1)
        return raw[1:end] if end != -1 else raw[1:]
    return re.split(r"\s+#", raw, maxsplit=1)[0].strip()


@dataclass(frozen=True)
class _EnvJudge:
    placeholders: list[re.Pattern[str]]
    names: re.Pattern[str]
    values: list[re.Pattern[str]]

    def assignments(self, text: str) -> Iterator[tuple[int, str, str]]:
        for n, line in enumerate(text.splitlines(), 1):
            m = _ASSIGN.match(line)
            if m and not line.lstrip().startswith("#"):
                yield n, m.group(1), _env_value(m.group(2))

    def placeholder(self, value: str) -> bool:
        return not value or any(p.fullmatch(value) for p in self.placeholders)

    def secret_looking(self, name: str, value: str) -> bool:
        if self.placeholder(value):
            return False
        if self.names.search(name):
            return True
        for pattern in self.values:
            for m in pattern.finditer(value):
                part = m.group("secret") if "secret" in pattern.groupindex else m.group(0)
                if not self.placeholder(part):
                    return True
        return False


@kind("repo.secret-files-absent", (REPOSITORY,), SecretFilesParams)
def secret_files_absent(ctx: CheckContext, p: SecretFilesParams) -> Iterable[Hit]:
    """No secret-bearing files are in the repository: real .env files, private keys, keystores.

    A template (``.env.example``) is fine when its secret-named variables are empty or
    placeholders; a ``.pem``/``.key`` is fine when it holds only certificates or public keys.
    """
    judge = _EnvJudge(
        [re.compile(x, re.I) for x in p.placeholders], re.compile(p.secret_names, re.I),
        [re.compile(x) for x in p.secret_values],
    )
    private = re.compile(p.private_block)
    public = re.compile(p.public_block)
    templates = {w.lower() for w in p.template_words}
    for f in ctx.inventory.files:
        name = PurePosixPath(f.path).name.lower()
        if "env-file" in f.kinds or _name_matches(f.path, p.env_globs):
            text = ctx.text(f.path)
            if text is None:
                yield Hit(f.path, 1, f"environment file '{f.path}' could not be read to confirm it holds no secrets")
            elif templates & set(name.split(".")):
                for line, var, value in judge.assignments(text):
                    if judge.secret_looking(var, value):
                        yield Hit(f.path, line, f"template '{f.path}' gives {var} a real-looking value; leave it empty or use a placeholder")
            else:
                yield _real_env_hit(f.path, text, judge)
        elif _name_matches(f.path, p.always_secret_globs):
            yield Hit(f.path, 1, f"'{f.path}' is a secret-bearing file (credentials or private key store) in the repository")
        elif "secret-file" in f.kinds or _name_matches(f.path, p.key_globs):
            yield from _key_file_hits(ctx, f.path, private, public)
    for item in ctx.inventory.skipped:
        if not item.path.endswith("/") and _name_matches(item.path, [*p.always_secret_globs, *p.key_globs]):
            yield Hit(item.path, 1, f"'{item.path}' looks like a key or credential store ({item.reason}; not inspected)")


def _real_env_hit(path: str, text: str, judge: _EnvJudge) -> Hit:
    assigned = [(n, var, value) for n, var, value in judge.assignments(text) if not judge.placeholder(value)]
    secrets = [(n, var) for n, var, value in assigned if judge.secret_looking(var, value)]
    if secrets:
        line, var = secrets[0]
        return Hit(path, line, f"environment file '{path}' is in the repository with values for {len(secrets)} secret variable(s) (first: {var})")
    line = assigned[0][0] if assigned else 1
    return Hit(path, line, f"environment file '{path}' is in the repository ({len(assigned)} variable(s) set); commit a template instead")


def _key_file_hits(ctx: CheckContext, path: str, private: re.Pattern[str], public: re.Pattern[str]) -> Iterator[Hit]:
    text = ctx.text(path)
    if text is None:
        yield Hit(path, 1, f"'{path}' could not be read to confirm it holds no private key")
        return
    lines = text.splitlines()
    for n, line in enumerate(lines, 1):
        m = private.search(line)
        if m:
            yield Hit(path, n, f"'{path}' contains a private key ({m.group(0).strip('-').removeprefix('BEGIN ')})")
            return
    if not any(public.search(line) for line in lines):
        yield Hit(path, 1, f"'{path}' holds no certificate or public-key PEM block; cannot tell it is not a secret key")


# --------------------------------------------------------------------------- vendored environments


class VendoredEnvParams(Params):
    package_dirs: list[str] = Field(description="folder names of installed packages (site-packages)")
    marker_files: list[str] = Field(description="files that mark a virtual environment's root (pyvenv.cfg)")


@kind("repo.no-vendored-environment", (REPOSITORY,), VendoredEnvParams)
def no_vendored_environment(ctx: CheckContext, p: VendoredEnvParams) -> Iterable[Hit]:
    """The repository does not carry a virtual environment or installed site-packages."""
    package_dirs = set(p.package_dirs)
    roots: dict[str, str] = {}
    for f in ctx.inventory.files:
        parts = f.path.split("/")
        if parts[-1] in p.marker_files:
            root = "/".join(parts[:-1]) or "."
        else:
            idx = next((i for i, part in enumerate(parts[:-1]) if part in package_dirs), None)
            if idx is None:
                continue
            root = "/".join(parts[: idx + 1])
        roots.setdefault(root, f.path)
    for root, first in sorted(roots.items()):
        if any(other != root and (other == "." or root.startswith(other + "/")) for other in roots):
            continue  # site-packages inside an environment already reported
        yield Hit(first, 1, f"'{root}' is an installed Python environment or site-packages folder kept in the repository")
    for item in ctx.inventory.skipped:
        folder = item.path.rstrip("/")
        if item.path.endswith("/") and folder.split("/")[-1] in package_dirs:
            yield Hit(".", 0, f"'{folder}/' is an installed site-packages folder kept in the repository")


KINDS: tuple[CheckKind, ...] = (
    file_present,
    requirements_pinning,
    python_lockfile,
    gitignore_covers,
    secret_files_absent,
    no_vendored_environment,
)
PARSERS: dict[str, Parser] = {}
