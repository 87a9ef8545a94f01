"""Check kinds for the 'dockerfile' topic, and the Dockerfile parser they read.

The parser (registered as ``dockerfile``) never runs anything: it splits the text into
instructions the way BuildKit's frontend does — parser directives (``# escape=``, ``# syntax=``)
at the top, comment lines dropped (also inside continued instructions), line continuations with
the escape character, heredoc bodies (``RUN <<EOF ... EOF``) kept apart from the instruction
stream, leading ``--flags``, JSON (exec) versus shell form — and groups them into build stages
(``FROM image AS name``; ``FROM name`` builds on an earlier stage; ``ARG`` before the first
``FROM`` supplies defaults for image references).

The secret-name and image-reference helpers here are shared with the compose topic.
"""

from __future__ import annotations

import fnmatch
import json
import posixpath
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Annotated

from pydantic import AfterValidator, Field

from .base import CheckContext, CheckKind, Hit, Params, ParseFailure, Parser, kind

# --------------------------------------------------------------------------------------------
# Parser
# --------------------------------------------------------------------------------------------

INSTRUCTIONS = frozenset({
    "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL",
    "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
})
_HEREDOC_INSTRUCTIONS = frozenset({"RUN", "COPY", "ADD"})
_FLAG_INSTRUCTIONS = frozenset({"FROM", "RUN", "COPY", "ADD", "HEALTHCHECK"})
_JSON_INSTRUCTIONS = frozenset({"RUN", "CMD", "ENTRYPOINT", "SHELL", "COPY", "ADD", "VOLUME", "HEALTHCHECK"})
_DIRECTIVE = re.compile(r"^#\s*([A-Za-z][A-Za-z0-9_-]*)\s*=\s*(.*?)\s*$")
_KNOWN_DIRECTIVES = frozenset({"syntax", "escape", "check"})
_FLAG = re.compile(r"""\s*--([A-Za-z][\w-]*)(?:=("(?:[^"\\]|\\.)*"|'[^']*'|\S*))?(?=\s|$)""")
_HEREDOC = re.compile(r"""^(\d*)<<(-?)(["']?)([A-Za-z0-9_.-]+)\3""")
_KEYWORD = re.compile(r"(\S+)(?:\s+(.*))?", re.DOTALL)
_VAR = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::?([-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))")


@dataclass(frozen=True)
class Instruction:
    """One logical instruction: continuation lines joined, comments and heredoc bodies removed."""

    keyword: str  # upper case
    args: str  # everything after the keyword, continuation lines joined (flags included)
    line: int  # 1-based line of the keyword
    end_line: int  # last line, heredoc terminators included
    flags: tuple[tuple[str, str], ...] = ()  # leading --name[=value] (value "" when bare)
    rest: str = ""  # the arguments after the flags
    json_args: tuple[str, ...] | None = None  # exec (JSON) form
    heredocs: tuple[str, ...] = ()  # heredoc bodies, in order

    def flag(self, name: str) -> str | None:
        for k, v in self.flags:
            if k == name:
                return v
        return None

    @property
    def text(self) -> str:
        """What a pattern is matched against: the arguments (flags included) and heredoc bodies."""
        return "\n".join((self.args, *self.heredocs))


@dataclass(frozen=True)
class Stage:
    index: int
    name: str | None  # lower case, from 'AS name'
    base: str  # the image reference as written
    image: str | None  # base with build-arg defaults substituted; None if a variable has no default
    parent: int | None  # index of the earlier stage this one builds on ('FROM stage-name')
    from_instruction: Instruction
    instructions: tuple[Instruction, ...]  # after FROM

    @property
    def label(self) -> str:
        return f"'{self.name}'" if self.name else f"#{self.index + 1}"

    @property
    def described(self) -> str:
        """For messages about the final stage: "the final stage 'runtime' (FROM python:3.12)"."""
        return f"the final stage{' ' + repr(self.name) if self.name else ''} (FROM {self.base})"


