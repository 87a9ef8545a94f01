"""NIST OSCAL assessment-results (JSON) for GRC tools.

One ``result`` for the scan:

* ``reviewed-controls``: a ``control-selection`` per evaluated catalog listing its controls;
* ``observations``: one per finding and one per attestation (``methods`` EXAMINE), linked from
  the findings of the controls they concern. A finding's observation is kept lean, because a
  large scan has tens of thousands: ``methods`` TEST, ``types`` finding, the message as its
  description, the scanner as the origin, the file as a ``resource`` subject, ``file:line`` as
  relevant evidence, and the props ``rule-id``, ``severity``, ``confidence`` and ``fingerprint``
  (plus ``triage`` and ``triage-reason`` when the finding is not ``new``, and ``remediation``
  when it differs from its rule's). What every finding of a rule shares (the rule's title,
  remediation, CWEs and documentation link) is said once, in a back-matter resource per rule
  that the observation links to (``rel`` reference);
* ``findings``: one per control. ``target.status.state`` is ``satisfied`` for ``pass`` and
  ``not-satisfied`` for ``fail``, ``inconclusive`` and ``manual`` (fail-closed: not shown to be
  satisfied); ``not_applicable`` carries no status but ``implementation-status`` not-applicable.
  The productready status, basis and reason are props (namespace :data:`NS`);
* the scanners (bandit, semgrep, checks, ...) with their versions and run status are
  ``local-definitions.assessment-assets.components`` used by the productready platform.

OSCAL requires ``import-ap``; productready has no assessment plan document (its plan is the
configuration and the built-in catalogs), so ``import-ap.href`` points at a back-matter resource
that says so, as OSCAL intends for a fragment reference (``#uuid``).

Deterministic: every UUID is a uuid5 of a fixed namespace and a stable key (fingerprint, control
key, scanner, path, rule); the document and result UUIDs hash the document's own content (all of
it but those two UUIDs), so they change when and only when the content does. Times are
``generated_at`` or the Unix epoch.

Titles and descriptions are OSCAL markup (Markdown): text from the repository is escaped; prop
values are single-line and trimmed as OSCAL requires.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from ..models import ControlStatus, Finding, Report, ScanStatus
from .base import Format
from .jsonout import canonical_bytes, gc_paused
from .junit import xml_safe
from .sarif import (
    TriageIndex,
    _http_url,
    artifact_uri,
    md_escape,
    stable_uuid,
)

OSCAL_VERSION = "1.1.2"
NS = "https://productready.invalid/ns/oscal"
EPOCH = "1970-01-01T00:00:00Z"
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TOKEN = re.compile(r"^[_A-Za-z][_A-Za-z0-9.\-]*$")

STATE = {
    ControlStatus.PASS: ("satisfied", "pass"),
    ControlStatus.FAIL: ("not-satisfied", "fail"),
    ControlStatus.INCONCLUSIVE: ("not-satisfied", "other"),
    ControlStatus.MANUAL: ("not-satisfied", "other"),
}


# ---------------------------------------------------------------- text for OSCAL datatypes


def one_line(text: str) -> str:
    """A single trimmed line (OSCAL ``string``): whitespace runs become one space."""
    if text.isascii() and text.isprintable():  # nothing for xml_safe to do
        return " ".join(text.split())
    return " ".join(xml_safe(text).split())


def markup_line(text: str, fallback: str = "(none)") -> str:
    return md_escape(one_line(text)) or fallback


def markup(text: str, fallback: str = "(none)") -> str:
    if text.isascii() and text.isprintable():  # one line, nothing for xml_safe to do
        return md_escape(text.strip()) or fallback
    lines = [md_escape(line.rstrip()) for line in xml_safe(text).strip().split("\n")]
    return "\n".join(lines) or fallback


def token(text: str) -> str:
    """An OSCAL token (XML NCName-like): invalid characters become ``_``."""
    if _TOKEN.match(text):
        return text
    t = re.sub(r"[^_A-Za-z0-9.\-]", "_", text)
    return t if t[:1].isalpha() or t[:1] == "_" else "_" + t


def prop(name: str, value: Any, cls: str = "") -> list[dict[str, Any]]:
    v = one_line(str(value))
    if not v:
        return []
    p: dict[str, Any] = {"name": name, "ns": NS, "value": v}
    if cls:
        p["class"] = token(cls)
    return [p]


def _props(*items: list[dict[str, Any]]) -> dict[str, Any]:
    out = [p for group in items for p in group]
    return {"props": out} if out else {}


# ---------------------------------------------------------------- parts


def _tool_component(s: Any) -> dict[str, Any]:
    state = {ScanStatus.OK: "operational", ScanStatus.PARTIAL: "operational"}.get(s.status, "other")
    comp: dict[str, Any] = {
        "uuid": stable_uuid("scanner", s.scanner),
        "type": "software",
        "title": markup_line(s.scanner),
        "description": markup(f"{s.scanner} {s.version}".strip() + f": {s.status.value}" + (f" ({s.reason})" if s.reason else "")),
        **_props(
            prop("version", s.version), prop("scan-status", s.status.value), prop("scan-reason", s.reason),
            prop("required", "true" if s.required else "false"), prop("files-scanned", s.files_scanned),
            prop("finding-count", len(s.findings)),
        ),
        "status": {"state": state},
    }
    if state == "other":
        comp["status"]["remarks"] = f"scanner run status: {s.status.value}"
    return comp


class _Rule:
    """What every finding of one rule shares: said once, in a back-matter resource."""

    def __init__(self, f: Finding) -> None:
        self.rule_id = f.rule_id
        self.uuid = stable_uuid("resource", "rule", f.rule_id)
        self.scanner = f.scanner
        self.title = f.title
        self.remediation = ""
        self.help_url = ""
        self.cwe: set[int] = set()
        self.link = [{"href": f"#{self.uuid}", "rel": "reference"}]

    def add(self, f: Finding) -> None:
        if not self.remediation and f.remediation:
            self.remediation = f.remediation
        if not self.help_url and f.help_url:
            self.help_url = _http_url(f.help_url)
        if f.cwe:
            self.cwe.update(f.cwe)

    def resource(self) -> dict[str, Any]:
        res: dict[str, Any] = {
            "uuid": self.uuid,
            "title": markup_line(f"Rule {self.rule_id}: {self.title}" if self.title else f"Rule {self.rule_id}"),
        }
        if self.remediation:
            res["description"] = markup(f"Remediation: {self.remediation}")
        res.update(_props(
            prop("rule-id", self.rule_id), prop("scanner", self.scanner),
            *(prop("cwe", f"CWE-{c}") for c in sorted(self.cwe)),
        ))
        if self.help_url:
            res["rlinks"] = [{"href": self.help_url}]
        return res


class _File:
    """What every finding in one file shares."""

    __slots__ = ("escaped", "path_prop", "subjects", "uri")

    def __init__(self, path: str, subject_uuid: str) -> None:
        self.uri = artifact_uri(path)
        self.path_prop = prop("path", path)
        self.subjects = [{"subject-uuid": subject_uuid, "type": "resource"}]
        # markup(f"{path}:{line}") is this plus ":{line}" when the path needs no xml_safe or strip
        simple = path.isascii() and path.isprintable() and path == path.strip()
        self.escaped = md_escape(path) if simple else None


_TEST = ["TEST"]  # shared by every finding observation: the document is only serialized
_FINDING = ["finding"]


class _Observations:
    """Builds the finding observations. Everything findings repeat (a rule's props and link, a
    scanner's origin, a file's subject and path prop) is one shared object, built once: the
    document is only serialized, and 50,000 findings stay cheap to build and write."""

    def __init__(self, report: Report, collected: str, repo_uuid: str, file_uuid: dict[str, str]) -> None:
        self.root = report.target.root_name
        self.collected = collected
        self.repo_uuid = repo_uuid
        self.file_uuid = file_uuid
        self.triage = TriageIndex(report)
        self.rules: dict[str, _Rule] = {}
        self._files: dict[str, _File] = {}
        self._origins: dict[str, list[dict[str, Any]]] = {}
        self._titles: dict[str, str] = {}
        self._heads: dict[tuple[str, str, str], list[dict[str, Any]]] = {}

    def observation(self, f: Finding, obs_uuid: str) -> dict[str, Any]:
        rule = self.rules.get(f.rule_id)
        if rule is None:
            rule = self.rules[f.rule_id] = _Rule(f)
        rule.add(f)
        loc = f.location
        path = loc.path
        file = self._files.get(path)
        if file is None:
            file = self._files[path] = _File(path, self.file_uuid.get(path, self.repo_uuid))
        sev, conf = f.severity._value_, f.confidence._value_
        head = self._heads.get((f.rule_id, sev, conf))
        if head is None:
            head = self._heads[(f.rule_id, sev, conf)] = [
                *prop("rule-id", f.rule_id), *prop("severity", sev), *prop("confidence", conf),
            ]
        fp = one_line(f.fingerprint)
        props = [*head, {"name": "fingerprint", "ns": NS, "value": fp}] if fp else [*head]
        state = self.triage.state(f)
        if state != "new":
            props += prop("triage", state)
            props += prop("triage-reason", self.triage.reason(f, state))
        if f.remediation and f.remediation != rule.remediation:
            props += prop("remediation", f.remediation)
        if path:
            line = loc.line
            where = (file.escaped + f":{line}" if line else file.escaped) if file.escaped is not None else markup(loc.render())
            evidence: dict[str, Any] = {
                "description": where,
                "href": f"{file.uri}#L{line}" if line else file.uri,
                "props": file.path_prop,
            }
        else:
            evidence = {"description": markup(loc.render() or self.root)}
        title_text = f.title or f.rule_id
        title = self._titles.get(title_text)
        if title is None:
            title = self._titles[title_text] = markup_line(title_text)
        origins = self._origins.get(f.scanner)
        if origins is None:
            origins = self._origins[f.scanner] = [
                {"actors": [{"type": "tool", "actor-uuid": stable_uuid("scanner", f.scanner)}]}
            ]
        return {
            "uuid": obs_uuid,
            "title": title,
            "description": markup(f.message or f.title),
            "props": props,
            "links": rule.link,
            "methods": _TEST,
            "types": _FINDING,
            "origins": origins,
            "subjects": file.subjects,
            "relevant-evidence": [evidence],
            "collected": self.collected,
        }


def _day(text: str) -> str:
    """``YYYY-MM-DD`` as an OSCAL date-time (midnight UTC), or "" when it is not one."""
    return f"{text}T00:00:00Z" if _DATE.match(text) else ""


def _attestation_observation(a: Any, collected: str) -> dict[str, Any]:
    """An attestations.AttestationResult as an EXAMINE observation."""
    obs: dict[str, Any] = {
        "uuid": stable_uuid("attestation", a.id),
        "title": markup_line(f"Attestation {a.id}"),
        "description": markup(a.statement or a.reason),
        **_props(
            prop("attestation-id", a.id), *(prop("control", c) for c in a.controls), prop("status", a.status),
            prop("status-reason", a.reason), prop("owner", a.owner), prop("role", a.role), prop("date", a.date),
            prop("expires", a.expires),
        ),
        "methods": ["EXAMINE"],
        "types": ["control-objective"],
        "collected": _day(a.date) or collected,
    }
    if _day(a.expires):
        obs["expires"] = _day(a.expires)
    return obs


def _finding(c: Any, observations: list[Any], platform: str) -> dict[str, Any]:
    """One control's finding. ``observations`` are uuids or ready ``{"observation-uuid": ...}`` refs."""
    target: dict[str, Any] = {
        "type": "objective-id",
        "target-id": token(c.control_id),
        "title": markup_line(f"{c.control_id} {c.title}"),
        **_props(prop("catalog", c.catalog), prop("control", c.key)),
    }
    if c.status in STATE:
        state, reason = STATE[c.status]
        target["status"] = {"state": state, "reason": reason}
    else:
        target["implementation-status"] = {"state": "not-applicable", "remarks": markup(c.reason)}
    finding: dict[str, Any] = {
        "uuid": stable_uuid("finding", c.key),
        "title": markup_line(f"{c.key} {c.title}"),
        "description": markup(c.reason),
        **_props(
            prop("catalog", c.catalog), prop("control", c.key), prop("status", c.status.value),
            prop("basis", c.basis.value), *(prop("derived-from", d) for d in c.derived_from),
            *(prop("incomplete-rule", r) for r in c.incomplete_rules), *(prop("related", r) for r in c.related),
        ),
        "origins": [{"actors": [{"type": "assessment-platform", "actor-uuid": platform}]}],
        "target": target,
    }
    if observations:
        finding["related-observations"] = [
            u if isinstance(u, dict) else {"observation-uuid": u} for u in observations
        ]
    return finding


