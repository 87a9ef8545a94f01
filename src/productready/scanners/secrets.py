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

Speed: most lines cannot hold a candidate, so a few cheap probes (substrings, and regexes that
begin with a literal) first find the lines that could; the detectors run on those lines only, and a
file with none is not split into lines at all. Each probe is a necessary condition of what a detector
can report, read off that detector's pattern (see ``_FORMAT_PROBES``); a check of the patterns turns
the probes off, and every line is searched, if detect-secrets' patterns ever differ from the ones they
were derived from.

Secret values never leave this module: messages name the kind of secret and the variable it is
assigned to. The pipeline fills snippets with ``masking.mask_secrets``; a finding whose value that
masking would not hide is reported without a line (the message still says where), never with it.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import time
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from itertools import accumulate
from pathlib import Path, PurePosixPath
from typing import Any

from .. import masking as _masking
from ..cache import FileOutcome, make_salt, source_digest
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
from .base import Clock, ScanContext, Scanner, cache_plan, cache_store

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


# ---------------------------------------------------------------------------- prefilter
#
# A line is searched only when a probe hits it; a file no probe hits is only counted. Every probe
# below is a necessary condition, on one line, of something the line search can report, so the
# lines it skips are lines where nothing could be found (the result is the same as searching every
# line). Why each one is necessary, from the detector's own pattern (detect-secrets 1.5.0):
#
# * Known formats (``_FORMAT_PROBES``): each probe is a literal every match of the detector's
#   regexes contains (``AccountKey=``, ``eyJ``, ``pypi-AgE``, …), or a regex that is a piece of the
#   detector's regex with the same character classes (``AC[a-z0-9]{32}``, the telegram ``:`` + 35
#   characters, the discord ``.`` + 6 + ``.`` + 27). A rule runs on a file only when one of its
#   probes hits somewhere in it: its regexes cannot match on any line of a file its probes miss.
#   The IBM / SoftLayer / Cloudant assignment rules (``build_assignment_regex``) all end their
#   keyword in key, pwd, pw, password, pass or token, then allow ``["']?]?`` + spaces + one of ``= : := =>
#   (spaces) ::`` + spaces + ``["']?`` before a secret of 24 or more of ``[a-zA-Z0-9_-]`` (44, 48 hex,
#   64, 64 hex, 24 letters): ``_ASSIGNED_LONG`` is that shape, loosened.
# * Keyword detector: each of its regexes contains a word of its DENYLIST (``api_?key``, ``db_?pass``,
#   ``password``, ``pwd``, ``secret``, ``contraseña`` …), found by ``_keyword_spans``. That covers
#   the windows of a long line (a window's match is a match in the line) and Kubernetes
#   ``- name: X`` / ``value: Y`` pairs on YAML lines that contain ``value:`` (probed separately).
# * Entropy detectors: a value is reported only when it is at least 8 characters long
#   (``_plausible``) and its Shannon entropy is above the limit; a string of k distinct characters
#   has entropy at most log2(k), so it needs more than 2**limit distinct characters (> 22.6 for
#   base64, > 8 for hex), hence at least that many characters. The probe is the detectors' own
#   quoted-string regex with that minimum length (``floor(2**limit)``, one less than needed, so that
#   float rounding at exactly 2**limit cannot matter).
# * Google API key and URL credentials: ``GOOGLE_API_KEY`` itself; ``://`` + user + ``:`` +
#   password + ``@``, the tail of ``URL_CREDENTIALS`` with its character classes.
#
# Case-insensitive patterns are probed in ``_fold(text)``. No probe can match a line break, so a hit
# lies on one line and the probes run on the whole text, not line by line.
#
# The probes were derived from the patterns that ``_PATTERNS_DIGEST`` fingerprints: when
# detect-secrets' patterns differ (another version), the prefilter is off and every line is searched.

