"""secrets: hard-coded credentials, found in-process with detect-secrets' detectors.

detect-secrets is used as a library of detectors only: each plugin's ``analyze_string`` on
lines that productready reads itself. Its file walker, global settings, baseline and network
verification are never used, so the scan reads exactly the inventory's files (relative to the
scan root, never through a symlink) and makes no network calls.

False-positive control, on top of detect-secrets' own heuristics: placeholder values
(``changeme``, ``<...>``, ``${...}``, ``your-…-here``, ``xxxx``, short values, …), references
(``os.environ[...]``, ``var.x``, ``$VAR``), lockfiles and hash fields, names that hold a *name* or
*path* of a secret (``secretName``, ``PASSWORD_FILE``), private-key armour with no key material,
and lines carrying detect-secrets' ``pragma: allowlist secret`` (counted in the result's details).

Secret values never leave this module: messages name the kind of secret and the variable it is
assigned to. The pipeline fills snippets with ``masking.mask_secrets``; a finding whose value that
masking would not hide is reported without a line (the message still says where), never with it.
"""

from __future__ import annotations

import os
import re
import stat
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from ..masking import GOOGLE_API_KEY, URL_CREDENTIALS, mask_secrets
from ..models import (
    Confidence,
    Finding,
    InventoryFile,
    Location,
    RuleInfo,
    ScanResult,
    ScanStatus,
    Severity,
    SkippedItem,
)
from .base import Clock, ScanContext, Scanner

_TAGS = ("secrets",)
_HELP = "https://github.com/Yelp/detect-secrets"
_LONG_LINE = 5000  # longer lines are searched by keyword and entropy detectors in overlapping windows
_WINDOW_OVERLAP = 400
# Must match pipeline._enrich: the snippet a finding gets is these lines, each cut to this width.
_SNIPPET_LINES = 5
_SNIPPET_WIDTH = 240


@dataclass(frozen=True)
class SecretRule:
    slug: str
    kind: str  # what kind of secret, as the message says it
    severity: Severity
    confidence: Confidence
    cwe: tuple[int, ...]
    rank: int = 1  # 0 private key, 1 known format, 2 keyword, 3 entropy: lower wins on overlap

    @property
    def rule_id(self) -> str:
        return f"secrets:{self.slug}"

    @property
    def title(self) -> str:
        return f"Hard-coded {self.kind}"


_C, _H, _M = Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM
_HI, _MED, _LO = Confidence.HIGH, Confidence.MEDIUM, Confidence.LOW

RULES: tuple[SecretRule, ...] = (
    SecretRule("private-key", "private key", _C, _HI, (321,), rank=0),
    SecretRule("aws-access-key", "AWS access key ID", _C, _HI, (798,)),
    SecretRule("aws-secret-key", "AWS secret access key", _C, _HI, (798,)),
    SecretRule("azure-storage-key", "Azure storage account key", _C, _HI, (798,)),
    SecretRule("gcp-api-key", "Google API key", _H, _HI, (798,)),
    SecretRule("github-token", "GitHub token", _H, _HI, (798,)),
    SecretRule("gitlab-token", "GitLab token", _H, _HI, (798,)),
    SecretRule("slack-token", "Slack token", _H, _HI, (798,)),
    SecretRule("slack-webhook", "Slack incoming-webhook URL", _M, _HI, (798,)),
    SecretRule("stripe-key", "Stripe live API key", _C, _HI, (798,)),
    SecretRule("sendgrid-key", "SendGrid API key", _H, _HI, (798,)),
    SecretRule("twilio-key", "Twilio account or API key SID", _M, _MED, (798,)),
    SecretRule("mailchimp-key", "Mailchimp API key", _H, _HI, (798,)),
    SecretRule("npm-token", "npm access token", _H, _HI, (798,)),
    SecretRule("pypi-token", "PyPI upload token", _H, _HI, (798,)),
    SecretRule("openai-key", "OpenAI API key", _H, _HI, (798,)),
    SecretRule("discord-token", "Discord bot token", _H, _HI, (798,)),
    SecretRule("telegram-token", "Telegram bot token", _H, _HI, (798,)),
    SecretRule("square-oauth-secret", "Square OAuth secret", _H, _HI, (798,)),
    SecretRule("artifactory-token", "Artifactory API token or password", _H, _MED, (798,)),
    SecretRule("ibm-cloud-iam-key", "IBM Cloud IAM API key", _H, _MED, (798,)),
    SecretRule("ibm-cos-hmac-key", "IBM Cloud Object Storage HMAC secret", _H, _MED, (798,)),
    SecretRule("softlayer-key", "SoftLayer API key", _H, _MED, (798,)),
    SecretRule("cloudant-credentials", "Cloudant credential", _H, _MED, (798,)),
    SecretRule("jwt", "JSON Web Token", _M, _MED, (798,)),
    SecretRule("url-credentials", "password in a URL", _H, _HI, (259,)),
    SecretRule("keyword-password", "password", _M, _MED, (259,), rank=2),
    SecretRule("keyword-secret", "secret or API key", _M, _MED, (798,), rank=2),
    SecretRule("high-entropy-string", "high-entropy string that looks like a secret", _M, _LO, (798,), rank=3),
)
_BY_SLUG = {r.slug: r for r in RULES}

