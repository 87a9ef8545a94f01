import shelve
import sqlite3
from shelve import open as open_shelf


def cache(path: str) -> shelve.Shelf:
    # ruleid: python-shelve-open
    return shelve.open(path)


def cache_alias(path: str) -> shelve.Shelf:
    # ruleid: python-shelve-open
    return open_shelf(path, flag="r")


def store(path: str) -> sqlite3.Connection:
    # ok: python-shelve-open
    return sqlite3.connect(path)


def read_text(path: str) -> str:
    # ok: python-shelve-open
    with open(path) as fh:
        return fh.read()
