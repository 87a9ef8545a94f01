"""Check kinds for the 'compose' topic: docker-compose / Compose Specification files.

Services are read from ``services:`` (or, for the old v1 format, from top-level mappings that
have an ``image`` or ``build``). Anchors and merge keys are resolved by the YAML reader.
Checks that require a setting see a service as Compose would run it: ``extends`` of a service
in the same file is applied, and a sibling ``*compose.override.y(a)ml`` is merged into its base
file (the override's copy of such a service is then not judged on its own).
"""

from __future__ import annotations

import ipaddress
import posixpath
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import Field

from ..yamlio import LineMap
from .base import CheckContext, CheckKind, Hit, Params, Parser, kind
from .dockerfile import PinParams, SecretNameParams, is_literal_secret, pin_problem

PathKey = tuple[str | int, ...]

_OVERRIDE = re.compile(r"^((?:docker-)?compose)\.override\.ya?ml$", re.IGNORECASE)
_BASE_NAMES = ("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml")


@dataclass(frozen=True)
class Service:
    path: str  # the compose file
    name: str
    data: dict[str, Any]
    key: PathKey  # data path of the service in the document
    lines: LineMap
    doc: int

    @property
    def line(self) -> int:
        return self.lines.line_of(self.key)

    def line_of(self, *sub: str | int) -> int:
        return self.lines.line_of((*self.key, *sub))


def _doc_services(path: str, doc: int, data: Any, lm: LineMap) -> Iterator[Service]:
    if not isinstance(data, dict):
        return
    services = data.get("services")
    if isinstance(services, dict):
        for name, svc in services.items():
            if isinstance(svc, dict):
                yield Service(path, str(name), svc, ("services", str(name)), lm, doc)
        return
    if "services" in data or "version" in data:
        return
    for name, svc in data.items():  # v1: services at the top level
        if isinstance(svc, dict) and ("image" in svc or "build" in svc):
            yield Service(path, str(name), svc, (str(name),), lm, doc)


def services(ctx: CheckContext, path: str) -> list[Service]:
    """The services of a compose file as written (empty when it cannot be parsed)."""
    docs = ctx.yaml_docs(path)
    if docs is None:
        return []
    return [s for i, (data, lm) in enumerate(docs) for s in _doc_services(path, i, data, lm)]


def _all_services(ctx: CheckContext) -> Iterator[Service]:
    for path in ctx.paths("compose"):
        yield from services(ctx, path)


def _deep_merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = _deep_merge(out[k], v)
        elif isinstance(v, list) and isinstance(out.get(k), list):
            out[k] = [*out[k], *(x for x in v if x not in out[k])]
        else:
            out[k] = v
    return out


def effective_services(ctx: CheckContext) -> Iterator[Service]:
    """Services as Compose would run them (same-file extends, sibling override merged).

    Services that extend a service in another file cannot be resolved and are left out.
    """
    present = set(ctx.paths("compose"))
    for path in sorted(present):
        folder, name = posixpath.split(path)
        own = services(ctx, path)
        m = _OVERRIDE.match(name)
        if m:
            bases = [posixpath.join(folder, b) for b in _BASE_NAMES if posixpath.join(folder, b) in present]
            covered = {s.name for b in bases for s in services(ctx, b)}
            own = [s for s in own if s.name not in covered]
            overrides: list[Service] = []
        else:
            overrides = [
                s for o in sorted(present)
                if posixpath.dirname(o) == folder and (mo := _OVERRIDE.match(posixpath.basename(o)))
                and name.lower() in (mo.group(1).lower() + ".yml", mo.group(1).lower() + ".yaml")
                for s in services(ctx, o)
            ]
        by_name = {s.name: s for s in own}
        for svc in own:
            data = _resolve_extends(svc.data, by_name, set())
            if data is None:
                continue
            for o in overrides:
                if o.name == svc.name:
                    data = _deep_merge(data, o.data)
            yield Service(svc.path, svc.name, data, svc.key, svc.lines, svc.doc)