_REMEDIATION = (
    "Remove the value from the repository, revoke and rotate it (it stays in the Git history), and "
    "supply it at run time from a secret store (vault, cloud secret manager, Kubernetes or Docker "
    "secrets, CI secrets). If it is a deliberate test value, use an obvious placeholder or mark the "
    "line with '# pragma: allowlist secret'."
)

# detect-secrets plugin class (module, class) → our slug, or a classifier on the value.
_PLUGINS: tuple[tuple[str, str, str], ...] = (
    ("private_key", "PrivateKeyDetector", "private-key"),
    ("aws", "AWSKeyDetector", "aws"),
    ("azure_storage_key", "AzureStorageKeyDetector", "azure-storage-key"),
    ("github_token", "GitHubTokenDetector", "github-token"),
    ("gitlab_token", "GitLabTokenDetector", "gitlab-token"),
    ("slack", "SlackDetector", "slack"),
    ("stripe", "StripeDetector", "stripe-key"),
    ("sendgrid", "SendGridDetector", "sendgrid-key"),
    ("twilio", "TwilioKeyDetector", "twilio-key"),
    ("mailchimp", "MailchimpDetector", "mailchimp-key"),
    ("npm", "NpmDetector", "npm-token"),
    ("pypi_token", "PypiTokenDetector", "pypi-token"),
    ("openai", "OpenAIDetector", "openai-key"),
    ("discord", "DiscordBotTokenDetector", "discord-token"),
    ("telegram_token", "TelegramBotTokenDetector", "telegram-token"),
    ("square_oauth", "SquareOAuthDetector", "square-oauth-secret"),
    ("artifactory", "ArtifactoryDetector", "artifactory-token"),
    ("ibm_cloud_iam", "IbmCloudIamDetector", "ibm-cloud-iam-key"),
    ("ibm_cos_hmac", "IbmCosHmacDetector", "ibm-cos-hmac-key"),
    ("softlayer", "SoftlayerDetector", "softlayer-key"),
    ("cloudant", "CloudantDetector", "cloudant-credentials"),
    ("jwt", "JwtTokenDetector", "jwt"),
)

_AWS_KEY_ID = re.compile(r"(?:A3T[A-Z0-9]|ABIA|ACCA|AKIA|ASIA)[0-9A-Z]{16}")
_AWS_SECRET_SHAPE = re.compile(r"[A-Za-z0-9/+]{40}")

# Allowlist pragmas (detect-secrets' syntax, any common comment leader).
_PRAGMA_SAME = re.compile(r"(?:#|//|/\*|--|<!--|')\s*pragma:\s?allowlist[ -]secret", re.I)
_PRAGMA_NEXT = re.compile(r"^\s*(?:#|//|/\*|--|<!--|')\s*pragma:\s?allowlist[ -]nextline[ -]secret", re.I)

