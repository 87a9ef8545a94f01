"""Check kinds for the 'residency' topic: where the product is deployed and its data kept.

Regions and locations are read from the deployment configuration, never from a cloud account:

* Terraform: provider ``region`` (AWS, Google), backend ``region`` (S3 state), resource-level
  ``region``/``location``/``zone`` (Azure, Google, AWS) and module inputs, with ``var.x``/``local.x``
  resolved inside the module's directory (every tfvars file and the default are considered);
* Kubernetes (manifests and Helm templates): ``nodeSelector`` and node affinity on the region and
  zone topology labels, StorageClass ``allowedTopologies``, PersistentVolume node affinity, and
  container env / ConfigMap values;
* docker-compose ``environment`` and ``.env`` files: region variables (``AWS_REGION``,
  ``GOOGLE_CLOUD_REGION``, ``AZURE_LOCATION``, ``*_REGION`` …), with compose's ``${VAR}``
  interpolation resolved from the ``.env`` beside the compose file.

In every source, values that are cloud endpoints (``db.x.us-east-1.rds.amazonaws.com``,
``me-central2-docker.pkg.dev``, ``app.uaenorth.cloudapp.azure.com``) count as a statement of
region too. Zones are mapped to their region (``me-central-1a`` → ``me-central-1``,
``me-central2-b`` → ``me-central2``) and Azure display names are normalised (``UAE North`` →
``uaenorth``).

Each kind has two modes, so each source gives two checks:

* ``report: outside`` — a region that is known and not in the profile's allowed list;
* ``report: undetermined`` — a region that is stated but cannot be known from the repository
  (an unresolved variable, a template, an AWS provider without ``region``). Such an artifact is
  not compliant by default: these checks have their own id, tag ``residency-undetermined`` and low
  severity so that a gate or a control can treat them as "inconclusive".

The allowed list comes from the configuration (``residency: {allowed_regions: [...]}``; entries may
be globs such as ``eu-*``). When it is not configured every kind yields nothing.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, Literal

from pydantic import Field

from . import kubernetes as k8s
from .base import CheckContext, CheckKind, Hit, NotConfigured, Params, Parser, kind
from .hcl import Attribute, Block, Expression
from .terraform import Module, known, load_modules, resolve

Report = Literal["outside", "undetermined"]

# ---------------------------------------------------------------------------------------------
# Regions

_AWS_REGION = re.compile(r"^[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d$")
_AWS_ZONE = re.compile(r"^([a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d)[a-z]$")
_GCP_REGION = re.compile(r"^[a-z]+-[a-z]+\d+$")
_GCP_ZONE = re.compile(r"^([a-z]+-[a-z]+\d+)-[a-z]$")
AZURE_REGIONS = frozenset({
    "eastus", "eastus2", "westus", "westus2", "westus3", "centralus", "northcentralus", "southcentralus",
    "westcentralus", "canadacentral", "canadaeast", "brazilsouth", "brazilsoutheast", "mexicocentral",
    "chilecentral", "northeurope", "westeurope", "uksouth", "ukwest", "francecentral", "francesouth",
    "germanywestcentral", "germanynorth", "switzerlandnorth", "switzerlandwest", "norwayeast", "norwaywest",
    "swedencentral", "swedensouth", "polandcentral", "italynorth", "spaincentral", "austriaeast",
    "belgiumcentral", "denmarkeast", "israelcentral", "qatarcentral", "uaenorth", "uaecentral",
    "saudiarabiaeast", "southafricanorth", "southafricawest", "eastasia", "southeastasia", "japaneast",
    "japanwest", "koreacentral", "koreasouth", "australiaeast", "australiasoutheast", "australiacentral",
    "australiacentral2", "centralindia", "southindia", "westindia", "jioindiawest", "jioindiacentral",
    "newzealandnorth", "indonesiacentral", "malaysiawest", "usgovvirginia", "usgovarizona", "usgovtexas",
    "chinaeast", "chinaeast2", "chinaeast3", "chinanorth", "chinanorth2", "chinanorth3",
})
_ENDPOINTS = (
    re.compile(r"(?<![a-z0-9-])([a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d)\.(?:[a-z0-9-]+\.)*amazonaws\.com(?:\.cn)?\b"),
    re.compile(r"(?<![a-z0-9])s3-([a-z]{2}(?:-gov)?-[a-z]+-\d)\.amazonaws\.com\b"),
    re.compile(r"(?<![a-z0-9-])([a-z]+-[a-z]+\d+)-(?:docker\.pkg\.dev|aiplatform\.googleapis\.com)\b"),
    re.compile(r"(?<![a-z0-9-])([a-z]+-[a-z]+\d+)-[a-z0-9-]+\.cloudfunctions\.net\b"),
    re.compile(r"\.([a-z]+\d?)\.(?:cloudapp\.azure\.com|azurecontainer\.io|azmk8s\.io)\b"),
)
_TEMPLATE = re.compile(r"__tpl(?:block)?\d+__|\{\{|\$\{|\$\(|%\{")


def normalise(value: str) -> str:
    """Lower case, no spaces: ``UAE North`` → ``uaenorth``; ``me-central-1`` unchanged."""
    return re.sub(r"[\s_]+", "", value.strip().lower())


def cloud_region(value: str) -> str | None:
    """The region a value names, when it looks like a cloud region or zone; zones map to their region."""
    v = normalise(value)
    if _AWS_REGION.match(v) or _GCP_REGION.match(v) or v in AZURE_REGIONS:
        return v
    m = _AWS_ZONE.match(v) or _GCP_ZONE.match(v)
    return m.group(1) if m else None


def endpoint_regions(value: str) -> list[str]:
    """Regions named by cloud endpoints inside a value (hostnames, URLs)."""
    low = value.lower()
    out: list[str] = []
    for pat in _ENDPOINTS:
        for m in pat.finditer(low):
            region = cloud_region(m.group(1))
            if region is not None and region not in out:
                out.append(region)
    return out


def allowed_list(ctx: CheckContext) -> tuple[str, ...]:
    """The allowed regions; without them residency has nothing to judge (not a pass)."""
    regions = ctx.settings.allowed_regions
    if regions is None:
        raise NotConfigured("residency.allowed_regions is not set")
    return tuple(normalise(r) for r in regions)


def is_allowed(region: str, allowed: Iterable[str]) -> bool:
    r = normalise(region)
    mapped = cloud_region(r) or r
    return any(fnmatch.fnmatchcase(r, a) or fnmatch.fnmatchcase(mapped, a) for a in allowed)


def _shown(allowed: tuple[str, ...]) -> str:
    return ", ".join(allowed) if allowed else "none"


def _templated(value: str) -> bool:
    return _TEMPLATE.search(value) is not None


def _deploy_time(value: str) -> str:
    shown = re.sub(r"__tpl(?:block)?\d+__", "{{…}}", value)
    return f"its value '{shown}' is only known at deploy time"


def _dig(data: Any, *keys: str) -> Any:
    for k in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(k)
    return data


@dataclass(frozen=True)
class _Statement:
    """One place that says where something runs or is stored."""

    path: str
    line: int
    what: str  # e.g. 'provider "aws" region'
    region: str | None  # None: stated but cannot be determined
    why: str = ""  # for undetermined: why not; for known values: where the value comes from
    raw: str = ""  # the value as written, when it is not the region itself (a zone, an endpoint)


def _hits(statements: Iterable[_Statement], allowed: tuple[str, ...], report: Report) -> Iterator[Hit]:
    seen: set[tuple[str, int, str]] = set()
    for s in statements:
        if report == "outside" and s.region is not None and not is_allowed(s.region, allowed):
            via = f" ({s.why})" if s.why else ""
            value = f"'{s.raw}' (region {s.region})" if s.raw and s.raw != s.region else f"'{s.region}'"
            msg = f"{s.what} is {value}{via}, outside the allowed regions ({_shown(allowed)})"
        elif report == "undetermined" and s.region is None:
            msg = f"{s.what} cannot be determined ({s.why})"
        else:
            continue
        if (s.path, s.line, msg) not in seen:
            seen.add((s.path, s.line, msg))
            yield Hit(s.path, s.line, msg)


class _EnvParams(Params):
    region_variables: list[str] = Field(
        default_factory=lambda: ["*_REGION", "REGION", "AZURE_LOCATION", "ARM_LOCATION", "*_AZURE_LOCATION"],
        description="variable names (globs, case-insensitive) whose value is a cloud region",
    )
    zone_variables: list[str] = Field(
        default_factory=lambda: ["CLOUDSDK_COMPUTE_ZONE", "GOOGLE_CLOUD_ZONE", "GCP_ZONE", "*_AVAILABILITY_ZONE"],
        description="variable names (globs, case-insensitive) whose value is a cloud zone",
    )
    endpoints: bool = Field(True, description="also read regions out of cloud endpoint hostnames in any value")


def _is_region_var(name: str, p: _EnvParams) -> bool:
    up = name.upper()
    return any(fnmatch.fnmatchcase(up, g.upper()) for g in (*p.region_variables, *p.zone_variables))


def _env_statements(path: str, line: int, owner: str, name: str, value: str, p: _EnvParams, why: str = "") -> Iterator[_Statement]:
    """What one environment variable says about region: its value if it names one, endpoints in it."""
    what = f"{owner}{name}"
    if _is_region_var(name, p):
        if _templated(value):
            yield _Statement(path, line, what, None, why or _deploy_time(value))
            return
        region = cloud_region(value)
        if region is not None:
            yield _Statement(path, line, what, region, why, value)
            return
    if p.endpoints and not _templated(value):
        for region in endpoint_regions(value):
            yield _Statement(path, line, f"{what} points at an endpoint whose region", region, why)


# ---------------------------------------------------------------------------------------------
# Terraform


class TerraformTarget(Params):
    block: Literal["provider", "resource", "data", "module", "backend"] = Field(
        description="top-level block type; 'backend' is the backend block inside 'terraform'"
    )
    types: list[str] = Field(description="first label globs: provider name, resource type, backend type, module name")
    attributes: list[str] = Field(description="attributes holding a region, location or zone")
    missing_is_undetermined: bool = Field(
        False, description="a matching block with none of the attributes leaves its region undetermined"
    )


class TerraformRegionParams(Params):
    report: Report
    targets: list[TerraformTarget]
    provider_families: dict[str, str] = Field(
        default_factory=dict,
        description="provider name → resource type glob: resources of that family with no such provider block anywhere",
    )


_RESOURCE_ATTR = re.compile(r"^(?:data\.)?([a-z][a-z0-9_]*)\.([A-Za-z_][\w-]*)\.(location|region|zone|name)$")
_DATA_REGION = re.compile(r"^data\.(aws_region|google_client_config|azurerm_client_config)\.")


def _target_blocks(module: Module, t: TerraformTarget) -> Iterator[tuple[str, Block, str]]:
    for path, root in module.files:
        for b in root.blocks:
            if t.block == "backend":
                if b.type != "terraform":
                    continue
                for be in b.blocks_of("backend"):
                    if be.labels and any(fnmatch.fnmatchcase(be.labels[0], g) for g in t.types):
                        yield path, be, f'backend "{be.labels[0]}"'
            elif b.type == t.block and b.labels and any(fnmatch.fnmatchcase(b.labels[0], g) for g in t.types):
                label = " ".join(f'"{x}"' for x in b.labels)
                yield path, b, f"{t.block} {label}"


def _follow(module: Module, value: Any, depth: int = 0) -> tuple[str | None, str] | None:
    """A region from ``azurerm_resource_group.x.location``-style references, or None if not such a reference.

    Returns (region, why) — region None when the referenced attribute is itself unknown.
    ``data.aws_region.current.name`` and friends stand for the provider's own region: ("", why).
    """
    if not isinstance(value, Expression) or depth > 3:
        return None
    text = value.text.strip()
    if _DATA_REGION.match(text):
        return "", "the provider's region"
    m = _RESOURCE_ATTR.match(text)
    if m is None or m.group(3) == "name":
        return None
    rtype, rname, attr = m.groups()
    for where, b in module.blocks("data" if text.startswith("data.") else "resource"):
        if b.labels[:2] == (rtype, rname) and attr in b.attributes:
            a = b.attributes[attr]
            for r in resolve(module, a.value, where, a.line, a.end_line):
                if isinstance(r.value, str) and known(r.value):
                    return "", f"from {rtype}.{rname}"  # judged where it is written
                inner = _follow(module, r.value, depth + 1)
                if inner is not None:
                    return inner
            return None, f"{rtype}.{rname}.{attr} is not a literal"
    return None, f"{text} is not declared in this directory"


def _terraform_statements(module: Module, t: TerraformTarget) -> Iterator[_Statement]:
    for path, b, label in _target_blocks(module, t):
        attrs: list[Attribute] = [b.attributes[a] for a in t.attributes if a in b.attributes]
        if not attrs and t.missing_is_undetermined:
            yield _Statement(path, b.line, f"{label} region", None, "it sets none, so it comes from the environment or CLI profile")
        for a in attrs:
            what = f"{label} {a.name}"
            for r in resolve(module, a.value, path, a.line, a.end_line, every=True):
                if isinstance(r.value, str) and known(r.value):
                    region = cloud_region(r.value) or normalise(r.value)
                    yield _Statement(path, a.line, what, region, _via(r.via, r.path, r.line, path), r.value)
                    continue
                followed = _follow(module, r.value)
                if followed is not None:
                    ref_region, why = followed
                    if ref_region is None:
                        yield _Statement(path, a.line, what, None, why)
                    continue  # "": judged at the referenced resource
                shown = r.value.text if isinstance(r.value, Expression) else str(r.value)
                reason = (
                    f"{shown} has no default and no tfvars value in {module.directory}"
                    if isinstance(r.value, Expression) and shown.startswith("var.")
                    else f"'{shown}' is computed"
                )
                yield _Statement(path, a.line, what, None, reason)


def _via(via: str, value_path: str, value_line: int, path: str) -> str:
    if not via:
        return ""
    where = f"{value_path}:{value_line}" if value_path != path else f"line {value_line}"
    return f"from {via}, {where}"


@kind("residency.terraform-region", ("terraform",), TerraformRegionParams)
def terraform_region(ctx: CheckContext, p: TerraformRegionParams) -> Iterable[Hit]:
    """Regions and locations of Terraform providers, backends, resources and module inputs against the allowed list."""
    allowed = allowed_list(ctx)
    if allowed is None:
        return
    modules = load_modules(ctx)
    statements = [s for m in modules for t in p.targets for s in _terraform_statements(m, t)]
    if p.report == "undetermined":
        statements.extend(_missing_providers(modules, p.provider_families))
    yield from _hits(statements, allowed, p.report)


def _missing_providers(modules: list[Module], families: dict[str, str]) -> Iterator[_Statement]:
    for provider, glob in sorted(families.items()):
        if any(b.labels[:1] == (provider,) for m in modules for _, b in m.blocks("provider")):
            continue
        first = next(
            ((path, b) for m in modules for path, b in m.blocks("resource") if b.labels and fnmatch.fnmatchcase(b.labels[0], glob)),
            None,
        )
        if first is not None:
            path, b = first
            label = " ".join(f'"{x}"' for x in b.labels)
            yield _Statement(
                path, b.line, f"region of resource {label}", None,
                f'no provider "{provider}" block anywhere sets a region; it comes from the environment',
            )


# ---------------------------------------------------------------------------------------------
# Kubernetes


class KubernetesRegionParams(_EnvParams):
    report: Report
    region_labels: list[str] = Field(
        default_factory=lambda: ["topology.kubernetes.io/region", "failure-domain.beta.kubernetes.io/region"],
        description="node labels whose value is a region",
    )
    zone_labels: list[str] = Field(
        default_factory=lambda: [
            "topology.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/zone", "topology.gke.io/zone",
        ],
        description="node labels whose value is a zone (mapped to its region)",
    )


def _label_statement(path: str, line: int, what: str, label: str, value: Any, p: KubernetesRegionParams) -> Iterator[_Statement]:
    if label not in (*p.region_labels, *p.zone_labels) or not isinstance(value, str):
        return
    if _templated(value):
        yield _Statement(path, line, what, None, _deploy_time(value))
        return
    region = cloud_region(value) if label in p.zone_labels else (cloud_region(value) or normalise(value))
    if region is not None:
        yield _Statement(path, line, what, region, raw=value)


def _match_expressions(
    obj: k8s.Obj, keys: tuple[str | int, ...], exprs: Any, owner: str, p: KubernetesRegionParams
) -> Iterator[_Statement]:
    if not isinstance(exprs, list):
        return
    for j, e in enumerate(exprs):
        if not isinstance(e, dict) or e.get("operator", "In") != "In" or not isinstance(e.get("values"), list):
            continue
        label = e.get("key")
        for v_i, v in enumerate(e["values"]):
            line = obj.line(*keys, j, "values", v_i)
            yield from _label_statement(obj.path, line, f"{owner} {label}", str(label), v, p)


def _node_selector_terms(
    obj: k8s.Obj, keys: tuple[str | int, ...], terms: Any, owner: str, p: KubernetesRegionParams
) -> Iterator[_Statement]:
    if not isinstance(terms, list):
        return
    for i, term in enumerate(terms):
        if isinstance(term, dict):
            yield from _match_expressions(obj, (*keys, i, "matchExpressions"), term.get("matchExpressions"), owner, p)


def _pod_statements(pod: k8s.Pod, p: KubernetesRegionParams) -> Iterator[_Statement]:
    obj, owner = pod.obj, f"{pod.obj.label}: "
    selector = pod.spec.get("nodeSelector")
    if isinstance(selector, dict):
        for label, value in selector.items():
            yield from _label_statement(
                obj.path, pod.line("nodeSelector", label), f"{owner}nodeSelector {label}", str(label), value, p
            )
    node_aff = _dig(pod.spec, "affinity", "nodeAffinity")
    if isinstance(node_aff, dict):
        base: tuple[str | int, ...] = (*pod.spath, "affinity", "nodeAffinity")
        req = _dig(node_aff, "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms")
        yield from _node_selector_terms(
            obj, (*base, "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms"), req,
            f"{owner}node affinity", p,
        )
        preferred = node_aff.get("preferredDuringSchedulingIgnoredDuringExecution")
        if isinstance(preferred, list):
            for i, pref in enumerate(preferred):
                exprs = _dig(pref, "preference", "matchExpressions")
                keys: tuple[str | int, ...] = (
                    *base, "preferredDuringSchedulingIgnoredDuringExecution", i, "preference", "matchExpressions",
                )
                yield from _match_expressions(obj, keys, exprs, f"{owner}preferred node affinity", p)
    for c in pod.containers(k8s.ALL_GROUPS):
        env = c.data.get("env")
        if not isinstance(env, list):
            continue
        for i, e in enumerate(env):
            if isinstance(e, dict) and isinstance(e.get("name"), str) and isinstance(e.get("value"), str):
                yield from _env_statements(obj.path, c.line("env", i, "value"), f"{c.label}: env ", e["name"], e["value"], p)


def _object_statements(obj: k8s.Obj, p: KubernetesRegionParams) -> Iterator[_Statement]:
    owner = f"{obj.label}: "
    if obj.kind == "ConfigMap" and isinstance(obj.data.get("data"), dict):
        for key, value in obj.data["data"].items():
            if isinstance(value, str):
                yield from _env_statements(obj.path, obj.line("data", key), owner, str(key), value, p)
    elif obj.kind == "StorageClass" and isinstance(obj.data.get("allowedTopologies"), list):
        for i, topo in enumerate(obj.data["allowedTopologies"]):
            exprs = topo.get("matchLabelExpressions") if isinstance(topo, dict) else None
            if not isinstance(exprs, list):
                continue
            for j, e in enumerate(exprs):
                if not isinstance(e, dict) or not isinstance(e.get("values"), list):
                    continue
                for v_i, v in enumerate(e["values"]):
                    line = obj.line("allowedTopologies", i, "matchLabelExpressions", j, "values", v_i)
                    yield from _label_statement(obj.path, line, f"{owner}allowedTopologies {e.get('key')}", str(e.get("key")), v, p)
    elif obj.kind == "PersistentVolume":
        terms = _dig(obj.data, "spec", "nodeAffinity", "required", "nodeSelectorTerms")
        keys = ("spec", "nodeAffinity", "required", "nodeSelectorTerms")
        yield from _node_selector_terms(obj, keys, terms, f"{owner}node affinity", p)


@kind("residency.kubernetes-region", k8s.INPUTS, KubernetesRegionParams)
def kubernetes_region(ctx: CheckContext, p: KubernetesRegionParams) -> Iterable[Hit]:
    """Regions pinned by Kubernetes node selectors, node affinity, storage topologies and env/ConfigMap values."""
    allowed = allowed_list(ctx)
    if allowed is None:
        return
    statements: list[_Statement] = []
    for obj in k8s.objects(ctx):
        statements.extend(_object_statements(obj, p))
    for pod in k8s.pods(ctx):
        statements.extend(_pod_statements(pod, p))
    yield from _hits(sorted(statements, key=lambda s: (s.path, s.line, s.what)), allowed, p.report)


# ---------------------------------------------------------------------------------------------
# docker-compose and .env files


class EnvRegionParams(_EnvParams):
    report: Report


_ENV_LINE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.\-]*)\s*=\s*(.*?)\s*$")
_INTERPOLATION = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)")
_TEMPLATE_ENV = re.compile(r"(?i)\.(?:example|sample|template|dist|tmpl|tpl)$|\.(?:example|sample|template)\.")


def parse_env(text: str) -> list[tuple[int, str, str]]:
    """``KEY=value`` lines of a .env file: (line, key, value with quotes and trailing comments removed)."""
    out: list[tuple[int, str, str]] = []
    for n, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        m = _ENV_LINE.match(raw)
        if m is None:
            continue
        value = m.group(2)
        if value[:1] in ("'", '"') and value[-1:] == value[:1] and len(value) >= 2:
            value = value[1:-1]
        else:
            value = re.split(r"\s+#", value, maxsplit=1)[0]
        out.append((n, m.group(1), value))
    return out


def _interpolate(value: str, env: dict[str, str]) -> tuple[str | None, str]:
    """Compose's ``${VAR}``/``${VAR:-default}``/``$VAR`` substituted from the project .env; None if any stays unknown."""
    missing: list[str] = []

    def sub(m: re.Match[str]) -> str:
        name = m.group(1) or m.group(4)
        op, default = m.group(2), m.group(3)
        got = env.get(name)
        if got is not None and not (op == ":-" and got == ""):
            return got
        if op in (":-", "-") and default is not None:
            return default
        missing.append(name)
        return m.group(0)

    out = _INTERPOLATION.sub(sub, value.replace("$$", "\0")).replace("\0", "$")
    if missing:
        return None, f"${{{missing[0]}}} is set neither in the .env beside it nor by a default"
    return out, ""