def _resolve_extends(data: dict[str, Any], by_name: dict[str, Service], seen: set[str]) -> dict[str, Any] | None:
    ext = data.get("extends")
    if ext is None:
        return data
    if isinstance(ext, str):
        target = ext
    elif isinstance(ext, dict) and "file" not in ext and isinstance(ext.get("service"), str):
        target = ext["service"]
    else:
        return None
    parent = by_name.get(target)
    if parent is None or target in seen:
        return None
    base = _resolve_extends(parent.data, by_name, seen | {target})
    if base is None:
        return None
    merged = _deep_merge(base, {k: v for k, v in data.items() if k != "extends"})
    return merged


def _fmt(template: str, **values: str) -> str:
    out = template
    for k, v in values.items():
        out = out.replace("{" + k + "}", v)
    return out


def _norm(value: Any, strip_prefix: str) -> str | None:
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, (str, int, float)):
        text = str(value)
    elif isinstance(value, dict) and len(value) == 1:  # '- seccomp: unconfined' parses as a mapping
        k, v = next(iter(value.items()))
        text = f"{k}:{_norm(v, '')}"
    else:
        return None
    text = text.strip().lower()
    prefix = strip_prefix.lower()
    if prefix and text.startswith(prefix):
        text = text[len(prefix):]
    return text


def _items(value: Any) -> list[tuple[PathKey, Any]]:
    if isinstance(value, list):
        return [((i,), v) for i, v in enumerate(value)]
    return [((), value)]


# --------------------------------------------------------------------------------------------
# Kinds
# --------------------------------------------------------------------------------------------


class ForbiddenValuesParams(Params):
    fields: dict[str, list[str]] = Field(
        description="service field → values it must not have (case-insensitive; list fields item by item)"
    )
    strip_prefix: str = Field("", description="prefix ignored when comparing, e.g. CAP_ for capabilities")
    message: str = Field(description="the finding; {service}, {field} and {value} are replaced")


@kind("compose.service-value-forbidden", ("compose",), ForbiddenValuesParams)
def service_value_forbidden(ctx: CheckContext, p: ForbiddenValuesParams) -> Iterable[Hit]:
    """A service field (or an item of a list field) has one of the forbidden values."""
    forbidden = {f: {_norm(v, p.strip_prefix) for v in vals} for f, vals in p.fields.items()}
    for svc in _all_services(ctx):
        for field, bad in forbidden.items():
            if field not in svc.data:
                continue
            for sub, item in _items(svc.data[field]):
                value = _norm(item, p.strip_prefix)
                if value is not None and value in bad:
                    yield Hit(
                        svc.path, svc.line_of(field, *sub),
                        _fmt(p.message, service=svc.name, field=field, value=item.strip() if isinstance(item, str) else value),
                    )


class RequiredFieldParams(Params):
    paths: list[str] = Field(description="dotted service field paths; any one of them satisfies the check")
    values: list[str] = Field(
        default_factory=list,
        description="accepted values (case-insensitive; for a list field any item); empty: any non-empty value",
    )
    strip_prefix: str = Field("", description="prefix ignored when comparing, e.g. CAP_")
    message: str = Field(description="the finding; {service} is replaced")


def _get(data: dict[str, Any], dotted: str) -> tuple[bool, Any]:
    cur: Any = data
    for part in dotted.split("."):
        if not isinstance(cur, dict) or part not in cur:
            return False, None
        cur = cur[part]
    return True, cur


@kind("compose.service-field-required", ("compose",), RequiredFieldParams)
def service_field_required(ctx: CheckContext, p: RequiredFieldParams) -> Iterable[Hit]:
    """Every service sets one of the given fields (to one of the accepted values)."""
    accepted = {_norm(v, p.strip_prefix) for v in p.values}
    for svc in effective_services(ctx):
        wrong: str | None = None
        ok = False
        for dotted in p.paths:
            found, value = _get(svc.data, dotted)
            if not found or value is None or value == "" or value == []:
                continue
            if not accepted or any(_norm(v, p.strip_prefix) in accepted for _, v in _items(value)):
                ok = True
                break
            wrong = wrong or dotted
        if ok:
            continue
        line = svc.line_of(*wrong.split(".")) if wrong else svc.line
        yield Hit(svc.path, line, _fmt(p.message, service=svc.name))