@dataclass(frozen=True)
class Dockerfile:
    path: str
    escape: str
    global_args: tuple[Instruction, ...]  # ARG before the first FROM
    stages: tuple[Stage, ...]

    @property
    def final(self) -> Stage:
        return self.stages[-1]

    def chain(self, stage: Stage) -> list[Stage]:
        """The stage, then the earlier stages it builds on (nearest first)."""
        out = [stage]
        parent = stage.parent
        while parent is not None:
            out.append(self.stages[parent])
            parent = self.stages[parent].parent
        return out

    def where(self, stage: Stage) -> str:
        """' in stage 'x'' for multi-stage files, '' otherwise (for messages)."""
        if len(self.stages) == 1:
            return ""
        return f" in {'final ' if stage is self.final else ''}stage {stage.label}"


def words(text: str, escape: str = "\\") -> list[str]:
    """Split on blanks honouring quotes and the escape character; quotes are removed."""
    out: list[str] = []
    cur: list[str] = []
    in_word = False
    quote: str | None = None
    i = 0
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == quote:
                quote = None
            elif ch == escape and quote == '"' and i + 1 < len(text):
                i += 1
                cur.append(text[i])
            else:
                cur.append(ch)
        elif ch in " \t\r\n":
            if in_word:
                out.append("".join(cur))
                cur, in_word = [], False
        elif ch in "\"'":
            quote, in_word = ch, True
        elif ch == escape and i + 1 < len(text):
            i += 1
            cur.append(text[i])
            in_word = True
        else:
            cur.append(ch)
            in_word = True
        i += 1
    if in_word:
        out.append("".join(cur))
    return out


def expand(text: str, env: dict[str, str]) -> str | None:
    """Substitute $VAR / ${VAR} / ${VAR:-default} / ${VAR:+alt}; None if a variable is unknown."""
    missing = False

    def sub(m: re.Match[str]) -> str:
        nonlocal missing
        name = m.group(1) or m.group(4)
        op, word = m.group(2), m.group(3) or ""
        value = env.get(name)
        if op == "-":
            return value if value else word
        if op == "+":
            return word if value else ""
        if value is None:
            missing = True
            return ""
        return value

    out = _VAR.sub(sub, text)
    return None if missing else out


def parse_dockerfile(text: str, path: str) -> Dockerfile:
    """Parse a Dockerfile (see the module docstring); ParseFailure with a line when malformed."""
    lines = text.lstrip("\ufeff").splitlines()
    escape = "\\"
    i = 0
    seen: set[str] = set()
    while i < len(lines):  # parser directives: only at the very top
        m = _DIRECTIVE.match(lines[i])
        if not m or m.group(1).lower() not in _KNOWN_DIRECTIVES or m.group(1).lower() in seen:
            break
        key = m.group(1).lower()
        seen.add(key)
        if key == "escape":
            if m.group(2) not in ("\\", "`"):
                raise ParseFailure(f"invalid escape directive '{m.group(2)}' (must be \\ or `)", i + 1)
            escape = m.group(2)
        i += 1
    instructions = list(_instructions(lines, i, escape))
    return _stages(instructions, escape, path)


