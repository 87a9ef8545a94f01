"""Check kinds for the 'ci' topic: GitHub Actions workflows, composite actions and GitLab CI.

Every kind reads YAML through ``ctx.yaml_docs`` (a file that does not parse is recorded by the
engine and yields nothing here, so its checks become incomplete). Expressions (``${{ ... }}``)
and shell lines are matched with the regular expressions kept in the ruleset's params, so the
lists of untrusted contexts, security tools and test commands are data, not code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import Field

from ..yamlio import LineMap
from .base import REPOSITORY, CheckContext, CheckKind, Hit, Params, Parser, kind

GHA_WORKFLOW = "github-actions"
GHA_ACTION = "github-action"
GITLAB = "gitlab-ci"
_ALL_CI = (GHA_WORKFLOW, GHA_ACTION, GITLAB)

_EXPR = re.compile(r"\$\{\{(.*?)\}\}", re.S)
_SHA = re.compile(r"^(?:[0-9a-fA-F]{40}|[0-9a-fA-F]{64})$")
_GITLAB_GLOBALS = frozenset(
    {"default", "include", "stages", "variables", "workflow", "image", "services", "cache",
     "before_script", "after_script", "spec"}
)
_SCRIPT_KEYS = ("before_script", "script", "after_script")

Key = tuple[str | int, ...]


# --------------------------------------------------------------------------- shared model


@dataclass(frozen=True)
class _Doc:
    """One parsed CI document: a workflow, a composite/docker action, or a GitLab pipeline."""

    path: str
    data: dict[Any, Any]
    lm: LineMap
    flavour: str  # GHA_WORKFLOW | GHA_ACTION | GITLAB

    def line(self, key: Key) -> int:
        return self.lm.line_of(key)


@dataclass(frozen=True)
class _Step:
    doc: _Doc
    key: Key  # data path of the step mapping
    data: dict[Any, Any]
    job_id: str  # "" for an action's own steps
    job: dict[Any, Any]

    @property
    def label(self) -> str:
        name = self.data.get("name") or self.data.get("id")
        index = self.key[-1]
        step = f"step '{name}'" if isinstance(name, str) and name else f"step #{int(index) + 1 if isinstance(index, int) else index}"
        return f"{step} of job '{self.job_id}'" if self.job_id else f"{step} of the action"

    def uses(self) -> str:
        value = self.data.get("uses")
        return value if isinstance(value, str) else ""

    def with_(self) -> dict[Any, Any]:
        value = self.data.get("with")
        return value if isinstance(value, dict) else {}


def _docs(ctx: CheckContext, *flavours: str) -> Iterator[_Doc]:
    """Every parseable mapping document of the wanted CI flavours (a workflow file wins)."""
    kinds = {f.path: f.kinds for f in ctx.inventory.files}
    for path in ctx.paths(*flavours):
        own = kinds.get(path, frozenset())
        flavour = next((f for f in (GHA_WORKFLOW, GITLAB, GHA_ACTION) if f in own), "")
        if flavour not in flavours:
            continue
        docs = ctx.yaml_docs(path)
        if docs is None:
            continue
        for data, lm in docs:
            if isinstance(data, dict):
                yield _Doc(path, data, lm, flavour)


def _triggers(doc: _Doc) -> tuple[set[str], Key]:
    """Event names of a workflow (YAML 1.1 reads the key ``on`` as True) and the key's path."""
    for key in ("on", True):
        if key in doc.data:
            value = doc.data[key]
            path: Key = (str(key),)
            if isinstance(value, str):
                return {value}, path
            if isinstance(value, list):
                return {str(v) for v in value}, path
            if isinstance(value, dict):
                return {str(k) for k in value}, path
            return set(), path
    return set(), ()


def _trigger_line(doc: _Doc, event: str) -> int:
    _, path = _triggers(doc)
    value = doc.data.get("on", doc.data.get(True))
    if isinstance(value, dict):
        return doc.line((*path, event))
    if isinstance(value, list) and event in value:
        return doc.line((*path, value.index(event)))
    return doc.line(path)


def _jobs(doc: _Doc) -> Iterator[tuple[str, dict[Any, Any]]]:
    jobs = doc.data.get("jobs")
    if isinstance(jobs, dict):
        for job_id, job in jobs.items():
            if isinstance(job, dict):
                yield str(job_id), job


