from flask import Flask

# ruleid: python-session-cookie-insecure-config
SESSION_COOKIE_SECURE = False
# ruleid: python-session-cookie-insecure-config
CSRF_COOKIE_SECURE = False

app = Flask(__name__)
# ruleid: python-session-cookie-insecure-config
app.config["SESSION_COOKIE_HTTPONLY"] = False

# ok: python-session-cookie-insecure-config
SESSION_COOKIE_SECURE = True
# ok: python-session-cookie-insecure-config
SESSION_COOKIE_SAMESITE = "Lax"
# ok: python-session-cookie-insecure-config
app.config["SESSION_COOKIE_SECURE"] = True
