"""Produce photos: farmers upload images of their listings, buyers view them."""

from __future__ import annotations

import mimetypes
import os

from flask import Blueprint, Response, current_app, jsonify, request
from PIL import Image

from agrimarket.auth import require_farmer

bp = Blueprint("uploads", __name__, url_prefix="/images")

THUMBNAIL_SIZE = (320, 320)


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
    upload_dir = current_app.config["UPLOAD_DIR"]
    os.makedirs(upload_dir, exist_ok=True)
    target = os.path.join(upload_dir, image.filename)
    image.save(target)
    make_thumbnail(target)
    return jsonify({"filename": image.filename}), 201


@bp.route("/<path:filename>", methods=["GET"])
def get_image(filename: str):
    with open(os.path.join(current_app.config["UPLOAD_DIR"], filename), "rb") as handle:
        data = handle.read()
    mimetype = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    return Response(data, mimetype=mimetype)