def _steps(doc: _Doc) -> Iterator[_Step]:
    """Steps of a workflow's jobs, or of a composite action (``runs.steps``)."""
    if doc.flavour == GHA_WORKFLOW:
        for job_id, job in _jobs(doc):
            steps = job.get("steps")
            if isinstance(steps, list):
                for i, step in enumerate(steps):
                    if isinstance(step, dict):
                        yield _Step(doc, ("jobs", job_id, "steps", i), step, job_id, job)
    elif doc.flavour == GHA_ACTION:
        runs = doc.data.get("runs")
        steps = runs.get("steps") if isinstance(runs, dict) else None
        if isinstance(steps, list):
            for i, step in enumerate(steps):
                if isinstance(step, dict):
                    yield _Step(doc, ("runs", "steps", i), step, "", {})


def _value_lines(ctx: CheckContext, doc: _Doc, key: Key, value: str) -> list[tuple[int, str]]:
    """Each line of a (possibly multi-line) scalar with its 1-based line in the file.

    The line map knows where the key is; a block scalar's lines follow it. Lines that cannot
    be found verbatim (folded or escaped scalars) fall back to the key's line.
    """
    start = doc.line(key)
    text = ctx.text(doc.path) or ""
    file_lines = text.splitlines()
    cursor = start - 1
    out: list[tuple[int, str]] = []
    for raw in value.splitlines() or [value]:
        needle = raw.strip()
        found = start
        if needle:
            for j in range(max(cursor, 0), len(file_lines)):
                if needle in file_lines[j]:
                    found, cursor = j + 1, j
                    break
        out.append((found, raw))
    return out


def _compile(patterns: Iterable[str]) -> list[re.Pattern[str]]:
    return [re.compile(p, re.I) for p in patterns]


def _search(patterns: Iterable[re.Pattern[str]], text: str) -> bool:
    return any(p.search(text) for p in patterns)


def _str_items(value: Any) -> list[tuple[Key, str]]:
    """A string, or a (nested) list of strings, with each item's relative key."""
    if isinstance(value, str):
        return [((), value)]
    out: list[tuple[Key, str]] = []
    if isinstance(value, list):
        for i, item in enumerate(value):
            out.extend(((i, *k), s) for k, s in _str_items(item))
    return out


def _run_scripts(doc: _Doc) -> Iterator[tuple[_Step | None, Key, str]]:
    """Shell scripts of a document: GitHub ``run:`` values and GitLab script sections."""
    if doc.flavour == GITLAB:
        for base in _gitlab_script_holders(doc):
            holder = _get(doc.data, base)
            if not isinstance(holder, dict):
                continue
            for section in _SCRIPT_KEYS:
                for sub, script in _str_items(holder.get(section)):
                    yield None, (*base, section, *sub), script
        return
    for step in _steps(doc):
        run = step.data.get("run")
        if isinstance(run, str):
            yield step, (*step.key, "run"), run


def _get(data: Any, key: Key) -> Any:
    for part in key:
        if isinstance(data, dict):
            data = data.get(part)
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            data = data[part]
        else:
            return None
    return data


def _gitlab_jobs(doc: _Doc) -> Iterator[tuple[str, dict[Any, Any]]]:
    """Jobs and hidden templates (``.name``) of a GitLab pipeline."""
    for name, job in doc.data.items():
        if isinstance(name, str) and name not in _GITLAB_GLOBALS and isinstance(job, dict):
            yield name, job


def _gitlab_script_holders(doc: _Doc) -> list[Key]:
    """Mappings that may hold before_script/script/after_script: the root, default, each job."""
    return [(), ("default",), *((name,) for name, _ in _gitlab_jobs(doc))]


def _uses_ref(uses: str) -> tuple[str, str]:
    """(target, ref) of a ``uses:`` value; ref is "" when there is no ``@``."""
    target, sep, ref = uses.rpartition("@")
    return (target, ref) if sep else (uses, "")


# --------------------------------------------------------------------------- actions pinned


class ActionsPinnedParams(Params):
    owners: list[str] = Field(
        default_factory=list, description="only actions of these owners (case-insensitive); empty = every owner"
    )
    exclude_owners: list[str] = Field(default_factory=list, description="owners this check leaves to another check")
    check_docker: bool = Field(True, description="also require docker:// actions and images to be pinned by digest")


