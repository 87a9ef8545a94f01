"""Check kinds for the 'kubernetes' topic: plain manifests and Helm chart templates.

Inputs
------
* inventory kind ``kubernetes``: YAML files with ``apiVersion``/``kind`` (multi-document; ``List``
  and ``*List`` objects are expanded into their ``items``), read with the shared ``yaml`` parser;
* inventory kind ``helm-template``: YAML files under a chart's ``templates/``, read with the
  ``helm-template`` parser below.

Workloads are ``Pod``, ``Deployment``, ``StatefulSet``, ``DaemonSet``, ``ReplicaSet``,
``ReplicationController``, ``Job``, ``CronJob`` (pod spec at ``spec.jobTemplate.spec.template.spec``)
and Argo ``Rollout``. Their containers are ``containers`` + ``initContainers`` + ``ephemeralContainers``
(each kind says which groups it looks at).

Kustomize patches (files named by a ``kustomization.yaml`` under ``patchesStrategicMerge``,
``patches[].path`` or ``patchesJson6902[].path``) are partial objects: kinds still report what a
patch *sets* (``privileged: true``) but never what it merely *leaves out*.

Helm templates (``helm-template`` parser)
-----------------------------------------
Go templates are not rendered (no values are read, no chart code runs). The template text is
neutralised conservatively, keeping every line number, and then parsed as YAML:

1. ``{{/* comments */}}`` are removed (also when they span lines). Any other action that spans
   lines is a parse failure.
2. A line holding only control actions (``if``/``else``/``end``/``range``/``with``/``define``/
   ``block``) or variable assignments (``{{ $x := ... }}``) becomes blank. ``define`` bodies are
   dropped. Both branches of an ``if``/``else`` are kept, so a key set differently in each branch
   is a duplicate key, i.e. a parse failure. Unbalanced blocks are a parse failure.
   A block opened before the first line of a document (the usual ``{{- if .Values.rbac.create }}``
   around a whole file) marks that document *conditional*: it is checked as if rendered, but a
   conditional NetworkPolicy or ServiceAccount never counts as the protection another object
   relies on. A settings key that could make a check pass (``runAsNonRoot``, ``resources``,
   ``tls``, probes, ...; see ``_SATISFYING_KEYS``) inside an ``if``/``with`` block that opens
   *within* a document is a parse failure: whether it is rendered depends on values.
3. A line holding only an output action (``{{ toYaml .Values.x | nindent 8 }}``,
   ``{{ include "chart.labels" . | nindent 4 }}``) inserts YAML we cannot see; it becomes a marker
   key at that indentation, as do inline actions that render blocks (``toYaml``, ``nindent``,
   ``indent``, ``toJson``, ``tpl``). A marker is dropped where the inserted content cannot affect
   any check (under ``labels``, ``matchLabels``, ``nodeSelector``, ``tolerations``, ``affinity``,
   ``args``, ``data``, non-Ingress ``annotations``, NetworkPolicy ``ports``, ... see ``_OPAQUE_OK``);
   anywhere else (container ``ports`` may hold a ``hostPort``, ``envFrom`` a ``secretRef``, binding
   ``subjects`` the ``default`` ServiceAccount) it is a parse failure.
4. Other inline actions (``name: {{ include "chart.fullname" . }}``,
   ``image: "{{ .Values.image.repository }}:1.2.3"``) become a placeholder string. A placeholder
   is a parse failure where a check's verdict would depend on its value (``_undecidable``:
   security-context booleans, ``runAsUser``, ``seccompProfile.type``, image tags, an
   ``imagePullPolicy`` of an image without a literal digest, capability and RBAC list items,
   ``roleRef`` of a ClusterRole binding, the name of a ServiceAccount subject of a binding (it may
   render as ``default``), resource quantities, env variable names, ``kind``, exposed Service ports,
   TLS blocks, a pod's ``serviceAccountName`` unless the pod itself sets
   ``automountServiceAccountToken: false``, ...). A placeholder elsewhere (names,
   namespaces, replicas, env *values*) is harmless: a templated namespace matches any namespace,
   and a templated env value of a secret-looking variable is still a literal in the pod spec. A
   control action inside a content line is a parse failure.

A parse failure makes the file *skipped* and every Kubernetes check *incomplete* (fail closed):
scan the output of ``helm template`` instead to check such a chart.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from ..errors import ProductReadyError
from ..yamlio import LineMap, PathKey, parse_yaml_documents
from .base import CheckContext, CheckKind, Hit, Params, ParseFailure, Parser, kind

INPUTS = ("kubernetes", "helm-template")
HELM_PARSER = "helm-template"

_POD_SPEC: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "Pod": ("spec",),
    "Deployment": ("spec", "template", "spec"),
    "StatefulSet": ("spec", "template", "spec"),
    "DaemonSet": ("spec", "template", "spec"),
    "ReplicaSet": ("spec", "template", "spec"),
    "ReplicationController": ("spec", "template", "spec"),
    "Rollout": ("spec", "template", "spec"),
    "Job": ("spec", "template", "spec"),
    "CronJob": ("spec", "jobTemplate", "spec", "template", "spec"),
})
_BATCH = frozenset({"Job", "CronJob"})
Group = Literal["containers", "initContainers", "ephemeralContainers"]
ALL_GROUPS: tuple[Group, ...] = ("containers", "initContainers", "ephemeralContainers")
_GROUP_LABEL = MappingProxyType({"containers": "container", "initContainers": "init container", "ephemeralContainers": "ephemeral container"})

# ---------------------------------------------------------------------------------------------
# Helm template neutralisation
# ---------------------------------------------------------------------------------------------

_TPL = re.compile(r"__tpl(\d+)__")
_TPL_BLOCK = re.compile(r"__tplblock(\d+)__")
_ANY_TPL = re.compile(r"__tpl(?:block)?\d+__")
_ACTION = re.compile(r"\{\{(.*?)\}\}")
_COMMENT = re.compile(r"\{\{-?\s*/\*.*?\*/\s*-?\}\}", re.S)
_CONTROL = re.compile(r"^(if|else|end|range|with|define|block|break|continue)\b")
_ASSIGN = re.compile(r"^\$[\w]*\s*:?=")
_BLOCKY = re.compile(r"\b(toYaml|toJson|toPrettyJson|toRawJson|nindent|indent|tpl)\b")
_KEY = re.compile(r"""^\s*(?:-\s+)?["']?([\w./-]+)["']?\s*:(?:\s|$)""")

# Keys whose presence (with the right value) can make a check pass: inside a template
# condition within a document they may not be rendered, so the file cannot be judged.
_SATISFYING_KEYS = frozenset({
    "securityContext", "runAsNonRoot", "runAsUser", "readOnlyRootFilesystem", "allowPrivilegeEscalation",
    "capabilities", "drop", "seccompProfile", "automountServiceAccountToken", "resources", "limits",
    "requests", "cpu", "memory", "livenessProbe", "readinessProbe", "tls", "pod-security.kubernetes.io/enforce",
})
# Parents under which content inserted by a template cannot change any check's verdict.
_OPAQUE_OK = frozenset({
    "labels", "matchLabels", "matchExpressions", "selector", "nodeSelector", "tolerations", "affinity",
    "topologySpreadConstraints", "imagePullSecrets", "args", "command", "ports", "data", "stringData",
    "binaryData", "dnsConfig", "hostAliases", "lifecycle", "volumeMounts", "annotations",
    "ingress", "egress", "rules", "hosts", "paths", "startupProbe", "podSelector",
    "namespaceSelector",
})
# ... except where the inserted content is what a check reads.
_OPAQUE_NOT_OK: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "annotations": ("Ingress",),
    "rules": ("Role", "ClusterRole"),
    "ports": ("Service", *_POD_SPEC),  # a workload's container ports may set hostPort
})
_DECIDING_SCALARS = frozenset({
    "runAsNonRoot", "runAsUser", "privileged", "allowPrivilegeEscalation", "readOnlyRootFilesystem",
    "hostNetwork", "hostPID", "hostIPC", "automountServiceAccountToken", "kind", "cpu", "memory", "tls",
    "nginx.ingress.kubernetes.io/ssl-redirect", "ingress.kubernetes.io/ssl-redirect",
    "pod-security.kubernetes.io/enforce",
})
_SCOPED = frozenset({"cpu", "memory", "kind", "tls"})  # deciding only at the paths named in _undecidable
_DECIDING_LISTS = frozenset({"add", "drop", "verbs", "apiGroups"})


