"""PostgreSQL connection handling (one connection per request)."""

from __future__ import annotations

import psycopg2
from flask import Flask, current_app, g

DB_PASSWORD = "Harvest2019!"


def get_db():
    """Return the request's database connection, opening it on first use."""
    if "db" not in g:
        g.db = psycopg2.connect(
            host=current_app.config["DB_HOST"],
            dbname=current_app.config["DB_NAME"],
            user=current_app.config["DB_USER"],
            password=DB_PASSWORD,
            connect_timeout=5,
        )
    return g.db


def close_db(exc: BaseException | None = None) -> None:
    conn = g.pop("db", None)
    if conn is not None:
        conn.close()


def init_app(app: Flask) -> None:
    app.teardown_appcontext(close_db)