@kind("ci.actions-pinned", (GHA_WORKFLOW, GHA_ACTION), ActionsPinnedParams)
def actions_pinned(ctx: CheckContext, p: ActionsPinnedParams) -> Iterable[Hit]:
    """Actions and reusable workflows are referenced by a full commit SHA (docker:// by digest).

    Local actions (``./path``) are part of the repository and always fine.
    """
    owners = {o.lower() for o in p.owners}
    excluded = {o.lower() for o in p.exclude_owners}

    def judge(uses: str, where: str, key: Key, doc: _Doc) -> Iterator[Hit]:
        if uses.startswith("./") or uses.startswith("."):
            return
        if uses.startswith("docker://"):
            if p.check_docker and "@sha256:" not in uses:
                yield Hit(doc.path, doc.line(key), f"{where} uses Docker image '{uses}' without an @sha256: digest")
            return
        target, ref = _uses_ref(uses)
        owner = target.split("/", 1)[0].lower()
        if (owners and owner not in owners) or owner in excluded:
            return
        if not ref:
            yield Hit(doc.path, doc.line(key), f"{where} uses '{uses}' with no version at all")
        elif not _SHA.match(ref):
            yield Hit(
                doc.path, doc.line(key),
                f"{where} uses '{target}@{ref}': '{ref}' is a movable tag or branch, not a full commit SHA",
            )

    for doc in _docs(ctx, GHA_WORKFLOW, GHA_ACTION):
        for step in _steps(doc):
            if step.uses():
                yield from judge(step.uses(), step.label, (*step.key, "uses"), doc)
        for job_id, job in _jobs(doc) if doc.flavour == GHA_WORKFLOW else ():
            uses = job.get("uses")
            if isinstance(uses, str):
                yield from judge(uses, f"job '{job_id}' (reusable workflow)", ("jobs", job_id, "uses"), doc)
        runs = doc.data.get("runs") if doc.flavour == GHA_ACTION else None
        image = runs.get("image") if isinstance(runs, dict) else None
        if isinstance(image, str) and image.startswith("docker://"):
            yield from judge(image, "the Docker action", ("runs", "image"), doc)


# --------------------------------------------------------------------------- token permissions


class PermissionsParams(Params):
    broad_write_scopes: list[str] = Field(
        description="GITHUB_TOKEN scopes that must not be granted 'write' for the whole workflow"
    )
    single_job_exempt: bool = Field(
        True, description="a workflow with one job may grant its scopes at the top (same effect as job level)"
    )


@kind("ci.github-token-permissions", (GHA_WORKFLOW,), PermissionsParams)
def token_permissions(ctx: CheckContext, p: PermissionsParams) -> Iterable[Hit]:
    """The workflow limits GITHUB_TOKEN: permissions declared, never write-all, writes per job."""
    broad = {s.lower() for s in p.broad_write_scopes}
    for doc in _docs(ctx, GHA_WORKFLOW):
        jobs = list(_jobs(doc))
        if "permissions" in doc.data:
            perms = doc.data["permissions"]
            if isinstance(perms, str) and perms.strip().lower() == "write-all":
                yield Hit(doc.path, doc.line(("permissions",)), "workflow grants GITHUB_TOKEN 'write-all' to every job")
            elif isinstance(perms, dict) and not (p.single_job_exempt and len(jobs) == 1):
                for scope, level in perms.items():
                    if str(level).lower() == "write" and str(scope).lower() in broad:
                        yield Hit(
                            doc.path, doc.line(("permissions", str(scope))),
                            f"workflow-level permission '{scope}: write' applies to all {len(jobs)} jobs; grant it only to the job that needs it",
                        )
        else:
            missing = [(job_id, job) for job_id, job in jobs if "permissions" not in job]
            if missing and len(missing) == len(jobs):
                yield Hit(
                    doc.path, doc.line(("jobs",)),
                    "no 'permissions:' at the top of the workflow nor in any job: GITHUB_TOKEN gets the repository default (possibly read-write)",
                )
            else:
                for job_id, _ in missing:
                    yield Hit(
                        doc.path, doc.line(("jobs", job_id)),
                        f"job '{job_id}' declares no 'permissions:' and the workflow has none at the top: it gets the repository default",
                    )
        for job_id, job in jobs:
            perms = job.get("permissions")
            if isinstance(perms, str) and perms.strip().lower() == "write-all":
                yield Hit(doc.path, doc.line(("jobs", job_id, "permissions")), f"job '{job_id}' grants GITHUB_TOKEN 'write-all'")


# --------------------------------------------------------------------------- privileged triggers


