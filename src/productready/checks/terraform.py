"""Check kinds for the 'terraform' topic: cloud resources declared in Terraform (AWS first, some Azure/GCP).

Files are read with our own HCL parser (``checks/hcl.py``, registered as parser ``hcl``); nothing
is planned, applied or evaluated. A directory is one Terraform module: references resolve only
inside it. Values are judged only when they are known:

* literals, and ``var.NAME``/``local.NAME`` references that resolve (inside the same directory) to
  a literal: an auto-loaded tfvars value (``terraform.tfvars``, ``*.auto.tfvars``) first, then
  the variable's ``default``; locals are followed a few levels;
* anything else (function calls, conditionals, other references, strings with ``${...}``) is
  *unknown* and never produces a finding — the checks say what the code says, not what a plan
  might compute.

A file that cannot be parsed is skipped and recorded by the engine, so every check reading it is
reported as incomplete rather than passing.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Literal

from pydantic import Field

from . import hcl
from .base import CheckContext, CheckKind, Hit, Params, Parser, kind
from .hcl import Attribute, Block, Expression, Value

INPUTS = ("terraform",)
Scalar = bool | int | float | str

# ---------------------------------------------------------------------------------------------
# The model: modules (directories), their resources, variables and locals


@dataclass(frozen=True)
class Resource:
    path: str
    block: Block

    @property
    def type(self) -> str:
        return self.block.labels[0] if self.block.labels else ""

    @property
    def name(self) -> str:
        return self.block.labels[1] if len(self.block.labels) > 1 else ""

    @property
    def ref(self) -> str:
        return f"{self.type}.{self.name}"


@dataclass
class Module:
    """The Terraform files of one directory (one module)."""

    directory: str
    files: list[tuple[str, Block]] = field(default_factory=list)  # .tf and .tf.json
    tfvars: list[tuple[str, Block]] = field(default_factory=list)

    def blocks(self, type_: str) -> Iterator[tuple[str, Block]]:
        for path, root in self.files:
            for b in root.blocks:
                if b.type == type_:
                    yield path, b

    def resources(self, patterns: Iterable[str]) -> Iterator[Resource]:
        pats = list(patterns)
        for path, b in self.blocks("resource"):
            if b.labels and any(fnmatch.fnmatchcase(b.labels[0], p) for p in pats):
                yield Resource(path, b)

    def variable(self, name: str) -> tuple[str, Block] | None:
        for path, b in self.blocks("variable"):
            if b.labels[:1] == (name,):
                return path, b
        return None

    def local(self, name: str) -> tuple[str, Attribute] | None:
        for path, b in self.blocks("locals"):
            if name in b.attributes:
                return path, b.attributes[name]
        return None


def load_modules(ctx: CheckContext) -> list[Module]:
    """Every parseable Terraform file, grouped by directory (unparseable files are recorded and left out)."""
    modules: dict[str, Module] = {}
    for path in sorted(set(ctx.paths(*INPUTS))):
        root = ctx.parsed(path, "hcl")
        if not isinstance(root, Block):
            continue
        directory = str(PurePosixPath(path).parent)
        mod = modules.setdefault(directory, Module(directory))
        (mod.tfvars if path.endswith(".tfvars") else mod.files).append((path, root))
    return [modules[d] for d in sorted(modules)]


def all_resources(modules: list[Module], patterns: Iterable[str]) -> Iterator[tuple[Module, Resource]]:
    pats = list(patterns)
    for m in modules:
        for r in m.resources(pats):
            yield m, r


# ---------------------------------------------------------------------------------------------
# Resolving references to literals

_REF = re.compile(r"^(var|local)\.([A-Za-z_][\w-]*)$")
_REF_TEMPLATE = re.compile(r"^\$\{\s*(var|local)\.([A-Za-z_][\w-]*)\s*\}$")


@dataclass(frozen=True)
class Resolved:
    value: Value
    path: str  # where the value is written
    line: int
    end_line: int
    via: str = ""  # "" when written in place, else e.g. "variable 'x' (default)"


def _reference(value: Value) -> tuple[str, str] | None:
    m = None
    if isinstance(value, Expression):
        m = _REF.match(value.text.strip())
    elif isinstance(value, str):
        m = _REF_TEMPLATE.match(value.strip())
    return (m.group(1), m.group(2)) if m else None


def _auto_tfvars(path: str) -> bool:
    name = PurePosixPath(path).name
    return name == "terraform.tfvars" or name.endswith(".auto.tfvars")


def resolve(module: Module, value: Value, path: str, line: int, end_line: int, every: bool = False) -> list[Resolved]:
    """The literal(s) a value stands for: itself, or what ``var.x``/``local.x`` resolves to.

    ``every`` returns every source (each tfvars file that sets the variable, and its default)
    instead of the one Terraform would use without ``-var-file``.
    """
    return _resolve(module, Resolved(value, path, line, end_line), every, 0)


def _resolve(module: Module, r: Resolved, every: bool, depth: int) -> list[Resolved]:
    ref = _reference(r.value)
    if ref is None or depth > 5:
        return [r]
    what, name = ref
    found: list[Resolved] = []
    if what == "local":
        loc = module.local(name)
        if loc is not None:
            p, a = loc
            found.append(Resolved(a.value, p, a.line, a.end_line, f"local '{name}'"))
    else:
        tfvars = sorted(module.tfvars, key=lambda f: (not _auto_tfvars(f[0]), f[0]))
        for p, root in tfvars:
            if (every or _auto_tfvars(p)) and name in root.attributes:
                a = root.attributes[name]
                found.append(Resolved(a.value, p, a.line, a.end_line, f"variable '{name}' ({PurePosixPath(p).name})"))
        var = module.variable(name)
        if var is not None and "default" in var[1].attributes:
            a = var[1].attributes["default"]
            found.append(Resolved(a.value, var[0], a.line, a.end_line, f"variable '{name}' (default)"))
    if not found:
        return [r]
    if not every:
        found = found[:1]
    out: list[Resolved] = []
    for f in found:
        for inner in _resolve(module, f, every, depth + 1):
            out.append(inner if inner.via else Resolved(inner.value, inner.path, inner.line, inner.end_line, f.via))
    return out


def known(value: Value) -> bool:
    """Whether a (resolved) scalar value is a literal that a check may judge."""
    if isinstance(value, Expression | list | dict):
        return False
    return not (isinstance(value, str) and hcl.has_template(value))


def fmt(value: Value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, Expression):
        return value.text
    if isinstance(value, list):
        return "[" + ", ".join(fmt(v) for v in value) + "]"
    return str(value)


def matches(value: Value, pattern: Scalar) -> bool:
    """Compare a known value with a pattern: booleans and numbers by value (``"true"`` equals
    ``true``), strings case-insensitively with ``fnmatch`` wildcards; ``"*"`` matches anything."""
    if pattern == "*" and value is not None:
        return True
    if isinstance(pattern, bool):
        if isinstance(value, bool):
            return value is pattern
        return isinstance(value, str) and value.strip().lower() == ("true" if pattern else "false")
    if isinstance(pattern, int | float):
        num = _number(value)
        return num is not None and num == pattern
    if isinstance(value, bool):
        return pattern.lower() == ("true" if value else "false")
    if isinstance(value, int | float):
        return str(value) == pattern
    if isinstance(value, str):
        return fnmatch.fnmatchcase(value.lower(), pattern.lower())
    return False


def _number(value: Value) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            return None
    return None


# ---------------------------------------------------------------------------------------------
# Dotted attribute paths through nested blocks and object values

_BLOCK = "block"
_VALUE = "value"
_MISSING = "missing"


@dataclass(frozen=True)
class Slot:
    kind: str  # value | block | missing
    value: Value
    line: int  # the attribute's line; for a missing one, the line of the innermost containing block
    end_line: int


def slots(block: Block, dotted: str) -> list[Slot]:
    """Where ``dotted`` (e.g. ``viewer_certificate.minimum_protocol_version``) leads in a block:
    one slot per matching nested block; a missing step gives one 'missing' slot."""
    return _block_slots(block, dotted.split("."))


def _block_slots(block: Block, parts: list[str]) -> list[Slot]:
    name, rest = parts[0], parts[1:]
    if not rest and name in block.attributes:
        a = block.attributes[name]
        return [Slot(_VALUE, a.value, a.line, a.end_line)]
    subs = block.nested(name)
    if subs:
        if not rest:
            return [Slot(_BLOCK, None, b.line, b.end_line) for b in subs]
        return [s for b in subs for s in _block_slots(b, rest)]
    if name in block.attributes:
        a = block.attributes[name]
        return _value_slots(a.value, rest, a.line, a.end_line)
    return [Slot(_MISSING, None, block.line, block.line)]


def _value_slots(value: Value, parts: list[str], line: int, end_line: int) -> list[Slot]:
    if not parts:
        return [Slot(_VALUE, value, line, end_line)]
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        return [s for v in value for s in _value_slots(v, parts, line, end_line)]
    if isinstance(value, dict):
        if parts[0] in value:
            return _value_slots(value[parts[0]], parts[1:], line, end_line)
        return [Slot(_MISSING, None, line, line)]
    if isinstance(value, list | Expression) or (isinstance(value, str) and not known(value)):
        return []  # dynamic: cannot be followed
    return [Slot(_MISSING, None, line, line)]


def _values(module: Module, res: Resource, dotted: str, every: bool = False) -> list[tuple[Slot, list[Resolved]]]:
    out: list[tuple[Slot, list[Resolved]]] = []
    for s in slots(res.block, dotted):
        rs = resolve(module, s.value, res.path, s.line, s.end_line, every) if s.kind == _VALUE else []
        out.append((s, rs))
    return out


def _empty(value: Value) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _condition(module: Module, res: Resource, dotted: str, patterns: list[Scalar], defaults: dict[str, Scalar]) -> bool:
    """Whether the resource's attribute matches any pattern ("*": is set at all). Unknown → False."""
    for s, rs in _values(module, res, dotted):
        if s.kind == _BLOCK:
            if "*" in patterns:
                return True
            continue
        if s.kind == _MISSING:
            if dotted in defaults and any(matches(defaults[dotted], p) for p in patterns):
                return True
            continue
        for r in rs:
            if "*" in patterns and not _empty(r.value):
                return True
            elems = r.value if isinstance(r.value, list) else [r.value]
            if any(known(e) and matches(e, p) for e in elems for p in patterns):
                return True
    return False


