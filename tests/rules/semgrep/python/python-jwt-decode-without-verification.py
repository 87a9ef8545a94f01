import jwt


def claims_unverified(token: str) -> dict:
    # ruleid: python-jwt-decode-without-verification
    return jwt.decode(token, options={"verify_signature": False})


def claims_legacy(token: str, key: str) -> dict:
    # ruleid: python-jwt-decode-without-verification
    return jwt.decode(token, key, verify=False)


def claims_with_options(token: str, key: str) -> dict:
    opts = {"verify_signature": False, "verify_exp": True}
    # ruleid: python-jwt-decode-without-verification
    return jwt.decode(token, key, algorithms=["HS256"], options=opts)


def claims(token: str, key: str) -> dict:
    # ok: python-jwt-decode-without-verification
    return jwt.decode(token, key, algorithms=["RS256"], audience="api")


def key_id(token: str) -> str:
    # ok: python-jwt-decode-without-verification
    return jwt.get_unverified_header(token)["kid"]


def claims_require(token: str, key: str) -> dict:
    # ok: python-jwt-decode-without-verification
    return jwt.decode(token, key, algorithms=["HS256"], options={"require": ["exp", "sub"]})
