import os

from flask import Flask, request, send_file, send_from_directory
from werkzeug.utils import secure_filename

app = Flask(__name__)
UPLOAD_DIR = "/srv/uploads"


@app.route("/download")
def download():
    name = request.args.get("file")
    # ruleid: python-path-traversal-user-input
    return send_file(os.path.join(UPLOAD_DIR, name))


@app.route("/read")
def read():
    path = os.path.join(UPLOAD_DIR, request.args["name"])
    # ruleid: python-path-traversal-user-input
    with open(path) as fh:
        return fh.read()


@app.route("/files/<path:filename>", methods=["DELETE"])
def delete(filename):
    # ruleid: python-path-traversal-user-input
    os.remove(os.path.join(UPLOAD_DIR, filename))
    return "", 204


@app.route("/download-safe")
def download_safe():
    name = request.args.get("file")
    # ok: python-path-traversal-user-input
    return send_from_directory(UPLOAD_DIR, name)


@app.route("/upload", methods=["POST"])
def upload():
    f = request.files["file"]
    target = os.path.join(UPLOAD_DIR, secure_filename(f.filename))
    # ok: python-path-traversal-user-input
    with open(target, "wb") as out:
        out.write(f.read())
    return "", 201


@app.route("/read-checked")
def read_checked():
    path = os.path.realpath(os.path.join(UPLOAD_DIR, request.args["name"]))
    if not path.startswith(UPLOAD_DIR + os.sep):
        return "forbidden", 403
    # ok: python-path-traversal-user-input
    with open(path) as fh:
        return fh.read()