def _compose_env(ctx: CheckContext, compose_path: str) -> dict[str, str]:
    folder = PurePosixPath(compose_path).parent
    env_path = str(folder / ".env") if str(folder) != "." else ".env"
    text = ctx.text(env_path) if env_path in set(ctx.paths("env-file")) else None
    return {k: v for _, k, v in parse_env(text)} if text is not None else {}


def _compose_statements(ctx: CheckContext, path: str, p: EnvRegionParams) -> Iterator[_Statement]:
    env = _compose_env(ctx, path)
    for data, lm in ctx.yaml_docs(path) or []:
        services = data.get("services") if isinstance(data, dict) else None
        if not isinstance(services, dict):
            continue
        for sname, svc in services.items():
            environment = svc.get("environment") if isinstance(svc, dict) else None
            items: list[tuple[str, Any, int]] = []
            if isinstance(environment, dict):
                items = [(str(k), v, lm.line_of(("services", sname, "environment", k))) for k, v in environment.items()]
            elif isinstance(environment, list):
                for i, entry in enumerate(environment):
                    if isinstance(entry, str) and "=" in entry:
                        k, _, v = entry.partition("=")
                        items.append((k.strip(), v, lm.line_of(("services", sname, "environment", i))))
            for name, value, line in items:
                if not isinstance(value, str):
                    continue
                resolved, why = _interpolate(value, env)
                owner = f"service '{sname}': environment "
                if resolved is None:
                    if _is_region_var(name, p):
                        yield _Statement(path, line, f"{owner}{name}", None, why)
                    continue
                note = f"from {value}" if resolved != value else ""
                yield from _env_statements(path, line, owner, name, resolved, p, note)


@kind("residency.compose-env-region", ("compose", "env-file"), EnvRegionParams)
def compose_env_region(ctx: CheckContext, p: EnvRegionParams) -> Iterable[Hit]:
    """Regions named by docker-compose environment entries and .env files (region variables, cloud endpoints)."""
    allowed = allowed_list(ctx)
    if allowed is None:
        return
    statements: list[_Statement] = []
    for path in sorted(set(ctx.paths("compose"))):
        statements.extend(_compose_statements(ctx, path, p))
    for path in sorted(set(ctx.paths("env-file"))):
        text = ctx.text(path)
        if text is None:
            continue
        template = bool(_TEMPLATE_ENV.search(PurePosixPath(path).name))
        for line, name, value in parse_env(text):
            for s in _env_statements(path, line, "", name, value, p):
                if not (template and s.region is None):  # placeholders in templates are expected
                    statements.append(s)
    yield from _hits(statements, allowed, p.report)


KINDS: tuple[CheckKind, ...] = (terraform_region, kubernetes_region, compose_env_region)
PARSERS: dict[str, Parser] = {}
