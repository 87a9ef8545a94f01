import json
import marshal


def read_code(blob: bytes) -> object:
    # ruleid: python-marshal-deserialization
    return marshal.loads(blob)


def read_file(path: str) -> object:
    with open(path, "rb") as fh:
        # ruleid: python-marshal-deserialization
        return marshal.load(fh)


def write_file(obj: object) -> bytes:
    # ok: python-marshal-deserialization
    return marshal.dumps(obj)


def read_json(blob: bytes) -> object:
    # ok: python-marshal-deserialization
    return json.loads(blob)