class HostPathParams(Params):
    paths: list[str] = Field(description="host paths that must not be mounted; mounting a parent folder counts too")
    file_names: list[str] = Field(default_factory=list, description="any host path ending in one of these names")
    label: str = Field(description="what the path is, for the message, e.g. 'the Docker socket'")


def _mount_source(volume: Any) -> str | None:
    if isinstance(volume, dict):
        if volume.get("type", "bind") != "bind":
            return None
        src = volume.get("source")
        return str(src) if src is not None else None
    if isinstance(volume, str) and ":" in volume:
        return volume.strip().split(":", 1)[0]
    return None


@kind("compose.host-path-mounted", ("compose",), HostPathParams)
def host_path_mounted(ctx: CheckContext, p: HostPathParams) -> Iterable[Hit]:
    """A service bind-mounts a sensitive host path (or a folder containing it)."""
    targets = [_clean(t) for t in p.paths]
    for svc in _all_services(ctx):
        vols = svc.data.get("volumes")
        if not isinstance(vols, list):
            continue
        for i, vol in enumerate(vols):
            src = _mount_source(vol)
            if not src:
                continue
            clean = _clean(src)
            hit = next((t for t in targets if t == clean or t.startswith(clean.rstrip("/") + "/")), None)
            if hit is None and any(clean.endswith("/" + n) for n in p.file_names):
                hit = clean
            if hit is None:
                continue
            inside = "" if hit == clean else f", which contains {hit}"
            yield Hit(
                svc.path, svc.line_of("volumes", i),
                f"service '{svc.name}' mounts {p.label} from the host ({src}{inside}); that gives it control of the host",
            )


def _clean(path: str) -> str:
    collapsed = re.sub(r"^/+", "/", path)
    return posixpath.normpath(collapsed) if collapsed.startswith("/") else collapsed


class PublishedPortParams(Params):
    ports: dict[int, str] = Field(description="container port → the service that listens there, e.g. 5432: PostgreSQL")


@dataclass(frozen=True)
class Publish:
    host_ip: str | None
    host_port: str | None
    container: range
    spec: str


def parse_port(spec: Any) -> Publish | None:
    """A ports: entry (short or long syntax) → what it publishes; None when not understood."""
    if isinstance(spec, dict):
        target = spec.get("target")
        rng = _range(str(target)) if target is not None else None
        if rng is None:
            return None
        host_ip = spec.get("host_ip")
        pub = spec.get("published")
        return Publish(str(host_ip) if host_ip is not None else None, str(pub) if pub is not None else None, rng,
                       f"target {target}")
    if isinstance(spec, bool) or not isinstance(spec, (str, int)):
        return None
    text = str(spec).strip()
    base = text.split("/", 1)[0]
    ip: str | None = None
    if base.startswith("["):
        ip, _, rest = base[1:].partition("]")
        parts = rest.lstrip(":").split(":")
    else:
        parts = base.split(":")
        if len(parts) > 3:  # unbracketed IPv6 host address
            ip, parts = ":".join(parts[:-2]), parts[-2:]
        elif len(parts) == 3:
            ip, parts = parts[0], parts[1:]
    host = parts[0] if len(parts) == 2 else None
    rng = _range(parts[-1])
    if rng is None:
        return None
    return Publish(ip, host or None, rng, text)


def _range(text: str) -> range | None:
    m = re.fullmatch(r"\s*(\d+)(?:-(\d+))?\s*", text)
    if not m:
        return None
    lo = int(m.group(1))
    hi = int(m.group(2) or lo)
    return range(lo, hi + 1) if hi >= lo else None


