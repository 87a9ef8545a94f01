from flask import Flask
from flask_wtf.csrf import CSRFProtect

app = Flask(__name__)
csrf = CSRFProtect(app)

# ruleid: python-flask-csrf-disabled
app.config["WTF_CSRF_ENABLED"] = False

# ruleid: python-flask-csrf-disabled
WTF_CSRF_ENABLED = False


# ruleid: python-flask-csrf-disabled
@csrf.exempt
@app.route("/transfer", methods=["POST"])
def transfer():
    return "ok"


# ok: python-flask-csrf-disabled
app.config["WTF_CSRF_ENABLED"] = True
# ok: python-flask-csrf-disabled
app.config["WTF_CSRF_TIME_LIMIT"] = 3600


# ok: python-flask-csrf-disabled
@app.route("/profile", methods=["POST"])
def profile():
    return "ok"