_PENDING = "00000000-0000-0000-0000-000000000000"  # where the content-addressed uuids go
# how the serialized document ends: the result's uuid, then the document's (sorted keys put both last)
_TAIL = '"uuid": "{result}"\n      }}\n    ],\n    "uuid": "{document}"\n  }}\n}}\n'


def oscal_dict(report: Report) -> dict[str, Any]:
    """The assessment-results document."""
    with gc_paused():
        document = _document(report)
        _set_uuids(document, hashlib.sha256(_serialize(document)).hexdigest())
    return document


def oscal_bytes(report: Report) -> bytes:
    """The document as written (UTF-8): :func:`oscal_dict` serialized, without serializing twice.

    The content hash is taken over the serialized document with both content-addressed uuids
    still :data:`_PENDING`; they are the last two values in the text, so they are put in there."""
    with gc_paused():
        document = _document(report)
        data = _serialize(document)
    content = hashlib.sha256(data).hexdigest()
    pending = _TAIL.format(result=_PENDING, document=_PENDING).encode("ascii")
    if not data.endswith(pending):  # not the expected layout: set the uuids and serialize again
        _set_uuids(document, content)
        return _serialize(document)
    result, doc = stable_uuid("result", content), stable_uuid("assessment-results", content)
    tail = _TAIL.format(result=result, document=doc).encode("ascii")
    return b"".join((memoryview(data)[: -len(pending)], tail))  # one copy of a large document, not two