# ---------------------------------------------------------------------------------------------
# Kind: terraform.attribute


class Satisfier(Params):
    resources: list[str] = Field(description="resource types (globs) any of which, anywhere in the repository, satisfies the target")
    attribute: str = Field("", description="optional attribute that must match 'allowed' on that resource")
    allowed: list[Scalar] = Field(default_factory=list)
    default: Scalar | None = Field(None, description="the attribute's value when it is not set")


class Target(Params):
    resources: list[str] = Field(description="resource types (fnmatch globs), e.g. aws_db_instance")
    attribute: str = Field(description="dotted path through nested blocks/objects, e.g. viewer_certificate.minimum_protocol_version")
    allowed: list[Scalar] = Field(default_factory=list, description="the value must match one of these (wildcards allowed)")
    forbidden: list[Scalar] = Field(default_factory=list, description="the value must match none of these")
    minimum: float | None = Field(None, description="the value must be a number at least this large")
    ignore: list[Scalar] = Field(default_factory=list, description="values this target does not judge (another check does)")
    default: Scalar | None = Field(None, description="the provider's default, judged when the attribute is not set")
    missing: Literal["fail", "pass"] = Field("fail", description="outcome when the attribute is not set and has no default")
    when: dict[str, list[Scalar]] = Field(default_factory=dict, description="judge only resources whose attributes match these patterns")
    unless: dict[str, list[Scalar]] = Field(default_factory=dict, description="skip resources any of whose attributes match")
    defaults: dict[str, Scalar] = Field(default_factory=dict, description="values assumed for unset attributes in when/unless")
    satisfied_by: list[Satisfier] = Field(default_factory=list, description="repository-wide settings that make the target moot")
    expect: str = Field("", description="what is expected, for messages (default: derived from allowed/forbidden/minimum)")