@dataclass(frozen=True)
class TemplateDoc:
    """One YAML document of a neutralised Helm template."""

    data: Any
    lines: LineMap
    conditional: bool  # rendered only when a template condition holds (or 0..n times by range)


@dataclass
class _Block:
    op: str  # if | with | range | define | block
    outer: bool  # opened before the first content line of a document: it wraps whole documents
    content: bool = False  # a content line was seen since it opened


def _neutralise(text: str) -> tuple[str, set[int]]:
    """Template text → YAML text with the same line numbers, and the lines inside outer conditions."""
    text = _COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    out: list[str] = []
    stack: list[_Block] = []
    conditional_lines: set[int] = set()
    doc_has_content = False
    outer_closed = False
    counter = 0
    for n, raw in enumerate(text.split("\n"), start=1):
        line = raw.rstrip("\r")
        if line.count("{{") != line.count("}}"):
            raise ParseFailure("template action spans several lines", n)
        actions = list(_ACTION.finditer(line))
        in_define = any(b.op in ("define", "block") for b in stack)
        if any(b.outer for b in stack):
            conditional_lines.add(n)
        if line.lstrip().startswith("---"):
            doc_has_content = False
            outer_closed = False
            for i, b in enumerate(stack):  # '{{ if }}' then '---': the block wraps the next document
                if not b.content and all(e.outer for e in stack[:i]):
                    b.outer = True
        if not actions:
            if in_define:
                out.append("")
                continue
            if line.strip() and not line.lstrip().startswith(("#", "---")):
                if outer_closed:
                    raise ParseFailure("a template condition ends in the middle of a document", n)
                _seen_content(stack)
                doc_has_content = True
                _guard_satisfying(line, stack, n)
            out.append(line)
            continue
        rest = _ACTION.sub("", line).strip()
        bodies = [m.group(1).strip().lstrip("-").rstrip("-").strip() for m in actions]
        if not rest:  # a line of actions only
            emits = False
            for body in bodies:
                m = _CONTROL.match(body)
                if m is None:
                    if not _ASSIGN.match(body):
                        emits = True
                    continue
                op = m.group(1)
                if op in ("if", "with", "range", "define", "block"):
                    outer = not doc_has_content and all(b.outer for b in stack)
                    stack.append(_Block(op, outer))
                elif op == "end":
                    if not stack:
                        raise ParseFailure("'{{ end }}' without an open block", n)
                    closed = stack.pop()
                    if closed.outer and doc_has_content:
                        outer_closed = True
                elif op == "else" and not stack:
                    raise ParseFailure("'{{ else }}' without an open block", n)
            if emits and not in_define:
                counter += 1
                indent = line[: len(line) - len(line.lstrip())]
                out.append(f"{indent}__tplblock{counter}__: __tplblock{counter}__")
                if outer_closed:
                    raise ParseFailure("a template condition ends in the middle of a document", n)
                _seen_content(stack)
                doc_has_content = True
            else:
                out.append("")
            continue
        if in_define:
            out.append("")
            continue
        if any(_CONTROL.match(b) for b in bodies):
            raise ParseFailure("template control action inside a YAML line", n)
        if outer_closed:
            raise ParseFailure("a template condition ends in the middle of a document", n)

        def placeholder(m: re.Match[str]) -> str:
            nonlocal counter
            counter += 1
            return f"__tplblock{counter}__" if _BLOCKY.search(m.group(1)) else f"__tpl{counter}__"

        replaced = _ACTION.sub(placeholder, line)
        if not replaced.lstrip().startswith("#"):
            _seen_content(stack)
            doc_has_content = True
            _guard_satisfying(replaced, stack, n)
        out.append(replaced)
    if stack:
        raise ParseFailure(f"'{{{{ {stack[-1].op} }}}}' block is never closed", None)
    return "\n".join(out), conditional_lines


def _seen_content(stack: list[_Block]) -> None:
    for b in stack:
        b.content = True


def _guard_satisfying(line: str, stack: list[_Block], n: int) -> None:
    m = _KEY.match(line)
    if m and m.group(1) in _SATISFYING_KEYS and any(not b.outer and b.op in ("if", "with") for b in stack):
        raise ParseFailure(
            f"'{m.group(1)}' is set only when a template condition holds; whether it is rendered depends on values", n
        )


_RENDER_HINT = "; scan the output of 'helm template' to check this file"


def parse_helm_template(text: str, path: str) -> list[TemplateDoc]:
    """Neutralise a Helm template (see the module docstring) and parse it; ParseFailure if unsure."""
    try:
        return _parse_helm_template(text, path)
    except ParseFailure as exc:
        raise ParseFailure(exc.message + _RENDER_HINT, exc.line) from None


def _parse_helm_template(text: str, path: str) -> list[TemplateDoc]:
    yaml_text, conditional_lines = _neutralise(text)
    try:
        docs = parse_yaml_documents(yaml_text, path)
    except ProductReadyError as exc:
        raise ParseFailure(f"does not parse as YAML once template actions are neutralised: {exc.message}", exc.line) from None
    out: list[TemplateDoc] = []
    for data, lm in docs:
        data = _drop_opaque(data, (), lm, _kind_of(data))
        problem = next(_undecidable(data, lm), None)
        if problem is not None:
            raise ParseFailure(problem[1], problem[0])
        out.append(TemplateDoc(data, lm, lm.line_of(()) in conditional_lines))
    return out


def _kind_of(data: Any) -> str:
    k = data.get("kind") if isinstance(data, dict) else None
    return k if isinstance(k, str) else ""


def _opaque_allowed(path: PathKey, doc_kind: str) -> bool:
    for key in path:
        if isinstance(key, str) and doc_kind in _OPAQUE_NOT_OK.get(key, ()):
            return False
        if isinstance(key, str) and key in _OPAQUE_OK:
            return True
    return False


def _where(path: PathKey) -> str:
    return ".".join(str(p) for p in path) or "the top level"


def _drop_opaque(data: Any, path: PathKey, lm: LineMap, doc_kind: str) -> Any:
    """Remove block markers where inserted content is harmless; ParseFailure where it is not."""
    if isinstance(data, dict):
        out: dict[Any, Any] = {}
        for k, v in data.items():
            child = (*path, str(k))
            if isinstance(k, str) and _TPL_BLOCK.fullmatch(k):
                if not _opaque_allowed(path, doc_kind):
                    raise ParseFailure(
                        f"a template inserts YAML at '{_where(path)}' that is only known after rendering", lm.line_of(child)
                    )
                continue
            if isinstance(k, str) and _TPL.search(k) and not _opaque_allowed(path, doc_kind):
                raise ParseFailure(f"a template computes a key at '{_where(path)}'", lm.line_of(child))
            out[k] = _drop_opaque(v, child, lm, doc_kind)
        return out
    if isinstance(data, list):
        return [_drop_opaque(v, (*path, i), lm, doc_kind) for i, v in enumerate(data)]
    if isinstance(data, str) and _TPL_BLOCK.search(data) and not _opaque_allowed(path, doc_kind):
        raise ParseFailure(f"a template inserts YAML at '{_where(path)}' that is only known after rendering", lm.line_of(path))
    return data