_TEXT, _FOLDED = False, True
# In the folded text; one regex per keyword ending (key|pwd|pw|password|pass|token), as a leading
# literal makes a regex search fast.
_ASSIGNED_LONG = tuple(
    re.compile(rf"""{end}["'\]]{{0,2}}[ =:>]+["']?[a-z0-9_\-]{{24}}""") for end in ("key", "pwd?", "pass(?:word)?", "token")
)
_ASSIGNED_RULES = ("ibm-cloud-iam-key", "ibm-cos-hmac-key", "softlayer-key", "cloudant-credentials")
# (probe, searched in the folded text?, rules it lets run). A str is a plain substring.
_FORMAT_PROBES: tuple[tuple[str | re.Pattern[str], bool, tuple[str, ...]], ...] = (
    ("PRIVATE KEY", _TEXT, ("private-key",)),  # BEGIN {DSA,EC,OPENSSH,PGP,RSA,SSH2 ENCRYPTED,} PRIVATE KEY
    ("PuTTY-User-Key-File-2", _TEXT, ("private-key",)),
    (re.compile(r"A(?:3T[A-Z0-9]|BIA|CCA|KIA|SIA)[0-9A-Z]{16}"), _TEXT, ("aws",)),  # its first regex, "A" factored out
    ("aws", _FOLDED, ("aws",)),  # (?i)aws.{0,20}?(?:key|…).{0,20}?['"]([0-9a-zA-Z/+]{40})['"]
    ("AccountKey=", _TEXT, ("azure-storage-key",)),
    (re.compile(r"gh[pousr]_|gl(?:pat|dt|ft|soat|rt|cbt|imt|ptt|agent|oas)-"), _TEXT,
     ("github-token", "gitlab-token")),  # (ghp|gho|ghu|ghs|ghr)_ ; the GitLab prefixes
    ("GR1348941", _TEXT, ("gitlab-token",)),
    ("xox", _FOLDED, ("slack",)),  # (?i)xox(?:a|b|p|o|s|r)-…
    ("hooks.slack.com", _FOLDED, ("slack",)),  # (?i)https://hooks\.slack\.com/services/…
    ("k_live_", _TEXT, ("stripe-key",)),  # (?:r|s)k_live_…
    ("SG.", _TEXT, ("sendgrid-key",)),
    (re.compile(r"AC[a-z0-9]{32}"), _TEXT, ("twilio-key",)),  # its two regexes, verbatim
    (re.compile(r"SK[a-z0-9]{32}"), _TEXT, ("twilio-key",)),
    (re.compile(r"-us[0-9]"), _TEXT, ("mailchimp-key",)),  # [0-9a-z]{32}-us[0-9]{1,2}
    (":_authToken=", _TEXT, ("npm-token",)),  # \/\/.+\/:_authToken=…
    ("pypi-AgE", _TEXT, ("pypi-token",)),  # pypi-AgEIcHlwaS5vcmc…, pypi-AgENdGVzdC5weXBpLm9yZw…
    ("T3BlbkFJ", _TEXT, ("openai-key",)),
    (re.compile(r"\.[a-zA-Z\d_-]{6}\.[a-zA-Z\d_-]{27}"), _TEXT, ("discord-token",)),  # [MNO][…]{23,25}\.[…]{6}\.[…]{27}
    (re.compile(r":[0-9A-Za-z_-]{35}"), _TEXT, ("telegram-token",)),  # \d{8,10}:[0-9A-Za-z_-]{35}
    ("sq0csp-", _TEXT, ("square-oauth-secret",)),
    (re.compile(r"AKC[a-zA-Z0-9]{10}"), _TEXT, ("artifactory-token",)),  # (?:\s|=|:|"|^)AKC[a-zA-Z0-9]{10,}…
    (re.compile(r"AP[\dABCDEF][a-zA-Z0-9]{8}"), _TEXT, ("artifactory-token",)),  # …AP[\dABCDEF][a-zA-Z0-9]{8,}…
    *((probe, _FOLDED, _ASSIGNED_RULES) for probe in _ASSIGNED_LONG),
    ("softlayer", _FOLDED, ("softlayer-key",)),  # (?i)(?:http|https)://api.softlayer.com/soap/…
    ("cloudant", _FOLDED, ("cloudant-credentials",)),  # (?i)https?://…@…\.cloudant\.com
    ("eyJ", _TEXT, ("jwt",)),
    (GOOGLE_API_KEY, _TEXT, ()),
    (re.compile(r"://[^\s:/@]+:[^\s@/]+@"), _TEXT, ()),  # URL_CREDENTIALS from its "://"
)
# The keyword detector's DENYLIST, folded: "…key" and "…pass" words need what precedes them.
_KEY_WORDS = tuple(w + sep for w in ("api", "auth", "service", "account", "db", "database", "priv", "private", "client") for sep in ("", "_"))
_PASS_WORDS = tuple(w + sep for w in ("db", "database", "key") for sep in ("", "_"))
_PASS_SUFFIXES = ("password", "passwd")
_PLAIN_KEYWORDS = ("pwd", "secret", "contrase")  # contraseña, contrasena

