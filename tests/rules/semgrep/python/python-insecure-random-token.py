import random
import secrets
import string
from random import choice

ALPHABET = string.ascii_letters + string.digits


def new_reset_token() -> str:
    # ruleid: python-insecure-random-token
    reset_token = "".join(random.choice(ALPHABET) for _ in range(32))
    return reset_token


def new_pin() -> int:
    # ruleid: python-insecure-random-token
    pin = random.randint(1000, 9999)
    return pin


class Account:
    def rotate(self) -> None:
        # ruleid: python-insecure-random-token
        self.api_key = "%032x" % random.getrandbits(128)  # noqa: UP031


def store(session: dict) -> None:
    # ruleid: python-insecure-random-token
    session["csrf_token"] = str(random.random())


# ruleid: python-insecure-random-token
def generate_password(length: int = 12) -> str:
    return "".join(choice(ALPHABET) for _ in range(length))


def new_reset_token_safe() -> str:
    # ok: python-insecure-random-token
    reset_token = secrets.token_urlsafe(32)
    return reset_token


def new_pin_safe() -> int:
    # ok: python-insecure-random-token
    pin = secrets.randbelow(9000) + 1000
    return pin


def sample_rows(rows: list) -> list:
    # ok: python-insecure-random-token
    sample = random.sample(rows, 10)
    return sample


def jitter() -> float:
    # ok: python-insecure-random-token
    retry_delay = random.uniform(0.5, 1.5)
    return retry_delay


def pick_status() -> int:
    # ok: python-insecure-random-token
    status_code = random.choice([200, 503])
    return status_code


def system_random_token() -> str:
    # ok: python-insecure-random-token
    session_token = "".join(random.SystemRandom().choice(ALPHABET) for _ in range(32))
    return session_token
