import ssl

from OpenSSL import SSL


def legacy_context() -> ssl.SSLContext:
    # ruleid: python-ssl-weak-protocol-version
    return ssl.SSLContext(ssl.PROTOCOL_TLSv1)


def sslv3_context() -> ssl.SSLContext:
    # ruleid: python-ssl-weak-protocol-version
    return ssl.SSLContext(protocol=ssl.PROTOCOL_SSLv3)


def permissive_context() -> ssl.SSLContext:
    ctx = ssl.create_default_context()
    # ruleid: python-ssl-weak-protocol-version
    ctx.minimum_version = ssl.TLSVersion.TLSv1
    return ctx


def openssl_context() -> SSL.Context:
    # ruleid: python-ssl-weak-protocol-version
    return SSL.Context(SSL.TLSv1_1_METHOD)


def modern_context() -> ssl.SSLContext:
    # ok: python-ssl-weak-protocol-version
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    # ok: python-ssl-weak-protocol-version
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    return ctx


def is_legacy(ctx: ssl.SSLContext) -> bool:
    # ok: python-ssl-weak-protocol-version
    return ctx.protocol == ssl.PROTOCOL_TLSv1


def openssl_modern() -> SSL.Context:
    # ok: python-ssl-weak-protocol-version
    return SSL.Context(SSL.TLS_CLIENT_METHOD)
