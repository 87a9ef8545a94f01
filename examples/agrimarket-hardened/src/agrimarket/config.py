"""Runtime settings for AgriMarket, read from the environment at start-up.

Secrets are never defaults in code: each comes from NAME or, for Docker and Kubernetes
secret mounts, from the file named by NAME_FILE.
"""

from __future__ import annotations

import os


def _secret(name: str) -> str:
    path = os.environ.get(f"{name}_FILE")
    if path:
        with open(path, encoding="utf-8") as handle:
            return handle.read().strip()
    value = os.environ.get(name)
    if not value:
        raise RuntimeError(f"required setting {name} (or {name}_FILE) is not set")
    return value


def load_settings() -> dict:
    """Return the Flask config mapping; fails fast when a required secret is missing."""
    return {
        "SECRET_KEY": _secret("AGRIMARKET_SECRET_KEY"),
        "DB_HOST": os.environ.get("AGRIMARKET_DB_HOST", "localhost"),
        "DB_NAME": os.environ.get("AGRIMARKET_DB_NAME", "agrimarket"),
        "DB_USER": os.environ.get("AGRIMARKET_DB_USER", "agrimarket"),
        "DB_PASSWORD": _secret("AGRIMARKET_DB_PASSWORD"),
        "DB_SSLMODE": os.environ.get("AGRIMARKET_DB_SSLMODE", "require"),
        "PARTNER_PRICE_URL": "https://prices.partner.example/api/v2/quotes",
        "PARTNER_API_KEY": _secret("PARTNER_API_KEY"),
        "SMTP_HOST": os.environ.get("SMTP_HOST", "smtp.agrimarket.example"),
        "PUBLIC_BASE_URL": "https://agrimarket.example",
        "UPLOAD_DIR": os.environ.get("AGRIMARKET_UPLOAD_DIR", "/var/lib/agrimarket/uploads"),
        "REPORT_DIR": os.environ.get("AGRIMARKET_REPORT_DIR", "/var/lib/agrimarket/reports"),
        "MAX_CONTENT_LENGTH": 8 * 1024 * 1024,
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
    }
