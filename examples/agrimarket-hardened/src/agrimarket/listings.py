"""Produce listings: farmers publish what they have, buyers search it."""

from __future__ import annotations

from flask import Blueprint, g, jsonify, request

from agrimarket.auth import require_farmer
from agrimarket.db import get_db

bp = Blueprint("listings", __name__, url_prefix="/listings")

COLUMNS = ("id", "farmer_id", "crop", "quantity_kg", "price_per_kg", "region")


@bp.route("", methods=["GET"])
def search_listings():
    crop = request.args.get("crop", "")
    with get_db().cursor() as cur:
        cur.execute(
            "SELECT id, farmer_id, crop, quantity_kg, price_per_kg, region FROM listings WHERE crop = %s",
            (crop,),
        )
        rows = cur.fetchall()
    return jsonify([dict(zip(COLUMNS, row, strict=True)) for row in rows])


@bp.route("/<int:listing_id>", methods=["GET"])
def get_listing(listing_id: int):
    with get_db().cursor() as cur:
        cur.execute(
            "SELECT id, farmer_id, crop, quantity_kg, price_per_kg, region FROM listings WHERE id = %s",
            (listing_id,),
        )
        row = cur.fetchone()
    if row is None:
        return jsonify({"error": "listing not found"}), 404
    return jsonify(dict(zip(COLUMNS, row, strict=True)))


@bp.route("", methods=["POST"])
@require_farmer
def create_listing():
    data = request.get_json()
    conn = get_db()
    with conn.cursor() as cur:
        cur.execute(
            "INSERT INTO listings (farmer_id, crop, quantity_kg, price_per_kg, region)"
            " VALUES (%s, %s, %s, %s, %s) RETURNING id",
            (g.farmer["farmer_id"], data["crop"], data["quantity_kg"], data["price_per_kg"], data["region"]),
        )
        listing_id = cur.fetchone()[0]
    conn.commit()
    return jsonify({"id": listing_id}), 201
