import logging

logger = logging.getLogger(__name__)


def login(username: str, password: str) -> None:
    # ruleid: python-logging-sensitive-data
    logger.debug("login attempt user=%s password=%s", username, password)


def refresh(session, token: str) -> None:
    # ruleid: python-logging-sensitive-data
    logging.info(f"refreshed token {token} for session {session.id}")


class Client:
    def __init__(self, api_key: str) -> None:
        self.api_key = api_key
        self.log = logging.getLogger("client")

    def connect(self) -> None:
        # ruleid: python-logging-sensitive-data
        self.log.warning("connecting with key " + self.api_key)


def login_safe(username: str, password: str) -> None:
    # ok: python-logging-sensitive-data
    logger.debug("login attempt user=%s", username)


def token_stats(tokens: list) -> None:
    # ok: python-logging-sensitive-data
    logger.info("issued %d tokens, reset via %s", len(tokens), "password_reset_url")


def audit(user) -> None:
    # ok: python-logging-sensitive-data
    logger.info("password changed for user %s", user.id)


def parse(anchor_token: str) -> None:
    # ok: python-logging-sensitive-data
    logger.error("target points to undefined anchor %r", anchor_token)