# sha256 of the detector patterns the probes were derived from (see _patterns_digest).
_PATTERNS_DIGEST = "9ea73802a33295a8b8bdb584eedc41ee84c4bc9dde65b5a331787acc0dc1a4d3"

# Under re.IGNORECASE a character matches an ASCII letter x only if it is x in either case or one of
# U+0130 and U+0131 (i), U+017F (s), U+212A (k). _fold maps those to their letter and lowercases the
# rest; str.lower keeps every other character's length, so offsets in the folded text are offsets in
# the text and a case-insensitive ASCII match in the text is a plain match of its lowercase in the fold.
_FOLD = (("\u0130", "i"), ("\u0131", "i"), ("\u017f", "s"))


def _fold(text: str) -> str:
    if not text.isascii():
        for char, letter in _FOLD:
            if char in text:
                text = text.replace(char, letter)
    return text.lower()


def _find_all(haystack: str, needle: str, out: list[int]) -> None:
    at = haystack.find(needle)
    while at >= 0:
        out.append(at)
        at = haystack.find(needle, at + 1)


def _keyword_spans(low: str) -> Iterator[tuple[int, int]]:
    """Start and end, in the folded text, of every word of the keyword detector's DENYLIST (a "…pass"
    word may run on: password, passwd)."""
    for word in _PLAIN_KEYWORDS:
        at = low.find(word)
        while at >= 0:
            yield at, at + len(word)
            at = low.find(word, at + 1)
    at = low.find("key")
    while at >= 0:
        if low.endswith(_KEY_WORDS, 0, at):
            yield at, at + 3
        at = low.find("key", at + 1)
    at = low.find("pass")
    while at >= 0:
        if low.startswith(_PASS_SUFFIXES, at) or low.endswith(_PASS_WORDS, 0, at):
            yield at, at + 4
        at = low.find("pass", at + 1)


# What the keyword detector's regexes (every file type's) need besides a DENYLIST word: right after
# the word and the rest of its \w* run, one of ``["'\]]{0,2}`` + spaces + ``:`` ``=`` ``!`` (the
# colon, equal-sign, arrow and ``:=`` forms), ``[N]`` + spaces + ``=`` or ``!`` (C), ``.assign("`` or
# ``("`` (C++); or, anywhere, a ``;`` (FOLLOWED_BY_QUOTES_AND_SEMICOLON) or two of ``!=`` in a row
# (PRECEDED_BY_EQUAL_COMPARISON_SIGNS).
_KEYWORD_TAIL = re.compile(r"""\w*(?:[\]'"]{0,2}\s*[:=!]|\[[0-9]*\]\s*[!=]|(?:.assign)?\(")""")
_COMPARISON = re.compile(r"[!=]{2}")


def _keyword_may_match(part: str) -> bool:
    """False only when no regex of the keyword detector can match in ``part``."""
    if ";" in part or _COMPARISON.search(part):
        return True
    return any(_KEYWORD_TAIL.match(part, end) for _, end in _keyword_spans(_fold(part)))


class _Prefilter:
    """The probes, ready to run on a file."""

    def __init__(self, entropy: re.Pattern[str]) -> None:
        self.entropy = entropy  # a quoted string long enough to be above either entropy limit
        # Probes of the text that begin with a capital letter share one regex: an alternation whose
        # branches all begin with a literal is searched about as fast as one literal. A line that
        # one branch matches holds a match of the alternation (no branch can match a line break), and
        # a hit lets every rule of every branch run (more than needed, never less).
        capital: list[tuple[str | re.Pattern[str], tuple[str, ...]]] = []
        self.probes: list[tuple[str | re.Pattern[str], bool, frozenset[str]]] = []
        for probe, folded, rules in _FORMAT_PROBES:
            if not folded and _source(probe)[:1].isupper():
                capital.append((probe, rules))
            else:
                self.probes.append((probe, folded, frozenset(rules)))
        merged = re.compile("|".join(_source(probe) for probe, _ in capital))
        self.probes.insert(0, (merged, _TEXT, frozenset(r for _, rules in capital for r in rules)))

    def search(self, text: str, yaml: bool) -> tuple[list[int], frozenset[str]]:
        """Offsets of every probe hit in the text, and the known-format rules that can match in it."""
        hits: list[int] = []
        rules: set[str] = set()
        low = _fold(text)
        for probe, folded, slugs in self.probes:
            where = low if folded else text
            before = len(hits)
            if isinstance(probe, str):
                _find_all(where, probe, hits)
            else:
                hits.extend(m.start() for m in probe.finditer(where))
            if len(hits) > before:
                rules.update(slugs)
        hits.extend(m.start() for m in self.entropy.finditer(text))
        hits.extend(start for start, _ in _keyword_spans(low))
        if yaml:
            _find_all(text, "value:", hits)  # _K8S_VALUE
        return hits, frozenset(rules)