class AttributeParams(Params):
    targets: list[Target] = Field(min_length=1)


def _expectation(t: Target) -> str:
    if t.expect:
        return t.expect
    if t.allowed:
        return "expected " + " or ".join(fmt(a) for a in t.allowed)
    if t.forbidden:
        return "must not be " + " or ".join(fmt(f) for f in t.forbidden)
    if t.minimum is not None:
        return f"expected at least {t.minimum:g}"
    return "expected it to be set"


def _judge(t: Target, value: Value) -> tuple[bool, Value]:
    """(bad?, the offending element) for a known value or list of values."""
    elems = value if isinstance(value, list) else [value]
    for e in elems:
        if not known(e) or any(matches(e, i) for i in t.ignore):
            continue
        if t.allowed and not any(matches(e, a) for a in t.allowed):
            return True, e
        if any(matches(e, f) for f in t.forbidden):
            return True, e
        if t.minimum is not None:
            num = _number(e)
            if num is not None and num < t.minimum:
                return True, e
    return False, None


def _satisfied(modules: list[Module], sats: list[Satisfier]) -> bool:
    for s in sats:
        for m, r in all_resources(modules, s.resources):
            if not s.attribute:
                return True
            for slot, rs in _values(m, r, s.attribute):
                if slot.kind == _MISSING:
                    if s.default is not None and (not s.allowed or any(matches(s.default, a) for a in s.allowed)):
                        return True
                    continue
                for x in rs:
                    if known(x.value) and (not s.allowed or any(matches(x.value, a) for a in s.allowed)):
                        return True
    return False


def _applies(m: Module, r: Resource, t: Target) -> bool:
    if not all(_condition(m, r, a, pats, t.defaults) for a, pats in t.when.items()):
        return False
    return not any(_condition(m, r, a, pats, t.defaults) for a, pats in t.unless.items())


@kind("terraform.attribute", INPUTS, AttributeParams)
def attribute(ctx: CheckContext, p: AttributeParams) -> Iterable[Hit]:
    """Resource attributes (dotted paths through nested blocks) hold an allowed value, or are set at all."""
    modules = load_modules(ctx)
    for t in p.targets:
        if t.satisfied_by and _satisfied(modules, t.satisfied_by):
            continue
        expect = _expectation(t)
        presence = not (t.allowed or t.forbidden or t.minimum is not None)
        for m, r in all_resources(modules, t.resources):
            if not _applies(m, r, t):
                continue
            for s, rs in _values(m, r, t.attribute):
                if s.kind == _BLOCK:
                    continue
                if s.kind == _MISSING or (presence and rs and all(_empty(x.value) for x in rs)):
                    if t.default is not None and not presence:
                        bad, _ = _judge(t, t.default)
                        if bad:
                            yield Hit(r.path, s.line, f"{r.ref} does not set {t.attribute}, so the default {fmt(t.default)} applies; {expect}")
                    elif t.missing == "fail":
                        verb = "sets an empty" if s.kind == _VALUE else "does not set"
                        yield Hit(r.path, s.line, f"{r.ref} {verb} {t.attribute}; {expect}", s.end_line)
                    continue
                if presence:
                    continue
                for x in rs:
                    bad, elem = _judge(t, x.value)
                    if bad:
                        via = f" (from {x.via})" if x.via else ""
                        what = f"{t.attribute} includes" if isinstance(x.value, list) else f"sets {t.attribute} ="
                        yield Hit(r.path, s.line, f"{r.ref} {what} {fmt(elem)}{via}; {expect}", s.end_line)


# ---------------------------------------------------------------------------------------------
# Kind: terraform.linked-setting (a setting made inline or by a separate resource that references it)


class Requirement(Params):
    attribute: str
    allowed: list[Scalar] = Field(default_factory=list, description="empty: the attribute (or block) only has to be present")
    default: Scalar | None = None
    scope: Literal["every", "any"] = Field(
        "every", description="every: each nested block the path leads through must comply; any: one that does is enough"
    )


class Reference(Params):
    resources: list[str]
    attribute: str


class LinkedParams(Params):
    resources: list[str] = Field(description="the resource types that need the setting, e.g. aws_s3_bucket")
    setting: str = Field(description="what the setting is, for messages, e.g. 'server-side encryption configuration'")
    inline: list[Requirement] = Field(default_factory=list, description="inline forms, any of which satisfies")
    companions: list[str] = Field(description="separate resource types that provide the setting")
    link_attribute: str = Field("bucket", description="the companion's attribute naming the resource")
    name_attribute: str = Field("bucket", description="the resource's own name, matched against literal links")
    companion_requires: list[Requirement] = Field(default_factory=list, description="what every companion must set")
    account_level: list[str] = Field(default_factory=list, description="resource types that provide the setting for all resources")
    exempt_referenced_by: list[Reference] = Field(default_factory=list, description="resources named here need no setting (e.g. log targets)")


def _refs_and_names(m: Module, r: Resource, dotted: str) -> tuple[set[str], set[str]]:
    """References (``type.name``) and literal strings found in an attribute."""
    refs: set[str] = set()
    names: set[str] = set()
    for s, rs in _values(m, r, dotted):
        if s.kind != _VALUE:
            continue
        for x in rs:
            for v in x.value if isinstance(x.value, list) else [x.value]:
                if isinstance(v, str) and known(v):
                    names.add(v)
                elif isinstance(v, Expression | str):
                    text = v.text if isinstance(v, Expression) else v
                    refs.update(f"{a}.{b}" for a, b in re.findall(r"(?<![\w.-])([a-z][\w-]*)\.([A-Za-z_][\w-]*)", text))
    return refs, names


def _literal_name(m: Module, r: Resource, attr: str) -> str | None:
    for s, rs in _values(m, r, attr):
        for x in rs if s.kind == _VALUE else []:
            if isinstance(x.value, str) and known(x.value):
                return x.value
    return None