def _serialize(document: dict[str, Any]) -> bytes:
    return canonical_bytes(document, replace_surrogates=True)


def _set_uuids(document: dict[str, Any], content: str) -> None:
    ar = document["assessment-results"]
    ar["results"][0]["uuid"] = stable_uuid("result", content)
    ar["uuid"] = stable_uuid("assessment-results", content)


def _document(report: Report) -> dict[str, Any]:
    """The document with both content-addressed uuids :data:`_PENDING`."""
    when = report.generated_at or EPOCH
    root = report.target.root_name
    plan_uuid = stable_uuid("resource", "assessment-plan")
    repo_uuid = stable_uuid("resource", "repository", root)
    platform = stable_uuid("platform", "productready")
    scans = sorted(report.scans, key=lambda s: s.scanner)
    readiness = {r.catalog: r for r in report.readiness}
    catalogs: list[str] = list(readiness)
    for c in report.controls:
        if c.catalog not in catalogs:
            catalogs.append(c.catalog)

    files = sorted({f.location.path for f in report.findings if f.location.path})
    file_uuid = {p: stable_uuid("resource", "file", p) for p in files}
    builder = _Observations(report, when, repo_uuid, file_uuid)
    obs_ref: dict[str, dict[str, str]] = {}  # fingerprint → {"observation-uuid": ...}, shared by the controls
    observations = []
    for f in report.findings:
        if f.fingerprint in obs_ref:  # fingerprints are unique; never emit a duplicate uuid if not
            continue
        u = stable_uuid("observation", f.fingerprint)
        obs_ref[f.fingerprint] = {"observation-uuid": u}
        observations.append(builder.observation(f, u))
    obs_by_control: dict[str, list[str]] = {}
    for a in report.attestations:
        obs = _attestation_observation(a, when)
        observations.append(obs)
        for control in a.controls:
            obs_by_control.setdefault(control, []).append(obs["uuid"])
    findings = [
        _finding(
            c,
            [obs_ref[fp] for fp in dict.fromkeys(c.findings) if fp in obs_ref] + obs_by_control.get(c.key, []),
            platform,
        )
        for c in report.controls
    ]
    selections = []
    for cat in catalogs:
        ids = [token(c.control_id) for c in report.controls if c.catalog == cat]
        if not ids:
            continue
        r = readiness.get(cat)
        sel: dict[str, Any] = {
            "description": markup(r.name if r else cat),
            **_props(prop("catalog", cat), prop("framework", r.framework if r else "")),
            "links": [{"href": f"#{stable_uuid('resource', 'catalog', cat)}", "rel": "reference"}],
            "include-controls": [{"control-id": i} for i in ids],
        }
        selections.append(sel)
    gate = report.gate
    result: dict[str, Any] = {
        "uuid": _PENDING,  # content-addressed
        "title": markup_line(f"productready scan of {root}"),
        "description": markup(
            f"Automated readiness scan of {root} by productready {report.tool_version}: "
            f"{len(report.findings)} finding(s), {len(report.controls)} control(s) evaluated."
        ),
        "start": when,
        "end": when,
        **_props(
            prop("gate-passed", "true" if gate.passed else "false"), prop("verdict", gate.verdict),
            prop("profile", gate.profile), prop("fail-on", gate.fail_on),
            *(prop("blocker", text) for text in gate.blockers),
            *(prop("condition", text) for text in gate.conditions),
            *(prop("readiness-score", f"{r.score:.4f}", r.catalog) for r in report.readiness),
        ),
        "local-definitions": {
            "components": [{
                "uuid": stable_uuid("component", "repository", root),
                "type": "this-system",
                "title": markup_line(root),
                "description": markup(f"The repository {root}, scanned from its source."),
                **_props(prop("source", "git" if report.target.is_git else "walk"), prop("files", len(report.target.files))),
                "status": {"state": "other", "remarks": "productready scans source code; the deployment state is unknown"},
            }],
            "assessment-assets": {
                "components": [_tool_component(s) for s in scans],
                "assessment-platforms": [{
                    "uuid": platform,
                    "title": markup_line(f"productready {report.tool_version}"),
                    **_props(prop("version", report.tool_version)),
                    **({"uses-components": [{"component-uuid": stable_uuid("scanner", s.scanner)} for s in scans]} if scans else {}),
                }],
            },
        },
        "reviewed-controls": {
            "description": "The controls of the evaluated catalogs.",
            "control-selections": selections or [{"include-all": {}}],
        },
    }
    if observations:
        result["observations"] = observations
    if findings:
        result["findings"] = findings
    resources = [
        {
            "uuid": plan_uuid,
            "title": "No separate assessment plan",
            "description": (
                "productready does not read an OSCAL assessment plan: the plan is the productready "
                "configuration and the built-in control catalogs named in reviewed-controls. "
                "OSCAL requires import-ap, so it points here."
            ),
        },
        {
            "uuid": repo_uuid,
            "title": markup_line(f"Repository {root}"),
            "description": markup(f"The scanned repository {root}; file paths are relative to its root."),
        },
        *(
            {
                "uuid": stable_uuid("resource", "catalog", cat),
                "title": markup_line(readiness[cat].name if cat in readiness else cat),
                **_props(prop("catalog", cat), prop("framework", readiness[cat].framework if cat in readiness else "")),
            }
            for cat in catalogs
        ),
        *(builder.rules[rid].resource() for rid in sorted(builder.rules)),
        *(
            {"uuid": file_uuid[p], "title": markup_line(p), "rlinks": [{"href": artifact_uri(p)}]}
            for p in files
        ),
    ]
    document: dict[str, Any] = {
        "assessment-results": {
            "uuid": _PENDING,  # content-addressed
            "metadata": {
                "title": markup_line(f"productready assessment results: {root}"),
                "last-modified": when,
                "version": report.tool_version or "0",
                "oscal-version": OSCAL_VERSION,
                **_props(prop("tool", "productready"), prop("schema-version", report.schema_version)),
            },
            "import-ap": {
                "href": f"#{plan_uuid}",
                "remarks": "productready has no separate assessment plan; see the referenced back-matter resource.",
            },
            "results": [result],
            "back-matter": {"resources": resources},
        }
    }
    return document


class OscalFormat(Format):
    name = "oscal"
    extension = "oscal.json"
    description = "NIST OSCAL assessment-results (JSON) for GRC tools"

    def render(self, report: Report) -> str:
        return oscal_bytes(report).decode("utf-8")

    def render_bytes(self, report: Report) -> bytes:
        return oscal_bytes(report)