def _instructions(lines: list[str], i: int, escape: str) -> Iterator[Instruction]:
    n = len(lines)
    while i < n:
        stripped = lines[i].strip()
        if not stripped or stripped.startswith("#"):
            i += 1
            continue
        start = i
        parts: list[str] = []
        cur = lines[i]
        while True:
            body = cur.rstrip(" \t")
            if body.endswith(escape):
                parts.append(body[:-1])
                i += 1
                while i < n and (not lines[i].strip() or lines[i].lstrip().startswith("#")):
                    i += 1  # empty and comment lines inside a continued instruction are dropped
                if i >= n:
                    i -= 1  # a dangling continuation at end of file ends the instruction
                    break
                cur = lines[i]
            else:
                parts.append(cur)
                break
        m = _KEYWORD.match("".join(parts).strip())
        head, args = (m.group(1), (m.group(2) or "").strip()) if m else ("", "")
        keyword = head.upper()
        if keyword not in INSTRUCTIONS:
            raise ParseFailure(f"unknown instruction '{head}'", start + 1)
        end = i
        i += 1
        flags: list[tuple[str, str]] = []
        rest = args
        if keyword in _FLAG_INSTRUCTIONS:
            while True:
                m = _FLAG.match(rest)
                if not m:
                    break
                flags.append((m.group(1).lower(), (m.group(2) or "").strip("\"'")))
                rest = rest[m.end():]
            rest = rest.strip()
        json_args = _json_form(rest) if keyword in _JSON_INSTRUCTIONS else None
        if keyword == "HEALTHCHECK":
            sub_kw, _, sub_rest = rest.partition(" ")
            if sub_kw.upper() == "CMD":
                json_args = _json_form(sub_rest.strip())
        heredocs: list[str] = []
        if keyword in _HEREDOC_INSTRUCTIONS and json_args is None:
            for strip_tabs, name in _heredoc_names(rest):
                doc: list[str] = []
                while True:
                    if i >= n:
                        raise ParseFailure(f"heredoc '<<{name}' is not terminated", start + 1)
                    raw = lines[i].lstrip("\t") if strip_tabs else lines[i]
                    i += 1
                    if raw == name:
                        break
                    doc.append(raw)
                heredocs.append("\n".join(doc))
                end = i - 1
        if keyword == "ONBUILD":
            inner = rest.split(None, 1)[0].upper() if rest else ""
            if inner not in INSTRUCTIONS or inner in ("ONBUILD", "FROM", "MAINTAINER"):
                raise ParseFailure(f"ONBUILD cannot trigger '{inner or '(nothing)'}'", start + 1)
        yield Instruction(
            keyword=keyword, args=args, line=start + 1, end_line=end + 1, flags=tuple(flags), rest=rest,
            json_args=json_args, heredocs=tuple(heredocs),
        )


def _json_form(rest: str) -> tuple[str, ...] | None:
    if not rest.startswith("["):
        return None
    try:
        value = json.loads(rest)
    except ValueError:
        return None  # BuildKit falls back to shell form
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    return None


def _heredoc_names(rest: str) -> list[tuple[bool, str]]:
    out: list[tuple[bool, str]] = []
    for w in rest.split():
        m = _HEREDOC.match(w)
        if m:
            out.append((m.group(2) == "-", m.group(4)))
    return out


def _stages(instructions: list[Instruction], escape: str, path: str) -> Dockerfile:
    global_args: list[Instruction] = []
    arg_env: dict[str, str] = {}
    stages: list[Stage] = []
    current: tuple[Instruction, list[Instruction]] | None = None
    names: dict[str, int] = {}

    def close() -> None:
        if current is None:
            return
        frm, body = current
        ws = words(frm.rest, escape)
        if len(ws) not in (1, 3) or (len(ws) == 3 and ws[1].lower() != "as"):
            raise ParseFailure("FROM takes an image and an optional 'AS name'", frm.line)
        name = ws[2].lower() if len(ws) == 3 else None
        image = expand(ws[0], arg_env)
        parent = names.get(image.lower()) if image is not None else None
        stage = Stage(
            index=len(stages), name=name, base=ws[0], image=image, parent=parent,
            from_instruction=frm, instructions=tuple(body),
        )
        if name:
            names[name] = stage.index
        stages.append(stage)

    for ins in instructions:
        if ins.keyword == "FROM":
            close()
            current = (ins, [])
        elif current is None:
            if ins.keyword != "ARG":
                raise ParseFailure(f"{ins.keyword} before the first FROM (only ARG may precede it)", ins.line)
            global_args.append(ins)
            for k, v in arg_pairs(ins, escape):
                if v is not None:  # an ARG without a default stays unknown
                    arg_env[k] = v
        else:
            current[1].append(ins)
    close()
    if not stages:
        raise ParseFailure("no FROM instruction", instructions[0].line if instructions else 1)
    return Dockerfile(path=path, escape=escape, global_args=tuple(global_args), stages=tuple(stages))


