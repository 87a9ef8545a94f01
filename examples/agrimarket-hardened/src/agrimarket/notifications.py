"""E-mail notifications to farmers and buyers."""

from __future__ import annotations

import os
import smtplib
from email.message import EmailMessage

from flask import current_app
from jinja2 import DictLoader, Environment

SUBJECTS = {
    "reset_link": "Reset your AgriMarket password",
    "order_placed": "New order for your produce",
}

TEMPLATES = {
    "reset_link": (
        "<p>Hello,</p>"
        '<p><a href="{{ base_url }}/reset?code={{ reset_code }}">Choose a new password</a>.'
        " The link is valid for one hour.</p>"
    ),
    "order_placed": "<p>Good news!</p><p>{{ buyer_name }} ordered {{ quantity_kg }} kg of {{ crop }}.</p>",
}

templates = Environment(loader=DictLoader(TEMPLATES), autoescape=True)


def render(name: str, context: dict) -> str:
    base_url = current_app.config["PUBLIC_BASE_URL"]
    return templates.get_template(name).render(base_url=base_url, **context)


def send_email(recipient: str, name: str, context: dict) -> None:
    message = EmailMessage()
    message["From"] = "AgriMarket <no-reply@agrimarket.example>"
    message["To"] = recipient
    message["Subject"] = SUBJECTS[name]
    message.set_content(render(name, context), subtype="html")
    with smtplib.SMTP(current_app.config["SMTP_HOST"], 587, timeout=10) as smtp:
        smtp.starttls()
        smtp.login(os.environ.get("SMTP_USER", ""), os.environ.get("SMTP_PASSWORD", ""))
        smtp.send_message(message)
