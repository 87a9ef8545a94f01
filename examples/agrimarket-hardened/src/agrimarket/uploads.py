"""Produce photos: farmers upload images of their listings, buyers view them."""

from __future__ import annotations

import mimetypes
import os
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, jsonify, request
from PIL import Image
from werkzeug.utils import secure_filename

from agrimarket.auth import require_farmer

bp = Blueprint("uploads", __name__, url_prefix="/images")

THUMBNAIL_SIZE = (320, 320)
ALLOWED_EXTENSIONS = {".jpg", ".jpeg", ".png", ".webp"}


def upload_path(name: str) -> Path:
    """Resolve an already sanitised file name inside UPLOAD_DIR; refuse anything that would leave it."""
    if not name or Path(name).suffix.lower() not in ALLOWED_EXTENSIONS:
        abort(400, "unsupported image file name")
    base = Path(current_app.config["UPLOAD_DIR"]).resolve()
    target = (base / name).resolve()
    if not target.is_relative_to(base):
        abort(400, "invalid image file name")
    return target


def make_thumbnail(path: str) -> str:
    root, ext = os.path.splitext(path)
    thumb_path = f"{root}.thumb{ext}"
    with Image.open(path) as image:
        image.thumbnail(THUMBNAIL_SIZE)
        image.save(thumb_path)
    return thumb_path


@bp.route("", methods=["POST"])
@require_farmer
def upload_image():
    image = request.files["image"]
    os.makedirs(current_app.config["UPLOAD_DIR"], mode=0o750, exist_ok=True)
    target = upload_path(secure_filename(image.filename or ""))
    image.save(target)
    make_thumbnail(str(target))
    return jsonify({"filename": target.name}), 201


@bp.route("/<path:filename>", methods=["GET"])
def get_image(filename: str):
    with open(upload_path(secure_filename(filename)), "rb") as handle:
        data = handle.read()
    mimetype = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    return Response(data, mimetype=mimetype)
