import yaml
from ruamel.yaml import YAML
from yaml import Loader, SafeLoader


def load_legacy(stream):
    # ruleid: python-yaml-unsafe-load
    return yaml.load(stream)


def load_full_python(stream):
    # ruleid: python-yaml-unsafe-load
    return yaml.load(stream, Loader=yaml.UnsafeLoader)


def load_imported_loader(stream):
    # ruleid: python-yaml-unsafe-load
    return yaml.load(stream, Loader=Loader)


def load_unsafe(stream):
    # ruleid: python-yaml-unsafe-load
    return yaml.unsafe_load(stream)


def load_ruamel(stream):
    # ruleid: python-yaml-unsafe-load
    return YAML(typ="unsafe").load(stream)


def load_safe(stream):
    # ok: python-yaml-unsafe-load
    return yaml.safe_load(stream)


def load_safe_loader(stream):
    # ok: python-yaml-unsafe-load
    return yaml.load(stream, Loader=SafeLoader)


def load_safe_positional(stream):
    # ok: python-yaml-unsafe-load
    return list(yaml.load_all(stream, yaml.CSafeLoader))


def load_ruamel_safe(stream):
    # ok: python-yaml-unsafe-load
    return YAML(typ="safe").load(stream)