def arg_pairs(ins: Instruction, escape: str = "\\") -> list[tuple[str, str | None]]:
    """ARG name[=default] ... / ENV key=value ... (or legacy 'ENV key value') as (name, value)."""
    ws = words(ins.rest, escape)
    if not ws:
        return []
    if ins.keyword == "ENV" and "=" not in ws[0]:
        _, _, value = ins.rest.strip().partition(" ")
        joined = words(value, escape)
        return [(ws[0], " ".join(joined))]
    out: list[tuple[str, str | None]] = []
    for w in ws:
        name, eq, value = w.partition("=")
        out.append((name, value if eq else None))
    return out


PARSERS: dict[str, Parser] = {"dockerfile": parse_dockerfile}


# --------------------------------------------------------------------------------------------
# Helpers shared with the compose topic
# --------------------------------------------------------------------------------------------


def _regex(value: str) -> str:
    try:
        re.compile(value)
    except re.error as exc:
        raise ValueError(f"invalid regular expression: {exc}") from None
    return value


Regex = Annotated[str, AfterValidator(_regex)]

SECRET_NAME = (
    r"(?i)(?:^|[_.-])(?:PASSWORD|PASSWD|PASSPHRASE|SECRET|SECRETS|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY"
    r"|SECRET_?KEY|CREDENTIALS?|AUTH_?KEY|ENCRYPTION_?KEY|SIGNING_?KEY|MASTER_?KEY)(?:[_.-]|$)"
)
NOT_SECRET_NAME = (
    r"(?i)(?:_FILE|_PATH|_DIR|_URL|_URI|_ENDPOINT|_HOST|_PORT|_ID|_NAME|_USER|_USERNAME|_LENGTH|_LEN"
    r"|_TTL|_EXPIRY|_EXPIRES|_TIMEOUT|_HEADER|_TYPE|_ALGORITHM|_ENABLED|_REQUIRED|_POLICY|_LIFETIME)$"
)
_NOT_SECRET_VALUES = frozenset({"", "true", "false", "yes", "no", "on", "off", "0", "1", "none", "null"})
_REFERENCE = re.compile(r"\$\{?[A-Za-z_]")


class SecretNameParams(Params):
    name_pattern: Regex = Field(SECRET_NAME, description="variable names that hold secrets")
    ignore_name_pattern: Regex = Field(
        NOT_SECRET_NAME, description="names that match name_pattern but hold a path, URL, name or setting"
    )


def is_literal_secret(name: str, value: object, p: SecretNameParams) -> bool:
    """A secret-looking variable name with a literal value (not a $reference, flag or secret-file path)."""
    if value is None or isinstance(value, bool):
        return False
    if not re.search(p.name_pattern, name) or re.search(p.ignore_name_pattern, name):
        return False
    text = str(value).strip().replace("$$", "")
    if text.lower() in _NOT_SECRET_VALUES or text.startswith("/run/secrets/"):
        return False
    return not _REFERENCE.search(text)


@dataclass(frozen=True)
class ImageRef:
    repository: str  # lower case, without docker.io/ and library/
    tag: str | None
    digest: str | None


def parse_image(ref: str) -> ImageRef:
    name, _, digest = ref.strip().partition("@")
    slash, colon = name.rfind("/"), name.rfind(":")
    repo, tag = (name[:colon], name[colon + 1:]) if colon > slash else (name, None)
    repo = repo.lower()
    for prefix in ("docker.io/", "index.docker.io/", "registry-1.docker.io/"):
        if repo.startswith(prefix):
            repo = repo[len(prefix):]
    repo = repo.removeprefix("library/")
    return ImageRef(repo, tag or None, digest or None)


