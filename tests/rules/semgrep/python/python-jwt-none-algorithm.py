import jwt


def unsigned(claims: dict) -> str:
    # ruleid: python-jwt-none-algorithm
    return jwt.encode(claims, None, algorithm="none")


def accept_any(token: str, key: str) -> dict:
    # ruleid: python-jwt-none-algorithm
    return jwt.decode(token, key, algorithms=["HS256", "none"])


def signed(claims: dict, key: str) -> str:
    # ok: python-jwt-none-algorithm
    return jwt.encode(claims, key, algorithm="HS256")


def strict(token: str, key: str) -> dict:
    # ok: python-jwt-none-algorithm
    return jwt.decode(token, key, algorithms=["RS256"])
