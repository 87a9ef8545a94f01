import json
import pickle
from pickle import loads as unpickle

import pandas as pd


def load_session(blob: bytes) -> dict:
    # ruleid: python-pickle-deserialization
    return pickle.loads(blob)


def load_cache(path: str) -> object:
    with open(path, "rb") as fh:
        # ruleid: python-pickle-deserialization
        return pickle.load(fh)


def load_alias(blob: bytes) -> object:
    # ruleid: python-pickle-deserialization
    return unpickle(blob)


def load_frame(path: str):
    # ruleid: python-pickle-deserialization
    return pd.read_pickle(path)


def save_session(data: dict) -> bytes:
    # ok: python-pickle-deserialization
    return pickle.dumps(data)


def load_session_json(blob: bytes) -> dict:
    # ok: python-pickle-deserialization
    return json.loads(blob)