def _complies(m: Module, r: Resource, q: Requirement) -> bool:
    """Whether any place the requirement's path leads to complies (unknown values count as complying)."""
    for s, rs in _values(m, r, q.attribute):
        if s.kind == _BLOCK:
            return True
        if s.kind == _MISSING:
            if q.default is not None and (not q.allowed or any(matches(q.default, a) for a in q.allowed)):
                return True
            continue
        for x in rs:
            if not known(x.value):
                return True
            if q.allowed and any(matches(x.value, a) for a in q.allowed):
                return True
            if not q.allowed and not _empty(x.value):
                return True
    return False


def _requirement_hits(m: Module, r: Resource, reqs: list[Requirement]) -> list[Hit]:
    hits: list[Hit] = []
    for q in reqs:
        exp = "expected " + (" or ".join(fmt(a) for a in q.allowed) or "it to be set")
        if q.scope == "any":
            if not _complies(m, r, q):
                first = q.attribute.split(".")[0]
                if q.allowed:
                    msg = f"{r.ref} has no {q.attribute} = {' or '.join(fmt(a) for a in q.allowed)}; expected at least one {first} with it"
                else:
                    msg = f"{r.ref} does not set {q.attribute} in any {first}; expected at least one {first} to set it"
                hits.append(Hit(r.path, r.block.line, msg))
            continue
        for s, rs in _values(m, r, q.attribute):
            if s.kind == _MISSING:
                if q.default is None or (q.allowed and not any(matches(q.default, a) for a in q.allowed)):
                    dflt = f" (default {fmt(q.default)})" if q.default is not None else ""
                    hits.append(Hit(r.path, s.line, f"{r.ref} does not set {q.attribute}{dflt}; {exp}"))
                continue
            for x in rs:
                if q.allowed and known(x.value) and not any(matches(x.value, a) for a in q.allowed):
                    via = f" (from {x.via})" if x.via else ""
                    hits.append(Hit(r.path, s.line, f"{r.ref} sets {q.attribute} = {fmt(x.value)}{via}; {exp}", s.end_line))
    return hits


def _inline_state(m: Module, r: Resource, q: Requirement) -> tuple[bool, Hit | None]:
    """(satisfied?, a hit for a present-but-wrong inline value)."""
    bad: Hit | None = None
    for s, rs in _values(m, r, q.attribute):
        if s.kind == _BLOCK:
            return True, None
        if s.kind == _MISSING:
            if q.default is not None and q.allowed and any(matches(q.default, a) for a in q.allowed):
                return True, None
            continue
        for x in rs:
            if not known(x.value) or not q.allowed or any(matches(x.value, a) for a in q.allowed):
                return True, None
            bad = Hit(r.path, s.line, f"{r.ref} sets {q.attribute} = {fmt(x.value)}", s.end_line)
    return False, bad


@kind("terraform.linked-setting", INPUTS, LinkedParams)
def linked_setting(ctx: CheckContext, p: LinkedParams) -> Iterable[Hit]:
    """A resource has a setting either inline or through a separate resource that references it
    (e.g. an S3 bucket and its aws_s3_bucket_server_side_encryption_configuration)."""
    modules = load_modules(ctx)
    account_ok = False
    for m, r in all_resources(modules, p.account_level):
        hits = _requirement_hits(m, r, p.companion_requires)
        yield from hits
        account_ok = account_ok or not hits
    exempt_refs: set[tuple[str, str]] = set()
    exempt_names: set[str] = set()
    for ref in p.exempt_referenced_by:
        for m, x in all_resources(modules, ref.resources):
            refs, names = _refs_and_names(m, x, ref.attribute)
            exempt_refs.update((m.directory, r) for r in refs)
            exempt_names.update(names)
    linked_refs: set[tuple[str, str]] = set()  # (directory, type.name)
    linked_names: set[str] = set()
    for m, c in all_resources(modules, p.companions):
        refs, names = _refs_and_names(m, c, p.link_attribute)
        if any(r.startswith(("each.", "count.")) for r in refs):  # for_each = aws_s3_bucket.x; bucket = each.value.id
            refs |= _refs_and_names(m, c, "for_each")[0]
        linked_refs.update((m.directory, ref) for ref in refs)
        linked_names.update(names)
        exempt = any((m.directory, ref) in exempt_refs for ref in refs) or bool(names & exempt_names)
        if not exempt:  # a companion of an exempt resource (e.g. a log bucket's SSE-S3) is not judged either
            yield from _requirement_hits(m, c, p.companion_requires)
    if account_ok:
        return
    for m, r in all_resources(modules, p.resources):
        name = _literal_name(m, r, p.name_attribute)
        if (m.directory, r.ref) in exempt_refs or (name is not None and name in exempt_names):
            continue
        if (m.directory, r.ref) in linked_refs or (name is not None and name in linked_names):
            continue
        wrong: Hit | None = None
        ok = False
        for q in p.inline:
            sat, bad = _inline_state(m, r, q)
            ok = ok or sat
            wrong = wrong or bad
        if ok:
            continue
        if wrong is not None:
            yield Hit(wrong.path, wrong.line, f"{wrong.message}; {p.setting} is not in effect", wrong.end_line)
            continue
        forms = [f"no {q.attribute}" for q in p.inline] + [f"no {' or '.join(p.companions)} referencing it"]
        yield Hit(r.path, r.block.line, f"{r.ref} has no {p.setting} ({', '.join(forms)})")


# ---------------------------------------------------------------------------------------------
# Kind: terraform.network-exposure


_ALL = (0, 65535)
_NO_PORTS = {"icmp", "1", "icmpv6", "58", "ah", "esp", "50", "51"}


@dataclass(frozen=True)
class _Rule:
    res: Resource
    direction: str  # ingress | egress
    ranges: tuple[tuple[int, int], ...] | None  # None: every port and protocol
    peers: tuple[tuple[str, int, str], ...]  # (cidr, line, via)


