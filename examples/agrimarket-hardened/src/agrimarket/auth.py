"""Farmer accounts: registration, login, password reset and API tokens."""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets

import jwt
from flask import Blueprint, current_app, g, jsonify, request, session

from agrimarket.db import get_db
from agrimarket.notifications import send_email

bp = Blueprint("auth", __name__, url_prefix="/auth")

PBKDF2_ITERATIONS = 600_000


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, PBKDF2_ITERATIONS)
    return f"pbkdf2_sha256${PBKDF2_ITERATIONS}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored_hash: str) -> bool:
    scheme, iterations, salt_hex, digest_hex = stored_hash.split("$")
    if scheme != "pbkdf2_sha256":
        return False
    salt = bytes.fromhex(salt_hex)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, int(iterations))
    return hmac.compare_digest(digest.hex(), digest_hex)


def make_reset_token() -> str:
    return secrets.token_urlsafe(32)


def farmer_from_api_token(bearer: str) -> dict:
    """Decode the API token that the mobile app sends as `Authorization: Bearer ...`."""
    claims = jwt.decode(
        bearer,
        current_app.config["SECRET_KEY"],
        algorithms=["HS256"],
        options={"require": ["exp", "sub"]},
    )
    return {"farmer_id": int(claims["sub"]), "scopes": claims.get("scopes", [])}


def require_farmer(view):
    """Allow the request only for a signed-in farmer (session cookie or API token)."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        header = request.headers.get("Authorization", "")
        if header.startswith("Bearer "):
            try:
                g.farmer = farmer_from_api_token(header[len("Bearer ") :])
            except jwt.InvalidTokenError:
                return jsonify({"error": "invalid token"}), 401
        elif "farmer_id" in session:
            g.farmer = {"farmer_id": session["farmer_id"], "scopes": ["web"]}
        else:
            return jsonify({"error": "authentication required"}), 401
        return view(*args, **kwargs)

    return wrapper


@bp.route("/register", methods=["POST"])
def register():
    data = request.get_json()
    conn = get_db()
    with conn.cursor() as cur:
        cur.execute(
            "INSERT INTO farmers (email, name, region, password_hash) VALUES (%s, %s, %s, %s) RETURNING id",
            (data["email"], data["name"], data["region"], hash_password(data["password"])),
        )
        farmer_id = cur.fetchone()[0]
    conn.commit()
    return jsonify({"id": farmer_id}), 201


@bp.route("/login", methods=["POST"])
def login():
    data = request.get_json()
    with get_db().cursor() as cur:
        cur.execute("SELECT id, password_hash FROM farmers WHERE email = %s", (data["email"],))
        row = cur.fetchone()
    if row is None or not verify_password(data["password"], row[1]):
        return jsonify({"error": "invalid email or password"}), 401
    session.clear()
    session["farmer_id"] = row[0]
    return jsonify({"id": row[0]})


@bp.route("/password-reset", methods=["POST"])
def request_password_reset():
    email = request.get_json()["email"]
    reset_code = make_reset_token()
    conn = get_db()
    with conn.cursor() as cur:
        cur.execute(
            "UPDATE farmers SET reset_token = %s, reset_requested_at = now() WHERE email = %s",
            (hashlib.sha256(reset_code.encode("ascii")).hexdigest(), email),
        )
    conn.commit()
    send_email(email, "reset_link", {"reset_code": reset_code})
    return jsonify({"status": "sent"}), 202