class TriggersParams(Params):
    triggers: list[str] = Field(description="workflow events that run with secrets and a write token on untrusted input")


@kind("ci.github-privileged-trigger", (GHA_WORKFLOW,), TriggersParams)
def privileged_trigger(ctx: CheckContext, p: TriggersParams) -> Iterable[Hit]:
    """The workflow is not started by a privileged event that fork contributors can cause."""
    for doc in _docs(ctx, GHA_WORKFLOW):
        events, _ = _triggers(doc)
        for event in p.triggers:
            if event in events:
                yield Hit(
                    doc.path, _trigger_line(doc, event),
                    f"workflow runs on '{event}', which has secrets and a write token while reacting to fork contributions",
                )


class UntrustedCheckoutParams(Params):
    triggers: list[str] = Field(description="privileged events (pull_request_target, workflow_run)")
    checkout_actions: list[str] = Field(description="actions that check code out (matched before the '@')")
    ref_patterns: list[str] = Field(description="regexes: a checkout 'ref'/'repository' naming the contributor's code")
    run_patterns: list[str] = Field(default_factory=list, description="regexes: shell lines that fetch the contributor's code")


@kind("ci.github-untrusted-checkout", (GHA_WORKFLOW,), UntrustedCheckoutParams)
def untrusted_checkout(ctx: CheckContext, p: UntrustedCheckoutParams) -> Iterable[Hit]:
    """A privileged workflow (pull_request_target / workflow_run) never checks out the PR's code."""
    refs = _compile(p.ref_patterns)
    runs = _compile(p.run_patterns)
    actions = {a.lower() for a in p.checkout_actions}
    for doc in _docs(ctx, GHA_WORKFLOW):
        events, _ = _triggers(doc)
        privileged = sorted(events & set(p.triggers))
        if not privileged:
            continue
        trigger = privileged[0]
        for step in _steps(doc):
            target, _ = _uses_ref(step.uses())
            if target.lower() in actions:
                for field_name in ("ref", "repository"):
                    value = step.with_().get(field_name)
                    if isinstance(value, str) and _search(refs, value):
                        yield Hit(
                            doc.path, doc.line((*step.key, "with", field_name)),
                            f"{step.label} checks out the contributor's code ({field_name}: {value.strip()}) in a '{trigger}' workflow that has secrets and a write token",
                        )
            run = step.data.get("run")
            if isinstance(run, str) and runs:
                for line, text in _value_lines(ctx, doc, (*step.key, "run"), run):
                    if _search(runs, text):
                        yield Hit(
                            doc.path, line,
                            f"{step.label} fetches the contributor's code in a '{trigger}' workflow that has secrets and a write token",
                        )


# --------------------------------------------------------------------------- expression injection


class ExpressionParams(Params):
    patterns: list[str] = Field(description="regexes matched inside ${{ }} expressions that carry attacker-controlled text")
    script_actions: list[str] = Field(
        default_factory=lambda: ["actions/github-script"],
        description="actions whose 'with.script' is code too (matched before the '@')",
    )


@kind("ci.github-expression-in-script", (GHA_WORKFLOW, GHA_ACTION), ExpressionParams)
def expression_in_script(ctx: CheckContext, p: ExpressionParams) -> Iterable[Hit]:
    """Untrusted ${{ }} expressions are not pasted into run: scripts (or github-script code)."""
    pats = _compile(p.patterns)
    script_actions = {a.lower() for a in p.script_actions}
    for doc in _docs(ctx, GHA_WORKFLOW, GHA_ACTION):
        for step in _steps(doc):
            sources: list[tuple[Key, str, str]] = []
            run = step.data.get("run")
            if isinstance(run, str):
                sources.append(((*step.key, "run"), run, "run: script"))
            script = step.with_().get("script")
            if isinstance(script, str) and _uses_ref(step.uses())[0].lower() in script_actions:
                sources.append(((*step.key, "with", "script"), script, "github-script code"))
            for key, value, what in sources:
                for line, text in _value_lines(ctx, doc, key, value):
                    for m in _EXPR.finditer(text):
                        expr = " ".join(m.group(1).split())
                        if _search(pats, expr):
                            yield Hit(
                                doc.path, line,
                                f"{step.label} pastes '${{{{ {expr} }}}}' into its {what}: pass it through env: and quote the variable",
                            )


# --------------------------------------------------------------------------- secrets printed