def _source(probe: str | re.Pattern[str]) -> str:
    return re.escape(probe) if isinstance(probe, str) else probe.pattern


def _may_have_long_line(text: str) -> bool:
    """False only when no line is longer than _LONG_LINE: a line that long contains a whole aligned
    block of _LONG_LINE // 2 characters, and every such block here holds a line break."""
    block = _LONG_LINE // 2
    return any(text.find("\n", start, start + block) < 0 for start in range(0, len(text) - block + 1, block))


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
    prefilter: _Prefilter | None = None  # None: every line of every file is searched


def _patterns_digest(version: str, formats: list[tuple[str, Any]], keyword: Any, entropy: list[Any]) -> str:
    """Fingerprint of every pattern the prefilter's probes were derived from."""
    parts: list[object] = [version, GOOGLE_API_KEY.pattern, GOOGLE_API_KEY.flags, URL_CREDENTIALS.pattern, URL_CREDENTIALS.flags]
    for slug, plugin in formats:
        parts += [slug, type(plugin).__name__, *((rx.pattern, rx.flags) for rx in plugin.denylist)]
    parts += [keyword.DENYLIST]
    for name in sorted(n for n in dir(keyword) if n.endswith("_TO_GROUP")):
        parts += [name, *((rx.pattern, rx.flags, group) for rx, group in getattr(keyword, name).items())]
    for plugin in entropy:
        parts += [type(plugin).__name__, plugin.charset, plugin.entropy_limit, plugin.regex.pattern, plugin.regex.flags]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def _entropy_probe(plugins: list[Any]) -> re.Pattern[str]:
    """A quoted string of one detector's charset, at least floor(2 ** limit) characters long."""
    alternatives = "|".join(f"[{re.escape(p.charset)}]{{{int(2 ** p.entropy_limit)},}}" for p in plugins)
    return re.compile(rf"""(['"])(?:{alternatives})\1""")


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

    b64, hexa = Base64HighEntropyString(), HexHighEntropyString()
    digest = _patterns_digest(str(VERSION), formats, keyword, [b64, hexa])
    return _Detectors(
        formats=formats,
        keyword=keyword.KeywordDetector(),
        base64=b64,
        hex=hexa,
        config_regexes=keyword.CONFIG_DENYLIST_REGEX_TO_GROUP,
        quoted_regexes=keyword.QUOTES_REQUIRED_DENYLIST_REGEX_TO_GROUP,
        by_filetype=by_filetype,
        heuristics=heuristic,
        ignored_extensions=frozenset(heuristic.IGNORED_FILE_EXTENSIONS),
        version=str(VERSION),
        prefilter=_Prefilter(_entropy_probe([b64, hexa])) if digest == _PATTERNS_DIGEST else None,
    )


@dataclass
class _FileScan:
    candidates: list[_Candidate] = field(default_factory=list)
    pragma_lines: list[int] = field(default_factory=list)
    long_lines: int = 0
    lines: list[str] = field(default_factory=list)  # the file's lines, when any was searched


