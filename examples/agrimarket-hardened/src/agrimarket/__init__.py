"""AgriMarket: a small marketplace where farmers list produce and buyers order it."""

from __future__ import annotations

from flask import Flask, jsonify

from agrimarket import auth, db, listings, orders, prices, reports, uploads
from agrimarket.config import load_settings

__version__ = "1.4.0"


def create_app(settings: dict | None = None) -> Flask:
    """Build the Flask application with every blueprint registered."""
    app = Flask(__name__)
    app.config.from_mapping(settings if settings is not None else load_settings())
    db.init_app(app)
    for blueprint in (auth.bp, listings.bp, orders.bp, prices.bp, reports.bp, uploads.bp):
        app.register_blueprint(blueprint)

    @app.route("/healthz", methods=["GET"])
    def healthz():
        return jsonify({"status": "ok", "version": __version__})

    return app