class SecretPrintParams(Params):
    print_commands: list[str] = Field(description="regexes of commands that write to the job log")
    secret_names: str = Field(description="regex: a variable name that holds a secret")
    dump_commands: list[str] = Field(default_factory=list, description="regexes of whole commands that print every variable")
    xtrace: list[str] = Field(default_factory=list, description="regexes of shell tracing that echoes expanded commands")


_SHELL_VAR = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?")
_COMMAND_SPLIT = re.compile(r"&&|\|\||;")
_PIPE_SPLIT = re.compile(r"(?<!\|)\|(?!\|)")
_REDIRECT_TO_FILE = re.compile(r"(?<![0-9&])>{1,2}\s*(?!&)\S")


def _printed_vars(line: str, prints: list[re.Pattern[str]]) -> list[str]:
    """Variables a print command sends to the log (not piped on, not redirected into a file)."""
    found: list[str] = []
    for command in _COMMAND_SPLIT.split(line):
        last = _PIPE_SPLIT.split(command)[-1]
        if _search(prints, last) and not _REDIRECT_TO_FILE.search(last):
            found.extend(_SHELL_VAR.findall(last))
    return found


def _script_owner(step: _Step | None, key: Key) -> str:
    if step is not None:
        return step.label
    if key and key[0] in _SCRIPT_KEYS:
        return f"the pipeline's global {key[0]}"
    if len(key) > 1 and key[0] == "default":
        return f"default {key[1]}"
    return f"job '{key[0]}' {key[1]}" if len(key) > 1 else "a script"


@kind("ci.secret-printed", _ALL_CI, SecretPrintParams)
def secret_printed(ctx: CheckContext, p: SecretPrintParams) -> Iterable[Hit]:
    """CI scripts never print secrets: no echo of ${{ secrets.X }} or of secret variables,
    no dump of all variables, no shell tracing while secrets are in the environment.

    ``echo "$TOKEN" | cmd --password-stdin`` is fine (piped, not logged); an expression
    ``${{ secrets.X }}`` on a print line is not (the value is pasted into the script itself).
    """
    prints = _compile(p.print_commands)
    dumps = _compile(p.dump_commands)
    xtrace = _compile(p.xtrace)
    names = re.compile(p.secret_names, re.I)
    secret_expr = re.compile(r"\bsecrets\b", re.I)
    for doc in _docs(ctx, *_ALL_CI):
        workflow_env = _env_secrets(doc.data, secret_expr)
        for step, key, script in _run_scripts(doc):
            where = _script_owner(step, key)
            secret_env = set(workflow_env)
            if step is not None:
                secret_env |= _env_secrets(step.job, secret_expr) | _env_secrets(step.data, secret_expr)
            for line, text in _value_lines(ctx, doc, key, script):
                stripped = text.strip()
                if not stripped or stripped.startswith("#") or "::add-mask::" in stripped:
                    continue
                inline = [m.group(1) for m in _EXPR.finditer(text) if secret_expr.search(m.group(1))]
                if inline and _search(prints, text):
                    expr = " ".join(inline[0].split())
                    yield Hit(doc.path, line, f"{where} prints a secret (${{{{ {expr} }}}}) pasted into its script")
                    continue
                printed = [v for v in _printed_vars(text, prints) if v in secret_env or names.search(v)]
                if printed:
                    yield Hit(doc.path, line, f"{where} prints secret variable ${printed[0]} to the job log")
                elif _search(dumps, stripped):
                    yield Hit(doc.path, line, f"{where} dumps every environment variable (secrets included) to the job log")
                elif secret_env and _search(xtrace, stripped):
                    yield Hit(
                        doc.path, line,
                        f"{where} turns on shell tracing while secrets ({', '.join(sorted(secret_env))}) are in its environment",
                    )


def _env_secrets(holder: dict[Any, Any], secret_expr: re.Pattern[str]) -> set[str]:
    env = holder.get("env")
    if not isinstance(env, dict):
        return set()
    return {str(k) for k, v in env.items() if isinstance(v, str) and any(secret_expr.search(m) for m in _EXPR.findall(v))}


# --------------------------------------------------------------------------- pipeline runs X


class PipelineRunsParams(Params):
    run_patterns: list[str] = Field(description="regexes: a shell command that does the job (e.g. pytest)")
    uses_patterns: list[str] = Field(
        default_factory=list, description="regexes: an action (uses:) or GitLab include/component that does it"
    )
    ignore_patterns: list[str] = Field(
        default_factory=list, description="regexes: commands that only mention a tool (e.g. installing it)"
    )
    what: str = Field(description="what must run, for the message (e.g. 'a test command')")


