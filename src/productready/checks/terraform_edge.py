"""More check kinds for the 'terraform' topic, built on the model and helpers of ``checks/terraform.py``.

``terraform.companion-setting`` covers settings that ``terraform.linked-setting`` cannot express:

* several requirements that must hold together (read *and* write *and* delete logging), and
  values that must all occur across repeated blocks (three ``enabled_log`` categories);
* companions that point at a part of the resource (a diagnostic setting on
  ``${azurerm_storage_account.x.id}/blobServices/default``);
* resources judged only because something uses them (the storage account of a blob container),
  possibly declared nowhere in the module;
* repository-wide settings that make the target moot (Data Access audit logs for Cloud Storage).

As everywhere in the topic, values are judged only when known: an unknown requirement (computed
value, dynamic block) counts as met, and a companion whose link cannot be attributed to one
resource but might provide the setting makes the target unjudgeable rather than failing.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from pydantic import Field

from .base import CheckContext, CheckKind, Hit, Params, Parser, kind
from .hcl import Block, Expression, Value
from .terraform import (
    INPUTS,
    Module,
    Reference,
    Resolved,
    Resource,
    Scalar,
    Slot,
    _condition,
    _literal_name,
    _refs_and_names,
    _values,
    all_resources,
    fmt,
    known,
    load_modules,
    matches,
    slots,
)

# reference prefixes that never name a managed resource of the module
_NOT_RESOURCES = {"var", "local", "module", "data", "each", "count", "self", "path", "terraform"}


class Need(Params):
    attribute: str = Field(description="dotted path; values are gathered from every nested block and list element")
    values: list[Scalar] = Field(
        default_factory=list,
        description="values that must all occur (match: all) or one of which must (match: any); empty: it only has to be set",
    )
    match: Literal["all", "any"] = "all"
    also: list[str] = Field(default_factory=list, description="other paths whose values count too (e.g. a deprecated block)")


class Source(Params):
    resources: list[str] = Field(
        default_factory=list, description="companion resource types; empty: the setting is made on the judged resource itself"
    )
    link: str = Field("", description="the companion's attribute that references the judged resource")
    link_contains: str = Field("", description="text the link must also contain, e.g. '/blobServices/' (case-insensitive)")
    requires: list[Need] = Field(min_length=1, description="requirements that must all hold")
    label: str | None = Field(None, description="how the source is named in messages (default: derived; '': not named)")


class SettingTarget(Params):
    resources: list[str] = Field(description="resource types (globs) that need the setting")
    setting: str = Field(description="what the setting is, for messages, e.g. 'blob read/write/delete logging'")
    sources: list[Source] = Field(min_length=1, description="ways of providing the setting, any of which satisfies")
    referenced_by: list[Reference] = Field(
        default_factory=list,
        description="judge only resources these reference (e.g. the account of a blob container); "
        "reported at the resource, or at the first referrer when it is not declared in the module",
    )
    when: dict[str, list[Scalar]] = Field(default_factory=dict, description="judge only resources whose attributes match")
    unless: dict[str, list[Scalar]] = Field(default_factory=dict, description="skip resources any of whose attributes match")
    defaults: dict[str, Scalar] = Field(default_factory=dict, description="values assumed for unset attributes in when/unless")
    opaque: list[str] = Field(default_factory=list, description="attributes whose presence makes the resource unjudgeable")
    exempt_referenced_by: list[Reference] = Field(default_factory=list, description="resources named here need no setting")
    name_attribute: str = Field("name", description="the resource's own name, matched against literal exemptions")
    account_level: list[Source] = Field(
        default_factory=list,
        description="resources (resources + requires; link ignored) that, anywhere in the repository, provide the setting for all",
    )


class CompanionParams(Params):
    targets: list[SettingTarget] = Field(min_length=1)


# ---------------------------------------------------------------------------------------------
# Requirements


def need_state(m: Module, r: Resource, need: Need) -> bool | None:
    """Whether a requirement holds on a resource: True, False, or None when it depends on unknown values."""
    found: list[Value] = []
    present = unknown = False
    got: list[tuple[Slot, list[Resolved]]] = []
    for path in [need.attribute, *need.also]:
        these = _values(m, r, path)
        unknown = unknown or not these  # no slot at all: a dynamic value on the way
        got.extend(these)
    for s, rs in got:
        if s.kind == "block":
            present = True
            continue
        for x in rs:
            for e in x.value if isinstance(x.value, list) else [x.value]:
                if known(e):
                    if e is not None and e != "":
                        present = True
                        found.append(e)
                else:
                    unknown = True
    if not need.values:
        ok = present
    else:
        seen = [any(matches(e, v) for e in found) for v in need.values]
        ok = all(seen) if need.match == "all" else any(seen)
    if ok:
        return True
    return None if unknown else False


def _requirements(m: Module, r: Resource, needs: list[Need]) -> bool | None:
    states = [need_state(m, r, n) for n in needs]
    if all(s is True for s in states):
        return True
    return False if any(s is False for s in states) else None


# ---------------------------------------------------------------------------------------------
# Links from companions


def _link_texts(m: Module, c: Resource, attribute: str) -> list[str]:
    texts: list[str] = []
    for s, rs in _values(m, c, attribute):
        for x in rs if s.kind == "value" else []:
            for v in x.value if isinstance(x.value, list) else [x.value]:
                if isinstance(v, Expression):
                    texts.append(v.text)
                elif isinstance(v, str):
                    texts.append(v)
    return texts


def _resource_refs(m: Module, r: Resource, attribute: str) -> set[str]:
    refs, _ = _refs_and_names(m, r, attribute)
    if any(x.startswith(("each.", "count.")) for x in refs):  # for_each = azurerm_storage_account.x
        refs |= _refs_and_names(m, r, "for_each")[0]
    return {x for x in refs if x.split(".", 1)[0] not in _NOT_RESOURCES}


@dataclass
class _Provided:
    satisfied: set[tuple[str, str]]  # (directory, type.name) given the setting by a companion
    unknown: set[tuple[str, str]]  # ... whose companion's requirements depend on unknown values
    anywhere: bool  # a companion that may provide it to any resource (its link cannot be attributed)


def _companions(modules: list[Module], src: Source) -> _Provided:
    out = _Provided(set(), set(), False)
    want = src.link_contains.lower()
    for m, c in all_resources(modules, src.resources):
        texts = _link_texts(m, c, src.link)
        if not texts:
            continue  # linked to nothing
        refs = _resource_refs(m, c, src.link)
        if want and not any(want in t.lower() for t in texts) and (refs or all("/" in t for t in texts)):
            continue  # the resource itself or another part of it (e.g. its queue service, not its blob service)
        state = _requirements(m, c, src.requires)
        if state is False:
            continue
        if not refs:
            out.anywhere = True  # var.target_id, a literal resource id, a module output: could be any resource
            continue
        (out.satisfied if state else out.unknown).update((m.directory, ref) for ref in refs)
    return out


# ---------------------------------------------------------------------------------------------
# Subjects: the resources judged


@dataclass(frozen=True)
class _Subject:
    module: Module
    resource: Resource  # an empty block when the resource is not declared in the module
    declared: bool
    user: Resource | None  # the first referrer, when judged because something references it
    user_line: int


def _subjects(modules: list[Module], t: SettingTarget) -> list[_Subject]:
    if not t.referenced_by:
        return [_Subject(m, r, True, None, 0) for m, r in all_resources(modules, t.resources)]
    found: dict[tuple[str, str], _Subject] = {}
    for ref in t.referenced_by:
        for m, u in all_resources(modules, ref.resources):
            line = next((s.line for s in slots(u.block, ref.attribute) if s.kind == "value"), u.block.line)
            for target in sorted(_resource_refs(m, u, ref.attribute)):
                type_, _, name = target.partition(".")
                if not any(fnmatch.fnmatchcase(type_, g) for g in t.resources) or (m.directory, target) in found:
                    continue
                declared = next((r for r in m.resources([type_]) if r.name == name), None)
                res = declared or Resource(u.path, Block("resource", (type_, name), line=u.block.line, end_line=u.block.line))
                found[(m.directory, target)] = _Subject(m, res, declared is not None, u, line)
    return [found[k] for k in sorted(found, key=lambda k: (k[0], k[1]))]


def _exempt(modules: list[Module], t: SettingTarget) -> tuple[set[tuple[str, str]], set[str]]:
    refs: set[tuple[str, str]] = set()
    names: set[str] = set()
    for ref in t.exempt_referenced_by:
        for m, x in all_resources(modules, ref.resources):
            r, n = _refs_and_names(m, x, ref.attribute)
            refs.update((m.directory, y) for y in r)
            names.update(n)
    return refs, names


def _label(src: Source) -> str:
    if src.label is not None:
        return src.label
    need = src.requires[0]
    what = need.attribute + (" with " + ", ".join(fmt(v).strip('"') for v in need.values) if need.values else "")
    if not src.resources:
        return what
    return f"{' or '.join(src.resources)} referencing it"


# ---------------------------------------------------------------------------------------------
# Kind: terraform.companion-setting


@kind("terraform.companion-setting", INPUTS, CompanionParams)
def companion_setting(ctx: CheckContext, p: CompanionParams) -> Iterable[Hit]:
    """A resource has a setting, made on itself or by companion resources that reference it (or a
    part of it, such as a storage account's blob service); every requirement of a source must hold.
    With ``referenced_by`` only resources that something uses are judged (e.g. the storage account
    of a blob container)."""
    modules = load_modules(ctx)
    for t in p.targets:
        if any(_requirements(m, r, a.requires) is not False for a in t.account_level for m, r in all_resources(modules, a.resources)):
            continue  # provided (or perhaps provided) for every resource
        provided = [_companions(modules, s) if s.resources else None for s in t.sources]
        if any(pr is not None and pr.anywhere for pr in provided):
            continue  # some companion may provide the setting to any of them: nothing can be said
        exempt_refs, exempt_names = _exempt(modules, t)
        for sub in _subjects(modules, t):
            m, r = sub.module, sub.resource
            key = (m.directory, r.ref)
            name = _literal_name(m, r, t.name_attribute) if sub.declared else None
            if key in exempt_refs or (name is not None and name in exempt_names):
                continue
            if any(o in r.block.attributes or r.block.nested(o) for o in t.opaque):
                continue
            if not all(_condition(m, r, a, pats, t.defaults) for a, pats in t.when.items()):
                continue
            if any(_condition(m, r, a, pats, t.defaults) for a, pats in t.unless.items()):
                continue
            if _satisfied(sub, t, provided) is not False:
                continue
            forms = ", ".join(f"no {label}" for label in map(_label, t.sources) if label)
            if sub.declared:
                used = f" (used by {sub.user.ref})" if sub.user is not None else ""
                yield Hit(r.path, r.block.line, f"{r.ref}{used} has no {t.setting} ({forms})")
            elif sub.user is not None:
                yield Hit(sub.user.path, sub.user_line, f"{sub.user.ref} uses {r.ref}, which has no {t.setting} ({forms})")


def _satisfied(sub: _Subject, t: SettingTarget, provided: list[_Provided | None]) -> bool | None:
    key = (sub.module.directory, sub.resource.ref)
    unknown = False
    for src, pr in zip(t.sources, provided, strict=True):
        if pr is None:
            if not sub.declared:
                unknown = True  # its own settings are unknown
                continue
            state = _requirements(sub.module, sub.resource, src.requires)
            if state:
                return True
            unknown = unknown or state is None
        elif key in pr.satisfied:
            return True
        elif key in pr.unknown:
            unknown = True
    return None if unknown else False


KINDS: tuple[CheckKind, ...] = (companion_setting,)
PARSERS: dict[str, Parser] = {}  # files are read with the parser of checks/terraform.py (hcl)
