import socket

from flask import Flask

app = Flask(__name__)


def serve() -> None:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    # ruleid: python-bind-all-interfaces
    sock.bind(("0.0.0.0", 9000))


def main() -> None:
    # ruleid: python-bind-all-interfaces
    app.run(host="0.0.0.0", port=8080)


def serve_local() -> None:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    # ok: python-bind-all-interfaces
    sock.bind(("127.0.0.1", 9000))


def main_configured(host: str) -> None:
    # ok: python-bind-all-interfaces
    app.run(host=host, port=8080)


def udp_client() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    # ok: python-bind-all-interfaces
    sock.bind(("", 0))
    return sock