class ExposureParams(Params):
    direction: Literal["ingress", "egress"] = "ingress"
    ports: list[int] = Field(default_factory=list, description="ports that must not be reachable; empty: flag only rules open on every port")
    cidrs: list[str] = Field(default_factory=lambda: ["0.0.0.0/0", "::/0", "0.0.0.0", "*", "internet", "any"])
    label: str = Field("", description="what the ports are, for messages, e.g. 'remote administration'")


def _get(node: Block | dict[str, Value], key: str) -> tuple[Value, int] | None:
    if isinstance(node, Block):
        a = node.attributes.get(key)
        return (a.value, a.line) if a else None
    return (node[key], -1) if key in node else None


def _subnodes(block: Block, name: str) -> list[tuple[Block | dict[str, Value], int]]:
    """Nested blocks ``name { }`` or the attribute form ``name = [{ ... }]``."""
    out: list[tuple[Block | dict[str, Value], int]] = [(b, b.line) for b in block.nested(name)]
    a = block.attributes.get(name)
    if not out and a is not None and isinstance(a.value, list):  # (.tf.json records both forms)
        out.extend((v, a.line) for v in a.value if isinstance(v, dict))
    return out


def _scalar(m: Module, r: Resource, node: Block | dict[str, Value], key: str, line: int) -> Value:
    got = _get(node, key)
    if got is None:
        return None
    value, at = got
    rs = resolve(m, value, r.path, at if at > 0 else line, at if at > 0 else line)
    v = rs[0].value
    return v if known(v) else Expression("?")


def _peers(m: Module, r: Resource, node: Block | dict[str, Value], keys: tuple[str, ...], line: int) -> list[tuple[str, int, str]]:
    out: list[tuple[str, int, str]] = []
    for key in keys:
        got = _get(node, key)
        if got is None:
            continue
        value, at = got
        at = at if at > 0 else line
        for x in resolve(m, value, r.path, at, at):
            elems = x.value if isinstance(x.value, list) else [x.value]
            for e in elems:
                for y in resolve(m, e, r.path, at, at):
                    if isinstance(y.value, str) and known(y.value):
                        out.append((y.value.strip(), at, y.via or x.via))
    return out


def _port(v: Value) -> int | None:
    num = _number(v)
    return int(num) if num is not None and num == int(num) else None


def _aws_ranges(proto: Value, lo: Value, hi: Value) -> tuple[tuple[int, int], ...] | Literal[False] | None:
    """Port ranges of an AWS rule; None = all traffic; False = unknown or not port-based."""
    if isinstance(proto, Expression):
        return False
    p = str(proto).strip().lower() if proto is not None else ""
    if p in ("-1", "all"):
        return None
    if p in _NO_PORTS or p not in ("tcp", "udp", "6", "17"):
        return False
    a, b = _port(lo), _port(hi)
    if a is None or b is None:
        return False
    if (a, b) in ((0, 0), (-1, -1)) or (a <= 0 and b >= 65535):
        return (_ALL,)
    return ((a, b),)


def _range_text(spec: str) -> tuple[int, int] | None:
    spec = spec.strip()
    if spec in ("*", "any", ""):
        return _ALL
    m = re.fullmatch(r"(\d+)(?:\s*-\s*(\d+))?", spec)
    if not m:
        return None
    return int(m.group(1)), int(m.group(2) or m.group(1))


def _rules(m: Module) -> Iterator[_Rule]:
    for r in m.resources(["aws_security_group", "aws_default_security_group"]):
        for direction in ("ingress", "egress"):
            for node, line in _subnodes(r.block, direction):
                ranges = _aws_ranges(_scalar(m, r, node, "protocol", line), _scalar(m, r, node, "from_port", line), _scalar(m, r, node, "to_port", line))
                if ranges is not False:
                    yield _Rule(r, direction, ranges, tuple(_peers(m, r, node, ("cidr_blocks", "ipv6_cidr_blocks"), line)))
    for r in m.resources(["aws_security_group_rule"]):
        b = r.block
        rule_type = _text(m, r, b, "type", b.line)
        ranges = _aws_ranges(_scalar(m, r, b, "protocol", b.line), _scalar(m, r, b, "from_port", b.line), _scalar(m, r, b, "to_port", b.line))
        if rule_type in ("ingress", "egress") and ranges is not False:
            yield _Rule(r, rule_type, ranges, tuple(_peers(m, r, b, ("cidr_blocks", "ipv6_cidr_blocks"), b.line)))
    for r in m.resources(["aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule"]):
        b = r.block
        ranges = _aws_ranges(_scalar(m, r, b, "ip_protocol", b.line), _scalar(m, r, b, "from_port", b.line), _scalar(m, r, b, "to_port", b.line))
        if ranges is not False:
            yield _Rule(r, "ingress" if r.type.endswith("ingress_rule") else "egress", ranges, tuple(_peers(m, r, b, ("cidr_ipv4", "cidr_ipv6"), b.line)))
    yield from _azure_rules(m)
    yield from _gcp_rules(m)


def _text(m: Module, r: Resource, node: Block | dict[str, Value], key: str, line: int) -> str | None:
    """A literal attribute as lower-case text: "" when unset, None when unknown."""
    v = _scalar(m, r, node, key, line)
    if isinstance(v, Expression):
        return None
    return "" if v is None else fmt(v).strip('"').lower()