def all_interfaces(ip: str | None) -> bool:
    if ip is None or ip.strip() in ("", "*"):
        return True
    try:
        return ipaddress.ip_address(ip.strip().strip("[]")).is_unspecified
    except ValueError:
        return False  # a host name or variable: a specific interface


@kind("compose.published-port", ("compose",), PublishedPortParams)
def published_port(ctx: CheckContext, p: PublishedPortParams) -> Iterable[Hit]:
    """A service publishes one of the listed container ports on all host interfaces."""
    for svc in _all_services(ctx):
        ports = svc.data.get("ports")
        if not isinstance(ports, list):
            continue
        for i, raw in enumerate(ports):
            item = _raw_scalar(ctx, svc, ("ports", i)) if isinstance(raw, int) and not isinstance(raw, bool) else raw
            pub = parse_port(item)
            if pub is None or not all_interfaces(pub.host_ip):
                continue
            for port, what in sorted(p.ports.items()):
                if port in pub.container:
                    host = f"as host port {pub.host_port}" if pub.host_port else "on a random host port"
                    yield Hit(
                        svc.path, svc.line_of("ports", i),
                        f"service '{svc.name}' publishes {what} (container port {port}) {host} on all host "
                        f"interfaces (\"{pub.spec}\"); bind it to 127.0.0.1 or keep it on an internal network",
                    )
                    break


def _raw_scalar(ctx: CheckContext, svc: Service, sub: PathKey) -> Any:
    """YAML 1.1 reads an unquoted 22:22 as a base-60 integer; recover the text Compose sees."""
    text = ctx.text(svc.path)
    line = svc.line_of(*sub)
    if text is None:
        return None
    lines = text.splitlines()
    if not 0 < line <= len(lines):
        return None
    m = re.match(r"\s*-\s*([0-9.:\[\]a-fA-F/-]+)\s*(?:#.*)?$", lines[line - 1])
    return m.group(1) if m else None


class LiteralSecretParams(SecretNameParams):
    sections: list[str] = Field(
        default_factory=lambda: ["environment", "build.args"],
        description="dotted service fields holding variables (mapping or KEY=VALUE list)",
    )


def _variables(value: Any) -> Iterator[tuple[PathKey, str, Any]]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield (str(k),), str(k), v
    elif isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, str):
                name, eq, val = item.partition("=")
                yield (i,), name.strip(), (val if eq else None)


@kind("compose.literal-secret", ("compose",), LiteralSecretParams)
def literal_secret(ctx: CheckContext, p: LiteralSecretParams) -> Iterable[Hit]:
    """A secret-looking variable in environment/build args with a literal value.

    ${VAR} interpolation, a bare name (passed through from the host) and *_FILE variables
    pointing at mounted secret files are fine.
    """
    for svc in _all_services(ctx):
        for section in p.sections:
            found, value = _get(svc.data, section)
            if not found:
                continue
            keys = tuple(section.split("."))
            for sub, name, val in _variables(value):
                if is_literal_secret(name, val, p):
                    yield Hit(
                        svc.path, svc.line_of(*keys, *sub),
                        f"service '{svc.name}' sets {section} {name} to a literal value; use a Compose secret "
                        f"({name}_FILE=/run/secrets/...) or ${{{name}}} from the environment",
                    )


class ImagePinParams(PinParams):
    pass


@kind("compose.image-pinned", ("compose",), ImagePinParams)
def image_pinned(ctx: CheckContext, p: ImagePinParams) -> Iterable[Hit]:
    """Every service image names a version tag (or, with require_digest, a digest).

    A service that only has build: is fine; an image: containing ${...} is not judged.
    """
    for svc in _all_services(ctx):
        image = svc.data.get("image")
        if not isinstance(image, str) or "$" in image:
            continue
        problem = pin_problem(image, p)
        if problem:
            yield Hit(svc.path, svc.line_of("image"), f"service '{svc.name}' image '{image}' {problem}")


KINDS: tuple[CheckKind, ...] = (
    service_value_forbidden, service_field_required, host_path_mounted, published_port, literal_secret, image_pinned,
)
PARSERS: dict[str, Parser] = {}
