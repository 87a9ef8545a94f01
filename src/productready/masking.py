"""Mask secret values in any text productready shows or writes (snippets, messages).

The patterns cover every value the ``secrets`` scanner reports (its known-format detectors,
keyword assignments, URL credentials and quoted high-entropy strings), so a snippet of a
reported line never shows the secret. Masking errs on the side of hiding too much.
"""

from __future__ import annotations

import math
import re
import string

# Known token formats: the whole match is a secret.
_TOKENS = [
    re.compile(r"(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|ANPA|ANVA)[A-Z0-9]{16}"),  # AWS access key id
    re.compile(r"gh[pousr]_[A-Za-z0-9_]{30,}"),  # GitHub tokens
    re.compile(r"github_pat_[A-Za-z0-9_]{40,}"),
    re.compile(r"(?:glpat|gldt|glft|glsoat|glrt|glcbt|glimt|glptt|glagent|gloas)-[A-Za-z0-9_\-]{20,}"),  # GitLab
    re.compile(r"GR1348941[A-Za-z0-9_\-]{20,}"),  # GitLab runner registration
    re.compile(r"(?i)xox[abposr]-[A-Za-z0-9-]{3,}"),  # Slack tokens
    re.compile(r"(?i)https://hooks\.slack\.com/services/T[A-Za-z0-9_]+/B[A-Za-z0-9_]+/[A-Za-z0-9_]+"),  # Slack webhook
    re.compile(r"[rs]k_(?:live|test)_[A-Za-z0-9]{16,}"),  # Stripe
    re.compile(r"AIza[0-9A-Za-z_\-]{35}"),  # Google API key
    re.compile(r"eyJ[A-Za-z0-9_\-=]+\.[A-Za-z0-9_\-=]+(?:\.[A-Za-z0-9_\-.+/=]*)?"),  # JWT
    re.compile(r"SG\.[A-Za-z0-9_\-]{16,}\.[A-Za-z0-9_\-]{16,}"),  # SendGrid
    re.compile(r"AccountKey=[A-Za-z0-9+/=]{20,}"),  # Azure storage connection string
    re.compile(r"(?m)(?:(?<=[\s=:\"'])|^)(?:AKC[a-zA-Z0-9]{10,}|AP[\dABCDEF][a-zA-Z0-9]{8,})(?=[\s\"']|$)"),  # Artifactory
    re.compile(r"[0-9a-z]{32}-us[0-9]{1,2}"),  # Mailchimp
    re.compile(r"npm_[A-Za-z0-9]{20,}"),  # npm
    re.compile(r"sk-[A-Za-z0-9_\-]{20,}"),  # OpenAI
    re.compile(r"pypi-[A-Za-z0-9_\-]{50,}"),  # PyPI
    re.compile(r"sq0csp-[0-9A-Za-z\\_\-]{20,}"),  # Square OAuth secret
    re.compile(r"\d{8,10}:[0-9A-Za-z_\-]{35}"),  # Telegram bot token
    re.compile(r"(?:AC|SK)[a-z0-9]{32}"),  # Twilio
    re.compile(r"[MNO][a-zA-Z\d_\-]{23,25}\.[a-zA-Z\d_\-]{6}\.[a-zA-Z\d_\-]{27}"),  # Discord bot token
    re.compile(r"(?i)api\.softlayer\.com/soap/v3(?:\.1)?/[a-z0-9]{64}"),  # SoftLayer
]

# Reused by the secrets scanner so that what it reports is exactly what is masked here.
GOOGLE_API_KEY = _TOKENS[8]
SLACK_WEBHOOK = _TOKENS[6]

_PEM = re.compile(
    r"(-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|PuTTY-User-Key-File-\d:)(.*?)"
    r"(-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|$)",
    re.S,
)

# Credentials in URLs: scheme://user:PASSWORD@host
URL_CREDENTIALS = re.compile(r"(\b[a-z][a-z0-9+.\-]*://[^\s:/@]+:)([^\s@/]+)(@)", re.I)

# AWS secret access key near an "aws … key" name (detect-secrets' AWS rule), any assignment form.
_AWS_SECRET = re.compile(r"(?i)(aws.{0,20}?(?:key|pwd|pw|password|pass|token).{0,20}?['\"])([0-9a-zA-Z/+]{40})(['\"])")

