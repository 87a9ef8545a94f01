import os

from flask import Flask

app = Flask(__name__)


def main() -> None:
    # ruleid: python-flask-debug-enabled
    app.run(host="127.0.0.1", port=5000, debug=True)


def configure() -> None:
    # ruleid: python-flask-debug-enabled
    app.config["DEBUG"] = True
    # ruleid: python-flask-debug-enabled
    app.debug = True


def main_from_env() -> None:
    # ok: python-flask-debug-enabled
    app.run(debug=os.environ.get("FLASK_DEBUG") == "1")


def main_prod() -> None:
    # ok: python-flask-debug-enabled
    app.run(host="127.0.0.1", port=5000, debug=False)
    # ok: python-flask-debug-enabled
    app.config["TESTING"] = True


class Parser:
    def set_debug(self) -> None:
        # ok: python-flask-debug-enabled
        self.debug = True
