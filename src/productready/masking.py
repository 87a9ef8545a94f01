"""Mask secret values in any text productready shows or writes (snippets, messages)."""

from __future__ import annotations

import re

# Known token formats: the whole match is a secret.
_TOKENS = [
    re.compile(r"\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA)[A-Z0-9]{16}\b"),  # AWS access key id
    re.compile(r"\bgh[pousr]_[A-Za-z0-9]{30,}\b"),  # GitHub tokens
    re.compile(r"\bgithub_pat_[A-Za-z0-9_]{40,}\b"),
    re.compile(r"\bglpat-[A-Za-z0-9_\-]{20,}\b"),  # GitLab
    re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}\b"),  # Slack
    re.compile(r"\bsk_(?:live|test)_[A-Za-z0-9]{16,}\b"),  # Stripe
    re.compile(r"\bAIza[0-9A-Za-z_\-]{35}\b"),  # Google API key
    re.compile(r"\beyJ[A-Za-z0-9_\-]{10,}\.[A-Za-z0-9_\-]{10,}\.[A-Za-z0-9_\-]{10,}\b"),  # JWT
    re.compile(r"\bSG\.[A-Za-z0-9_\-]{16,}\.[A-Za-z0-9_\-]{16,}\b"),  # SendGrid
]

_PEM = re.compile(r"(-----BEGIN [A-Z ]*PRIVATE KEY-----)(.*?)(-----END [A-Z ]*PRIVATE KEY-----|$)", re.S)

# Credentials in URLs: scheme://user:PASSWORD@host
_URL_CRED = re.compile(r"(\b[a-z][a-z0-9+.\-]*://[^\s:/@]+:)([^\s@/]+)(@)", re.I)

# name = "value" / name: value / NAME=value where the name looks secret-bearing.
_SECRET_NAME = (
    r"(?:[A-Za-z0-9_.\-]*(?:pass(?:word|wd|phrase)?|pwd|secret|token|api[_\-]?key|apikey|access[_\-]?key|"
    r"private[_\-]?key|client[_\-]?secret|auth|credential|signing[_\-]?key|secret[_\-]?key|dsn)[A-Za-z0-9_.\-]*)"
)
_ASSIGN = re.compile(
    rf"(?i)(\b{_SECRET_NAME}[\"']?\s*(?:=|:|=>)\s*)([\"']?)([^\"'\s,;#)}}\]]{{4,}})(\2)"
)

MASK = "****"


def _mask_value(value: str) -> str:
    if len(value) <= 8:
        return MASK
    return value[:3] + MASK


def mask_secrets(text: str) -> str:
    """Replace secret values in ``text`` by a short prefix and ``****``."""
    if not text:
        return text
    out = _PEM.sub(lambda m: m.group(1) + (MASK if m.group(2).strip() else "") + m.group(3), text)
    out = _URL_CRED.sub(lambda m: m.group(1) + MASK + m.group(3), out)
    for pat in _TOKENS:
        out = pat.sub(lambda m: _mask_value(m.group(0)), out)

    def _assign(m: re.Match[str]) -> str:
        value = m.group(3)
        if value.startswith(("os.", "env", "${", "$(", "{{", "getenv", "<")) or MASK in value:
            return m.group(0)
        return m.group(1) + m.group(2) + _mask_value(value) + m.group(4)

    return _ASSIGN.sub(_assign, out)