class PinParams(Params):
    require_digest: bool = Field(False, description="only an @sha256: digest counts as pinned")
    floating_tags: Regex = Field(
        r"(?i)^(latest|stable|lts|current|edge|rolling|nightly|mainline|main|master|dev|develop|slim|alpine)$",
        description="tags that always move to new content",
    )
    require_version_in_tag: bool = Field(
        True, description="a tag without any digit (e.g. 'slim', 'bookworm') counts as floating"
    )


def pin_problem(ref: str, p: PinParams) -> str | None:
    """Why the image reference is not pinned, or None when it is."""
    img = parse_image(ref)
    if img.digest and img.digest.startswith("sha256:"):
        return None
    if p.require_digest:
        return "is not pinned by an @sha256: digest"
    if img.tag is None:
        return "has no tag (means 'latest')"
    if re.search(p.floating_tags, img.tag):
        return f"uses the floating tag '{img.tag}'"
    if p.require_version_in_tag and not any(c.isdigit() for c in img.tag):
        return f"uses the tag '{img.tag}', which names no version"
    return None


def _message(template: str, **values: str) -> str:
    out = template
    for k, v in values.items():
        out = out.replace("{" + k + "}", v)
    return out


# --------------------------------------------------------------------------------------------
# Kinds
# --------------------------------------------------------------------------------------------


def _files(ctx: CheckContext) -> Iterator[tuple[str, Dockerfile]]:
    for path in ctx.paths("dockerfile"):
        df: Dockerfile | None = ctx.parsed(path, "dockerfile")
        if df is not None:
            yield path, df


def _image_stages(df: Dockerfile) -> Iterator[Stage]:
    """Stages built FROM an image (not FROM an earlier stage, not scratch, no unknown variable)."""
    for st in df.stages:
        if st.parent is None and st.image is not None and st.image.lower() != "scratch":
            yield st


class NonRootParams(Params):
    root_users: list[str] = Field(default_factory=lambda: ["root", "0"], description="user names/ids meaning root")
    nonroot_images: list[str] = Field(
        default_factory=list,
        description="fnmatch patterns of base images (repository:tag) that already default to a non-root user",
    )


@kind("dockerfile.final-user-non-root", ("dockerfile",), NonRootParams)
def final_user_non_root(ctx: CheckContext, p: NonRootParams) -> Iterable[Hit]:
    """The final stage (or a stage it builds on) ends with a USER that is not root."""
    roots = {u.lower() for u in p.root_users}
    for path, df in _files(ctx):
        final = df.final
        user: Instruction | None = None
        for st in df.chain(final):
            users = [i for i in st.instructions if i.keyword == "USER"]
            if users:
                user = users[-1]
                break
        if user is not None:
            name = (words(user.rest, df.escape) or [""])[0].split(":", 1)[0].lower()
            if name in roots:
                yield Hit(path, user.line, f"the final stage runs as root (USER {user.rest.strip()}){df.where(final)}")
            continue
        base = df.chain(final)[-1].image or ""
        img = parse_image(base)
        ref = f"{img.repository}:{img.tag or 'latest'}"
        if any(fnmatch.fnmatchcase(ref, pat) for pat in p.nonroot_images):
            continue
        yield Hit(
            path, final.from_instruction.line,
            f"{final.described} never sets USER, so the container runs as root",
        )


class BaseImagePinParams(PinParams):
    pass


@kind("dockerfile.base-image-pinned", ("dockerfile",), BaseImagePinParams)
def base_image_pinned(ctx: CheckContext, p: BaseImagePinParams) -> Iterable[Hit]:
    """Every stage's base image is pinned (a version tag, or with require_digest an @sha256: digest).

    Stages built on an earlier stage, ``scratch`` and references whose build arg has no default
    are not judged.
    """
    for path, df in _files(ctx):
        for st in _image_stages(df):
            problem = pin_problem(st.image or "", p)
            if problem:
                yield Hit(path, st.from_instruction.line, f"base image '{st.image}'{df.where(st)} {problem}")


