"""Market price lookups from the partner price API, and per-farmer pricing rules."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import requests
import yaml
from flask import Blueprint, current_app, g, jsonify, request

from agrimarket.auth import require_farmer
from agrimarket.db import get_db

bp = Blueprint("prices", __name__, url_prefix="/prices")

CENTS = Decimal("0.01")
PARTNER_TIMEOUT_SECONDS = 10


def price_per_tonne(price_per_kg: Decimal) -> Decimal:
    return (price_per_kg * 1000).quantize(CENTS, rounding=ROUND_HALF_UP)


def order_total(quantity_kg: Decimal, price_per_kg: Decimal) -> Decimal:
    return (quantity_kg * price_per_kg).quantize(CENTS, rounding=ROUND_HALF_UP)


def fetch_quote(crop: str, region: str) -> dict:
    """Ask the partner API for today's wholesale price of a crop in a region."""
    url = current_app.config["PARTNER_PRICE_URL"]
    headers = {"X-Api-Key": current_app.config["PARTNER_API_KEY"]}
    response = requests.get(
        url,
        params={"crop": crop, "region": region},
        headers=headers,
        verify=True,
        timeout=PARTNER_TIMEOUT_SECONDS,
    )
    response.raise_for_status()
    return response.json()


@bp.route("/<crop>", methods=["GET"])
def quote(crop: str):
    region = request.args.get("region", "central")
    data = fetch_quote(crop, region)
    price = Decimal(str(data["price_per_kg"]))
    return jsonify(
        {
            "crop": crop,
            "region": region,
            "price_per_kg": str(price),
            "price_per_tonne": str(price_per_tonne(price)),
        }
    )


@bp.route("/rules", methods=["PUT"])
@require_farmer
def upload_pricing_rules():
    """Farmers upload a YAML file of discount rules (bulk tiers, seasonal markdowns)."""
    rules = yaml.safe_load(request.get_data())
    if not isinstance(rules, dict):
        return jsonify({"error": "expected a mapping with a 'tiers' list"}), 400
    conn = get_db()
    with conn.cursor() as cur:
        cur.execute("DELETE FROM pricing_rules WHERE farmer_id = %s", (g.farmer["farmer_id"],))
        for tier in rules.get("tiers", []):
            cur.execute(
                "INSERT INTO pricing_rules (farmer_id, min_kg, discount_pct) VALUES (%s, %s, %s)",
                (g.farmer["farmer_id"], tier["min_kg"], tier["discount_pct"]),
            )
    conn.commit()
    return jsonify({"tiers": len(rules.get("tiers", []))})
