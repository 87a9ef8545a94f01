import ssl
import urllib.request


def open_url(url: str) -> bytes:
    # ruleid: python-ssl-unverified-context
    ctx = ssl._create_unverified_context()
    return urllib.request.urlopen(url, context=ctx).read()


def disable_globally() -> None:
    # ruleid: python-ssl-unverified-context
    ssl._create_default_https_context = ssl._create_unverified_context


def open_url_safe(url: str) -> bytes:
    # ok: python-ssl-unverified-context
    ctx = ssl.create_default_context()
    return urllib.request.urlopen(url, context=ctx).read()


def open_url_private_ca(url: str) -> bytes:
    # ok: python-ssl-unverified-context
    ctx = ssl.create_default_context(cafile="/etc/ssl/certs/internal-ca.pem")
    return urllib.request.urlopen(url, context=ctx).read()