# Values that stand for a secret instead of being one.
_PLACEHOLDER_WORDS = (
    "changeme", "changethis", "change-me", "change_me", "change-this", "change_this", "changeit",
    "replaceme", "replace-me", "replace_me", "placeholder", "example", "dummy", "fake", "sample",
    "redacted", "your-", "your_", "yourpassword", "yoursecret", "yourkey", "xxxx", "****", "....",
    "notasecret", "not-a-secret", "not_a_secret", "insert-", "insert_", "todo", "fixme",
)
_TEMPLATED = re.compile(
    r"^(?:<[^>]*>|\$\{[^}]*\}|\{\{.*\}\}|\$\([^)]*\)|%\([^)]*\)[sd]|\{[^}]*\}|\[[^\]]*\]|%[sd]|#\{[^}]*\})$"
)
_TEST_WORD = re.compile(r"(?:^|[^a-z])test", re.I)
_DOTTED_REF = re.compile(r"^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+(?:\(\))?$")
_ENV_NAME_REF = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$")
_LITERAL_WORDS = {
    "true", "false", "null", "none", "nil", "undefined", "yes", "no", "required", "optional",
    "string", "str", "bytes", "int", "bool", "secret", "password", "passwd", "token", "empty",
}
_NON_SECRET_SUFFIXES = {
    "name", "names", "ref", "keyref", "file", "files", "path", "paths", "dir", "id", "ids", "arn",
    "env", "var", "type", "length", "len", "min", "max", "count", "policy", "rotation", "version",
    "mode", "enabled", "required", "field", "header", "param", "label", "prompt", "template",
    "regex", "pattern", "url", "uri", "endpoint", "host", "hostname", "port", "user", "username",
    "expiry", "expires", "ttl", "format", "provider", "store", "manager", "backend", "source",
    "reset", "hint", "hash", "selector", "mount", "volume", "class", "kind", "secretref",
}
_HASH_CONTEXT = re.compile(
    r"(?i)(?:sha(?:1|224|256|384|512)[:\-=]|md5[:=]|--hash|integrity|checksum|digest|\bh1:|fingerprint|thumbprint)"
)
_NON_SECRET_ENTROPY_KEYS = _NON_SECRET_SUFFIXES | {
    "rev", "sha", "commit", "etag", "uuid", "guid", "image", "tag", "nonce", "salt", "checksum", "integrity",
}
_ASSIGNED_TO = re.compile(
    r"([A-Za-z_][\w.\-]*)[\"'`\]]{0,2}\s*(?:\[[0-9]*\])?\s*(?::=|::|={1,3}|!==?|=>|:|\(|\s)\s*@?[\"'`]?$"
)
_NOT_NAMES = {"if", "elif", "while", "return", "and", "or", "not", "in", "is", "case", "when", "assert", "print", "echo"}
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_K8S_NAME = re.compile(r"^\s*-\s*name:\s*[\"']?([A-Za-z_][\w.\-]*)[\"']?\s*$")
_K8S_VALUE = re.compile(r"^\s*value:\s*(\S.*?)\s*$")
_KEY_BODY_SAME_LINE = re.compile(r"(?:\\r|\\n|\s)*[A-Za-z0-9+/=]{16,}")  # JSON/".env" style "…KEY-----\nMIIE…"
_KEY_BODY_NEXT_LINE = re.compile(r"[A-Za-z0-9+/=]{16,}$|Proc-Type:|Comment:")
_PEM_END = re.compile(r"-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|^---- END SSH2")
# Every detect-secrets keyword contains one of these (a cheap pre-filter for its regexes).
_KEYWORD_HINT = re.compile(r"(?i)key|pass|pwd|secret|contrase")
_PASSWORD_WORD = re.compile(r"(?i)pass|pwd|contrase")

