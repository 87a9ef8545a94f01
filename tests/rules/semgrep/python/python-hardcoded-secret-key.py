import os

import jwt
from flask import Flask

# ruleid: python-hardcoded-secret-key
SECRET_KEY = "django-insecure-9f$2k!x7@q0v#l8m"

app = Flask(__name__)
# ruleid: python-hardcoded-secret-key
app.secret_key = "s3cr3t-flask-signing-key"
# ruleid: python-hardcoded-secret-key
app.config["JWT_SECRET_KEY"] = "jwt-signing-4f9c2a"


def issue(user_id: int) -> str:
    # ruleid: python-hardcoded-secret-key
    return jwt.encode({"sub": user_id}, "my-super-secret", algorithm="HS256")


# ok: python-hardcoded-secret-key
SECRET_KEY = os.environ["SECRET_KEY"]
# ok: python-hardcoded-secret-key
app.secret_key = os.environ.get("FLASK_SECRET_KEY")
# ok: python-hardcoded-secret-key
app.config["SECRET_KEY"] = "changeme"
# ok: python-hardcoded-secret-key
SECRET_KEY = ""
# ok: python-hardcoded-secret-key
SECRET_KEY_PATH = "/run/secrets/secret_key"


def issue_safe(user_id: int) -> str:
    # ok: python-hardcoded-secret-key
    return jwt.encode({"sub": user_id}, os.environ["JWT_SECRET"], algorithm="HS256")