def _azure_rules(m: Module) -> Iterator[_Rule]:
    nodes: list[tuple[Resource, Block | dict[str, Value], int]] = []
    for r in m.resources(["azurerm_network_security_group"]):
        nodes.extend((r, n, line) for n, line in _subnodes(r.block, "security_rule"))
    nodes.extend((r, r.block, r.block.line) for r in m.resources(["azurerm_network_security_rule"]))
    for r, node, line in nodes:
        direction = _text(m, r, node, "direction", line)
        proto = _text(m, r, node, "protocol", line)
        if _text(m, r, node, "access", line) != "allow" or direction not in ("inbound", "outbound"):
            continue
        if proto is None or proto in ("icmp", "ah", "esp"):
            continue
        specs: list[str] = []
        single = _text(m, r, node, "destination_port_range", line)
        if single:
            specs.append(single)
        many = _get(node, "destination_port_ranges")
        if many is not None and isinstance(many[0], list):
            specs.extend(str(e) for e in many[0] if known(e))
        ranges = [rg for rg in (_range_text(spec) for spec in specs) if rg is not None]
        if not ranges:
            continue
        prefix = "source" if direction == "inbound" else "destination"
        peers = _peers(m, r, node, (f"{prefix}_address_prefix", f"{prefix}_address_prefixes"), line)
        every = proto in ("*", "") and any(lo <= 0 and hi >= 65535 for lo, hi in ranges)
        yield _Rule(r, "ingress" if direction == "inbound" else "egress", None if every else tuple(ranges), tuple(peers))


def _gcp_rules(m: Module) -> Iterator[_Rule]:
    for r in m.resources(["google_compute_firewall"]):
        b = r.block
        if _text(m, r, b, "disabled", b.line) == "true":
            continue
        direction = _text(m, r, b, "direction", b.line) or "ingress"
        if direction not in ("ingress", "egress"):
            continue
        ranges: list[tuple[int, int]] = []
        every = False
        for node, line in _subnodes(b, "allow"):
            proto = _text(m, r, node, "protocol", line)
            if proto == "all":
                every = True
                continue
            if proto not in ("tcp", "udp", "6", "17", "sctp"):
                continue
            got = _get(node, "ports")
            if got is None:
                ranges.append(_ALL)
            elif isinstance(got[0], list):
                ranges.extend(rg for rg in (_range_text(str(e)) for e in got[0] if known(e)) if rg is not None)
        if not every and not ranges:
            continue
        key = "source_ranges" if direction == "ingress" else "destination_ranges"
        peers = _peers(m, r, b, (key,), b.line)
        yield _Rule(r, direction, None if every else tuple(ranges), tuple(peers))


@kind("terraform.network-exposure", INPUTS, ExposureParams)
def network_exposure(ctx: CheckContext, p: ExposureParams) -> Iterable[Hit]:
    """Firewall rules (AWS security groups and rules, Azure NSG rules, GCP firewalls) do not open the
    given ports — or, with no ports given, every port — to the whole internet."""
    world = {c.lower() for c in p.cidrs}
    seen: set[tuple[str, int, str]] = set()
    label = f" ({p.label})" if p.label else ""
    for m in load_modules(ctx):
        for rule in _rules(m):
            if rule.direction != p.direction:
                continue
            everything = rule.ranges is None or any(lo <= 0 and hi >= 65535 for lo, hi in rule.ranges)
            if everything:
                where = "all ports and protocols" if rule.ranges is None else "every port"
                if p.ports:
                    where += f" (including {'port' if len(p.ports) == 1 else 'ports'} {', '.join(map(str, p.ports))})"
            elif not p.ports:
                continue
            else:
                hit_ports = [port for port in p.ports if rule.ranges and any(lo <= port <= hi for lo, hi in rule.ranges)]
                if not hit_ports:
                    continue
                where = ("port " if len(hit_ports) == 1 else "ports ") + ", ".join(map(str, hit_ports))
            for cidr, line, via in rule.peers:
                if cidr.lower() not in world:
                    continue
                key = (rule.res.path, line, cidr)
                if key in seen:
                    continue
                seen.add(key)
                src = f" (from {via})" if via else ""
                flow = f"ingress from {cidr}{src} to" if p.direction == "ingress" else f"egress to {cidr}{src} on"
                yield Hit(rule.res.path, line, f"{rule.res.ref} allows {flow} {where}{label}")


# ---------------------------------------------------------------------------------------------
# Kind: terraform.required-resource


class RequiredParams(Params):
    provider: str = Field(description="provider name whose configuration requires the resource, e.g. aws")
    resources: list[str] = Field(description="resource types any of which satisfies the requirement")
    module_sources: list[str] = Field(default_factory=list, description="module source globs that also satisfy it")
    message: str = Field(description="what is missing, shown on the finding")


@kind("terraform.required-resource", INPUTS, RequiredParams)
def required_resource(ctx: CheckContext, p: RequiredParams) -> Iterable[Hit]:
    """A configuration that declares a provider also declares (anywhere in the repository) one of
    the given resources; reported at the first ``provider`` block."""
    modules = load_modules(ctx)
    providers = sorted((path, b.line) for m in modules for path, b in m.blocks("provider") if b.labels[:1] == (p.provider,))
    if not providers:
        return
    if any(True for _ in all_resources(modules, p.resources)):
        return
    for m in modules:
        for _, b in m.blocks("module"):
            src = b.attributes.get("source")
            if src is not None and isinstance(src.value, str) and any(fnmatch.fnmatchcase(src.value.lower(), g.lower()) for g in p.module_sources):
                return
    path, line = providers[0]
    yield Hit(path, line, p.message)


# ---------------------------------------------------------------------------------------------
# Kind: terraform.literal-secret


class SecretTarget(Params):
    block: Literal["provider", "resource"]
    types: list[str] = Field(description="provider names or resource types (globs)")
    attributes: list[str] = Field(description="dotted attribute paths that hold credentials")


class SecretParams(Params):
    targets: list[SecretTarget] = Field(min_length=1)


@kind("terraform.literal-secret", INPUTS, SecretParams)
def literal_secret(ctx: CheckContext, p: SecretParams) -> Iterable[Hit]:
    """Credential attributes are not literal strings, neither in place nor through a variable's
    default or a tfvars file. The value is never shown."""
    seen: set[tuple[str, int]] = set()
    for m in load_modules(ctx):
        for t in p.targets:
            for path, b in m.blocks(t.block):
                if not b.labels or not any(fnmatch.fnmatchcase(b.labels[0], g) for g in t.types):
                    continue
                res = Resource(path, b)
                what = f"provider '{b.labels[0]}'" if t.block == "provider" else res.ref
                for attr in t.attributes:
                    for _slot, rs in _values(m, res, attr, every=True):
                        for x in rs:
                            if not (isinstance(x.value, str) and known(x.value) and x.value.strip()):
                                continue
                            if (x.path, x.line) in seen:
                                continue
                            seen.add((x.path, x.line))
                            where = f" through {x.via}" if x.via else ""
                            yield Hit(x.path, x.line, f"{what} sets {attr} to a literal value{where}; the credential is in the repository (and in Terraform state)", x.end_line)