class _FileFacts:
    """What the line search needs to know about the whole file, each worked out on first use."""

    def __init__(self, f: InventoryFile, text: str, det: _Detectors) -> None:
        self.f, self.text, self.det = f, text, det
        self.config_style = f.language in ("yaml", "dockerfile", "shell", "toml") or bool(
            f.kinds & {"env-file", "compose"}
        ) or (PurePosixPath(f.path).suffix.lower() in _CONFIG_SUFFIXES)

    @cached_property
    def keyword_regexes(self) -> Any:
        return self.det.config_regexes if self.config_style else self.det.by_filetype(self.f.path)

    @cached_property
    def mentions_aws(self) -> bool:
        return "aws" in self.text.lower()

    @cached_property
    def keyword_file(self) -> bool:
        return bool(_KEYWORD_HINT.search(self.text))


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
        scanned = 0
        long_lines = 0
        timed_out = False
        reader = _Reader(ctx.root)
        searched = [f for f in files if not _excluded(f, det.ignored_extensions)]
        excluded = len(files) - len(searched)
        # what decides a file's result besides its bytes: detectors, our code and masking rules, and the
        # inventory's view of the file (its kinds and language)
        salt = make_salt(__file__, "secrets", det.version, source_digest(_masking.__file__))
        plan = cache_plan(ctx, salt, [f.path for f in searched],
                          {f.path: f.language + "\0" + ",".join(sorted(f.kinds)) for f in searched})
        fresh: dict[str, FileOutcome] = {}
        for f in searched:
            outcome = plan.hits.get(f.path)
            if outcome is None:
                if time.monotonic() > deadline:
                    timed_out = True
                    break
                text, why = reader.read(f.path)
                if text is None:
                    skipped.append(SkippedItem(f.path, why))
                    continue
                scan = _scan_text(f, text, det, deadline)
                if scan is None:
                    timed_out = True
                    break
                outcome = fresh[f.path] = FileOutcome(
                    tuple(_finding(f.path, c, scan.lines) for c in _select(scan.candidates)),
                    extra=(("long_lines", str(scan.long_lines)), ("pragmas", ",".join(map(str, scan.pragma_lines)))),
                )
            scanned += 1
            facts = dict(outcome.extra)
            long_lines += int(facts.get("long_lines", "0"))
            pragmas.extend(f"{f.path}:{n}" for n in facts.get("pragmas", "").split(",") if n)
            findings.extend(outcome.findings)
        cache_store(ctx, plan, fresh)
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
    name = f.path.rpartition("/")[2].lower()  # inventory paths are normalised relative POSIX paths
    if "lockfile" in f.kinds or name in _LOCKFILE_NAMES or name.endswith((".lock", ".min.js", ".min.css", ".map")):
        return True
    dot = name.rfind(".")
    return (name[dot:] if 0 < dot < len(name) - 1 else "") in ignored_extensions  # PurePosixPath(name).suffix


_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


class _Reader:
    """``_read`` for every file of a scan, resolving each folder once instead of each file's path."""

    def __init__(self, root: Path) -> None:
        self.root, self.base = root, str(root)
        self.inside: dict[str, bool] = {}  # folder → its real path lies inside the root

    def read(self, rel: str) -> tuple[str | None, str]:
        folder = rel.rpartition("/")[0]
        inside = self.inside.get(folder)
        if inside is None:
            real = os.path.realpath(os.path.join(self.base, folder))
            inside = self.inside[folder] = Path(real).is_relative_to(self.root)
        if not (inside and _NOFOLLOW):
            return _read(self.root, rel)
        try:
            fd = os.open(os.path.join(self.base, rel), os.O_RDONLY | _NOFOLLOW)
        except OSError:
            return _read(self.root, rel)  # says why, exactly as it always did
        # Opened without following a symlink, in a folder whose real path is inside the root: the
        # file's real path is that folder's plus its name, so _read's check passes.
        return _read_open(fd)


def _read(root: Path, rel: str) -> tuple[str | None, str]:
    """The file's text, read without following a symlink and only inside the root."""
    full = root / rel
    try:
        if not full.resolve().is_relative_to(root):
            return None, "outside the repository; not read"
        fd = os.open(full, os.O_RDONLY | _NOFOLLOW)
    except OSError as exc:
        return None, f"cannot read: {exc.strerror or exc}"
    return _read_open(fd)


