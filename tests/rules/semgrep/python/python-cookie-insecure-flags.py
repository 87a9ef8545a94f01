from flask import Flask, make_response

app = Flask(__name__)


@app.route("/login")
def login():
    resp = make_response("ok")
    # ruleid: python-cookie-insecure-flags
    resp.set_cookie("session", "abc123")
    # ruleid: python-cookie-insecure-flags
    resp.set_cookie("remember", "1", secure=True)
    # ruleid: python-cookie-insecure-flags
    resp.set_cookie("prefs", "dark", secure=False, httponly=True)
    return resp


@app.route("/login-safe")
def login_safe():
    resp = make_response("ok")
    # ok: python-cookie-insecure-flags
    resp.set_cookie("session", "abc123", secure=True, httponly=True, samesite="Lax")
    # ok: python-cookie-insecure-flags
    resp.set_cookie("session", "abc123", httponly=True, samesite="Strict", secure=app.config["SECURE"])
    return resp


def add_to_jar(jar, cookie) -> None:
    # ok: python-cookie-insecure-flags
    jar.set_cookie(cookie)