# ---------------------------------------------------------------------------------------------
# Kind: terraform.minimum-version


class VersionParams(Params):
    resources: list[str]
    engine_attribute: str = "engine"
    version_attribute: str = "engine_version"
    minimums: dict[str, str] = Field(description="engine (glob) → lowest version still supported, e.g. postgres: '13'")
    note: str = Field("", description="appended to messages, e.g. where the support calendar is")


def _version(text: str) -> tuple[int, ...] | None:
    m = re.match(r"\d+(?:\.\d+)*", text.strip())
    return tuple(int(x) for x in m.group().split(".")) if m else None


@kind("terraform.minimum-version", INPUTS, VersionParams)
def minimum_version(ctx: CheckContext, p: VersionParams) -> Iterable[Hit]:
    """An engine's pinned version is not older than the lowest version still supported."""
    for m, r in all_resources(load_modules(ctx), p.resources):
        engine = _literal_name(m, r, p.engine_attribute)
        version = _literal_name(m, r, p.version_attribute)
        if engine is None or version is None:
            continue
        minimum = next((v for g, v in p.minimums.items() if fnmatch.fnmatchcase(engine.lower(), g.lower())), None)
        have, need = _version(version), _version(minimum or "")
        if have is None or need is None:
            continue
        padded = have[: len(need)] + (0,) * max(0, len(need) - len(have))
        if padded < need:
            line = next(s.line for s in slots(r.block, p.version_attribute))
            note = f"; {p.note}" if p.note else ""
            yield Hit(r.path, line, f"{r.ref} runs {engine} {version}; versions below {minimum} are past end of standard support{note}")


# ---------------------------------------------------------------------------------------------
# Kind: terraform.parameter-group (a setting made in the parameter group a resource names)


class GroupParameter(Params):
    name: str = Field(description="parameter name, e.g. log_statement")
    allowed: list[Scalar] = Field(default_factory=list, description="the value must match one of these (wildcards allowed)")
    forbidden: list[Scalar] = Field(default_factory=list, description="the value must match none of these")
    default: Scalar | None = Field(None, description="the engine's default, judged when the group does not set the parameter")


class GroupTarget(Params):
    resources: list[str] = Field(description="resource types that name a parameter group, e.g. aws_db_instance")
    link_attribute: str = Field(description="the resource's attribute naming its group, e.g. parameter_group_name")
    groups: list[str] = Field(description="parameter group resource types, e.g. aws_db_parameter_group")
    group_name_attribute: str = Field("name", description="the group's own name, matched against literal links")
    default_groups: list[str] = Field(default_factory=lambda: ["default.*"], description="literal names (globs) of the provider's default groups")
    when: dict[str, list[Scalar]] = Field(default_factory=dict, description="judge only resources whose attributes match these patterns")
    unless: dict[str, list[Scalar]] = Field(default_factory=dict, description="skip resources any of whose attributes match")
    defaults: dict[str, Scalar] = Field(default_factory=dict, description="values assumed for unset attributes in when/unless")


class ParameterGroupParams(Params):
    setting: str = Field(description="what the parameters achieve, for messages, e.g. 'statement logging'")
    parameters: list[GroupParameter] = Field(min_length=1, description="all of these must comply")
    targets: list[GroupTarget] = Field(min_length=1)
    block: str = Field("parameter", description="the group's nested block holding name/value pairs")


def _parameter_problem(q: GroupParameter, value: Value) -> bool:
    if q.allowed and not any(matches(value, a) for a in q.allowed):
        return True
    return any(matches(value, f) for f in q.forbidden)


def _expect_parameter(q: GroupParameter) -> str:
    if q.allowed:
        return f"{q.name} = " + " or ".join(fmt(a) for a in q.allowed)
    if q.forbidden:
        return f"{q.name} other than " + " or ".join(fmt(f) for f in q.forbidden)
    return f"{q.name} set"


def _default_problems(p: ParameterGroupParams) -> list[GroupParameter]:
    """Parameters whose engine default does not comply (unknown defaults count as not complying)."""
    return [q for q in p.parameters if q.default is None or _parameter_problem(q, q.default)]


def _group_hits(m: Module, g: Resource, p: ParameterGroupParams, users: list[str]) -> list[Hit]:
    """What a parameter group lacks; nothing is reported as missing when some entries cannot be read."""
    found: dict[str, list[tuple[Value, int, int, str]]] = {}
    unreadable = False
    for node, line in _subnodes(g.block, p.block):
        name = _scalar(m, g, node, "name", line)
        if not isinstance(name, str) or not known(name):
            unreadable = True
            continue
        got = _get(node, "value")
        if got is None:
            continue
        value, at = got
        at = at if at > 0 else line
        for x in resolve(m, value, g.path, at, at):
            found.setdefault(name.strip().lower(), []).append((x.value, at, x.end_line, x.via))
    who = ", ".join(users)
    hits: list[Hit] = []
    missing: list[GroupParameter] = []
    for q in p.parameters:
        entries = found.get(q.name.lower())
        if entries is None:
            if not unreadable and (q.default is None or _parameter_problem(q, q.default)):
                missing.append(q)
            continue
        for value, line, end_line, via in entries:
            if known(value) and _parameter_problem(q, value):
                src = f" (from {via})" if via else ""
                hits.append(Hit(g.path, line, f"{g.ref} (used by {who}) sets {q.name} = {fmt(value)}{src}; {p.setting} needs {_expect_parameter(q)}", end_line))
    if missing:
        what = " or ".join(q.name + (f" (default {fmt(q.default)})" if q.default is not None else "") for q in missing)
        need = " and ".join(_expect_parameter(q) for q in missing)
        hits.append(Hit(g.path, g.block.line, f"{g.ref} (used by {who}) does not set {what}; {p.setting} needs {need}"))
    return hits