def _read_open(fd: int) -> tuple[str | None, str]:
    try:
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
    if det.prefilter is None:
        lines = text.splitlines()
        rows: Iterable[int] = range(1, len(lines) + 1)
        # A rule that matches nowhere in the file matches on no line of it: only the others run per line.
        active = [(slug, plugin, rxs) for slug, plugin in det.formats if (rxs := [rx for rx in plugin.denylist if rx.search(text)])]
        out.long_lines = sum(1 for line in lines if len(line) > _LONG_LINE)
    else:
        hits, rules = det.prefilter.search(text, f.language == "yaml")
        long_lines = _may_have_long_line(text)
        if not hits and not long_lines:
            return out
        lines = text.splitlines()
        if long_lines:
            out.long_lines = sum(1 for line in lines if len(line) > _LONG_LINE)
        if not hits:
            return out
        ends = list(accumulate(map(len, text.splitlines(keepends=True))))
        rows = sorted({bisect_right(ends, at) + 1 for at in hits})
        active = [(slug, plugin, plugin.denylist) for slug, plugin in det.formats if slug in rules]
    out.lines = lines
    facts = _FileFacts(f, text, det)
    yaml = f.language == "yaml"
    for n, i in enumerate(rows, start=1):
        if n % 2000 == 0 and time.monotonic() > deadline:
            return None
        line = lines[i - 1]
        found: list[_Candidate] = []
        long_line = len(line) > _LONG_LINE
        for slug, plugin, rxs in active:
            for value in _format_values(slug, plugin, rxs, line):
                found.extend(_format_candidate(slug, value, i, line, lines))
        for m in GOOGLE_API_KEY.finditer(line):
            found.append(_Candidate("gcp-api-key", m.group(0), i, i, _key_before(line, m.start())))
        for m in URL_CREDENTIALS.finditer(line) if "://" in line else ():
            if _plausible(m.group(2), strict=True, heuristics=det.heuristics):
                scheme_at = m.start()
                found.append(_Candidate("url-credentials", m.group(2), i, i, _key_before(line, scheme_at)))
        # Long lines (minified code, data) are searched in overlapping windows: bounded regex cost, no gap.
        for part in _windows(line) if long_line else (line,):
            if _KEYWORD_HINT.search(part) and facts.keyword_file:
                found.extend(_keyword_candidates(part, i, det, facts))
            if "'" in part or '"' in part:
                found.extend(_entropy_candidates(part, i, det, facts))
        if not long_line and yaml and i > 1 and facts.keyword_file:
            found.extend(_k8s_env_candidates(lines[i - 2], line, i, det, facts))
        if found and (_PRAGMA_SAME.search(line) or (i > 1 and _PRAGMA_NEXT.search(lines[i - 2]))):
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


def _keyword_candidates(line: str, i: int, det: _Detectors, facts: _FileFacts) -> Iterator[_Candidate]:
    if det.prefilter is not None and not _keyword_may_match(line):
        return
    for raw in set(det.keyword.analyze_string(line, denylist_regex_to_group=facts.keyword_regexes)):
        value = _clean(raw, facts.config_style)
        if not value or det.heuristics.is_indirect_reference(line):
            continue
        at = line.find(value)
        key = _key_before(line, at)
        cand = _keyword_candidate(value, key, line, i, i, det, facts)
        if cand is not None:
            yield cand


def _keyword_candidate(
    value: str, key: str, line: str, line_no: int, end: int, det: _Detectors, facts: _FileFacts
) -> _Candidate | None:
    if _secret_name_is_not_a_secret(key) or not _plausible(value, strict=True, heuristics=det.heuristics):
        return None
    if _reference(value) or _HASH_CONTEXT.search(line):
        return None
    if _AWS_SECRET_SHAPE.fullmatch(value) and facts.mentions_aws and re.search(r"(?i)secret|aws", key):
        return _Candidate("aws-secret-key", value, line_no, end, key)
    password = bool(_PASSWORD_WORD.search(key)) if key else bool(_PASSWORD_WORD.search(line))
    return _Candidate("keyword-password" if password else "keyword-secret", value, line_no, end, key)


def _k8s_env_candidates(prev: str, line: str, i: int, det: _Detectors, facts: _FileFacts) -> Iterator[_Candidate]:
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
            cand = _keyword_candidate(value, name, synthetic, i - 1, i, det, facts)
            if cand is not None:
                yield cand


def _entropy_candidates(line: str, i: int, det: _Detectors, facts: _FileFacts) -> Iterator[_Candidate]:
    hash_context: bool | None = None  # a line about a hash reports nothing; asked once a value could count
    for plugin, label in ((det.base64, "base64"), (det.hex, "hex")):
        for value in set(plugin.analyze_string(line)):
            # Cheap rejections first, with the outcome of the checks below: _plausible wants 8
            # characters (a charset holds no space or quote to strip), and a string of k distinct
            # characters has an entropy of at most log2(k), below the limit by far more than float
            # rounding when k < 2**limit.
            if len(value) < 8 or len(set(value)) < 2**plugin.entropy_limit:
                continue
            if hash_context is None:
                hash_context = bool(_HASH_CONTEXT.search(line))
            if hash_context:
                return
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
            if _AWS_SECRET_SHAPE.fullmatch(value) and facts.mentions_aws and re.search(r"(?i)secret|aws", key):
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
