from jinja2 import Environment, FileSystemLoader, select_autoescape


def html_env() -> Environment:
    # ruleid: python-jinja2-autoescape-disabled
    return Environment(loader=FileSystemLoader("templates"), autoescape=False)


def default_env() -> Environment:
    # ruleid: python-jinja2-autoescape-disabled
    return Environment(loader=FileSystemLoader("templates"))


def html_env_safe() -> Environment:
    # ok: python-jinja2-autoescape-disabled
    return Environment(loader=FileSystemLoader("templates"), autoescape=select_autoescape())


def strict_env() -> Environment:
    # ok: python-jinja2-autoescape-disabled
    return Environment(loader=FileSystemLoader("templates"), autoescape=True)


def configured_env(settings: dict) -> Environment:
    # ok: python-jinja2-autoescape-disabled
    return Environment(**settings)