def _templated(value: Any) -> bool:
    return isinstance(value, str) and _ANY_TPL.search(value) is not None


def _undecidable(data: Any, lm: LineMap) -> Iterator[tuple[int, str]]:
    """Placeholders sitting where a check's verdict depends on the value they stand for."""
    doc_kind = _kind_of(data)

    def walk(node: Any, path: PathKey) -> Iterator[tuple[int, str]]:
        if isinstance(node, dict):
            for k, v in node.items():
                yield from walk(v, (*path, str(k)))
            return
        if isinstance(node, list):
            parent = path[-1] if path else ""
            for i, v in enumerate(node):
                if (parent in _DECIDING_LISTS and _templated(v)) or (
                    parent == "resources" and doc_kind in ("Role", "ClusterRole") and _templated(v)
                ):
                    yield lm.line_of((*path, i)), f"'{parent}' lists a value set by a template expression"
                yield from walk(v, (*path, i))
            return
        if not _templated(node) or not path:
            return
        key = path[-1]
        parent = path[-2] if len(path) > 1 else ""
        why = f"'{key}' is set by a template expression; its value is only known after rendering"
        if (
            (key in _DECIDING_SCALARS and key not in _SCOPED)
            or (key in ("cpu", "memory") and parent in ("limits", "requests", "default", "defaultRequest"))
            or (key == "type" and parent == "seccompProfile")
            or (key == "kind" and path in (("kind",), ("roleRef", "kind")))
            or (key == "tls" and path == ("spec", "tls"))
        ):
            yield lm.line_of(path), why
        elif key == "image" and _image_undecidable(node):
            yield lm.line_of(path), "the image tag is set by a template expression; whether it is pinned is only known after rendering"
        elif key == "name" and len(path) >= 3 and path[-3] == "env" and isinstance(path[-2], int):
            yield lm.line_of(path), "an environment variable name is set by a template expression"
        elif key == "name" and parent == "roleRef" and _get(data, "roleRef", "kind") != "Role":
            yield lm.line_of(path), "the bound ClusterRole is named by a template expression"
        elif key in ("serviceAccountName", "serviceAccount") and _get(data, *path[:-1], "automountServiceAccountToken") is not False:
            yield lm.line_of(path), "the pod's ServiceAccount is named by a template expression, so its token setting cannot be looked up"
        elif key == "imagePullPolicy" and not _literal_digest(_get(data, *path[:-1], "image")):
            yield lm.line_of(path), "'imagePullPolicy' is set by a template expression and the image has no literal digest"
        elif (
            key == "name" and len(path) == 3 and path[0] == "subjects" and doc_kind in ("RoleBinding", "ClusterRoleBinding")
            and (_get(data, *path[:-1], "kind") in ("ServiceAccount", None) or _templated(_get(data, *path[:-1], "kind")))
        ):
            yield lm.line_of(path), "a ServiceAccount subject is named by a template expression; it may render as 'default'"

    yield from walk(data, ())
    if doc_kind == "Service":
        yield from _service_undecidable(data, lm)


def _service_undecidable(data: Any, lm: LineMap) -> Iterator[tuple[int, str]]:
    stype = _get(data, "spec", "type")
    ports = _get(data, "spec", "ports")
    port_values = [
        (i, key, p.get(key)) for i, p in enumerate(ports if isinstance(ports, list) else [])
        if isinstance(p, dict) for key in ("port", "targetPort", "nodePort", "name")
    ]
    any_templated_port = any(_templated(v) for _, k, v in port_values if k != "name")
    if _templated(stype) and (any_templated_port or any(_db_port(v) for _, _, v in port_values)):
        yield lm.line_of(("spec", "type")), "the Service type is set by a template expression; whether it exposes a database port is only known after rendering"
    elif stype in ("LoadBalancer", "NodePort") and any_templated_port:
        for i, key, v in port_values:
            if key != "name" and _templated(v):
                yield lm.line_of(("spec", "ports", i, key)), f"an exposed Service {key} is set by a template expression"
                return


def _image_undecidable(image: str) -> bool:
    _, tag, digest = image_reference(image)
    if digest and not _templated(digest):
        return False
    if tag is not None:
        return _templated(tag)
    return _templated(image.rsplit("/", 1)[-1])


def _literal_digest(image: Any) -> bool:
    if not isinstance(image, str):
        return False
    digest = image_reference(image)[2]
    return digest is not None and not _templated(digest)


def _db_port(value: Any) -> bool:  # only to decide templated Services; the check itself takes ports from params
    return isinstance(value, int) and not isinstance(value, bool) and value in _DEFAULT_DB_PORTS


_DEFAULT_DB_PORTS = (1433, 1521, 2379, 3306, 5432, 5984, 6379, 7000, 7001, 8086, 9042, 9200, 9300, 11211, 26257, 27017, 28015)


def image_reference(image: str) -> tuple[str, str | None, str | None]:
    """Split ``registry:5000/team/app:1.2@sha256:…`` into (name, tag or None, digest or None)."""
    name, _, digest = image.partition("@")
    last = name.rsplit("/", 1)[-1]
    if ":" in last:
        base, _, tag = name.rpartition(":")
        return base, tag, digest or None
    return name, None, digest or None


# ---------------------------------------------------------------------------------------------
# Object model shared by the kinds
# ---------------------------------------------------------------------------------------------


def _get(data: Any, *keys: str | int) -> Any:
    for k in keys:
        if isinstance(k, int):
            if not isinstance(data, list) or k >= len(data):
                return None
            data = data[k]
        else:
            if not isinstance(data, dict):
                return None
            data = data.get(k)
    return data


def _show(text: Any) -> str:
    return _ANY_TPL.sub("{{…}}", str(text))


def _is(value: Any, options: Iterable[Any]) -> bool:
    """Type-strict membership (so that ``1`` is not ``true``)."""
    return any(type(value) is type(o) and value == o for o in options)


@dataclass(frozen=True)
class Obj:
    """One Kubernetes object of one file (a document, or an item of a List)."""

    path: str
    data: dict[str, Any]
    lm: LineMap
    prefix: PathKey
    conditional: bool  # Helm: rendered only under a template condition
    patch: bool  # kustomize patch: a partial object
    chart: str  # the chart directory of a Helm template, "" for plain manifests

    @property
    def kind(self) -> str:
        return _kind_of(self.data)

    @property
    def name(self) -> str:
        n = _get(self.data, "metadata", "name")
        return _show(n) if isinstance(n, str) and n else "(unnamed)"

    @property
    def namespace(self) -> str | None:
        ns = _get(self.data, "metadata", "namespace")
        return ns if isinstance(ns, str) and ns and not _templated(ns) else None

    @property
    def label(self) -> str:
        return f"{self.kind} '{self.name}'"

    def line(self, *keys: str | int) -> int:
        return self.lm.line_of((*self.prefix, *keys))

    def has(self, *keys: str | int) -> bool:
        return (*self.prefix, *keys) in self.lm.lines


@dataclass(frozen=True)
class Pod:
    obj: Obj
    spec: dict[str, Any]
    spath: tuple[str, ...]

    @property
    def long_running(self) -> bool:
        if self.obj.kind in _BATCH:
            return False
        return not (self.obj.kind == "Pod" and self.spec.get("restartPolicy") in ("Never", "OnFailure"))

    def line(self, *keys: str | int) -> int:
        return self.obj.line(*self.spath, *keys)

    def anchor(self) -> int:
        """Where a missing pod-level setting is reported: the ``containers:`` line."""
        return self.line("containers")

    def containers(self, groups: Iterable[str]) -> Iterator[Container]:
        for group in groups:
            items = self.spec.get(group)
            if not isinstance(items, list):
                continue
            for i, c in enumerate(items):
                if isinstance(c, dict):
                    yield Container(self, group, i, c)