# Files never read for secrets (by design, recorded in the result's details).
_LOCKFILE_NAMES = {
    "poetry.lock", "uv.lock", "pipfile.lock", "pdm.lock", "package-lock.json", "yarn.lock", "pnpm-lock.yaml",
    "go.sum", "cargo.lock", "gemfile.lock", "composer.lock", "packages.lock.json", "podfile.lock",
    "cartfile.resolved", "package.resolved", "brewfile.lock.json", "npm-shrinkwrap.json",
}
_CONFIG_SUFFIXES = {".env", ".ini", ".cfg", ".conf", ".cnf", ".properties", ".toml", ".yaml", ".yml", ".sh", ".bash"}


@dataclass(frozen=True)
class _Candidate:
    slug: str
    value: str
    line: int
    end_line: int
    key: str = ""
    detail: str = ""

    @property
    def rule(self) -> SecretRule:
        return _BY_SLUG[self.slug]


@dataclass
class _Detectors:
    """Instances of the detect-secrets plugins (per run: nothing shared between scans)."""

    formats: list[tuple[str, Any]]
    keyword: Any
    base64: Any
    hex: Any
    config_regexes: Any
    quoted_regexes: Any
    by_filetype: Callable[[str], Any]
    heuristics: Any
    ignored_extensions: frozenset[str]
    version: str


def _load_detectors() -> _Detectors:
    import importlib

    from detect_secrets.__version__ import VERSION
    from detect_secrets.filters import heuristic
    from detect_secrets.plugins import keyword
    from detect_secrets.plugins.high_entropy_strings import Base64HighEntropyString, HexHighEntropyString
    from detect_secrets.util.filetype import determine_file_type

    formats = [
        (slug, getattr(importlib.import_module(f"detect_secrets.plugins.{mod}"), cls)())
        for mod, cls, slug in _PLUGINS
    ]

    def by_filetype(path: str) -> Any:
        return keyword.REGEX_BY_FILETYPE.get(determine_file_type(path), keyword.QUOTES_REQUIRED_DENYLIST_REGEX_TO_GROUP)

    return _Detectors(
        formats=formats,
        keyword=keyword.KeywordDetector(),
        base64=Base64HighEntropyString(),
        hex=HexHighEntropyString(),
        config_regexes=keyword.CONFIG_DENYLIST_REGEX_TO_GROUP,
        quoted_regexes=keyword.QUOTES_REQUIRED_DENYLIST_REGEX_TO_GROUP,
        by_filetype=by_filetype,
        heuristics=heuristic,
        ignored_extensions=frozenset(heuristic.IGNORED_FILE_EXTENSIONS),
        version=str(VERSION),
    )


@dataclass
class _FileScan:
    candidates: list[_Candidate] = field(default_factory=list)
    pragma_lines: list[int] = field(default_factory=list)
    long_lines: int = 0


