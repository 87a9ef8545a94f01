"""Runtime settings for AgriMarket."""

from __future__ import annotations

import os


class Config:
    SECRET_KEY = "agm-prod-7f3c9e2d41b84a0c9e5d2f6a7b8c1d0e"
    DB_HOST = os.environ.get("AGRIMARKET_DB_HOST", "localhost")
    DB_NAME = os.environ.get("AGRIMARKET_DB_NAME", "agrimarket")
    DB_USER = os.environ.get("AGRIMARKET_DB_USER", "agrimarket")
    PARTNER_PRICE_URL = "https://prices.partner.example/api/v2/quotes"
    PARTNER_API_KEY = os.environ.get("PARTNER_API_KEY", "")
    SMTP_HOST = os.environ.get("SMTP_HOST", "smtp.agrimarket.example")
    PUBLIC_BASE_URL = "https://agrimarket.example"
    UPLOAD_DIR = "/tmp/agrimarket/uploads"
    REPORT_DIR = "/tmp/agrimarket/reports"
    MAX_CONTENT_LENGTH = None