class EolCycle(Params):
    version: str = Field(description="version or codename as it appears in the tag, e.g. '3.7', 'buster'")
    eol: date = Field(description="end-of-life (end of security support) date")
    label: str = Field("", description="how to name it in the message (default: the version)")


class EolFamily(Params):
    name: str = Field(description="e.g. 'Python'")
    images: list[str] = Field(description="fnmatch patterns of repositories (docker.io/library/ stripped)")
    version_pattern: Regex = Field(description="regex on the tag; group 'v' is the version or codename")
    cycles: list[EolCycle]


class EolParams(Params):
    as_of: date = Field(description="cycles whose eol is on or before this date are end-of-life")
    families: list[EolFamily]


def eol_match(ref: str, p: EolParams) -> tuple[EolFamily, EolCycle] | None:
    img = parse_image(ref)
    if img.tag is None:
        return None
    for fam in p.families:
        if not any(fnmatch.fnmatchcase(img.repository, pat) for pat in fam.images):
            continue
        m = re.search(fam.version_pattern, img.tag)
        if not m or not m.groupdict().get("v"):
            continue
        v = m.group("v").lower()
        for cyc in fam.cycles:
            c = cyc.version.lower()
            if (v == c or v.startswith(c + ".")) and cyc.eol <= p.as_of:
                return fam, cyc
    return None


@kind("dockerfile.base-image-eol", ("dockerfile",), EolParams)
def base_image_eol(ctx: CheckContext, p: EolParams) -> Iterable[Hit]:
    """No stage is built on an end-of-life release (the table of releases is data in params)."""
    for path, df in _files(ctx):
        for st in _image_stages(df):
            found = eol_match(st.image or "", p)
            if found:
                fam, cyc = found
                yield Hit(
                    path, st.from_instruction.line,
                    f"base image '{st.image}'{df.where(st)} is end-of-life: {fam.name} {cyc.label or cyc.version} "
                    f"lost security support on {cyc.eol.isoformat()}",
                )


class InstructionMatchParams(Params):
    instructions: list[str] = Field(description="instruction keywords to look at, e.g. [RUN]")
    pattern: Regex = Field(description="regex searched in the instruction's flags, arguments and heredoc bodies")
    unless: Regex | None = Field(None, description="no finding when this regex also matches the same instruction")
    unless_env: list[str] = Field(
        default_factory=list,
        description="no finding when one of these ENV/ARG names is set (non-empty) in the stage or a stage it builds on",
    )
    message: str = Field(description="the finding; {keyword} is replaced by the instruction keyword")


@kind("dockerfile.instruction-matches", ("dockerfile",), InstructionMatchParams)
def instruction_matches(ctx: CheckContext, p: InstructionMatchParams) -> Iterable[Hit]:
    """An instruction of the given keywords whose text matches a pattern (and not an 'unless' pattern)."""
    wanted = {k.upper() for k in p.instructions}
    for path, df in _files(ctx):
        for st in df.stages:
            env_ok = bool(p.unless_env) and _env_set(df, st, set(p.unless_env))
            for ins in st.instructions:
                if ins.keyword not in wanted or not re.search(p.pattern, ins.text):
                    continue
                if (p.unless and re.search(p.unless, ins.text)) or env_ok:
                    continue
                yield Hit(path, ins.line, _message(p.message, keyword=ins.keyword) + df.where(st), ins.end_line)


def _env_set(df: Dockerfile, stage: Stage, names: set[str]) -> bool:
    for st in df.chain(stage):
        for ins in st.instructions:
            if ins.keyword in ("ENV", "ARG") and any(k in names and v for k, v in arg_pairs(ins, df.escape)):
                return True
    return False


class SecretEnvParams(SecretNameParams):
    instructions: list[str] = Field(default_factory=lambda: ["ENV", "ARG"])


