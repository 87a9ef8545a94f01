"""Shopping cart, orders, and bulk order import from cooperative systems."""

from __future__ import annotations

from defusedxml import minidom
from flask import Blueprint, g, jsonify, request, session

from agrimarket.auth import require_farmer
from agrimarket.db import get_db
from agrimarket.notifications import send_email

bp = Blueprint("orders", __name__, url_prefix="/orders")


def load_cart() -> dict:
    """The cart lives in the signed session cookie (JSON), so buyers can shop before signing in."""
    cart = session.get("cart", {})
    return cart if isinstance(cart, dict) else {}


@bp.route("/cart", methods=["GET"])
def view_cart():
    cart = load_cart()
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
    """Cooperatives upload their weekly order sheets as XML (parsed with defusedxml)."""
    document = minidom.parseString(request.get_data(), forbid_dtd=True)
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