class SecretsScanner(Scanner):
    name = "secrets"
    description = "hard-coded credentials: known key formats, secret-named assignments and high-entropy strings (detect-secrets detectors)"

    def rules(self) -> tuple[RuleInfo, ...]:
        return tuple(RuleInfo(r.rule_id, r.title, r.cwe, _TAGS, ()) for r in RULES)

    def run(self, ctx: ScanContext) -> ScanResult:
        clock = Clock()
        deadline = time.monotonic() + ctx.timeout
        files = list(ctx.inventory.files)
        if not files:
            started, finished = clock.stop()
            return self.result(
                ctx, ScanStatus.SKIPPED, "no files to scan", started=started, finished=finished, applicable=False
            )
        try:
            det = _load_detectors()
        except ImportError as exc:
            started, finished = clock.stop()
            return self.result(
                ctx, ScanStatus.FAILED, f"detect-secrets is not installed ({exc.name or exc})",
                started=started, finished=finished,
            )
        findings: list[Finding] = []
        skipped: list[SkippedItem] = []
        pragmas: list[str] = []
        excluded = 0
        scanned = 0
        long_lines = 0
        timed_out = False
        for f in files:
            if _excluded(f, det.ignored_extensions):
                excluded += 1
                continue
            if time.monotonic() > deadline:
                timed_out = True
                break
            text, why = _read(ctx.root, f.path)
            if text is None:
                skipped.append(SkippedItem(f.path, why))
                continue
            scan = _scan_text(f, text, det, deadline)
            if scan is None:
                timed_out = True
                break
            scanned += 1
            long_lines += scan.long_lines
            pragmas.extend(f"{f.path}:{n}" for n in scan.pragma_lines)
            lines = text.splitlines()
            findings.extend(_finding(f.path, c, lines) for c in _select(scan.candidates))
        started, finished = clock.stop()
        details: list[tuple[str, str]] = [
            ("engine", f"detect-secrets {det.version}"),
            ("allowlist_pragmas", str(len(pragmas))),
        ]
        if pragmas:
            details.append(("allowlist_pragma_locations", ",".join(pragmas)))
        if excluded:
            details.append(("excluded_files", f"{excluded} (lockfiles and non-text formats are not searched)"))
        if long_lines:
            details.append(("long_lines", f"{long_lines} line(s) over {_LONG_LINE} characters, searched in windows"))
        common: dict[str, Any] = {
            "version": det.version, "started": started, "finished": finished, "files_scanned": scanned,
            "findings": tuple(sorted(findings, key=Finding.sort_key)), "details": tuple(details),
            "skipped": tuple(sorted(set(skipped))),
        }
        if timed_out:
            return self.result(
                ctx, ScanStatus.FAILED,
                f"secrets scan timed out after {ctx.timeout}s ({scanned} of {len(files) - excluded} files searched)",
                **common,
            )
        if skipped:
            return self.result(ctx, ScanStatus.PARTIAL, f"{len(skipped)} file(s) could not be searched for secrets", **common)
        return self.result(ctx, ScanStatus.OK, **common)


def _excluded(f: InventoryFile, ignored_extensions: frozenset[str]) -> bool:
    name = PurePosixPath(f.path).name.lower()
    if "lockfile" in f.kinds or name in _LOCKFILE_NAMES or name.endswith((".lock", ".min.js", ".min.css", ".map")):
        return True
    return PurePosixPath(name).suffix in ignored_extensions


