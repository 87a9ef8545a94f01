from django.http import HttpResponseRedirect
from flask import Flask, redirect, request, url_for

app = Flask(__name__)


@app.route("/login", methods=["POST"])
def login():
    next_url = request.args.get("next")
    # ruleid: python-open-redirect-user-input
    return redirect(next_url)


def django_login(request):
    # ruleid: python-open-redirect-user-input
    return HttpResponseRedirect(request.GET["next"])


@app.route("/logout")
def logout():
    # ok: python-open-redirect-user-input
    return redirect(url_for("index"))


@app.route("/profile")
def profile():
    tab = request.args.get("tab", "overview")
    # ok: python-open-redirect-user-input
    return redirect("/profile/" + tab)


@app.route("/bounce")
def bounce():
    target = request.args.get("to", "")
    # ruleid: python-open-redirect-user-input
    return redirect(f"/{target}")
