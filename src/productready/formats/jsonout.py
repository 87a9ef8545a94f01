"""Fast JSON writing for the report formats, and a switch that keeps the garbage collector out of
the way while a format builds a large document.

:func:`canonical_bytes` / :func:`canonical_text` give the layout of ``yamlio.canonical_json``
(sorted keys, two-space indent, non-ASCII text as UTF-8, trailing newline), written by
orjson instead of the standard library's pure-Python indenting encoder. Strings, integers,
booleans, ``null`` and the layout are byte-identical to ``canonical_json``; floats are written in
their shortest round-trip form (``1e-05`` becomes ``0.00001``: the same number). What orjson
cannot write (a lone surrogate from an undecodable file name, an integer past 64 bits, a
non-string key, a dataclass or date the standard library would reject too) falls back to
``canonical_json``, so nothing that worked before fails now.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import orjson

from ..yamlio import canonical_json

# dataclasses and datetimes go through ``default`` (None: an error) so the standard library decides
_STRICT = orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_DATETIME
_INDENTED = orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS | orjson.OPT_APPEND_NEWLINE | _STRICT
_COMPACT = orjson.OPT_SORT_KEYS | _STRICT


_SURROGATE = re.compile("[\ud800-\udfff]")


def no_surrogates(text: str) -> str:
    """Lone surrogates (undecodable file names) cannot be written as UTF-8: U+FFFD instead."""
    return _SURROGATE.sub("\ufffd", text)


def canonical_bytes(data: Any, *, replace_surrogates: bool = False) -> bytes:
    """``canonical_json(data)`` as UTF-8. A lone surrogate becomes U+FFFD with
    ``replace_surrogates``, else it raises UnicodeEncodeError (as ``str.encode`` did)."""
    try:
        return orjson.dumps(data, option=_INDENTED)
    except TypeError:  # orjson.JSONEncodeError is a TypeError
        text = canonical_json(data)
        return (no_surrogates(text) if replace_surrogates else text).encode("utf-8")


def canonical_text(data: Any, *, replace_surrogates: bool = False) -> str:
    """``canonical_json(data)`` (with lone surrogates as U+FFFD if ``replace_surrogates``)."""
    try:
        return orjson.dumps(data, option=_INDENTED).decode("utf-8")
    except TypeError:
        text = canonical_json(data)
        return no_surrogates(text) if replace_surrogates else text


def compact_bytes(data: Any, *, sort_keys: bool = True) -> bytes | None:
    """Sorted keys, no whitespace (``separators=(",", ":")``), UTF-8; None where orjson cannot write it.

    ``sort_keys=False`` writes dicts in their own order (for data built with its keys in order)."""
    try:
        return orjson.dumps(data, option=_COMPACT if sort_keys else _STRICT)
    except TypeError:
        return None


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while a large document is built.

    A report of 50,000 findings allocates millions of small dicts and lists, and every few
    thousand allocations the collector walks all of them again (about half the build time).
    Reference counting still frees what is dropped; the rare cycle waits for the next collection
    after the previous state is restored.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