@kind("ci.pipeline-runs", (REPOSITORY,), PipelineRunsParams)
def pipeline_runs(ctx: CheckContext, p: PipelineRunsParams) -> Iterable[Hit]:
    """At least one CI workflow or GitLab job runs a matching command or action."""
    runs = _compile(p.run_patterns)
    uses_pats = _compile(p.uses_patterns)
    ignore = _compile(p.ignore_patterns)
    files = ctx.paths(*_ALL_CI)
    for doc in _docs(ctx, *_ALL_CI):
        for _step, _key, script in _run_scripts(doc):
            for text in script.splitlines():
                if text.strip().startswith("#"):
                    continue
                for command in re.split(r"&&|\|\||;|\|", text):
                    if _search(runs, command) and not _search(ignore, command):
                        return
        for uses in _uses_values(doc):
            if _search(uses_pats, uses):
                return
    unreadable = sorted(f for f in files if f in ctx.failures)
    if not files:
        yield Hit(".", 0, f"no CI configuration (GitHub Actions or GitLab CI) runs {p.what}: none was found")
    elif unreadable:
        yield Hit(".", 0, f"no readable CI configuration runs {p.what}; could not parse: {', '.join(unreadable)}")
    else:
        yield Hit(".", 0, f"no CI workflow or job runs {p.what} (looked in {', '.join(files)})")


def _uses_values(doc: _Doc) -> Iterator[str]:
    if doc.flavour == GITLAB:
        for _, value in _str_items(doc.data.get("include")):
            yield value
        include = doc.data.get("include")
        for item in include if isinstance(include, list) else [include]:
            if isinstance(item, dict):
                for k in ("template", "component", "remote", "local", "file", "project"):
                    for _, value in _str_items(item.get(k)):
                        yield value
        return
    for step in _steps(doc):
        if step.uses():
            yield step.uses()
    for _, job in _jobs(doc) if doc.flavour == GHA_WORKFLOW else ():
        if isinstance(job.get("uses"), str):
            yield str(job["uses"])


# --------------------------------------------------------------------------- images


class ImagesParams(Params):
    forbidden_tags: list[str] = Field(description="tags that float (e.g. latest)")
    require_tag: bool = Field(True, description="an image with neither tag nor digest is a finding")


def _image_refs(doc: _Doc) -> Iterator[tuple[Key, str, str]]:
    """(key, image, owner label) of every container image a pipeline runs."""
    if doc.flavour == GITLAB:
        holders: list[tuple[Key, str]] = [((), "the pipeline"), (("default",), "default")]
        holders += [((name,), f"job '{name}'") for name, _ in _gitlab_jobs(doc)]
        for base, label in holders:
            holder = _get(doc.data, base)
            if not isinstance(holder, dict):
                continue
            for key, value in _image_of(holder.get("image"), (*base, "image")):
                yield key, value, f"{label} image"
            services = holder.get("services")
            for i, svc in enumerate(services if isinstance(services, list) else []):
                for key, value in _image_of(svc, (*base, "services", i)):
                    yield key, value, f"{label} service"
        return
    for job_id, job in _jobs(doc):
        container = job.get("container")
        for key, value in _image_of(container, ("jobs", job_id, "container"), "image"):
            yield key, value, f"job '{job_id}' container"
        services = job.get("services")
        if isinstance(services, dict):
            for name, svc in services.items():
                for key, value in _image_of(svc, ("jobs", job_id, "services", str(name)), "image"):
                    yield key, value, f"job '{job_id}' service '{name}'"


def _image_of(value: Any, key: Key, field_name: str = "name") -> list[tuple[Key, str]]:
    if isinstance(value, str):
        return [(key, value)]
    if isinstance(value, dict) and isinstance(value.get(field_name), str):
        return [((*key, field_name), value[field_name])]
    return []


def _split_image(image: str) -> tuple[str, str, bool]:
    """(name, tag, has_digest) of an image reference."""
    ref = image.removeprefix("docker://").strip()
    if "@" in ref:
        return ref.split("@", 1)[0], "", True
    slash = ref.rfind("/")
    colon = ref.rfind(":")
    if colon > slash:
        return ref[:colon], ref[colon + 1 :], False
    return ref, "", False


