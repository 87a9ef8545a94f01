"""NIST OSCAL assessment-results (JSON) for GRC tools.

One ``result`` for the scan:

* ``reviewed-controls``: a ``control-selection`` per evaluated catalog listing its controls;
* ``observations``: one per finding (``methods`` TEST, ``types`` finding, the scanner as the
  origin, the file as a ``resource`` subject, ``file:line`` as relevant evidence, the triage state
  and the waiver's or suppression's reason as props), and one per attestation (``methods``
  EXAMINE), linked from the findings of the controls it covers;
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
key, scanner, path); the document and result UUIDs hash the report's content, so they change when
and only when the content does. Times are ``generated_at`` or the Unix epoch.

Titles and descriptions are OSCAL markup (Markdown): text from the repository is escaped; prop
values are single-line and trimmed as OSCAL requires.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from ..models import ControlStatus, Finding, Report, ScanStatus
from ..yamlio import canonical_json
from .base import Format
from .json import report_dict
from .junit import xml_safe
from .sarif import (
    artifact_uri,
    md_escape,
    no_surrogates,
    stable_uuid,
    triage_reason,
    triage_state,
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
    return " ".join(xml_safe(text).split())


def markup_line(text: str, fallback: str = "(none)") -> str:
    return md_escape(one_line(text)) or fallback


def markup(text: str, fallback: str = "(none)") -> str:
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


def _observation(report: Report, f: Finding, obs_uuid: str, collected: str, file_uuid: str) -> dict[str, Any]:
    loc = f.location
    where = loc.render() or report.target.root_name
    evidence: dict[str, Any] = {"description": markup(f"{where}: {f.message or f.title}")}
    if loc.path:
        evidence["href"] = artifact_uri(loc.path) + (f"#L{loc.line}" if loc.line else "")
    evidence.update(_props(
        prop("path", loc.path), prop("line", loc.line or ""), prop("end-line", loc.end_line or ""),
        prop("column", loc.column or ""), prop("snippet", f.snippet),
    ))
    return {
        "uuid": obs_uuid,
        "title": markup_line(f.title or f.rule_id),
        "description": markup(f.message or f.title),
        **_props(
            prop("rule-id", f.rule_id), prop("scanner", f.scanner), prop("severity", f.severity.value),
            prop("confidence", f.confidence.value), prop("fingerprint", f.fingerprint),
            *(prop("cwe", f"CWE-{c}") for c in f.cwe), prop("triage", triage_state(report, f)),
            prop("triage-reason", triage_reason(report, f)),
            prop("remediation", f.remediation),
        ),
        "methods": ["TEST"],
        "types": ["finding"],
        "origins": [{"actors": [{"type": "tool", "actor-uuid": stable_uuid("scanner", f.scanner)}]}],
        "subjects": [{"subject-uuid": file_uuid, "type": "resource", "title": markup_line(loc.path or report.target.root_name)}],
        "relevant-evidence": [evidence],
        "collected": collected,
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


def _finding(c: Any, observations: list[str], platform: str) -> dict[str, Any]:
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
        finding["related-observations"] = [{"observation-uuid": u} for u in observations]
    return finding


def oscal_dict(report: Report) -> dict[str, Any]:
    content = hashlib.sha256(canonical_json(report_dict(report)).encode("utf-8", "surrogatepass")).hexdigest()
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
    obs_uuid: dict[str, str] = {}
    observations = []
    for f in report.findings:
        if f.fingerprint in obs_uuid:  # fingerprints are unique; never emit a duplicate uuid if not
            continue
        obs_uuid[f.fingerprint] = stable_uuid("observation", f.fingerprint)
        where = file_uuid.get(f.location.path, repo_uuid)
        observations.append(_observation(report, f, obs_uuid[f.fingerprint], when, where))
    obs_by_control: dict[str, list[str]] = {}
    for a in report.attestations:
        obs = _attestation_observation(a, when)
        observations.append(obs)
        for control in a.controls:
            obs_by_control.setdefault(control, []).append(obs["uuid"])
    findings = [
        _finding(
            c,
            [obs_uuid[fp] for fp in dict.fromkeys(c.findings) if fp in obs_uuid] + obs_by_control.get(c.key, []),
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
        "uuid": stable_uuid("result", content),
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
        *(
            {"uuid": file_uuid[p], "title": markup_line(p), "rlinks": [{"href": artifact_uri(p)}]}
            for p in files
        ),
    ]
    return {
        "assessment-results": {
            "uuid": stable_uuid("assessment-results", content),
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


class OscalFormat(Format):
    name = "oscal"
    extension = "oscal.json"
    description = "NIST OSCAL assessment-results (JSON) for GRC tools"

    def render(self, report: Report) -> str:
        return no_surrogates(canonical_json(oscal_dict(report)))