# name = "value" / name: value / NAME=value / name := value / name == "value" where the name
# looks secret-bearing (a superset of detect-secrets' keyword list).
_NAME_CORE = (
    r"(?:pass(?:word|wd|phrase)?|pwd|pw|secret|token|api[_\-]?key|apikey|access[_\-]?key|private[_\-]?key|"
    r"priv[_\-]?key|client[_\-]?secret|client[_\-]?key|service[_\-]?key|account[_\-]?key|db[_\-]?key|"
    r"database[_\-]?key|auth|credential|signing[_\-]?key|secret[_\-]?key|dsn|contrase(?:ñ|n)a)"
)
_SECRET_NAME = rf"(?:[\w.\-]*{_NAME_CORE}[\w.\-]*)"
_OP = r"(?::=|::|={1,3}|!==?|=>|:)"
_ASSIGN = re.compile(
    rf"(?i)(\b{_SECRET_NAME}(?:\[[0-9]*\])?[\"'`\]]{{0,2}}\s*{_OP}\s*@?)"
    rf"(?:([\"'`])([^\"'`\n]+)\2|([^\"'`\s,;#)}}\]]{{4,}}))"
)
# "value" == password
_REVERSE = re.compile(rf"(?i)([\"'`])([^\"'`\n]{{4,}})\1(\s*[!=]{{2,3}}\s*[\w.\-]*{_NAME_CORE})")
# private_key "value";   secret("value")   secret.assign("value")
_CALL = re.compile(rf"(?i)(\b{_SECRET_NAME}(?:\S{{0,50}}?\s+|(?:\.assign)?\())([\"'`])([^\"'`\n]{{4,}})\2")
# a long token-like value assigned to any name ending in "key" (IBM, SoftLayer, Cloudant, …)
_KEY_ASSIGN = re.compile(
    r"(?i)(\b[\w.\-]*key[\"'`\]]{0,2}(?:\s*(?::=|::|={1,3}|=>|:)\s*|\s+))([\"'`]?)([A-Za-z0-9_\-+/=]{16,})(\2)"
)
# Kubernetes env entries: "- name: DB_PASSWORD" followed by "value: ..."
_K8S_ENV = re.compile(
    rf"(?im)(-\s*name:\s*[\"']?{_SECRET_NAME}[\"']?\s*\n\s*value:\s*)(?:([\"'])([^\"'\n]+)\2|([^\s\"'#][^\n]*))"
)
# A quoted string that detect-secrets' entropy detectors would report.
_QUOTED = re.compile(r"([\"'])([A-Za-z0-9+/=_\-]{16,})\1")
_B64 = string.ascii_letters + string.digits + "+/\\-_="

MASK = "****"
_REFERENCE_PREFIXES = ("os.", "env", "${", "$(", "{{", "getenv", "<")


def _mask_value(value: str) -> str:
    if len(value) <= 8:
        return MASK
    return value[:3] + MASK


def shannon_entropy(data: str, charset: str) -> float:
    """Shannon entropy (bits per character) of ``data`` over ``charset``, as detect-secrets computes it."""
    if not data:
        return 0.0
    entropy = 0.0
    for ch in charset:
        p = data.count(ch) / len(data)
        if p > 0:
            entropy -= p * math.log2(p)
    return entropy


def is_high_entropy(value: str) -> tuple[str, float] | None:
    """('base64'|'hex', entropy) when ``value`` passes detect-secrets' default entropy limits."""
    if all(c in string.hexdigits for c in value):
        e = shannon_entropy(value, string.hexdigits)
        if value.isdigit() and len(value) > 1:
            e -= 1.2 / math.log2(len(value))
        return ("hex", e) if e > 3.0 else None
    if all(c in _B64 for c in value):
        e = shannon_entropy(value, _B64)
        return ("base64", e) if e > 4.5 else None
    return None


# Values that are settings, never secrets: `iam_database_authentication_enabled = false` stays readable.
_PLAIN_VALUES = frozenset({"true", "false", "yes", "no", "on", "off", "null", "none", "nil", "enabled", "disabled"})


def _is_reference(value: str) -> bool:
    return value.startswith(_REFERENCE_PREFIXES) or MASK in value or value.strip().lower() in _PLAIN_VALUES


