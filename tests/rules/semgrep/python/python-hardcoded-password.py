import os

# ruleid: python-hardcoded-password
DB_PASSWORD = "Pr0duction!2024"
# ruleid: python-hardcoded-password
STRIPE_API_KEY = "sk_live_51HxYzAbCdEf"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "USER": "app",
        # ruleid: python-hardcoded-password
        "PASSWORD": "hunter2hunter2",
    }
}


class Client:
    def __init__(self) -> None:
        # ruleid: python-hardcoded-password
        self.access_token = "ghp_16C7e42F292c6912E7710c838347Ae178B4a"


# ok: python-hardcoded-password
DB_PASSWORD = os.environ["DB_PASSWORD"]
# ok: python-hardcoded-password
ADMIN_PASSWORD = ""
# ok: python-hardcoded-password
SMTP_PASSWORD = "changeme"
# ok: python-hardcoded-password
API_KEY = "<your-api-key>"
# ok: python-hardcoded-password
PASSWORD_PROMPT = "Enter your password:"
# ok: python-hardcoded-password
password = "${DB_PASSWORD}"
# ok: python-hardcoded-password
password_hash = "pbkdf2_sha256$600000$abc$def"
# ok: python-hardcoded-password
masked_password = "****"
# ok: python-hardcoded-password
api_key = r"([a-z0-9]{32})"
# ok: python-hardcoded-password
OTEL_EXPORTER_PASSWORD = "OTEL_EXPORTER_OTLP_PASSWORD"
# ok: python-hardcoded-password
HEADER_API_KEY = "X-API-Key"
query = {}
# ok: python-hardcoded-password
query["passphrase"] = "true"