@kind("dockerfile.secret-in-env", ("dockerfile",), SecretEnvParams)
def secret_in_env(ctx: CheckContext, p: SecretEnvParams) -> Iterable[Hit]:
    """ENV/ARG with a secret-looking name and a literal value (not a ${VAR} reference)."""
    wanted = {k.upper() for k in p.instructions}
    for path, df in _files(ctx):
        for st_args in (df.global_args, *(st.instructions for st in df.stages)):
            for ins in st_args:
                if ins.keyword not in wanted:
                    continue
                for name, value in arg_pairs(ins, df.escape):
                    if is_literal_secret(name, value, p):
                        what = "a literal value" if ins.keyword == "ENV" else "a literal default"
                        yield Hit(
                            path, ins.line,
                            f"{ins.keyword} {name} holds {what}; it is stored in the image layers and history",
                            ins.end_line,
                        )


class FinalInstructionParams(Params):
    instruction: str = Field(description="keyword the final stage (or a stage it builds on) must contain")
    disabled: list[str] = Field(default_factory=list, description="argument values that switch it off, e.g. NONE")
    message: str = Field(description="the finding when it is missing; {stage} is replaced by e.g. \"the final stage 'app' (FROM python:3.12)\"")


@kind("dockerfile.final-stage-has", ("dockerfile",), FinalInstructionParams)
def final_stage_has(ctx: CheckContext, p: FinalInstructionParams) -> Iterable[Hit]:
    """The final stage (or a stage it builds on) has an instruction, and not in a disabled form."""
    keyword = p.instruction.upper()
    disabled = {d.upper() for d in p.disabled}
    for path, df in _files(ctx):
        found: Instruction | None = None
        for st in df.chain(df.final):
            hits = [i for i in st.instructions if i.keyword == keyword]
            if hits:
                found = hits[-1]
                break
        if found is None:
            yield Hit(path, df.final.from_instruction.line, _message(p.message, stage=df.final.described))
        elif found.rest.strip().upper() in disabled:
            yield Hit(path, found.line, f"{keyword} {found.rest.strip()} switches it off in the final image")


class ContextCopyParams(Params):
    sources: list[str] = Field(
        default_factory=lambda: [".", "./", "*", "./*"], description="COPY/ADD sources that mean the whole build context"
    )
    ignore_files: list[str] = Field(
        default_factory=lambda: [".dockerignore"],
        description="file names beside the Dockerfile (or at the repository root) that filter the context; "
        "'<Dockerfile name>.dockerignore' also counts",
    )


@kind("dockerfile.context-copy-filtered", ("dockerfile",), ContextCopyParams)
def context_copy_filtered(ctx: CheckContext, p: ContextCopyParams) -> Iterable[Hit]:
    """COPY/ADD of the whole build context only when a .dockerignore filters it."""
    present = {f.path for f in ctx.inventory.files}
    for path, df in _files(ctx):
        folder = posixpath.dirname(path)
        candidates = {posixpath.join(folder, n) for n in p.ignore_files} | set(p.ignore_files)
        candidates.add(path + ".dockerignore")
        if candidates & present:
            continue
        for st in df.stages:
            for ins in st.instructions:
                if ins.keyword not in ("COPY", "ADD") or ins.flag("from") is not None:
                    continue
                args = list(ins.json_args) if ins.json_args is not None else words(ins.rest, df.escape)
                if len(args) >= 2 and any(src in p.sources for src in args[:-1]):
                    yield Hit(
                        path, ins.line,
                        f"{ins.keyword} {' '.join(args)} copies the whole build context{df.where(st)}, and no "
                        f".dockerignore beside the Dockerfile keeps .env files, keys and .git out of the image",
                        ins.end_line,
                    )


KINDS: tuple[CheckKind, ...] = (
    final_user_non_root, base_image_pinned, base_image_eol, instruction_matches, secret_in_env, final_stage_has,
    context_copy_filtered,
)

__all__ = [
    "KINDS", "PARSERS", "Dockerfile", "ImageRef", "Instruction", "PinParams", "Regex", "SecretNameParams", "Stage",
    "is_literal_secret", "parse_dockerfile", "parse_image", "pin_problem",
]