@kind("ci.images-pinned", (GITLAB, GHA_WORKFLOW), ImagesParams)
def images_pinned(ctx: CheckContext, p: ImagesParams) -> Iterable[Hit]:
    """CI job images and services name a fixed version (a tag other than latest, or a digest)."""
    forbidden = {t.lower() for t in p.forbidden_tags}
    for doc in _docs(ctx, GITLAB, GHA_WORKFLOW):
        for key, image, label in _image_refs(doc):
            name, tag, digest = _split_image(image)
            if digest or not name:
                continue
            if tag.lower() in forbidden:
                yield Hit(doc.path, doc.line(key), f"{label} '{image}' uses the floating tag ':{tag}'")
            elif not tag and p.require_tag and "$" not in name:
                yield Hit(doc.path, doc.line(key), f"{label} '{image}' has no tag or digest (means :latest)")


# --------------------------------------------------------------------------- supported Python


class PythonVersionParams(Params):
    eol_versions: list[str] = Field(description="major.minor Python versions past end of life")
    setup_actions: list[str] = Field(default_factory=lambda: ["actions/setup-python"], description="matched before '@'")
    image_names: list[str] = Field(
        default_factory=lambda: ["python", "library/python", "docker.io/library/python"],
        description="container images whose tag is a Python version",
    )


_PY_VERSION = re.compile(r"^(?:cpython-?|python-?)?(\d+)\.(\d+)(?![\d])")


def _eol(version: str, eol: set[str]) -> str | None:
    m = _PY_VERSION.match(version.strip())
    if m is None:
        return None
    mm = f"{m.group(1)}.{m.group(2)}"
    return mm if mm in eol else None


@kind("ci.python-version-supported", (GHA_WORKFLOW, GHA_ACTION, GITLAB), PythonVersionParams)
def python_version_supported(ctx: CheckContext, p: PythonVersionParams) -> Iterable[Hit]:
    """CI builds and tests on a Python release that still gets security fixes."""
    eol = set(p.eol_versions)
    setups = {a.lower() for a in p.setup_actions}
    images = {i.lower() for i in p.image_names}
    for doc in _docs(ctx, GHA_WORKFLOW, GHA_ACTION, GITLAB):
        for step in _steps(doc):
            if _uses_ref(step.uses())[0].lower() not in setups:
                continue
            value = step.with_().get("python-version")
            key: Key = (*step.key, "with", "python-version")
            for item_key, version in _versions(value, key):
                matrix = re.fullmatch(r"\s*\$\{\{\s*matrix\.([\w-]+)\s*\}\}\s*", version)
                if matrix:
                    mkey: Key = ("jobs", step.job_id, "strategy", "matrix", matrix.group(1))
                    for mk, mv in _versions(_get(doc.data, mkey), mkey):
                        if (bad := _eol(mv, eol)) is not None:
                            yield Hit(doc.path, doc.line(mk), f"{step.label} tests on Python {bad} (matrix), which is past end of life")
                    continue
                for line_no, text in _value_lines(ctx, doc, item_key, version):
                    if (bad := _eol(text, eol)) is not None:
                        yield Hit(doc.path, line_no, f"{step.label} sets up Python {bad}, which is past end of life")
        for ikey, image, label in _image_refs(doc):
            name, tag, _ = _split_image(image)
            if name.lower() in images and (bad := _eol(tag, eol)) is not None:
                yield Hit(doc.path, doc.line(ikey), f"{label} '{image}' is Python {bad}, which is past end of life")


def _versions(value: Any, key: Key) -> list[tuple[Key, str]]:
    if isinstance(value, bool) or value is None:
        return []
    if isinstance(value, (int, float)):
        return [(key, str(value))]
    if isinstance(value, str):
        return [(key, value)]
    if isinstance(value, list):
        return [kv for i, item in enumerate(value) for kv in _versions(item, (*key, i))]
    return []


# --------------------------------------------------------------------------- GitLab variables


class ForbiddenVariablesParams(Params):
    forbidden: dict[str, list[str]] = Field(description="variable name → values it must not have (case-insensitive)")