def _read(root: Path, rel: str) -> tuple[str | None, str]:
    """The file's text, read without following a symlink and only inside the root."""
    full = root / rel
    try:
        if not full.resolve().is_relative_to(root):
            return None, "outside the repository; not read"
        fd = os.open(full, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(fd, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                return None, "not a regular file"
            data = fh.read()
    except OSError as exc:
        return None, f"cannot read: {exc.strerror or exc}"
    try:
        return data.decode("utf-8"), ""
    except UnicodeDecodeError:
        return None, "not valid UTF-8 text; not searched for secrets"


def _scan_text(f: InventoryFile, text: str, det: _Detectors, deadline: float) -> _FileScan | None:
    """Every candidate secret in one file; None when the time budget ran out."""
    out = _FileScan()
    lines = text.splitlines()
    config_style = f.language in ("yaml", "dockerfile", "shell", "toml") or bool(f.kinds & {"env-file", "compose"}) or (
        PurePosixPath(f.path).suffix.lower() in _CONFIG_SUFFIXES
    )
    keyword_regexes = det.config_regexes if config_style else det.by_filetype(f.path)
    mentions_aws = "aws" in text.lower()
    # A rule that matches nowhere in the file matches on no line of it: only the others run per line.
    active = [(slug, plugin, rxs) for slug, plugin in det.formats if (rxs := [rx for rx in plugin.denylist if rx.search(text)])]
    keyword_file = bool(_KEYWORD_HINT.search(text))
    for i, line in enumerate(lines, start=1):
        if i % 2000 == 0 and time.monotonic() > deadline:
            return None
        allowlisted = bool(_PRAGMA_SAME.search(line)) or (i > 1 and bool(_PRAGMA_NEXT.search(lines[i - 2])))
        found: list[_Candidate] = []
        long_line = len(line) > _LONG_LINE
        if long_line:
            out.long_lines += 1
        for slug, plugin, rxs in active:
            for value in _format_values(slug, plugin, rxs, line):
                found.extend(_format_candidate(slug, value, i, line, lines))
        for m in GOOGLE_API_KEY.finditer(line):
            found.append(_Candidate("gcp-api-key", m.group(0), i, i, _key_before(line, m.start())))
        for m in URL_CREDENTIALS.finditer(line):
            if _plausible(m.group(2), strict=True, heuristics=det.heuristics):
                scheme_at = m.start()
                found.append(_Candidate("url-credentials", m.group(2), i, i, _key_before(line, scheme_at)))
        # Long lines (minified code, data) are searched in overlapping windows: bounded regex cost, no gap.
        for part in _windows(line) if long_line else (line,):
            if keyword_file and _KEYWORD_HINT.search(part):
                found.extend(_keyword_candidates(part, i, keyword_regexes, det, mentions_aws, config_style))
            if "'" in part or '"' in part:
                found.extend(_entropy_candidates(part, i, det, mentions_aws))
        if not long_line and keyword_file and f.language == "yaml" and i > 1:
            found.extend(_k8s_env_candidates(lines[i - 2], line, i, det, mentions_aws))
        if found and allowlisted:
            out.pragma_lines.append(i)
            continue
        out.candidates.extend(found)
    return out


def _windows(line: str) -> Iterator[str]:
    step = _LONG_LINE - _WINDOW_OVERLAP
    for start in range(0, len(line), step):
        yield line[start : start + _LONG_LINE]


def _format_values(slug: str, plugin: Any, regexes: list[Any], line: str) -> set[str]:
    """The secret each known-format rule matches: the whole match, or its capture group when that
    group is the secret (``aws_secret = "…"``) rather than a prefix (``(ghp|gho)_…``)."""
    if slug == "jwt":  # its analyze_string also checks that the token is well-formed
        return set(plugin.analyze_string(line))
    out: set[str] = set()
    for rx in regexes:
        for m in rx.finditer(line):
            groups = [g for g in m.groups() if g]
            best = max(groups, key=len) if groups else ""
            out.add(best if len(best) >= 8 else m.group(0).strip(" \t=:\"'"))
    return out


def _format_candidate(slug: str, value: str, i: int, line: str, lines: list[str]) -> Iterator[_Candidate]:
    if slug == "private-key":
        end = _private_key_end(i, line, lines)
        if end:
            kind = re.search(r"BEGIN ((?:[A-Z0-9]+ )*?)PRIVATE KEY", line)
            algo = (kind.group(1).strip() + " ") if kind and kind.group(1).strip() else ""
            yield _Candidate("private-key", value, i, end, detail=algo)
        return
    if _placeholder(value, strict=False):
        return
    if slug == "aws":
        slug = "aws-access-key" if _AWS_KEY_ID.fullmatch(value) else "aws-secret-key"
    elif slug == "slack":
        slug = "slack-webhook" if value.lower().startswith("https://") else "slack-token"
    yield _Candidate(slug, value, i, i, _key_before(line, line.find(value)))


def _private_key_end(i: int, line: str, lines: list[str]) -> int:
    """Last line of the key block when real key material follows the armour; 0 when it does not."""
    m = re.search(r"BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|PuTTY-User-Key-File-\d|BEGIN SSH2 ENCRYPTED PRIVATE KEY", line)
    if m is None:
        return 0
    if line.lstrip().startswith("PuTTY-User-Key-File-"):
        return i
    if not _KEY_BODY_SAME_LINE.match(line[m.end() :]) and not (
        i < len(lines) and _KEY_BODY_NEXT_LINE.match(lines[i].strip().strip("\"',"))
    ):
        return 0
    for j in range(i, min(len(lines), i + 200)):
        if _PEM_END.search(lines[j]):
            return j + 1
    return i


def _keyword_candidates(
    line: str, i: int, regexes: Any, det: _Detectors, mentions_aws: bool, config_style: bool
) -> Iterator[_Candidate]:
    for raw in set(det.keyword.analyze_string(line, denylist_regex_to_group=regexes)):
        value = _clean(raw, config_style)
        if not value or det.heuristics.is_indirect_reference(line):
            continue
        at = line.find(value)
        key = _key_before(line, at)
        cand = _keyword_candidate(value, key, line, i, i, det, mentions_aws)
        if cand is not None:
            yield cand


def _keyword_candidate(
    value: str, key: str, line: str, line_no: int, end: int, det: _Detectors, mentions_aws: bool
) -> _Candidate | None:
    if _secret_name_is_not_a_secret(key) or not _plausible(value, strict=True, heuristics=det.heuristics):
        return None
    if _reference(value) or _HASH_CONTEXT.search(line):
        return None
    if _AWS_SECRET_SHAPE.fullmatch(value) and mentions_aws and re.search(r"(?i)secret|aws", key):
        return _Candidate("aws-secret-key", value, line_no, end, key)
    password = bool(_PASSWORD_WORD.search(key)) if key else bool(_PASSWORD_WORD.search(line))
    return _Candidate("keyword-password" if password else "keyword-secret", value, line_no, end, key)


def _k8s_env_candidates(prev: str, line: str, i: int, det: _Detectors, mentions_aws: bool) -> Iterator[_Candidate]:
    """``- name: DB_PASSWORD`` followed by ``value: literal`` (Kubernetes env entries)."""
    name_m = _K8S_NAME.match(prev)
    value_m = _K8S_VALUE.match(line)
    if not name_m or not value_m:
        return
    name = name_m.group(1)
    synthetic = f"{name}: {value_m.group(1)}"
    for raw in set(det.keyword.analyze_string(synthetic, denylist_regex_to_group=det.config_regexes)):
        value = _clean(raw, True)
        if value:
            cand = _keyword_candidate(value, name, synthetic, i - 1, i, det, mentions_aws)
            if cand is not None:
                yield cand


def _entropy_candidates(line: str, i: int, det: _Detectors, mentions_aws: bool) -> Iterator[_Candidate]:
    if _HASH_CONTEXT.search(line):
        return
    for plugin, label in ((det.base64, "base64"), (det.hex, "hex")):
        for value in set(plugin.analyze_string(line)):
            entropy = plugin.calculate_shannon_entropy(value)
            if entropy <= plugin.entropy_limit:
                continue
            h = det.heuristics
            if h.is_sequential_string(value) or h.is_potential_uuid(value) or h.is_likely_id_string(value, line, plugin):
                continue
            if not _plausible(value, strict=True, heuristics=h):
                continue
            key = _key_before(line, line.find(value))
            if key and _last_word(key) in _NON_SECRET_ENTROPY_KEYS:
                continue
            if _AWS_SECRET_SHAPE.fullmatch(value) and mentions_aws and re.search(r"(?i)secret|aws", key):
                yield _Candidate("aws-secret-key", value, i, i, key)
            else:
                yield _Candidate("high-entropy-string", value, i, i, key, detail=f"{label}, {entropy:.1f} bits/char")


def _clean(raw: str, config_style: bool) -> str:
    value = raw.strip()
    if config_style:
        value = re.split(r"\s+#", value, maxsplit=1)[0].strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'`":
        value = value[1:-1]
    return value


def _plausible(value: str, *, strict: bool, heuristics: Any) -> bool:
    """False for values that are placeholders or obviously not secrets."""
    if _placeholder(value, strict=strict):
        return False
    if heuristics.is_templated_secret(value) or heuristics.is_prefixed_with_dollar_sign(value):
        return False
    if heuristics.is_not_alphanumeric_string(value) or heuristics.is_sequential_string(value):
        return False
    return not (strict and len(value.split()) >= 3)  # prose, not a credential


def _placeholder(value: str, *, strict: bool) -> bool:
    v = value.strip().strip("\"'`")
    low = v.lower()
    if not v or len(set(low)) == 1 or _TEMPLATED.match(v):
        return True
    if any(w in low for w in _PLACEHOLDER_WORDS):
        return True
    return strict and (len(v) < 8 or low in _LITERAL_WORDS or bool(_TEST_WORD.search(low)))


def _reference(value: str) -> bool:
    v = value.strip()
    if v.startswith(("/", "./", "../", "~/", "file:", "!", "*", "&", "@", "%(", "#{")):
        return True
    if _DOTTED_REF.match(v) and not any(c.isdigit() for c in v):
        return True
    return bool(_ENV_NAME_REF.match(v))


def _key_before(line: str, at: int) -> str:
    """The name the value at ``at`` is assigned to (``NAME = "…"``, ``"name": "…"``), or ""."""
    if at <= 0:
        return ""
    m = _ASSIGNED_TO.search(line[max(0, at - 200) : at])
    return m.group(1)[:60] if m and m.group(1).lower() not in _NOT_NAMES else ""


def _last_word(name: str) -> str:
    parts = [p for p in re.split(r"[_\-.]", _CAMEL.sub("_", name)) if p]
    return parts[-1].lower() if parts else ""


def _secret_name_is_not_a_secret(key: str) -> bool:
    return bool(key) and _last_word(key) in _NON_SECRET_SUFFIXES


def _select(cands: Iterable[_Candidate]) -> list[_Candidate]:
    """One finding per secret: the most specific detector wins; nothing inside a private key block."""
    kept: list[_Candidate] = []
    for c in sorted(cands, key=lambda c: (c.rule.rank, c.line, c.slug, c.value)):
        overlaps = False
        for k in kept:
            same_lines = c.line <= k.end_line and k.line <= c.end_line
            if not same_lines:
                continue
            if k.slug == "private-key" or c.value in k.value or k.value in c.value:
                overlaps = True
                break
        if not overlaps:
            kept.append(c)
    return kept


def _finding(path: str, c: _Candidate, lines: list[str]) -> Finding:
    rule = c.rule
    if c.slug == "private-key":
        span = f"lines {c.line}-{c.end_line}" if c.end_line > c.line else f"line {c.line}"
        message = f"{c.detail}private key committed ({span})"
    elif c.slug == "high-entropy-string":
        message = f"high-entropy string ({c.detail}) that looks like a secret"
    else:
        message = f"hard-coded {rule.kind}"
    if c.key and c.value not in c.key and c.slug != "private-key":
        message += f" assigned to '{c.key}'"
    line, end = c.line, c.end_line
    if c.slug != "private-key" and _snippet_leaks(c.value, lines, line, end):
        message += f" on line {line} (line not linked: its text cannot be shown with the value masked)"
        line = end = 0
    return Finding(
        scanner="secrets",
        rule_id=rule.rule_id,
        severity=rule.severity,
        confidence=rule.confidence,
        title=rule.title,
        message=message,
        location=Location(path, line, end),
        cwe=rule.cwe,
        tags=_TAGS,
        remediation=_REMEDIATION,
        help_url=_HELP,
    )


def _snippet_leaks(value: str, lines: list[str], line: int, end_line: int) -> bool:
    """Would the pipeline's masked snippet of these lines still show part of the value?

    Masking may keep a value's first three characters; any other run of five characters of the
    value showing in the masked snippet counts as a leak.
    """
    if not (0 < line <= len(lines)):
        return False
    end = max(line, min(end_line or line, line + _SNIPPET_LINES - 1, len(lines)))
    snippet = mask_secrets("\n".join(ln[:_SNIPPET_WIDTH] for ln in lines[line - 1 : end]))
    public = "\n".join(lines[line - 1 : end]).replace(value, "\0")  # the snippet's text around the value
    tail = value[3:] if len(value) > 8 else value
    if len(tail) < 5:
        return len(tail) >= 3 and tail in snippet and tail not in public
    return any(g in snippet and g not in public for g in (tail[j : j + 5] for j in range(len(tail) - 4)))