@dataclass(frozen=True)
class Container:
    pod: Pod
    group: str
    index: int
    data: dict[str, Any]

    @property
    def name(self) -> str:
        n = self.data.get("name")
        return _show(n) if isinstance(n, str) and n else f"#{self.index + 1}"

    @property
    def label(self) -> str:
        return f"{_GROUP_LABEL[self.group]} '{self.name}' in {self.pod.obj.label}"

    def line(self, *keys: str | int) -> int:
        return self.pod.line(self.group, self.index, *keys)

    def nearest_line(self, *keys: str) -> int:
        """The line of the deepest existing prefix of ``keys`` (the container itself at worst)."""
        for depth in range(len(keys), 0, -1):
            if self.pod.obj.has(*self.pod.spath, self.group, self.index, *keys[:depth]):
                return self.line(*keys[:depth])
        return self.line()


def _kustomize_patches(ctx: CheckContext) -> set[str]:
    patches: set[str] = set()
    for path in ctx.paths("yaml", "kubernetes"):
        if posixpath.basename(path) not in ("kustomization.yaml", "kustomization.yml", "Kustomization"):
            continue
        docs = ctx.yaml_docs(path)
        base = posixpath.dirname(path)
        for data, _ in docs or []:
            if not isinstance(data, dict):
                continue
            entries: list[Any] = []
            for key in ("patchesStrategicMerge", "patches", "patchesJson6902"):
                value = data.get(key)
                if isinstance(value, list):
                    entries.extend(value)
            for e in entries:
                ref = e.get("path") if isinstance(e, dict) else e
                if isinstance(ref, str) and "\n" not in ref:
                    patches.add(posixpath.normpath(posixpath.join(base, ref)))
    return patches


def _chart_dir(path: str) -> str:
    parts = path.split("/")
    if "templates" in parts:
        return "/".join(parts[: len(parts) - 1 - parts[::-1].index("templates")]) or "."
    return "."


def objects(ctx: CheckContext) -> Iterator[Obj]:
    """Every object of every readable manifest and Helm template, in path and document order."""
    patches = _kustomize_patches(ctx)
    helm = set(ctx.paths("helm-template"))
    for path in sorted(set(ctx.paths(*INPUTS))):
        docs: list[tuple[Any, LineMap, bool]]
        if path in helm:
            parsed: list[TemplateDoc] | None = ctx.parsed(path, HELM_PARSER)
            docs = [(d.data, d.lines, d.conditional) for d in parsed or []]
        else:
            docs = [(d, lm, False) for d, lm in ctx.yaml_docs(path) or []]
        for data, lm, conditional in docs:
            if not isinstance(data, dict):
                continue
            items = data.get("items")
            if _kind_of(data).endswith("List") and isinstance(items, list):
                for i, item in enumerate(items):
                    if isinstance(item, dict):
                        yield Obj(path, item, lm, ("items", i), conditional, path in patches, _chart_dir(path) if path in helm else "")
            else:
                yield Obj(path, data, lm, (), conditional, path in patches, _chart_dir(path) if path in helm else "")


def pods(ctx: CheckContext) -> Iterator[Pod]:
    for obj in objects(ctx):
        spath = _POD_SPEC.get(obj.kind)
        if spath is None:
            continue
        spec = _get(obj.data, *spath)
        if isinstance(spec, dict):
            yield Pod(obj, spec, spath)