@kind("terraform.parameter-group", INPUTS, ParameterGroupParams)
def parameter_group(ctx: CheckContext, p: ParameterGroupParams) -> Iterable[Hit]:
    """Engine parameters (e.g. PostgreSQL's log_statement) are set in the parameter group a database
    names. A database that names none runs with the provider's default group, judged by the engine
    defaults; a group that is referenced but not declared in the repository is not judged."""
    modules = load_modules(ctx)
    seen: set[tuple[str, int, str]] = set()
    for t in p.targets:
        groups = list(all_resources(modules, t.groups))
        users: dict[tuple[str, str], list[str]] = {}  # (directory, group ref) → resources using it
        order: list[tuple[Module, Resource]] = []
        unlinked: list[tuple[Resource, str]] = []
        cond = Target(resources=t.resources, attribute=t.link_attribute, when=t.when, unless=t.unless, defaults=t.defaults)
        for m, r in all_resources(modules, t.resources):
            if not _applies(m, r, cond):
                continue
            slot = slots(r.block, t.link_attribute)
            refs, names = _refs_and_names(m, r, t.link_attribute)
            if slot and slot[0].kind == _MISSING:
                unlinked.append((r, f"does not set {t.link_attribute}, so it runs with the default parameter group"))
                continue
            if any(fnmatch.fnmatchcase(n.lower(), d.lower()) for n in names for d in t.default_groups):
                unlinked.append((r, f"uses the default parameter group ({t.link_attribute} = {fmt(next(iter(sorted(names))))})"))
                continue
            for gm, g in groups:
                name = _literal_name(gm, g, t.group_name_attribute)
                if (gm.directory == m.directory and g.ref in refs) or (name is not None and name in names):
                    key = (gm.directory, g.ref)
                    if key not in users:
                        order.append((gm, g))
                    users.setdefault(key, []).append(r.ref)
        bad = _default_problems(p)
        for r, how in unlinked:
            if bad:
                what = " and ".join(f"{q.name} is {fmt(q.default)}" if q.default is not None else f"{q.name} is not set" for q in bad)
                need = " and ".join(_expect_parameter(q) for q in bad)
                hit = Hit(r.path, r.block.line, f"{r.ref} {how}, where {what}; {p.setting} needs a parameter group with {need}")
                if (hit.path, hit.line, hit.message) not in seen:
                    seen.add((hit.path, hit.line, hit.message))
                    yield hit
        for gm, g in order:
            for hit in _group_hits(gm, g, p, users[(gm.directory, g.ref)]):
                if (hit.path, hit.line, hit.message) not in seen:
                    seen.add((hit.path, hit.line, hit.message))
                    yield hit


# ---------------------------------------------------------------------------------------------
# Kind: terraform.referenced (a resource that nothing uses)

_TF_REF = re.compile(r"(?<![\w.-])([a-z][\w-]*)\.([A-Za-z_][\w-]*)")
_REFERRING_BLOCKS = ("resource", "data", "module", "output", "locals")


class NotUse(Params):
    resources: list[str] = Field(description="resource types (globs) of the referring resource")
    attributes: list[str] = Field(description="its top-level attributes whose references do not count, e.g. security_group_id of a rule")


class ReferencedParams(Params):
    resources: list[str] = Field(description="resource types (globs) that must be used by something, e.g. aws_security_group")
    not_uses: list[NotUse] = Field(default_factory=list, description="references that do not count as use (depends_on never counts)")
    message: str = Field(description="what an unreferenced resource means, appended to the finding")


def _value_refs(value: Value, out: set[str]) -> None:
    if isinstance(value, Expression):
        out.update(f"{a}.{b}" for a, b in _TF_REF.findall(value.text))
    elif isinstance(value, str):
        if hcl.has_template(value):
            out.update(f"{a}.{b}" for a, b in _TF_REF.findall(value))
    elif isinstance(value, list):
        for v in value:
            _value_refs(v, out)
    elif isinstance(value, dict):
        for v in value.values():
            _value_refs(v, out)


def _block_refs(block: Block, ignore: set[str], out: set[str]) -> None:
    for name, a in block.attributes.items():
        if name not in ignore:
            _value_refs(a.value, out)
    for b in block.blocks:
        _block_refs(b, set(), out)  # the ignored attributes are top-level ones


@kind("terraform.referenced", INPUTS, ReferencedParams)
def referenced(ctx: CheckContext, p: ReferencedParams) -> Iterable[Hit]:
    """Resources of the given types are referenced by another resource, data source, module call,
    output or local in the same directory (a module call or output hands it on, so it counts)."""
    for m in load_modules(ctx):
        targets = list(m.resources(p.resources))
        if not targets:
            continue
        by_block: list[tuple[str, set[str]]] = []  # (the referring resource's own ref, or "", its references)
        for _path, root in m.files:
            for b in root.blocks:
                if b.type not in _REFERRING_BLOCKS:
                    continue
                ignore = {"depends_on"}
                if b.type == "resource" and b.labels:
                    for n in p.not_uses:
                        if any(fnmatch.fnmatchcase(b.labels[0], g) for g in n.resources):
                            ignore.update(n.attributes)
                refs: set[str] = set()
                _block_refs(b, ignore, refs)
                own = f"{b.labels[0]}.{b.labels[1]}" if b.type == "resource" and len(b.labels) > 1 else ""
                by_block.append((own, refs))
        for r in targets:
            if not any(r.ref in refs for own, refs in by_block if own != r.ref):
                where = "the root directory" if m.directory == "." else m.directory
                yield Hit(r.path, r.block.line, f"{r.ref} is not referenced by any resource, module call or output in {where}; {p.message}")


KINDS: tuple[CheckKind, ...] = (
    attribute, linked_setting, network_exposure, required_resource, literal_secret, minimum_version, parameter_group, referenced,
)
PARSERS: dict[str, Parser] = {"hcl": hcl.parse}
