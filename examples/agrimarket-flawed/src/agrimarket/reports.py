"""CSV sales reports that farmers download for their accountant."""

from __future__ import annotations

import csv
import os
import subprocess
import tempfile

from flask import Blueprint, current_app, g, request, send_file

from agrimarket.auth import require_farmer
from agrimarket.db import get_db

bp = Blueprint("reports", __name__, url_prefix="/reports")

HEADER = ["order_id", "date", "crop", "quantity_kg", "price_per_kg", "buyer"]


@bp.route("/sales.csv", methods=["GET"])
@require_farmer
def export_sales():
    report_dir = current_app.config["REPORT_DIR"]
    os.makedirs(report_dir, exist_ok=True)
    with get_db().cursor() as cur:
        cur.execute(
            "SELECT o.id, o.created_at::date, l.crop, o.quantity_kg, l.price_per_kg, o.buyer_name"
            " FROM orders o JOIN listings l ON l.id = o.listing_id"
            " WHERE l.farmer_id = %s ORDER BY o.created_at",
            (g.farmer["farmer_id"],),
        )
        rows = cur.fetchall()

    csv_path = tempfile.mktemp(suffix=".csv", dir=report_dir)
    with open(csv_path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)

    archive_name = request.args.get("archive")
    if archive_name:
        archive_path = os.path.join(report_dir, archive_name + ".zip")
        subprocess.run(f"zip -j {archive_path} {csv_path}", shell=True, check=True)
        return send_file(archive_path, mimetype="application/zip", as_attachment=True)
    return send_file(csv_path, mimetype="text/csv", as_attachment=True, attachment_filename="sales.csv")
