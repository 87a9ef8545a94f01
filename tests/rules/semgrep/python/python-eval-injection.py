import ast


def calculate(expression: str) -> float:
    # ruleid: python-eval-injection
    return eval(expression)


def load_settings(raw: str) -> dict:
    # ruleid: python-eval-injection
    return eval("dict(" + raw + ")", {"__builtins__": {}})


def parse_literal(raw: str) -> object:
    # ok: python-eval-injection
    return ast.literal_eval(raw)


def constant() -> int:
    # ok: python-eval-injection
    return eval("1 + 2")


def evaluate_model(model) -> None:
    # ok: python-eval-injection
    model.eval()
