def run_snippet(code: str) -> None:
    # ruleid: python-exec-injection
    exec(code)


def define_handler(name: str, body: str) -> dict:
    namespace: dict = {}
    # ruleid: python-exec-injection
    exec(f"def {name}(event):\n    {body}", namespace)
    return namespace


def feature_probe() -> None:
    # ok: python-exec-injection
    exec("import json")


HANDLERS = {"ping": lambda payload: "pong"}


def dispatch(action: str, payload: dict) -> str:
    # ok: python-exec-injection
    return HANDLERS[action](payload)
