import json

import jsonpickle


def restore(body: str) -> object:
    # ruleid: python-jsonpickle-decode
    return jsonpickle.decode(body)


def restore_keys(body: str) -> object:
    # ruleid: python-jsonpickle-decode
    return jsonpickle.decode(body, keys=True)


def dump(obj: object) -> str:
    # ok: python-jsonpickle-decode
    return jsonpickle.encode(obj)


def restore_json(body: str) -> dict:
    # ok: python-jsonpickle-decode
    return json.loads(body)
