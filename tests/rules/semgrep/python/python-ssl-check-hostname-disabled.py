import ssl

import urllib3


def context() -> ssl.SSLContext:
    ctx = ssl.create_default_context()
    # ruleid: python-ssl-check-hostname-disabled
    ctx.check_hostname = False
    return ctx


def pool() -> urllib3.PoolManager:
    # ruleid: python-ssl-check-hostname-disabled
    return urllib3.PoolManager(assert_hostname=False)


def context_safe() -> ssl.SSLContext:
    ctx = ssl.create_default_context()
    # ok: python-ssl-check-hostname-disabled
    ctx.check_hostname = True
    return ctx


def pool_pinned() -> urllib3.PoolManager:
    # ok: python-ssl-check-hostname-disabled
    return urllib3.PoolManager(assert_hostname="api.internal.example.com")
