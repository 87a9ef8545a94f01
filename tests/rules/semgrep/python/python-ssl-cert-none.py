import ssl

import urllib3


def client_context() -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    # ruleid: python-ssl-cert-none
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def pool() -> urllib3.PoolManager:
    # ruleid: python-ssl-cert-none
    return urllib3.PoolManager(cert_reqs="CERT_NONE")


def wrap(sock):
    # ruleid: python-ssl-cert-none
    return ssl.wrap_socket(sock, cert_reqs=ssl.CERT_NONE)


def client_context_safe() -> ssl.SSLContext:
    ctx = ssl.create_default_context()
    # ok: python-ssl-cert-none
    ctx.verify_mode = ssl.CERT_REQUIRED
    return ctx


def is_insecure(ctx: ssl.SSLContext) -> bool:
    # ok: python-ssl-cert-none
    return ctx.verify_mode == ssl.CERT_NONE


def pool_safe() -> urllib3.PoolManager:
    # ok: python-ssl-cert-none
    return urllib3.PoolManager(cert_reqs="CERT_REQUIRED")