# Kubernetes-style env entries: the name says secret, the value sits on the next line.
_NAME_VALUE = re.compile(
    rf"(?i)(name:\s*[\"']?{_SECRET_NAME}[\"']?[ \t]*\n[ \t]*value:[ \t]*)([\"']?)([^\"'\n]+)(\2)"
)


def _scoped(p: re.Pattern[str], offset: int) -> str:
    """``p`` as a group of a larger alternation: its global flags scoped to it, its numbered
    back-references shifted by the groups before it."""
    src = p.pattern
    lead = re.match(r"\(\?[aiLmsux]+\)", src)
    if lead:
        src = src[lead.end():]
    src = re.sub(r"(?<!\\)\\([1-9])", lambda m: "\\" + str(int(m.group(1)) + offset), src)
    flags = "".join(ch for ch, bit in (("i", re.I), ("m", re.M), ("s", re.S), ("x", re.X)) if p.flags & bit)
    return f"(?{flags}:{src})" if flags else f"(?:{src})"


def _any_pattern(patterns: list[re.Pattern[str]]) -> re.Pattern[str]:
    parts, offset = [], 0
    for p in patterns:
        parts.append(_scoped(p, offset))
        offset += p.groups
    return re.compile("|".join(parts))


def mask_secrets(text: str) -> str:
    """Replace secret values in ``text`` by a short prefix and ``****``."""
    if not text:
        return text
    # one search for "could any rule below change anything": when none of them matches, every
    # substitution below is a no-op, so the text is returned as it is (most snippets)
    if _ANY.search(text) is None:
        return text
    return _mask_all(text)


def _mask_all(text: str) -> str:
    text = _NAME_VALUE.sub(lambda m: m.group(1) + m.group(2) + _mask_value(m.group(3)) + m.group(4), text)
    out = _PEM.sub(lambda m: m.group(1) + (MASK if m.group(2).strip() else "") + m.group(3), text)
    out = URL_CREDENTIALS.sub(lambda m: m.group(1) + MASK + m.group(3), out)
    for pat in _TOKENS:
        out = pat.sub(lambda m: _mask_value(m.group(0)), out)
    out = _AWS_SECRET.sub(lambda m: m.group(1) + _mask_value(m.group(2)) + m.group(3), out)

    def _k8s(m: re.Match[str]) -> str:
        if m.group(3) is not None:
            value = m.group(3)
            return m.group(0) if _is_reference(value) else m.group(1) + m.group(2) + _mask_value(value) + m.group(2)
        value = m.group(4).rstrip()
        return m.group(0) if _is_reference(value) else m.group(1) + _mask_value(value)

    out = _K8S_ENV.sub(_k8s, out)

    def _assign(m: re.Match[str]) -> str:
        if m.group(3) is not None:  # quoted: the whole quoted text is the value
            value, quote = m.group(3), m.group(2)
        else:
            value, quote = m.group(4), ""
        if _is_reference(value):
            return m.group(0)
        return m.group(1) + quote + _mask_value(value) + quote

    out = _ASSIGN.sub(_assign, out)
    out = _REVERSE.sub(
        lambda m: m.group(0) if _is_reference(m.group(2)) else m.group(1) + _mask_value(m.group(2)) + m.group(1) + m.group(3),
        out,
    )
    out = _CALL.sub(
        lambda m: m.group(0) if _is_reference(m.group(3)) else m.group(1) + m.group(2) + _mask_value(m.group(3)) + m.group(2),
        out,
    )

    def _key(m: re.Match[str]) -> str:
        value = m.group(3)
        if _is_reference(value) or not (len(value) >= 24 or any(c.isdigit() for c in value)):
            return m.group(0)
        return m.group(1) + m.group(2) + _mask_value(value) + m.group(4)

    out = _KEY_ASSIGN.sub(_key, out)
    return _QUOTED.sub(
        lambda m: m.group(1) + _mask_value(m.group(2)) + m.group(1) if is_high_entropy(m.group(2)) else m.group(0), out
    )


_ANY = _any_pattern(
    [_NAME_VALUE, _PEM, URL_CREDENTIALS, *_TOKENS, _AWS_SECRET, _K8S_ENV, _ASSIGN, _REVERSE, _CALL, _KEY_ASSIGN, _QUOTED]
)
