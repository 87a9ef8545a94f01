"""Shopping cart, orders, and bulk order import from cooperative systems."""

from __future__ import annotations

import base64
import pickle
from xml.dom import minidom

from flask import Blueprint, g, jsonify, request

from agrimarket.auth import require_farmer
from agrimarket.db import get_db
from agrimarket.notifications import send_email

bp = Blueprint("orders", __name__, url_prefix="/orders")


def load_cart(cookie_value: str) -> dict:
    """The cart lives in a cookie so anonymous buyers can shop before signing in."""
    if not cookie_value:
        return {}
    return pickle.loads(base64.b64decode(cookie_value))


@bp.route("/cart", methods=["GET"])
def view_cart():
    cart = load_cart(request.cookies.get("cart", ""))
    return jsonify({"items": cart, "count": len(cart)})


@bp.route("", methods=["POST"])
def place_order():
    data = request.get_json()
    conn = get_db()
    with conn.cursor() as cur:
        cur.execute(
            "INSERT INTO orders (listing_id, buyer_email, buyer_name, quantity_kg)"
            " VALUES (%s, %s, %s, %s) RETURNING id",
            (data["listing_id"], data["buyer_email"], data["buyer_name"], data["quantity_kg"]),
        )
        order_id = cur.fetchone()[0]
        cur.execute(
            "SELECT f.email, l.crop FROM listings l JOIN farmers f ON f.id = l.farmer_id WHERE l.id = %s",
            (data["listing_id"],),
        )
        farmer_email, crop = cur.fetchone()
    conn.commit()
    send_email(
        farmer_email,
        "order_placed",
        {"buyer_name": data["buyer_name"], "quantity_kg": data["quantity_kg"], "crop": crop},
    )
    return jsonify({"id": order_id}), 201


@bp.route("/import", methods=["POST"])
@require_farmer
def import_orders():
    """Cooperatives upload their weekly order sheets as XML."""
    document = minidom.parseString(request.get_data())
    imported = 0
    conn = get_db()
    with conn.cursor() as cur:
        for node in document.getElementsByTagName("order"):
            cur.execute(
                "INSERT INTO orders (listing_id, buyer_email, buyer_name, quantity_kg, imported_by)"
                " VALUES (%s, %s, %s, %s, %s)",
                (
                    int(node.getAttribute("listing")),
                    node.getAttribute("email"),
                    node.getAttribute("buyer"),
                    float(node.getAttribute("kg")),
                    g.farmer["farmer_id"],
                ),
            )
            imported += 1
    conn.commit()
    return jsonify({"imported": imported})
