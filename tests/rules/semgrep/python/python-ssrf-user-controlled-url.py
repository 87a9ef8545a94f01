import urllib.request

import requests
from flask import Flask, request

app = Flask(__name__)
ALLOWED_FEEDS = {"news": "https://feeds.example.com/news.xml"}


@app.route("/preview")
def preview():
    url = request.args.get("url")
    # ruleid: python-ssrf-user-controlled-url
    return requests.get(url, timeout=5).text


@app.route("/proxy", methods=["POST"])
def proxy():
    host = request.form["host"]
    # ruleid: python-ssrf-user-controlled-url
    return requests.post(f"http://{host}/api/ping", timeout=5).text


@app.route("/webhook", methods=["POST"])
def webhook():
    payload = request.get_json()
    # ruleid: python-ssrf-user-controlled-url
    with urllib.request.urlopen(payload["callback_url"]) as resp:
        return resp.read()


@app.route("/items/<item_id>")
def item(item_id):
    # ok: python-ssrf-user-controlled-url
    return requests.get(f"https://api.example.com/items/{item_id}", timeout=5).text


@app.route("/search")
def search():
    query = request.args.get("q")
    # ok: python-ssrf-user-controlled-url
    return requests.get("https://api.example.com/search", params={"q": query}, timeout=5).text


@app.route("/feed")
def feed():
    name = request.args.get("name", "news")
    url = ALLOWED_FEEDS[name]
    # ok: python-ssrf-user-controlled-url
    return requests.get(url, timeout=5).text