def _fmt(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return _show(value)


# ---------------------------------------------------------------------------------------------
# Kinds
# ---------------------------------------------------------------------------------------------


class ContainerSettingParams(Params):
    field: list[str] = Field(min_length=1, description="path inside the container securityContext, e.g. [readOnlyRootFilesystem]")
    allowed: list[Any] | None = Field(None, description="the effective value must be one of these; unset fails")
    forbidden: list[Any] = Field(default_factory=list, description="the effective value must not be one of these; unset passes")
    minimum: int | None = Field(None, description="the effective value must be an integer of at least this; unset fails")
    pod_field: list[str] | None = Field(None, description="the same setting in the pod securityContext, used when a container does not set it")
    missing_at: Literal["container", "pod"] = Field("container", description="report an unset value per container, or once per pod")
    groups: list[Group] = Field(default_factory=lambda: list(ALL_GROUPS), description="container groups to check")
    setting: str = Field(description="what must be set, for messages, e.g. 'securityContext.readOnlyRootFilesystem: true'")


@kind("kubernetes.container-setting", INPUTS, ContainerSettingParams)
def container_setting(ctx: CheckContext, p: ContainerSettingParams) -> Iterable[Hit]:
    """A container securityContext setting (optionally inherited from the pod securityContext) has
    an allowed value or an integer value of at least the minimum, or does not have a forbidden one."""
    dotted = "securityContext." + ".".join(p.field)
    required = p.allowed is not None or p.minimum is not None
    for pod in pods(ctx):
        pod_value = _get(pod.spec, "securityContext", *p.pod_field) if p.pod_field else None
        unset: list[Container] = []
        for c in pod.containers(p.groups):
            own = _get(c.data, "securityContext", *p.field)
            value = own if own is not None else pod_value
            where = c.line("securityContext", *p.field) if own is not None else pod.line("securityContext", *(p.pod_field or []))
            if value is None:
                if required:
                    unset.append(c)
                continue
            if (
                _is(value, p.forbidden)
                or (p.allowed is not None and not _is(value, p.allowed))
                or (p.minimum is not None and not _at_least(value, p.minimum))
            ):
                source = "" if own is not None else " (inherited from the pod securityContext)"
                wanted = f"; required: {p.setting}" if required else ""
                yield Hit(pod.obj.path, where, f"{c.label} sets {dotted}: {_fmt(value)}{source}{wanted}")
        if not unset or pod.obj.patch:
            continue
        if p.missing_at == "pod" and p.pod_field:
            names = ", ".join(f"'{c.name}'" for c in unset)
            line = pod.line("securityContext") if isinstance(pod.spec.get("securityContext"), dict) else pod.anchor()
            yield Hit(pod.obj.path, line, f"{pod.obj.label} sets no {p.setting} in the pod securityContext and container(s) {names} do not set it")
        else:
            for c in unset:
                yield Hit(pod.obj.path, c.line(), f"{c.label} does not set {p.setting}")


def _at_least(value: Any, minimum: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= minimum


class RunAsNonRootParams(Params):
    accept_non_zero_run_as_user: bool = Field(True, description="an explicit runAsUser > 0 also proves a non-root user")
    groups: list[Group] = Field(default_factory=lambda: list(ALL_GROUPS), description="container groups to check")


@kind("kubernetes.run-as-non-root", INPUTS, RunAsNonRootParams)
def run_as_non_root(ctx: CheckContext, p: RunAsNonRootParams) -> Iterable[Hit]:
    """Every container runs as a non-root user: runAsNonRoot: true (container, or pod when the
    container does not override it), never runAsUser: 0."""
    for pod in pods(ctx):
        psc = pod.spec.get("securityContext")
        for c in pod.containers(p.groups):
            csc = c.data.get("securityContext")
            uid, uid_line = _effective(csc, psc, "runAsUser", c, pod)
            non_root, nr_line = _effective(csc, psc, "runAsNonRoot", c, pod)
            if _is(uid, [0]):
                yield Hit(pod.obj.path, uid_line, f"{c.label} runs as root (runAsUser: 0)")
            elif non_root is True or (p.accept_non_zero_run_as_user and _positive(uid)):
                continue
            elif non_root is not None:
                yield Hit(pod.obj.path, nr_line, f"{c.label} sets runAsNonRoot: {_fmt(non_root)}")
            elif not pod.obj.patch:
                yield Hit(pod.obj.path, c.line(), f"{c.label} does not set securityContext.runAsNonRoot: true (neither does the pod)")


def _positive(uid: Any) -> bool:
    return isinstance(uid, int) and not isinstance(uid, bool) and uid > 0


def _effective(csc: Any, psc: Any, key: str, c: Container, pod: Pod) -> tuple[Any, int]:
    own = _get(csc, key)
    if own is not None:
        return own, c.line("securityContext", key)
    return _get(psc, key), pod.line("securityContext", key)


class PodFieldParams(Params):
    field: list[str] = Field(min_length=1, description="path inside the pod spec, e.g. [hostNetwork]")
    forbidden: list[Any] = Field(min_length=1, description="values that are findings")


@kind("kubernetes.pod-field", INPUTS, PodFieldParams)
def pod_field(ctx: CheckContext, p: PodFieldParams) -> Iterable[Hit]:
    """A pod spec field does not hold a forbidden value (e.g. hostNetwork: true)."""
    for pod in pods(ctx):
        value = _get(pod.spec, *p.field)
        if value is not None and _is(value, p.forbidden):
            yield Hit(pod.obj.path, pod.line(*p.field), f"{pod.obj.label} sets {'.'.join(p.field)}: {_fmt(value)}")


class VolumeTypeParams(Params):
    types: list[str] = Field(min_length=1, description="forbidden volume sources, e.g. [hostPath]")


@kind("kubernetes.pod-volume-type", INPUTS, VolumeTypeParams)
def pod_volume_type(ctx: CheckContext, p: VolumeTypeParams) -> Iterable[Hit]:
    """No pod volume uses a forbidden volume source (e.g. hostPath)."""
    for pod in pods(ctx):
        volumes = pod.spec.get("volumes")
        for i, vol in enumerate(volumes if isinstance(volumes, list) else []):
            if not isinstance(vol, dict):
                continue
            for t in p.types:
                if t in vol:
                    target = _get(vol, t, "path")
                    shown = f" ({_show(target)})" if isinstance(target, str) else ""
                    line = pod.line("volumes", i, t, "path") if isinstance(target, str) else pod.line("volumes", i, t)
                    yield Hit(pod.obj.path, line, f"{pod.obj.label} mounts {t} volume '{_show(vol.get('name', i))}'{shown}")


def _cap(name: Any) -> str:
    text = str(name).upper()
    return text[4:] if text.startswith("CAP_") else text


class CapabilitiesAddedParams(Params):
    forbidden: list[str] = Field(default_factory=list, description="capabilities that must not be added (without CAP_)")
    allowed: list[str] | None = Field(None, description="when set, every capability not listed here must not be added ([]: none may be)")

    @model_validator(mode="after")
    def _something_forbidden(self) -> CapabilitiesAddedParams:
        if not self.forbidden and self.allowed is None:
            raise ValueError("give 'forbidden' capabilities or an 'allowed' list")
        return self


@kind("kubernetes.capabilities-added", INPUTS, CapabilitiesAddedParams)
def capabilities_added(ctx: CheckContext, p: CapabilitiesAddedParams) -> Iterable[Hit]:
    """No container adds a forbidden Linux capability (or, with an allowed list, any capability
    outside it)."""
    bad = {_cap(x) for x in p.forbidden}
    ok = {_cap(x) for x in p.allowed} if p.allowed is not None else None
    for pod in pods(ctx):
        for c in pod.containers(ALL_GROUPS):
            added = _get(c.data, "securityContext", "capabilities", "add")
            for i, cap in enumerate(added if isinstance(added, list) else []):
                if _cap(cap) in bad or (ok is not None and _cap(cap) not in ok):
                    yield Hit(pod.obj.path, c.line("securityContext", "capabilities", "add", i), f"{c.label} adds capability {_cap(cap)}")


class CapabilitiesDroppedParams(Params):
    required: list[str] = Field(default_factory=lambda: ["ALL"], description="capabilities every container must drop")


@kind("kubernetes.capabilities-dropped", INPUTS, CapabilitiesDroppedParams)
def capabilities_dropped(ctx: CheckContext, p: CapabilitiesDroppedParams) -> Iterable[Hit]:
    """Every container drops the required capabilities (normally ALL)."""
    if not p.required:
        return
    for pod in pods(ctx):
        if pod.obj.patch:
            continue
        for c in pod.containers(ALL_GROUPS):
            dropped = _get(c.data, "securityContext", "capabilities", "drop")
            have = {_cap(x) for x in dropped} if isinstance(dropped, list) else set()
            missing = [_cap(x) for x in p.required if _cap(x) not in have]
            if missing:
                line = c.nearest_line("securityContext", "capabilities", "drop")
                yield Hit(pod.obj.path, line, f"{c.label} does not drop capabilities {', '.join(missing)} (securityContext.capabilities.drop)")


@kind("kubernetes.host-port", INPUTS)
def host_port(ctx: CheckContext, _: Params) -> Iterable[Hit]:
    """No container binds a port on the node's interfaces (ports[].hostPort other than 0)."""
    for pod in pods(ctx):
        for c in pod.containers(ALL_GROUPS):
            ports = c.data.get("ports")
            for i, port in enumerate(ports if isinstance(ports, list) else []):
                value = _get(port, "hostPort")
                if value is not None and not _is(value, [0]):
                    yield Hit(pod.obj.path, c.line("ports", i, "hostPort"), f"{c.label} binds port {_fmt(value)} on the node (ports[{i}].hostPort)")


class ResourcesParams(Params):
    required: list[Literal["limits.cpu", "limits.memory", "requests.cpu", "requests.memory", "limits.ephemeral-storage"]] = Field(
        min_length=1, description="resources.* entries every container must set"
    )
    groups: list[Group] = Field(default_factory=lambda: list(ALL_GROUPS[:2]), description="container groups to check")
    use_limit_ranges: bool = Field(True, description="a LimitRange default in the same namespace counts")


_LIMIT_RANGE_KEY: Mapping[str, str] = MappingProxyType({"limits": "default", "requests": "defaultRequest"})


@kind("kubernetes.container-resources", INPUTS, ResourcesParams)
def container_resources(ctx: CheckContext, p: ResourcesParams) -> Iterable[Hit]:
    """Every container sets the required resource requests/limits. A request is also satisfied by a
    limit (Kubernetes copies the limit), and a LimitRange default in the same namespace counts."""
    defaults = _limit_range_defaults(ctx) if p.use_limit_ranges else {}
    for pod in pods(ctx):
        if pod.obj.patch:
            continue
        ns_defaults = defaults.get(pod.obj.namespace, set()) | defaults.get(None, set())
        for c in pod.containers(p.groups):
            res = c.data.get("resources")
            missing = []
            for item in p.required:
                section, _, res_name = item.partition(".")
                present = _get(res, section, res_name) is not None or (
                    section == "requests" and _get(res, "limits", res_name) is not None
                )
                if not present and item not in ns_defaults:
                    missing.append(f"resources.{item}")
            if missing:
                yield Hit(pod.obj.path, c.nearest_line("resources"), f"{c.label} sets no {', '.join(missing)}")


def _limit_range_defaults(ctx: CheckContext) -> dict[str | None, set[str]]:
    out: dict[str | None, set[str]] = {}
    for obj in objects(ctx):
        if obj.kind != "LimitRange" or obj.conditional:
            continue
        limits = _get(obj.data, "spec", "limits")
        for lim in limits if isinstance(limits, list) else []:
            if not isinstance(lim, dict) or lim.get("type") != "Container":
                continue
            for section, key in _LIMIT_RANGE_KEY.items():
                values = lim.get(key)
                if isinstance(values, dict):
                    out.setdefault(obj.namespace, set()).update(f"{section}.{r}" for r in values)
            if isinstance(lim.get("default"), dict):  # defaultRequest falls back to default
                out.setdefault(obj.namespace, set()).update(f"requests.{r}" for r in lim["default"])
    return out


class ImagePinnedParams(Params):
    require_digest: bool = Field(False, description="only an @sha256 digest counts as pinned")
    forbidden_tags: list[str] = Field(default_factory=lambda: ["latest"], description="tags that do not pin anything")


@kind("kubernetes.image-pinned", INPUTS, ImagePinnedParams)
def image_pinned(ctx: CheckContext, p: ImagePinnedParams) -> Iterable[Hit]:
    """Every container image is pinned by digest, or at least by an explicit tag other than latest."""
    for pod in pods(ctx):
        for c in pod.containers(ALL_GROUPS):
            image = c.data.get("image")
            if not isinstance(image, str) or not image:
                continue
            _, tag, digest = image_reference(image)
            line = c.line("image")
            if digest:
                continue
            if p.require_digest:
                yield Hit(pod.obj.path, line, f"{c.label} uses image '{_show(image)}' without an @sha256 digest")
            elif tag is None:
                yield Hit(pod.obj.path, line, f"{c.label} uses image '{_show(image)}' without a tag or digest (implicitly :latest)")
            elif tag.lower() in {t.lower() for t in p.forbidden_tags}:
                yield Hit(pod.obj.path, line, f"{c.label} uses image '{_show(image)}' with the mutable tag '{tag}'")


PullPolicy = Literal["Always", "IfNotPresent", "Never"]
_ALWAYS: list[PullPolicy] = ["Always"]


class PullPolicyParams(Params):
    required: list[PullPolicy] = Field(default_factory=lambda: _ALWAYS.copy(), min_length=1, description="effective pull policies that pass")
    digest_exempt: bool = Field(True, description="an image pinned by digest passes whatever its pull policy")


def default_pull_policy(image: str) -> PullPolicy:
    """The policy Kubernetes sets when imagePullPolicy is omitted: Always for ':latest' or an image
    with neither tag nor digest, IfNotPresent otherwise."""
    _, tag, digest = image_reference(image)
    return "Always" if tag == "latest" or (tag is None and digest is None) else "IfNotPresent"


@kind("kubernetes.image-pull-policy", INPUTS, PullPolicyParams)
def image_pull_policy(ctx: CheckContext, p: PullPolicyParams) -> Iterable[Hit]:
    """Every container's effective imagePullPolicy (the Kubernetes default when unset) is one of
    the required policies, unless its image is pinned by digest (with digest_exempt). A container
    without an image (a kustomize patch) is not judged: whether the image has a digest is unknown."""
    wanted = " or ".join(p.required)
    for pod in pods(ctx):
        for c in pod.containers(ALL_GROUPS):
            image = c.data.get("image")
            if not isinstance(image, str) or not image or (p.digest_exempt and image_reference(image)[2]):
                continue
            shown = f"image '{_show(image)}'" + (" (not pinned by digest)" if p.digest_exempt else "")
            policy = c.data.get("imagePullPolicy")
            if policy is None:
                default = default_pull_policy(image)
                if default not in p.required:
                    yield Hit(pod.obj.path, c.line("image"), f"{c.label} does not set imagePullPolicy, so Kubernetes uses {default} for {shown}; required: {wanted}")
            elif policy not in p.required:
                yield Hit(pod.obj.path, c.line("imagePullPolicy"), f"{c.label} sets imagePullPolicy: {_fmt(policy)} for {shown}; required: {wanted}")


class EnvSecretParams(Params):
    name_pattern: str = Field(description="regex (searched, case-insensitive) for secret-looking variable names")
    ignore_pattern: str = Field("", description="regex for names that look secret but are not (e.g. *_FILE)")
    flag_config_map_refs: bool = Field(True, description="a secret-looking variable read from a ConfigMap is also a finding")

    @field_validator("name_pattern", "ignore_pattern")
    @classmethod
    def _compiles(cls, v: str) -> str:
        try:
            re.compile(v)
        except re.error as exc:
            raise ValueError(f"invalid regular expression: {exc}") from None
        return v


_ENV_REFERENCE = re.compile(r"^\$\([A-Za-z_][A-Za-z0-9_]*\)$")


@kind("kubernetes.env-secret-literal", INPUTS, EnvSecretParams)
def env_secret_literal(ctx: CheckContext, p: EnvSecretParams) -> Iterable[Hit]:
    """No secret-looking environment variable holds a literal value (use valueFrom.secretKeyRef)."""
    wanted = re.compile(p.name_pattern, re.I)
    ignored = re.compile(p.ignore_pattern, re.I) if p.ignore_pattern else None
    for pod in pods(ctx):
        for c in pod.containers(ALL_GROUPS):
            env = c.data.get("env")
            for i, var in enumerate(env if isinstance(env, list) else []):
                name = var.get("name") if isinstance(var, dict) else None
                if not isinstance(name, str) or not wanted.search(name) or (ignored and ignored.search(name)):
                    continue
                value = var.get("value")
                if value is not None and str(value) != "" and not _ENV_REFERENCE.match(str(value)):
                    source = " (set by a template expression)" if _templated(value) else ""
                    yield Hit(pod.obj.path, c.line("env", i, "value"), f"{c.label}: env {name} holds a literal value{source}")
                cm = _get(var, "valueFrom", "configMapKeyRef", "name")
                if p.flag_config_map_refs and cm is not None:
                    yield Hit(
                        pod.obj.path, c.line("env", i, "valueFrom", "configMapKeyRef"),
                        f"{c.label}: env {name} is read from ConfigMap '{_show(cm)}' instead of a Secret",
                    )


@kind("kubernetes.secret-env", INPUTS)
def secret_env(ctx: CheckContext, _: Params) -> Iterable[Hit]:
    """No container receives Secret values as environment variables (env[].valueFrom.secretKeyRef,
    envFrom[].secretRef): a Secret mounted as a volume stays out of the process environment."""
    for pod in pods(ctx):
        for c in pod.containers(ALL_GROUPS):
            env = c.data.get("env")
            for i, var in enumerate(env if isinstance(env, list) else []):
                value_from = _get(var, "valueFrom")
                if isinstance(value_from, dict) and "secretKeyRef" in value_from:
                    ref = value_from["secretKeyRef"]
                    key = f"key '{_show(_get(ref, 'key'))}'" if _get(ref, "key") is not None else "a key"
                    yield Hit(
                        pod.obj.path, c.line("env", i, "valueFrom", "secretKeyRef"),
                        f"{c.label}: env {_show(_get(var, 'name'))} reads {key} of {_secret(_get(ref, 'name'))} instead of a mounted file",
                    )
            env_from = c.data.get("envFrom")
            for i, source in enumerate(env_from if isinstance(env_from, list) else []):
                if isinstance(source, dict) and "secretRef" in source:
                    yield Hit(
                        pod.obj.path, c.line("envFrom", i, "secretRef"),
                        f"{c.label} loads every key of {_secret(_get(source, 'secretRef', 'name'))} into its environment (envFrom.secretRef)",
                    )


def _secret(name: Any) -> str:
    # "the 'x' Secret" rather than "Secret 'x'", which message masking would take for a secret value
    return f"the '{_show(name)}' Secret" if name is not None else "a Secret"


class RbacWildcardParams(Params):
    kinds: list[str] = Field(default_factory=lambda: ["Role", "ClusterRole"])
    fields: list[str] = Field(default_factory=lambda: ["verbs", "resources", "apiGroups"], description="rule fields that must not hold '*' (reported at the first)")


@kind("kubernetes.rbac-wildcard", INPUTS, RbacWildcardParams)
def rbac_wildcard(ctx: CheckContext, p: RbacWildcardParams) -> Iterable[Hit]:
    """No RBAC rule grants '*' verbs, resources or API groups."""
    for obj in objects(ctx):
        if obj.kind not in p.kinds:
            continue
        rules = obj.data.get("rules")
        for i, rule in enumerate(rules if isinstance(rules, list) else []):
            wild = [f for f in p.fields if isinstance(_get(rule, f), list) and "*" in _get(rule, f)]
            if wild:
                yield Hit(obj.path, obj.line("rules", i, wild[0]), f"{obj.label} rule {i + 1} grants '*' in {', '.join(wild)}")


class BindingRoleParams(Params):
    roles: list[str] = Field(min_length=1, description="ClusterRoles that must not be bound, e.g. [cluster-admin]")


@kind("kubernetes.rbac-binding-role", INPUTS, BindingRoleParams)
def rbac_binding_role(ctx: CheckContext, p: BindingRoleParams) -> Iterable[Hit]:
    """No RoleBinding or ClusterRoleBinding grants an all-powerful ClusterRole."""
    for obj in objects(ctx):
        if obj.kind not in ("RoleBinding", "ClusterRoleBinding"):
            continue
        name = _get(obj.data, "roleRef", "name")
        if _get(obj.data, "roleRef", "kind") == "ClusterRole" and name in p.roles:
            subjects = obj.data.get("subjects")
            who = ", ".join(
                f"{_show(s.get('kind'))} '{_show(s.get('name'))}'" for s in (subjects if isinstance(subjects, list) else []) if isinstance(s, dict)
            )
            yield Hit(obj.path, obj.line("roleRef", "name"), f"{obj.label} binds ClusterRole '{name}' to {who or 'its subjects'}")


class RbacOperation(Params):
    api_groups: list[str] = Field(min_length=1, description="API groups ('' is the core group)")
    resources: list[str] = Field(min_length=1, description="resources, with subresources as 'pods/exec'")
    verbs: list[str] = Field(min_length=1)


class RbacGrant(Params):
    name: str = Field(min_length=1, description="what the permission allows, for messages")
    kinds: list[str] = Field(default_factory=lambda: ["Role", "ClusterRole"], description="role kinds in which the grant counts")
    all_of: list[RbacOperation] = Field(min_length=1, description="operations that together make the grant, each allowed by some rule")
    unless_resource_names: bool = Field(False, description="a rule restricted to resourceNames does not count")


class RbacGrantParams(Params):
    grants: list[RbacGrant] = Field(min_length=1)


def _rule_allows(rule: Any, op: RbacOperation, unless_resource_names: bool) -> bool:
    if not isinstance(rule, dict) or (unless_resource_names and rule.get("resourceNames")):
        return False

    def listed(key: str) -> list[str]:
        value = rule.get(key)
        return [str(v).lower() for v in value] if isinstance(value, list) else []

    groups, resources, verbs = listed("apiGroups"), listed("resources"), listed("verbs")
    wanted = [r.lower() for r in op.resources]
    return (
        ("*" in groups or any(g.lower() in groups for g in op.api_groups))
        and ("*" in verbs or any(v.lower() in verbs for v in op.verbs))
        and ("*" in resources or any(r in resources or ("/" in r and "*/" + r.split("/", 1)[1] in resources) for r in wanted))
    )


@kind("kubernetes.rbac-grant", INPUTS, RbacGrantParams)
def rbac_grant(ctx: CheckContext, p: RbacGrantParams) -> Iterable[Hit]:
    """No Role or ClusterRole grants a listed permission (e.g. escalate, bind, impersonate, reading
    every Secret), also when a '*' covers it. Reported once per rule, at its verbs."""
    for obj in objects(ctx):
        rules = obj.data.get("rules")
        if not isinstance(rules, list):
            continue
        found: dict[int, list[str]] = {}
        for grant in p.grants:
            if obj.kind not in grant.kinds:
                continue
            at = [next((i for i, r in enumerate(rules) if _rule_allows(r, op, grant.unless_resource_names)), None) for op in grant.all_of]
            if all(i is not None for i in at):
                found.setdefault(min(i for i in at if i is not None), []).append(grant.name)
        for i, names in sorted(found.items()):
            rule = rules[i]
            wild = any(
                isinstance(rule.get(f), list) and any(v == "*" or str(v).startswith("*/") for v in rule[f])
                for f in ("apiGroups", "resources", "verbs")
            )
            line = obj.line("rules", i, "verbs") if obj.has("rules", i, "verbs") else obj.line("rules", i)
            through = " (through '*')" if wild else ""
            yield Hit(obj.path, line, f"{obj.label} rule {i + 1} allows{through}: {'; '.join(names)}")


@kind("kubernetes.service-account-token", INPUTS)
def service_account_token(ctx: CheckContext, _: Params) -> Iterable[Hit]:
    """Pods do not get a service-account token mounted unless they opt in: the pod spec or its
    ServiceAccount (defined in the same manifests) sets automountServiceAccountToken: false."""
    accounts: dict[tuple[str | None, str], Obj] = {}
    for obj in objects(ctx):
        if obj.kind == "ServiceAccount" and not obj.conditional:
            accounts.setdefault((obj.namespace, obj.name), obj)
    for pod in pods(ctx):
        value = pod.spec.get("automountServiceAccountToken")
        if value is True:
            yield Hit(pod.obj.path, pod.line("automountServiceAccountToken"), f"{pod.obj.label} sets automountServiceAccountToken: true")
            continue
        if value is False or pod.obj.patch:
            continue
        sa_key = "serviceAccountName" if "serviceAccountName" in pod.spec else "serviceAccount"
        sa = pod.spec.get(sa_key)
        sa_name = sa if isinstance(sa, str) and sa else "default"
        account = accounts.get((pod.obj.namespace, sa_name)) or next(
            (o for (ns, n), o in accounts.items() if n == sa_name and (ns is None or pod.obj.namespace is None)), None
        )
        if account is not None and account.data.get("automountServiceAccountToken") is False:
            continue
        line = pod.line(sa_key) if sa_key in pod.spec else pod.anchor()
        where = f" ({account.path}:{account.line()})" if account is not None else " (not defined in these manifests)"
        yield Hit(
            pod.obj.path, line,
            f"{pod.obj.label} mounts a service-account token: neither the pod nor ServiceAccount '{_show(sa_name)}'{where} sets automountServiceAccountToken: false",
        )


class DefaultServiceAccountParams(Params):
    name: str = Field("default", description="the name of the ServiceAccount every namespace gets")


@kind("kubernetes.default-service-account", INPUTS, DefaultServiceAccountParams)
def default_service_account(ctx: CheckContext, p: DefaultServiceAccountParams) -> Iterable[Hit]:
    """The default ServiceAccount is not actively used: no RoleBinding or ClusterRoleBinding names
    it as a subject, and where the manifests define it, it sets automountServiceAccountToken: false."""
    for obj in objects(ctx):
        if obj.kind == "ServiceAccount" and _get(obj.data, "metadata", "name") == p.name:
            value = obj.data.get("automountServiceAccountToken")
            if value is False or (value is None and obj.patch):
                continue
            # "is not false" / "to true": "automountServiceAccountToken: x" would be masked as a secret value
            if value is None:
                yield Hit(
                    obj.path, obj.line("metadata", "name"),
                    f"{obj.label} lets every pod that names no ServiceAccount mount its token (automountServiceAccountToken is not false)",
                )
            else:
                yield Hit(obj.path, obj.line("automountServiceAccountToken"), f"{obj.label} sets automountServiceAccountToken to {_fmt(value)}")
        elif obj.kind in ("RoleBinding", "ClusterRoleBinding"):
            subjects = obj.data.get("subjects")
            for i, subject in enumerate(subjects if isinstance(subjects, list) else []):
                if _get(subject, "kind") == "ServiceAccount" and _get(subject, "name") == p.name:
                    ns = _get(subject, "namespace")
                    of = f" of namespace '{_show(ns)}'" if isinstance(ns, str) else ""
                    role = f"{_show(_get(obj.data, 'roleRef', 'kind'))} '{_show(_get(obj.data, 'roleRef', 'name'))}'"
                    yield Hit(
                        obj.path, obj.line("subjects", i, "name"),
                        f"{obj.label} grants {role} to the {p.name} ServiceAccount{of}: every pod that names no ServiceAccount gets these rights",
                    )


@kind("kubernetes.network-policy", INPUTS)
def network_policy(ctx: CheckContext, _: Params) -> Iterable[Hit]:
    """Every namespace (per chart, for Helm templates) that runs workloads has a NetworkPolicy in
    the same manifests. Reported once per namespace, at the first workload's kind line. A
    NetworkPolicy or workload without a namespace matches any namespace of the same chart."""
    policies: list[Obj] = []
    workloads: list[Obj] = []
    for obj in objects(ctx):
        if obj.kind == "NetworkPolicy":
            policies.append(obj)
        elif obj.kind in _POD_SPEC and not obj.patch:
            workloads.append(obj)

    def covers(np: Obj, w: Obj) -> bool:
        return np.chart == w.chart and (np.namespace is None or w.namespace is None or np.namespace == w.namespace)

    reported: set[tuple[str, str | None]] = set()
    for w in workloads:
        scope = (w.chart, w.namespace)
        if scope in reported:
            continue
        if any(covers(np, w) and not np.conditional for np in policies):
            continue
        reported.add(scope)
        others = [o.label for o in workloads if (o.chart, o.namespace) == scope]
        ns = f"namespace '{w.namespace}'" if w.namespace else "the target namespace"
        maybe = [np for np in policies if covers(np, w)]
        note = f"; NetworkPolicy '{maybe[0].name}' ({maybe[0].path}) is rendered only under a template condition" if maybe else ""
        yield Hit(w.path, w.line("kind"), f"no NetworkPolicy restricts traffic in {ns} (workloads: {', '.join(others)}){note}")


class ObjectFieldParams(Params):
    kinds: list[str] = Field(default_factory=list, description="object kinds the check applies to (empty: every kind)")
    fields: list[list[str]] = Field(min_length=1, description="field paths; required: one must be set; otherwise each is checked")
    required: bool = Field(False, description="an object setting none of the fields is a finding")
    allowed: list[str] | None = Field(None, description="values a set field may hold (compared as lower-case text)")
    forbidden: list[str] = Field(default_factory=list, description="values a field must not hold (compared as lower-case text)")
    anchor: list[str] | None = Field(None, description="where an unset field is reported when its parent is missing too")
    missing: str = Field("{object} does not set {field}", description="message for an unset field; {object}, {field}")
    bad: str = Field("{object} sets {field}: {value}", description="message for a wrong value; {object}, {field}, {value}")


def _text(value: Any) -> str:
    return _fmt(value).lower()


@kind("kubernetes.object-field", INPUTS, ObjectFieldParams)
def object_field(ctx: CheckContext, p: ObjectFieldParams) -> Iterable[Hit]:
    """A field of objects of the given kinds is set / holds an allowed value / holds no forbidden
    value (e.g. Ingress spec.tls, Namespace Pod Security labels, metadata.namespace)."""
    allowed = {a.lower() for a in p.allowed} if p.allowed is not None else None
    forbidden = {f.lower() for f in p.forbidden}
    for obj in objects(ctx):
        if p.kinds and obj.kind not in p.kinds:
            continue
        present = False
        for field in p.fields:
            value = _get(obj.data, *field)
            if value is None or value == [] or value == {} or value == "":
                continue
            present = True
            text = _text(value) if not isinstance(value, (list, dict)) else None
            if text is not None and (text in forbidden or (allowed is not None and text not in allowed)):
                yield Hit(obj.path, obj.line(*field), p.bad.format(object=obj.label, field=".".join(field), value=_fmt(value)))
        if p.required and not present and not obj.patch:
            field = p.fields[0]
            depth = max((d for d in range(len(field) + 1) if obj.has(*field[:d])), default=0)
            if p.anchor and depth < len(p.anchor) and obj.has(*p.anchor):
                line = obj.line(*p.anchor)
            else:
                line = obj.line(*field[:depth])
            yield Hit(obj.path, line, p.missing.format(object=obj.label, field=".".join(field)))


class AnnotationParams(Params):
    kinds: list[str] = Field(min_length=1, description="object kinds the check applies to")
    key_pattern: str = Field(description="regex (searched) for annotation keys that are findings")
    message: str = Field("{object} sets annotation {key}", description="message; {object}, {key}")

    @field_validator("key_pattern")
    @classmethod
    def _compiles(cls, v: str) -> str:
        try:
            re.compile(v)
        except re.error as exc:
            raise ValueError(f"invalid regular expression: {exc}") from None
        return v


@kind("kubernetes.object-annotation", INPUTS, AnnotationParams)
def object_annotation(ctx: CheckContext, p: AnnotationParams) -> Iterable[Hit]:
    """No object of the given kinds carries an annotation whose key matches the pattern (e.g.
    NGINX Ingress configuration snippets)."""
    pattern = re.compile(p.key_pattern)
    for obj in objects(ctx):
        if obj.kind not in p.kinds:
            continue
        annotations = _get(obj.data, "metadata", "annotations")
        for key in annotations if isinstance(annotations, dict) else {}:
            if isinstance(key, str) and pattern.search(key):
                yield Hit(obj.path, obj.line("metadata", "annotations", key), p.message.format(object=obj.label, key=key))


class ProbesParams(Params):
    probes: list[Literal["livenessProbe", "readinessProbe", "startupProbe"]] = Field(min_length=1)


@kind("kubernetes.container-probes", INPUTS, ProbesParams)
def container_probes(ctx: CheckContext, p: ProbesParams) -> Iterable[Hit]:
    """Every container of a long-running workload (not Jobs, CronJobs or run-once Pods) has the
    required health probes."""
    for pod in pods(ctx):
        if not pod.long_running or pod.obj.patch:
            continue
        for c in pod.containers(["containers"]):
            missing = [probe for probe in p.probes if not isinstance(c.data.get(probe), dict)]
            if missing:
                yield Hit(pod.obj.path, c.line(), f"{c.label} has no {', '.join(missing)}")


class ServicePortsParams(Params):
    types: list[str] = Field(default_factory=lambda: ["LoadBalancer", "NodePort"], description="Service types reachable from outside the cluster")
    ports: list[int] = Field(default_factory=lambda: list(_DEFAULT_DB_PORTS), description="database and cache ports")


@kind("kubernetes.service-exposed-ports", INPUTS, ServicePortsParams)
def service_exposed_ports(ctx: CheckContext, p: ServicePortsParams) -> Iterable[Hit]:
    """No externally reachable Service (LoadBalancer, NodePort) exposes a database or cache port."""
    for obj in objects(ctx):
        if obj.kind != "Service" or _get(obj.data, "spec", "type") not in p.types:
            continue
        ports = _get(obj.data, "spec", "ports")
        for i, port in enumerate(ports if isinstance(ports, list) else []):
            hit = next(
                (k for k in ("port", "targetPort") if _is(_get(port, k), p.ports)), None
            )
            if hit is not None:
                stype = _get(obj.data, "spec", "type")
                yield Hit(obj.path, obj.line("spec", "ports", i, hit), f"{obj.label} of type {stype} exposes database port {_get(port, hit)}")


KINDS: tuple[CheckKind, ...] = (
    container_setting,
    run_as_non_root,
    pod_field,
    pod_volume_type,
    capabilities_added,
    capabilities_dropped,
    container_resources,
    host_port,
    image_pinned,
    image_pull_policy,
    env_secret_literal,
    secret_env,
    rbac_wildcard,
    rbac_binding_role,
    rbac_grant,
    service_account_token,
    default_service_account,
    network_policy,
    object_field,
    object_annotation,
    container_probes,
    service_exposed_ports,
)
PARSERS: dict[str, Parser] = {HELM_PARSER: parse_helm_template}
