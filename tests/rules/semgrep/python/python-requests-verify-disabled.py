import httpx
import requests


def fetch(url: str) -> str:
    # ruleid: python-requests-verify-disabled
    return requests.get(url, verify=False, timeout=10).text


def post(url: str, data: dict) -> int:
    session = requests.Session()
    # ruleid: python-requests-verify-disabled
    session.verify = False
    return session.post(url, json=data, timeout=10).status_code


def fetch_httpx(url: str) -> str:
    # ruleid: python-requests-verify-disabled
    with httpx.Client(verify=False) as client:
        return client.get(url).text


def fetch_with_session(session: requests.Session, url: str) -> str:
    # ruleid: python-requests-verify-disabled
    return session.get(url, verify=False).text


def fetch_safe(url: str) -> str:
    # ok: python-requests-verify-disabled
    return requests.get(url, verify=True, timeout=10).text


def fetch_private_ca(url: str) -> str:
    # ok: python-requests-verify-disabled
    return requests.get(url, verify="/etc/ssl/certs/internal-ca.pem", timeout=10).text


def validate(form) -> bool:
    # ok: python-requests-verify-disabled
    return form.validate(verify=False)
