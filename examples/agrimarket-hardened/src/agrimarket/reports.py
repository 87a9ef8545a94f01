"""CSV sales reports that farmers download for their accountant."""

from __future__ import annotations

import csv
import os
import re
import subprocess  # nosec B404  # reason: only run with a fixed argv list (export_sales)
import tempfile

from flask import Blueprint, abort, current_app, g, request, send_file
from werkzeug.utils import secure_filename

from agrimarket.auth import require_farmer
from agrimarket.db import get_db

bp = Blueprint("reports", __name__, url_prefix="/reports")

HEADER = ["order_id", "date", "crop", "quantity_kg", "price_per_kg", "buyer"]
ZIP_BINARY = "/usr/bin/zip"
ARCHIVE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")


@bp.route("/sales.csv", methods=["GET"])
@require_farmer
def export_sales():
    report_dir = current_app.config["REPORT_DIR"]
    os.makedirs(report_dir, mode=0o700, exist_ok=True)
    with get_db().cursor() as cur:
        cur.execute(
            "SELECT o.id, o.created_at::date, l.crop, o.quantity_kg, l.price_per_kg, o.buyer_name"
            " FROM orders o JOIN listings l ON l.id = o.listing_id"
            " WHERE l.farmer_id = %s ORDER BY o.created_at",
            (g.farmer["farmer_id"],),
        )
        rows = cur.fetchall()

    with tempfile.NamedTemporaryFile(
        "w", suffix=".csv", dir=report_dir, delete=False, newline="", encoding="utf-8"
    ) as handle:
        csv_path = handle.name
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)

    archive_name = request.args.get("archive")
    if archive_name:
        archive_name = secure_filename(archive_name)
        if not ARCHIVE_NAME.fullmatch(archive_name):
            abort(400, "archive name may contain only letters, digits, '-' and '_'")
        archive_path = os.path.join(report_dir, archive_name + ".zip")
        argv = [ZIP_BINARY, "-j", archive_path, csv_path]
        subprocess.run(argv, shell=False, check=True, timeout=30)  # nosec B603  # reason: fixed binary, argv list, validated name
        return send_file(archive_path, mimetype="application/zip", as_attachment=True)
    return send_file(csv_path, mimetype="text/csv", as_attachment=True, download_name="sales.csv")
