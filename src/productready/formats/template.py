"""HTML and Markdown reports, rendered with Jinja2 from ``reports/templates``.

Both formats share one context (documented in ``reports/templates/README.md``) built by
:func:`build_context`. Everything the scanned repository contributes is untrusted:

* HTML: autoescape is on for every template; data for the page script is embedded as JSON that is
  safe inside ``<script>`` (:func:`script_json`), and the script builds DOM nodes with
  ``textContent`` only.
* Markdown: every ``{{ value }}`` is escaped for Markdown by the environment's ``finalize`` hook
  unless it is already :class:`markupsafe.Markup` (the ``md_code`` filter returns that).

``--template-dir DIR`` puts DIR in front of the built-in templates (:func:`environment`), so a hub
can replace ``report.html.j2`` / ``report.md.j2``, or extend the built-in ones through the
``builtin/`` prefix (``{% extends "builtin/report.html.j2" %}``).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any, overload

import jinja2
import yaml
from markupsafe import Markup

from ..config import data_dir
from ..errors import ConfigError, UsageError
from ..models import ControlStatus, Finding, Report, ScanStatus, Severity
from .base import Format
from .json import finding_dict, report_dict, scan_dict
from .jsonout import compact_bytes, gc_paused

HTML_TEMPLATE = "report.html.j2"
MARKDOWN_TEMPLATE = "report.md.j2"
MARKDOWN_LIMIT = 65_000  # GitHub comments and step summaries stop at 65,536 characters
TRUNCATION_NOTICE = (
    "\n\n> **Note:** this summary was truncated to stay under {limit:,} characters; "
    "the HTML and JSON reports have everything.\n"
)

STATUSES: tuple[tuple[str, str, str], ...] = (  # value, label, icon (readable without colour)
    ("pass", "Pass", "\u2713"),
    ("fail", "Fail", "\u2717"),
    ("inconclusive", "Inconclusive", "?"),
    ("manual", "Manual", "\u270e"),
    ("not_applicable", "Not applicable", "\u2013"),
)
STATUS_LABEL = {v: label for v, label, _ in STATUSES}
STATUS_ICON = {v: icon for v, _, icon in STATUSES}
SEVERITIES: tuple[str, ...] = tuple(s.value for s in sorted(Severity, key=lambda s: -s.rank))
SCAN_ICON = {"ok": "\u2713", "partial": "!", "failed": "\u2717", "skipped": "\u2013"}
VERDICT_LABELS = {"ready": "Ready", "ready_with_conditions": "Ready with conditions", "not_ready": "Not ready"}


# ---------------------------------------------------------------- escaping


_SCRIPT_ESCAPES = tuple(
    (char.encode("utf-8"), f"\\u{ord(char):04x}".encode("ascii")) for char in ("<", ">", "&", "\u2028", "\u2029")
)


def script_json(data: Any) -> Markup:
    """JSON that is safe inside an HTML ``<script>`` element (and in JavaScript source)."""
    raw = script_json_bytes(data)
    if raw is not None:
        return Markup(raw.decode("utf-8"))  # made safe for script context by script_json_bytes
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_json_default)
    text = (
        text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    )
    return Markup(text)  # made safe for script context just above


def script_json_bytes(data: Any, *, presorted: bool = False) -> bytes | None:
    """:func:`script_json` as UTF-8, written by orjson; None for what orjson cannot write (a lone
    surrogate, a lazily built finding list): :func:`script_json` handles that. ``presorted``:
    every dict in ``data`` already has its keys in sorted order (as :func:`page_data` builds
    them), so they need no sorting."""
    raw = compact_bytes(data, sort_keys=not presorted)  # the json.dumps text of script_json
    if raw is None:
        return None
    for char, escape in _SCRIPT_ESCAPES:
        if char in raw:  # a fast search; most reports never have U+2028 or U+2029
            raw = raw.replace(char, escape)
    return raw


def _json_default(value: Any) -> Any:
    """Lazily built finding lists (:class:`FindingList`) serialize as the lists they stand for."""
    if isinstance(value, FindingList):
        return list(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&$])")
_MD_LEADING = re.compile(r"^([-+=#]|\d{1,9}(?=[.)](?:\s|$)))")
_MENTION = re.compile(r"(?<![\w.+-])@(?=[A-Za-z0-9])")  # not inside e-mail addresses


def md_escape(value: Any) -> str:
    """Inline Markdown text: one line, every syntax character escaped (safe in table cells)."""
    if value is None:
        return ""
    if isinstance(value, Markup):
        return str(value)
    if isinstance(value, bool | int | float):
        return str(value)
    text = " ".join(str(value).split())
    text = _MD_SPECIAL.sub(r"\\\1", text)
    text = _MENTION.sub("@\u200b", text)  # no @mentions pinging people from a PR comment
    m = _MD_LEADING.match(text)
    if m:  # a list item, heading or setext underline when it starts a line: escape its marker
        text = "\\" + text if not m.group(1)[0].isdigit() else f"{m.group(1)}\\{text[m.end():]}"
    return text


def md_code(value: Any) -> Markup:
    """An inline code span for any text (backticks inside, pipes in table cells, newlines)."""
    text = " ".join(str(value).split()).replace("|", "\\|")
    if not text:
        return Markup("")
    run = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * (run + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return Markup(f"{fence}{pad}{text}{pad}{fence}")  # Markdown, not HTML


def _finalize_md(value: Any) -> Any:
    return md_escape(value)


def shorten(value: Any, width: int = 160) -> str:
    text = " ".join(str(value or "").split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "\u2026"


_SAFE_URL = re.compile(r"^https?://[^\s\"'<>]+$", re.IGNORECASE)


def safe_url(value: Any) -> str:
    """Only http(s) links from untrusted data; anything else becomes no link at all."""
    text = str(value or "").strip()
    return text if _SAFE_URL.match(text) else ""


# ---------------------------------------------------------------- environments


def _builtin_dir() -> Path:
    return data_dir("reports/templates")


def check_template_dir(template_dir: Path | None) -> None:
    """For the CLI, before scanning: the folder exists (its templates are checked when rendering)."""
    if template_dir is not None and not template_dir.is_dir():
        raise UsageError(f"--template-dir: '{template_dir}' is not a directory")


def environment(template_dir: Path | None = None, *, markdown: bool = False) -> jinja2.Environment:
    """The Jinja2 environment: ``template_dir`` (a hub's templates) first, then the built-in ones.

    The built-in templates stay reachable as ``builtin/NAME`` so an override can extend them.
    """
    builtin = _builtin_dir()
    loaders: list[jinja2.BaseLoader] = []
    if template_dir is not None:
        check_template_dir(template_dir)
        loaders.append(jinja2.FileSystemLoader(str(template_dir)))
    loaders.append(jinja2.FileSystemLoader(str(builtin)))
    loaders.append(jinja2.PrefixLoader({"builtin": jinja2.FileSystemLoader(str(builtin))}))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=not markdown,
        finalize=_finalize_md if markdown else None,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        md=md_escape, md_code=md_code, shorten=shorten, safe_url=safe_url, script_json=script_json,
        pct=lambda x: f"{x * 100:.1f}%",
    )
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "default": _json_default}  # for `| tojson`
    return env


def render_template(
    name: str, context: Mapping[str, Any], template_dir: Path | None = None, *, markdown: bool = False
) -> str:
    env = environment(template_dir, markdown=markdown)
    try:
        template = env.get_template(name)
        return template.render(**context)
    except jinja2.TemplateSyntaxError as exc:
        raise ConfigError(f"template error: {exc.message}", exc.filename or exc.name or name, exc.lineno) from None
    except jinja2.TemplateNotFound as exc:
        raise ConfigError(f"template '{exc.name}' not found", hint="check --template-dir") from None
    except jinja2.UndefinedError as exc:
        raise ConfigError(f"template '{name}': {exc.message}", hint="see reports/templates/README.md for the variables") from None


PAGE_SCRIPT = "partials/report.js"


def page_script(template_dir: Path | None = None) -> str:
    """The page script (``partials/report.js``, overridable like any template), verbatim."""
    env = environment(template_dir)
    assert env.loader is not None
    try:
        source = env.loader.get_source(env, PAGE_SCRIPT)[0]
    except jinja2.TemplateNotFound:
        raise ConfigError(f"template '{PAGE_SCRIPT}' not found", hint="check --template-dir") from None
    if re.search(r"</script|<!--", source, re.IGNORECASE):
        raise ConfigError("the page script must not contain '</script' or '<!--'", PAGE_SCRIPT)
    return source


def csp_hash(script: str) -> str:
    """The Content-Security-Policy source that allows exactly this inline script."""
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    return f"'sha256-{digest}'"


# ---------------------------------------------------------------- control texts from the catalogs


@cache
def _catalog_texts(catalog: str) -> dict[str, dict[str, Any]]:
    """Summary, requirement text and evidence selectors per control id of a built-in catalog."""
    try:
        path = data_dir("controls") / f"{catalog}.yaml"
    except ConfigError:
        return {}
    if not re.fullmatch(r"[a-z0-9.\-]+", catalog) or not path.is_file():
        return {}
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)  # a safe loader
    except (OSError, yaml.YAMLError):
        return {}
    out: dict[str, dict[str, Any]] = {}
    for c in (data or {}).get("controls") or []:
        if isinstance(c, dict) and "id" in c:
            out[str(c["id"])] = {
                "summary": str(c.get("summary") or ""),
                "text": str(c.get("text") or ""),
                "evidence": [str(s) for s in c.get("evidence") or []],
                "level": c.get("level"),
            }
    return out


def _control_text(c: Any) -> dict[str, Any]:
    known = _catalog_texts(c.catalog).get(c.control_id, {})
    return {
        "summary": str(getattr(c, "summary", None) or known.get("summary", "")),
        "text": str(getattr(c, "text", None) or known.get("text", "")),
        "evidence": list(getattr(c, "evidence", None) or known.get("evidence", [])),
        "level": getattr(c, "level", None) or known.get("level"),
    }


# ---------------------------------------------------------------- context


def _get(obj: Any, *names: str, default: Any = "") -> Any:
    """The first present, non-empty field of a dict or object (governance data is read defensively)."""
    for n in names:
        v = obj.get(n) if isinstance(obj, Mapping) else getattr(obj, n, None)
        if v is not None and v != "" and v != () and v != []:
            return v.value if hasattr(v, "value") and not isinstance(v, str | int) else v
    return default


def _text(v: Any) -> str:
    if isinstance(v, list | tuple):
        return ", ".join(_text(x) for x in v)
    return "" if v is None else str(v)


def _count_or_text(v: Any) -> str:
    if isinstance(v, list | tuple | set | frozenset):
        return f"{len(v)} finding(s)" if v else ""
    return _text(v)


def _waiver(w: Any) -> dict[str, Any]:
    scope = _text(_get(w, "scope", "target"))
    if not scope:
        scope = "; ".join(
            f"{label} {_text(v)}" for label, v in (
                ("control", _get(w, "control", "controls")), ("rule", _get(w, "rule", "rule_id", "rules")),
                ("path", _get(w, "path", "paths", "path_glob")), ("fingerprint", _get(w, "fingerprint", "fingerprints")),
            ) if v
        )
    return {
        "id": _text(_get(w, "id")),
        "scope": scope,
        "reason": _text(_get(w, "reason")),
        "owner": _text(_get(w, "owner", "approved_by")),
        "expires": _text(_get(w, "expires", "expiry")),
        "state": _text(_get(w, "status", "state", default="active")),
        "problem": _text(_get(w, "problem")),
        "expiring_soon": bool(_get(w, "expiring_soon", default=False)),
        "matched": _count_or_text(_get(w, "matched", "matches", default="")),
    }


def _attestation(a: Any) -> dict[str, Any]:
    evidence = _get(a, "evidence", "files", default=[]) or []
    files = []
    for e in evidence if isinstance(evidence, list | tuple) else [evidence]:
        path = _text(_get(e, "path", "file", "url")) if not isinstance(e, str) else e
        digest = _text(_get(e, "sha256", "hash")) if not isinstance(e, str) else ""
        files.append({"path": path, "sha256": digest})
    state = _text(_get(a, "status", "state", default="valid"))
    return {
        "id": _text(_get(a, "id")),
        "control": _text(_get(a, "controls", "control")),
        "statement": _text(_get(a, "statement", "summary")),
        "owner": _text(_get(a, "owner", "attested_by", "by")),
        "role": _text(_get(a, "role")),
        "date": _text(_get(a, "date", "attested_on")),
        "expires": _text(_get(a, "expires", "expiry")),
        "state": state,
        "problem": _text(_get(a, "reason", "problem")) if state != "valid" else "",
        "evidence": files,
    }


def _suppression(s: Any) -> dict[str, Any]:
    line = _get(s, "line", default=0)
    path = _text(_get(s, "path", "file"))
    accepted = _get(s, "accepted", default=None)
    return {
        "location": f"{path}:{line}" if line else path,
        "scanner": _text(_get(s, "scanner", "tool")),
        "rule": _text(_get(s, "rules", "rule", "rule_id")),
        "marker": _text(_get(s, "kind", "marker", "comment", "text")),
        "reason": _text(_get(s, "reason", "justification")),
        "accepted": accepted is not False,
        "problem": _text(_get(s, "problem")),
    }


def _verdict(report: Report) -> dict[str, Any]:
    gate = report.gate
    blockers = [_text(b) for b in (getattr(gate, "blockers", None) or getattr(gate, "reasons", None) or ())]
    conditions = [_text(c) for c in (getattr(gate, "conditions", None) or ())]
    if gate.incomplete:
        state, label = "incomplete", "Scan incomplete"
        detail = f"required evidence source(s) did not finish: {', '.join(gate.incomplete)}"
    elif not gate.passed or gate.blocking:
        state, label = "failed", "Gate failed"
        detail = (
            f"{len(gate.blocking)} new finding(s) at or above severity '{gate.fail_on}'" if gate.blocking
            else f"{len(blockers)} blocker(s)"
        )
    else:
        state, label = "passed", "Gate passed"
        detail = (
            f"no new finding at or above severity '{gate.fail_on}'" if gate.fail_on != "none"
            else "no severity threshold (--fail-on none); every required scanner finished"
        )
    out: dict[str, Any] = {
        "state": state, "label": label, "detail": detail, "icon": {"passed": "\u2713", "failed": "\u2717"}.get(state, "!"),
        "reasons": blockers, "fail_on": gate.fail_on, "blocking": len(gate.blocking),
        "incomplete": list(gate.incomplete), "verdict": None,
    }
    raw = getattr(report, "verdict", None) or getattr(gate, "verdict", None)
    if raw:
        status = _text(_get(raw, "status", "verdict", "value", default=raw if isinstance(raw, str) else ""))
        status = status.lower().replace(" ", "_").replace("-", "_")
        if status == "ready" and not gate.passed:
            status = "not_ready"  # fail closed on an inconsistent report
        own_blockers = [_text(b) for b in _get(raw, "blockers", default=[]) or []] if not isinstance(raw, str) else []
        own_conditions = [_text(b) for b in _get(raw, "conditions", default=[]) or []] if not isinstance(raw, str) else []
        out["verdict"] = {
            "status": status,
            "label": VERDICT_LABELS.get(status, status.replace("_", " ").capitalize()),
            "tone": {"ready": "passed", "ready_with_conditions": "incomplete"}.get(status, "failed"),
            "blockers": own_blockers or blockers,
            "conditions": own_conditions or conditions,
        }
    return out


def _snippet_lines(f: Finding) -> list[dict[str, Any]]:
    if not f.snippet:
        return []
    first = f.location.line
    last = max(first, f.location.end_line)
    rows = []
    for i, text in enumerate(f.snippet.split("\n")):
        no = first + i if first else 0
        rows.append({"no": no, "text": text, "hit": bool(first) and first <= no <= last})
    return rows


def _donut(counts: Sequence[tuple[str, int]], total: int) -> list[dict[str, Any]]:
    """Segments of an SVG donut (circle of circumference 100) in status order."""
    segs, offset = [], 0.0
    for status, n in counts:
        if not n or not total:
            continue
        share = 100.0 * n / total
        segs.append({"status": status, "count": n, "dash": f"{share:.3f} {100 - share:.3f}", "offset": f"{-offset:.3f}",
                     "label": STATUS_LABEL[status]})
        offset += share
    return segs


def _framework(r: Any) -> dict[str, Any]:
    counts = [("pass", r.passed), ("fail", r.failed), ("inconclusive", r.inconclusive), ("manual", r.manual),
              ("not_applicable", r.not_applicable)]
    applicable = r.total - r.not_applicable
    return {
        "catalog": r.catalog, "name": r.name, "framework": r.framework, "score": r.score,
        "score_pct": f"{r.score * 100:.1f}%", "formula": r.formula, "total": r.total, "applicable": applicable,
        "counts": dict(counts),
        "legend": [{"status": s, "label": STATUS_LABEL[s], "icon": STATUS_ICON[s], "count": n} for s, n in counts],
        "donut": _donut(counts, r.total),
        "bar": [
            {"status": s, "label": STATUS_LABEL[s], "count": n, "width": f"{100.0 * n / r.total:.3f}"}
            for s, n in counts if n and r.total
        ],
        "pass_split": {"automated": r.passed_automated, "attested": r.passed_attested, "derived": r.passed_derived},
        "automated_evidence": r.with_automated_evidence, "attest_only": r.attest_only,
    }


class _FindingViews:
    """The template view of each finding (``finding_dict`` plus ``where``, ``blocking``,
    ``triage``, ``snippet_lines`` and a safe ``help_url``), built the first time a template
    reads it: a Markdown summary or a PDF shows a few dozen of 50,000 findings."""

    def __init__(self, report: Report, static: bool) -> None:
        self.findings = report.findings
        self.blocking = frozenset(report.gate.blocking)
        self.triage: Mapping[str, Any] = getattr(report, "triage", None) or {}
        self.static = static
        self._views: dict[int, dict[str, Any]] = {}
        self._canonical: dict[int, dict[str, Any]] = {}

    def view(self, i: int) -> dict[str, Any]:
        d = self._views.get(i)
        if d is None:
            f = self.findings[i]
            d = finding_dict(f)
            d["where"] = f.location.render() if f.location.path else "(repository)"
            d["blocking"] = f.fingerprint in self.blocking
            d["triage"] = str(self.triage.get(f.fingerprint, "new"))
            d["snippet_lines"] = _snippet_lines(f) if self.static else []
            d["help_url"] = safe_url(f.help_url)
            self._views[i] = d
        return d

    def canonical(self, i: int) -> dict[str, Any]:
        """The finding as in the canonical JSON report (``report.findings``)."""
        d = self._canonical.get(i)
        if d is None:
            f = self.findings[i]
            d = self._canonical[i] = {**finding_dict(f), "triage": self.triage.get(f.fingerprint, "new")}
        return d

    def page_records(self) -> list[dict[str, Any]]:
        """Every finding in the compact form of :func:`page_data`, straight from the findings."""
        blocking, triage = self.blocking, self.triage
        urls: dict[str, str] = {}
        out = []
        for f in self.findings:
            loc = f.location
            url = urls.get(f.help_url)
            if url is None:
                url = urls[f.help_url] = safe_url(f.help_url)
            fp = f.fingerprint
            out.append({  # keys in sorted order: see page_data
                "blk": fp in blocking, "conf": f.confidence._value_, "cwe": list(f.cwe), "e": loc.end_line,
                "fp": fp, "l": loc.line, "m": f.message, "p": loc.path, "rem": f.remediation, "rule": f.rule_id,
                "s": f.snippet, "sev": f.severity._value_, "t": f.title, "tri": str(triage.get(fp, "new")),
                "url": url,
            })
        return out


class FindingList(Sequence[dict[str, Any]]):
    """A list of finding views (or canonical finding dicts) whose entries are built on first
    read. Templates use it like a list: ``| length``, ``[:20]``, ``[i]``, ``for``, ``| list``;
    ``| tojson`` writes it as the list it stands for."""

    def __init__(self, build: Callable[[int], dict[str, Any]], indexes: Sequence[int], views: _FindingViews) -> None:
        self._build = build
        self._indexes = indexes
        self.views = views

    def __len__(self) -> int:
        return len(self._indexes)

    @overload
    def __getitem__(self, i: int) -> dict[str, Any]: ...

    @overload
    def __getitem__(self, i: slice) -> list[dict[str, Any]]: ...

    def __getitem__(self, i: int | slice) -> dict[str, Any] | list[dict[str, Any]]:
        if isinstance(i, slice):
            return [self._build(j) for j in self._indexes[i]]
        return self._build(self._indexes[i])

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return map(self._build, self._indexes)

    def __repr__(self) -> str:
        return f"<FindingList of {len(self)}>"


_RANK = {s: s.rank for s in Severity}


def build_context(report: Report, *, static: bool = False) -> dict[str, Any]:
    """Every variable the report templates see (see reports/templates/README.md).

    Finding lists are :class:`FindingList` s: a finding's dict is built only when a template
    reads it, so a summary of a 50,000-finding report does not format all of them."""
    with gc_paused():
        return _build_context(report, static)


def _build_context(report: Report, static: bool) -> dict[str, Any]:
    canonical = report_dict(report, findings=False)
    views = _FindingViews(report, static)
    all_findings = report.findings
    n = len(all_findings)
    ranks = [_RANK[f.severity] for f in all_findings]
    index: dict[str, int] = {}
    for i, f in enumerate(all_findings):
        index.setdefault(f.fingerprint, i)
    # worst first, then report order: a stable sort on the negated rank
    neg = [-r for r in ranks]
    by_sev = sorted(range(n), key=neg.__getitem__)
    blocking = views.blocking
    is_blocking = [f.fingerprint in blocking for f in all_findings] if blocking else [False] * n
    canonical["findings"] = FindingList(views.canonical, range(n), views)
    names = {r.catalog: r.framework for r in report.readiness}
    severities = list(Severity)
    by_rank = {s.rank: s for s in severities}
    controls: list[dict[str, Any]] = []
    for c in report.controls:
        idx = sorted(index[fp] for fp in c.findings if fp in index)
        idx.sort(key=neg.__getitem__)
        worst = by_rank[ranks[idx[0]]] if idx else None
        texts = _control_text(c)
        controls.append({
            "key": c.key, "catalog": c.catalog, "framework": names.get(c.catalog, c.catalog), "control": c.control_id,
            "title": c.title, "status": c.status.value, "status_label": STATUS_LABEL[c.status.value],
            "status_icon": STATUS_ICON[c.status.value], "basis": c.basis.value, "reason": c.reason,
            "severity": worst.value if worst else "", "finding_count": len(idx), "finding_indexes": idx,
            "evaluated_rules": list(c.evaluated_rules), "incomplete_rules": list(c.incomplete_rules),
            "derived_from": list(c.derived_from), "related": list(c.related),
            "has_automated_evidence": c.has_automated_evidence, **texts,
        })
    scans = []
    for s in report.scans:
        d = scan_dict(s, report.timings)
        d["clean"] = s.status is ScanStatus.OK or not s.applicable
        d["icon"] = SCAN_ICON[s.status.value]
        d["duration"] = f"{s.duration:.1f}s" if report.timings else ""
        scans.append(d)
    fail_order = {s: i for i, s in enumerate(SEVERITIES)}
    failing = sorted(
        (c for c in controls if c["status"] == ControlStatus.FAIL.value),
        key=lambda c: (fail_order.get(c["severity"], len(SEVERITIES)), -c["finding_count"]),
    )
    unmapped = [index[fp] for fp in report.unmapped if fp in index]
    sev_counts = canonical["summary"]["by_severity"]
    status_counts = {v: sum(1 for c in controls if c["status"] == v) for v, _, _ in STATUSES}
    view = views.view
    return {
        "report": canonical,
        "static": static,
        "tool_version": report.tool_version,
        "generated_at": report.generated_at or "",
        "target": canonical["target"],
        "settings": report.settings,
        "verdict": _verdict(report),
        "frameworks": [_framework(r) for r in report.readiness],
        "controls": controls,
        "findings": FindingList(view, range(n), views),
        "blocking_findings": FindingList(view, [i for i in by_sev if is_blocking[i]], views),
        "top_findings": FindingList(view, [i for i in by_sev if not is_blocking[i]], views),
        "findings_by_severity": FindingList(view, by_sev, views),
        "unmapped_findings": FindingList(view, unmapped, views),
        "unmapped_indexes": unmapped,
        "failing_controls": failing,
        "scans": scans,
        "unclean_scans": [s for s in scans if not s["clean"]],
        "severity_counts": [{"severity": s, "count": sev_counts.get(s, 0)} for s in SEVERITIES],
        "status_counts": [{"status": v, "label": label, "icon": icon, "count": status_counts[v]} for v, label, icon in STATUSES],
        "statuses": [{"value": v, "label": label, "icon": icon} for v, label, icon in STATUSES],
        "severities": list(SEVERITIES),
        "waivers": [_waiver(w) for w in getattr(report, "waivers", None) or ()],
        "attestations": [_attestation(a) for a in getattr(report, "attestations", None) or ()],
        "suppressions": [_suppression(s) for s in getattr(report, "suppressions", None) or ()],
    }


def page_data(ctx: Mapping[str, Any]) -> dict[str, Any]:
    """The compact data the HTML page script renders the control table and drill-downs from.

    Every dict is built with its keys in sorted order, so it serializes without a key sort
    (:func:`script_json_bytes` ``presorted``); the values are strings, numbers and lists."""
    findings = ctx["findings"]
    if isinstance(findings, FindingList):
        records = findings.views.page_records()
    else:  # a hand-made context
        records = [
            {
                "blk": f["blocking"], "conf": f["confidence"], "cwe": f["cwe"], "e": f["location"]["end_line"],
                "fp": f["fingerprint"], "l": f["location"]["line"], "m": f["message"], "p": f["location"]["path"],
                "rem": f["remediation"], "rule": f["rule_id"], "s": f["snippet"], "sev": f["severity"],
                "t": f["title"], "tri": f["triage"], "url": f["help_url"],
            }
            for f in findings
        ]
    return {
        "controls": [
            {
                "b": c["basis"], "cat": c["catalog"], "der": c["derived_from"], "ev": c["evaluated_rules"],
                "f": c["finding_indexes"], "fw": c["framework"], "id": c["control"], "inc": c["incomplete_rules"],
                "k": c["key"], "lvl": c["level"], "r": c["reason"], "rel": c["related"], "sel": c["evidence"],
                "sev": c["severity"], "st": c["status"], "sum": c["summary"], "t": c["title"], "txt": c["text"],
            }
            for c in ctx["controls"]
        ],
        "findings": records,
        "frameworks": [{"cat": fw["catalog"], "name": fw["framework"]} for fw in ctx["frameworks"]],
        "unmapped": ctx["unmapped_indexes"],
    }


# ---------------------------------------------------------------- the formats


class TemplateFormat(Format):
    template = ""
    markdown = False

    def __init__(self, template_dir: Path | None = None) -> None:
        self.template_dir = template_dir

    def with_template_dir(self, template_dir: Path | None) -> TemplateFormat:
        return type(self)(template_dir)

    def context(self, report: Report) -> dict[str, Any]:
        return build_context(report)

    def render(self, report: Report) -> str:
        return render_template(self.template, self.context(report), self.template_dir, markdown=self.markdown)


class HtmlFormat(TemplateFormat):
    name = "html"
    extension = "html"
    description = "self-contained interactive report (readiness charts, filterable controls, drill-downs)"
    template = HTML_TEMPLATE

    def context(self, report: Report) -> dict[str, Any]:
        ctx, data = self._context(report)
        if data is not None:
            ctx["data_json"] = Markup(data.decode("utf-8"))  # script_json_bytes made it safe in <script>
        return ctx

    def _context(self, report: Report) -> tuple[dict[str, Any], bytes | None]:
        """The context, and ``data_json`` as UTF-8 (then not yet in the context; None: it is)."""
        with gc_paused():
            ctx = build_context(report)
            pdata = page_data(ctx)
            data = script_json_bytes(pdata, presorted=True)
            if data is None:
                ctx["data_json"] = script_json(pdata)
        script = page_script(self.template_dir)
        ctx["page_script"] = Markup(script)  # our own script file, checked by page_script()
        ctx["script_csp"] = csp_hash(script)
        return ctx, data

    def render_bytes(self, report: Report) -> bytes:
        """The page with the embedded data (most of its bytes) put in as bytes: it is never decoded,
        joined into the page text and encoded again. Same bytes as ``render(report)``."""
        ctx, data = self._context(report)
        if data is None:
            return render_template(self.template, ctx, self.template_dir).encode("utf-8")
        ctx["data_json"] = Markup(_DATA_SLOT)
        page = render_template(self.template, ctx, self.template_dir)
        if page.count(_DATA_SLOT) == 1:  # the built-in page (or an override) embeds data_json once
            head, tail = page.split(_DATA_SLOT)
            return b"".join((head.encode("utf-8"), data, tail.encode("utf-8")))
        ctx["data_json"] = Markup(data.decode("utf-8"))
        return render_template(self.template, ctx, self.template_dir).encode("utf-8")


# Stands for data_json while the page is rendered by render_bytes. Repository text can never
# produce it: autoescaping turns every "<" that text brings into "&lt;".
_DATA_SLOT = "<productready-page-data/>"


class MarkdownFormat(TemplateFormat):
    name = "markdown"
    extension = "md"
    description = "summary for pull-request comments and CI step summaries (under 65,000 characters)"
    template = MARKDOWN_TEMPLATE
    markdown = True
    limit = MARKDOWN_LIMIT

    # how many rows each list gets: tried in order until the text fits
    STEPS: tuple[dict[str, int], ...] = (
        {"blocking": 50, "top": 20, "failing": 100, "scans": 50},
        {"blocking": 25, "top": 10, "failing": 50, "scans": 25},
        {"blocking": 10, "top": 5, "failing": 20, "scans": 10},
        {"blocking": 3, "top": 0, "failing": 5, "scans": 5},
    )

    def render(self, report: Report) -> str:
        ctx = build_context(report)
        sizes = {
            "blocking": len(ctx["blocking_findings"]), "top": len(ctx["top_findings"]),
            "failing": len(ctx["failing_controls"]), "scans": len(ctx["unclean_scans"]),
        }
        text = ""
        for step, limits in enumerate(self.STEPS):
            ctx["limits"] = limits
            ctx["shortened"] = any(sizes[k] > n for k, n in limits.items())
            ctx["truncated"] = step > 0
            text = render_template(self.template, ctx, self.template_dir, markdown=True)
            if len(text) <= self.limit:
                return text
        return hard_truncate(text, self.limit)


def hard_truncate(text: str, limit: int) -> str:
    notice = TRUNCATION_NOTICE.format(limit=limit)
    cut = text[: max(0, limit - len(notice))]
    if "\n" in cut:
        cut = cut[: cut.rindex("\n")]
    if cut.count("```") % 2:
        cut = cut[: cut.rindex("```")]
    return cut.rstrip("\n") + notice
