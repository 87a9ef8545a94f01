import os

import psycopg2
import redis


def connect():
    # ruleid: python-hardcoded-password-argument
    return psycopg2.connect(host="db", user="app", password="s3cretPassw0rd")


def cache():
    # ruleid: python-hardcoded-password-argument
    return redis.Redis(host="cache", port=6379, password="r3d1s-pass")


def api(client_cls):
    # ruleid: python-hardcoded-password-argument
    return client_cls(api_key="AKIAEXAMPLEKEY123456")


def connect_safe():
    # ok: python-hardcoded-password-argument
    return psycopg2.connect(host="db", user="app", password=os.environ["DB_PASSWORD"])


def connect_local():
    # ok: python-hardcoded-password-argument
    return psycopg2.connect(host="localhost", user="app", password="")


def form_field(forms):
    # ok: python-hardcoded-password-argument
    return forms.CharField(label="Password", widget=forms.PasswordInput)


def placeholder(client_cls):
    # ok: python-hardcoded-password-argument
    return client_cls(api_key="changeme")


def pattern_template(denylist: str) -> str:
    # ok: python-hardcoded-password-argument
    return "{denylist}\\s*=\\s*{secret}".format(denylist=denylist, secret="[^\\s]+")


def from_env_name(settings_cls):
    # ok: python-hardcoded-password-argument
    return settings_cls(password="APP_DB_PASSWORD")