@kind("ci.gitlab-forbidden-variable", (GITLAB,), ForbiddenVariablesParams)
def gitlab_forbidden_variable(ctx: CheckContext, p: ForbiddenVariablesParams) -> Iterable[Hit]:
    """GitLab pipelines do not set variables that weaken the job (e.g. CI_DEBUG_TRACE)."""
    forbidden = {k: {v.lower() for v in vals} for k, vals in p.forbidden.items()}
    for doc in _docs(ctx, GITLAB):
        holders: list[tuple[Key, str]] = [((), "the pipeline")]
        holders += [((name,), f"job '{name}'") for name, _ in _gitlab_jobs(doc)]
        for base, label in holders:
            variables = _get(doc.data, (*base, "variables"))
            if not isinstance(variables, dict):
                continue
            for name, value in variables.items():
                if str(name) not in forbidden:
                    continue
                raw = value.get("value") if isinstance(value, dict) else value
                text = str(raw).lower() if raw is not None else ""
                if text in forbidden[str(name)]:
                    yield Hit(doc.path, doc.line((*base, "variables", str(name))), f"{label} sets {name}={text}")


# --------------------------------------------------------------------------- checkout credentials


class CheckoutCredentialsParams(Params):
    checkout_actions: list[str] = Field(description="actions that check code out (matched before the '@')")
    later_run_patterns: list[str] = Field(
        description="regexes: later shell lines that publish or push the workspace (git push, docker build/push)"
    )
    later_uses_patterns: list[str] = Field(
        default_factory=list, description="regexes: later actions that publish the workspace (upload-artifact)"
    )


@kind("ci.github-checkout-credentials", (GHA_WORKFLOW, GHA_ACTION), CheckoutCredentialsParams)
def checkout_credentials(ctx: CheckContext, p: CheckoutCredentialsParams) -> Iterable[Hit]:
    """A checkout followed by steps that push or publish the workspace sets persist-credentials: false."""
    actions = {a.lower() for a in p.checkout_actions}
    later_runs = _compile(p.later_run_patterns)
    later_uses = _compile(p.later_uses_patterns)
    for doc in _docs(ctx, GHA_WORKFLOW, GHA_ACTION):
        by_job: dict[str, list[_Step]] = {}
        for step in _steps(doc):
            by_job.setdefault(step.job_id, []).append(step)
        for steps in by_job.values():
            for i, step in enumerate(steps):
                if _uses_ref(step.uses())[0].lower() not in actions:
                    continue
                persist = step.with_().get("persist-credentials")
                if persist is False or str(persist).strip().lower() == "false":
                    continue
                for later in steps[i + 1 :]:
                    run = later.data.get("run")
                    if (isinstance(run, str) and _search(later_runs, run)) or (later.uses() and _search(later_uses, later.uses())):
                        yield Hit(
                            doc.path, doc.line((*step.key, "uses")),
                            f"{step.label} leaves the token in .git/config (no persist-credentials: false) and {later.label} later pushes or publishes the workspace",
                        )
                        break


# --------------------------------------------------------------------------- self-hosted runners


class SelfHostedParams(Params):
    triggers: list[str] = Field(description="events that run code from forks")
    labels: list[str] = Field(description="runs-on labels of self-hosted runners")


@kind("ci.github-self-hosted-on-pr", (GHA_WORKFLOW,), SelfHostedParams)
def self_hosted_on_pr(ctx: CheckContext, p: SelfHostedParams) -> Iterable[Hit]:
    """Jobs that build pull requests do not run on persistent self-hosted runners."""
    labels = {label.lower() for label in p.labels}
    for doc in _docs(ctx, GHA_WORKFLOW):
        events, _ = _triggers(doc)
        pr = sorted(events & set(p.triggers))
        if not pr:
            continue
        for job_id, job in _jobs(doc):
            runs_on = job.get("runs-on")
            if isinstance(runs_on, dict):
                runs_on = runs_on.get("labels", runs_on.get("group"))
            names = [s for _, s in _str_items(runs_on)]
            if any(n.strip().lower() in labels for n in names):
                yield Hit(
                    doc.path, doc.line(("jobs", job_id, "runs-on")),
                    f"job '{job_id}' runs on a self-hosted runner in a workflow triggered by '{pr[0]}' (fork code on a persistent machine)",
                )


KINDS: tuple[CheckKind, ...] = (
    actions_pinned,
    token_permissions,
    privileged_trigger,
    untrusted_checkout,
    expression_in_script,
    secret_printed,
    pipeline_runs,
    images_pinned,
    python_version_supported,
    gitlab_forbidden_variable,
    checkout_credentials,
    self_hosted_on_pr,
)
PARSERS: dict[str, Parser] = {}
