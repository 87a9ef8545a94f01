"""A small, tolerant reader for Terraform's HCL2 native syntax (and, best effort, ``.tf.json``).

It keeps what the terraform checks need and nothing more: blocks with their labels, attributes
with 1-based start and end lines, and attribute values as plain data. Nothing is ever
evaluated:

* literals become Python values: strings (``str``; ``${...}``/``%{...}`` template sequences are
  kept as their raw source text, escapes such as ``\\n`` are decoded), heredocs (``<<EOF`` and
  the indent-stripping ``<<-EOF``; ``str``), numbers (``int``/``float``), ``true``/``false``
  (``bool``) and ``null`` (``None``);
* tuples ``[...]`` become ``list`` and objects ``{ a = 1, "b": 2 }`` become ``dict``;
* every other expression (references such as ``var.x``, function calls, conditionals,
  for-expressions, index and splat, arithmetic) becomes ``Expression(text)`` holding its
  source text.

The file itself is returned as a ``Block`` with type ``""`` and no labels, so ``.tfvars``
files (attributes only) and ``.tf`` files (blocks) share one model.

``.tf.json`` (Terraform's JSON syntax) is supported best effort: JSON has no schema-free way to
tell a nested block from an object-valued attribute, so every object (or list of objects) inside
a block body is recorded *both* as an attribute and as nested block(s). Top-level block types get
their usual number of labels (``resource``/``data`` two, ``provider``/``variable``/``output``/
``module`` one). Lines are those of the JSON keys. ``${...}`` in JSON strings stays raw text.

Syntax errors raise ``ParseFailure`` with the line, so the file is recorded as skipped and the
checks reading it become incomplete (fail closed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Union

from .base import ParseFailure


@dataclass(frozen=True)
class Expression:
    """An expression kept as source text, never evaluated (``var.x``, ``f(y)``, ``a ? b : c``)."""

    text: str


Value = Union[str, int, float, bool, None, list["Value"], dict[str, "Value"], Expression]  # noqa: UP007


@dataclass(frozen=True)
class Attribute:
    name: str
    value: Value
    line: int
    end_line: int


@dataclass(frozen=True)
class Block:
    type: str
    labels: tuple[str, ...]
    attributes: dict[str, Attribute] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)
    line: int = 1
    end_line: int = 1

    def blocks_of(self, type_: str) -> list[Block]:
        return [b for b in self.blocks if b.type == type_]

    def nested(self, type_: str) -> list[Block]:
        """Nested blocks of a type, including the ``content`` of ``dynamic "type"`` blocks."""
        out = self.blocks_of(type_)
        for d in self.blocks:
            if d.type == "dynamic" and d.labels[:1] == (type_,):
                out.extend(Block(type_, (), c.attributes, c.blocks, c.line, c.end_line) for c in d.blocks_of("content"))
        return out


# ---------------------------------------------------------------------------------------------
# Tokens

_IDENT = "ident"
_NUMBER = "number"
_STRING = "string"
_HEREDOC = "heredoc"
_PUNCT = "punct"
_NEWLINE = "newline"
_EOF = "eof"


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str  # punctuation/identifier text; raw source for the rest
    value: object
    line: int
    end_line: int
    start: int
    end: int


_IDENT_RE = re.compile(r"[^\W\d][\w-]*")
_NUMBER_RE = re.compile(r"\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")
_HEREDOC_RE = re.compile(r"<<(-?)([^\W\d][\w-]*)[ \t]*\r?\n")
_PUNCT3 = ("...",)
_PUNCT2 = ("==", "!=", "<=", ">=", "&&", "||", "=>")
_PUNCT1 = "{}[]()=:,.?!<>+-*/%"
_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f"}
_OPENERS = {"{": "}", "[": "]", "(": ")"}
_CLOSERS = {"}", "]", ")"}


def _number(tok: _Token) -> int | float:
    assert isinstance(tok.value, int | float)
    return tok.value


class _Lexer:
    def __init__(self, src: str, json_mode: bool) -> None:
        self.s = src
        self.json = json_mode
        self.i = 0
        self.line = 1
        self.tokens: list[_Token] = []

    def fail(self, message: str, line: int | None = None) -> ParseFailure:
        return ParseFailure(message, line if line is not None else self.line)

    def add(self, kind: str, text: str, value: object, start: int, start_line: int) -> None:
        self.tokens.append(_Token(kind, text, value, start_line, self.line, start, self.i))

    def run(self) -> list[_Token]:
        s = self.s
        n = len(s)
        while self.i < n:
            c = s[self.i]
            start, line = self.i, self.line
            if c in " \t\r\ufeff":
                self.i += 1
            elif c == "\n":
                self.i += 1
                self.add(_NEWLINE, "\n", None, start, line)
                self.line += 1
            elif not self.json and (c == "#" or s.startswith("//", self.i)):
                end = s.find("\n", self.i)
                self.i = n if end < 0 else end
            elif not self.json and s.startswith("/*", self.i):
                end = s.find("*/", self.i + 2)
                if end < 0:
                    raise self.fail("unterminated /* comment")
                self.line += s.count("\n", self.i, end)
                self.i = end + 2
            elif c.isdigit():
                m = _NUMBER_RE.match(s, self.i)
                assert m is not None
                self.i = m.end()
                text = m.group()
                num: int | float = float(text) if any(ch in text for ch in ".eE") else int(text)
                self.add(_NUMBER, text, num, start, line)
            elif c == '"':
                value = self.quoted()
                self.add(_STRING, s[start : self.i], value, start, line)
            elif not self.json and s.startswith("<<", self.i):
                value = self.heredoc()
                self.add(_HEREDOC, s[start : self.i], value, start, line)
            elif (m := _IDENT_RE.match(s, self.i)) is not None:
                self.i = m.end()
                self.add(_IDENT, m.group(), m.group(), start, line)
            else:
                for p in (*_PUNCT3, *_PUNCT2):
                    if s.startswith(p, self.i):
                        self.i += len(p)
                        self.add(_PUNCT, p, p, start, line)
                        break
                else:
                    if c not in _PUNCT1:
                        raise self.fail(f"unexpected character {c!r}")
                    self.i += 1
                    self.add(_PUNCT, c, c, start, line)
        self.add(_EOF, "", None, n, self.line)
        return self.tokens

    def quoted(self) -> str:
        """A quoted string starting at the opening quote; returns its decoded text."""
        s, start_line = self.s, self.line
        self.i += 1
        out: list[str] = []
        while True:
            if self.i >= len(s):
                raise self.fail("unterminated string", start_line)
            c = s[self.i]
            if c == '"':
                self.i += 1
                return "".join(out)
            if c == "\n":
                raise self.fail("unterminated string (a quoted string cannot span lines)", start_line)
            if c == "\\":
                out.append(self.escape())
            elif not self.json and c in "$%" and s.startswith("{", self.i + 1):
                out.append(self.interpolation())
            elif not self.json and c in "$%" and s.startswith(c + "{", self.i + 1):
                out.append(s[self.i : self.i + 3])  # $${ / %%{: literal, kept raw
                self.i += 3
            else:
                out.append(c)
                self.i += 1

    def escape(self) -> str:
        s = self.s
        nxt = s[self.i + 1 : self.i + 2]
        if nxt in _ESCAPES:
            self.i += 2
            return _ESCAPES[nxt]
        for letter, width in (("u", 4), ("U", 8)):
            if nxt == letter:
                digits = s[self.i + 2 : self.i + 2 + width]
                if len(digits) == width and all(ch in "0123456789abcdefABCDEF" for ch in digits):
                    self.i += 2 + width
                    try:
                        return chr(int(digits, 16))
                    except ValueError:
                        break
        raise self.fail(f"invalid escape sequence '\\{nxt}' in string")

    def interpolation(self) -> str:
        """``${ ... }`` or ``%{ ... }`` inside a template: its raw text, braces and nested strings balanced."""
        s, start, start_line = self.s, self.i, self.line
        self.i += 2
        depth = 1
        while depth:
            if self.i >= len(s):
                raise self.fail("unterminated template interpolation", start_line)
            c = s[self.i]
            if c == '"':
                self.quoted()
                continue
            if c == "{":
                depth += 1
            elif c == "}":
                depth -= 1
            elif c == "\n":
                self.line += 1
            self.i += 1
        return s[start : self.i]

    def heredoc(self) -> str:
        s, start_line = self.s, self.line
        m = _HEREDOC_RE.match(s, self.i)
        if m is None:
            raise self.fail("invalid heredoc: expected <<MARKER or <<-MARKER followed by a newline")
        strip, marker = m.group(1) == "-", m.group(2)
        self.i = m.end()
        self.line += 1
        lines: list[str] = []
        while True:
            if self.i >= len(s):
                raise self.fail(f"unterminated heredoc: no closing '{marker}'", start_line)
            end = s.find("\n", self.i)
            end = len(s) if end < 0 else end
            text = s[self.i : end]
            if text.strip() == marker:
                self.i = end
                break
            lines.append(text.rstrip("\r"))
            self.i = end + 1
            self.line += 1
        if strip:
            indents = [len(ln) - len(ln.lstrip(" \t")) for ln in lines if ln.strip()]
            cut = min(indents, default=0)
            lines = [ln[cut:] for ln in lines]
        return "".join(ln + "\n" for ln in lines)


# ---------------------------------------------------------------------------------------------
# Native syntax


class _Parser:
    def __init__(self, src: str, tokens: list[_Token]) -> None:
        self.src = src
        self.t = tokens
        self.k = 0

    @property
    def tok(self) -> _Token:
        return self.t[self.k]

    def is_punct(self, tok: _Token, text: str) -> bool:
        return tok.kind == _PUNCT and tok.text == text

    def describe(self, tok: _Token) -> str:
        if tok.kind == _EOF:
            return "end of file"
        if tok.kind == _NEWLINE:
            return "end of line"
        if tok.kind in (_STRING, _HEREDOC):
            return "a string"
        return f"'{tok.text}'"

    def file(self) -> Block:
        attrs, blocks = self.body(None)
        last = self.t[-1].line
        return Block("", (), attrs, blocks, 1, last)

    def body(self, opener: _Token | None) -> tuple[dict[str, Attribute], list[Block]]:
        attrs: dict[str, Attribute] = {}
        blocks: list[Block] = []
        while True:
            tok = self.tok
            if tok.kind == _NEWLINE:
                self.k += 1
                continue
            if tok.kind == _EOF:
                if opener is not None:
                    raise ParseFailure(f"block opened on line {opener.line} is not closed", opener.line)
                return attrs, blocks
            if self.is_punct(tok, "}"):
                if opener is None:
                    raise ParseFailure("unexpected '}'", tok.line)
                return attrs, blocks
            if tok.kind != _IDENT:
                raise ParseFailure(f"unexpected {self.describe(tok)}; expected an attribute or block", tok.line)
            self.k += 1
            nxt = self.tok
            if self.is_punct(nxt, "="):
                self.k += 1
                attr = self.attribute(tok, in_block=opener is not None)
                if attr.name in attrs:
                    first = attrs[attr.name].line
                    raise ParseFailure(f"attribute '{attr.name}' is defined twice (first on line {first})", tok.line)
                attrs[attr.name] = attr
            elif nxt.kind in (_STRING, _IDENT) or self.is_punct(nxt, "{"):
                blocks.append(self.block(tok))
            else:
                raise ParseFailure(
                    f"expected '=' or a block after '{tok.text}', found {self.describe(nxt)}", nxt.line
                )

    def attribute(self, name: _Token, in_block: bool) -> Attribute:
        begin = self.k
        end = self.span(begin, stop_at_close=in_block, key_mode=False)
        if end == begin:
            raise ParseFailure(f"attribute '{name.text}' has no value", name.line)
        value = self.value(begin, end)
        self.k = end
        after = self.tok
        if not (after.kind in (_NEWLINE, _EOF) or (in_block and self.is_punct(after, "}"))):
            raise ParseFailure(f"unexpected {self.describe(after)} after the value of '{name.text}'", after.line)
        return Attribute(name.text, value, name.line, self.t[end - 1].end_line)

    def block(self, type_tok: _Token) -> Block:
        labels: list[str] = []
        while self.tok.kind in (_STRING, _IDENT):
            labels.append(str(self.tok.value))
            self.k += 1
        opener = self.tok
        if not self.is_punct(opener, "{"):
            raise ParseFailure(f"expected '{{' to open block '{type_tok.text}', found {self.describe(opener)}", opener.line)
        self.k += 1
        attrs, blocks = self.body(opener)
        close = self.tok
        self.k += 1
        after = self.tok
        if not (after.kind in (_NEWLINE, _EOF) or self.is_punct(after, "}")):
            raise ParseFailure(f"unexpected {self.describe(after)} after the closing '}}' of block '{type_tok.text}'", after.line)
        return Block(type_tok.text, tuple(labels), attrs, blocks, type_tok.line, close.line)

    def span(self, begin: int, stop_at_close: bool, key_mode: bool, stop_comma: bool = False) -> int:
        """Index one past the last token of the expression starting at ``begin``.

        Newlines end an expression only outside brackets. Brackets must balance.
        """
        stack: list[_Token] = []
        k = begin
        while True:
            tok = self.t[k]
            if tok.kind == _EOF:
                if stack:
                    raise ParseFailure(f"'{stack[-1].text}' opened on line {stack[-1].line} is not closed", stack[-1].line)
                return k
            if not stack:
                if tok.kind == _NEWLINE:
                    return k
                if tok.kind == _PUNCT:
                    if tok.text in _CLOSERS:
                        if stop_at_close:
                            return k
                        raise ParseFailure(f"unexpected '{tok.text}'", tok.line)
                    if (stop_comma and tok.text == ",") or (key_mode and tok.text in ("=", ":")):
                        return k
            if tok.kind == _PUNCT:
                if tok.text in _OPENERS:
                    stack.append(tok)
                elif tok.text in _CLOSERS:
                    if not stack:
                        raise ParseFailure(f"unexpected '{tok.text}'", tok.line)
                    opened = stack.pop()
                    if _OPENERS[opened.text] != tok.text:
                        raise ParseFailure(
                            f"'{opened.text}' opened on line {opened.line} is closed by '{tok.text}'", tok.line
                        )
            k += 1

    def value(self, begin: int, end: int) -> Value:
        toks = self.t[begin:end]
        first, last = toks[0], toks[-1]
        if len(toks) == 1:
            if first.kind in (_STRING, _HEREDOC):
                return str(first.value)
            if first.kind == _NUMBER:
                return _number(first)
            if first.kind == _IDENT and first.text in ("true", "false"):
                return first.text == "true"
            if first.kind == _IDENT and first.text == "null":
                return None
        if len(toks) == 2 and self.is_punct(first, "-") and last.kind == _NUMBER:
            return -_number(last)
        if (
            first.kind == _PUNCT
            and first.text in ("[", "{")
            and self.closing(begin) == end - 1
            and not self.is_for(toks)
        ):
            if first.text == "[":
                return [self.value(b, e) for b, e in self.items(begin + 1, end - 1)]
            return self.object(begin + 1, end - 1)
        self.juxtaposed(toks)
        return Expression(self.src[first.start : last.end])

    @staticmethod
    def is_for(toks: list[_Token]) -> bool:
        """Whether a bracketed expression is a for-expression (``[for ...]``, ``{for ...}``)."""
        inner = next((t for t in toks[1:] if t.kind != _NEWLINE), None)
        return inner is not None and inner.kind == _IDENT and inner.text == "for"

    def juxtaposed(self, toks: list[_Token]) -> None:
        """Reject two operands side by side at the expression's top level (``"a" "b"``, ``1 x``)."""
        depth = 0
        prev: _Token | None = None
        for tok in toks:
            if tok.kind == _NEWLINE:
                continue
            starts = tok.kind in (_IDENT, _NUMBER, _STRING, _HEREDOC) or self.is_punct(tok, "{")
            if depth == 0 and prev is not None and starts and (
                prev.kind in (_IDENT, _NUMBER, _STRING, _HEREDOC) or (prev.kind == _PUNCT and prev.text in _CLOSERS)
            ):
                raise ParseFailure(f"unexpected {self.describe(tok)} after {self.describe(prev)}: an operator is missing", tok.line)
            if tok.kind == _PUNCT and tok.text in _OPENERS:
                depth += 1
            elif tok.kind == _PUNCT and tok.text in _CLOSERS:
                depth -= 1
            prev = tok

    def closing(self, k: int) -> int:
        depth = 0
        while True:
            tok = self.t[k]
            if tok.kind == _PUNCT and tok.text in _OPENERS:
                depth += 1
            elif tok.kind == _PUNCT and tok.text in _CLOSERS:
                depth -= 1
                if depth == 0:
                    return k
            k += 1

    def items(self, begin: int, end: int) -> list[tuple[int, int]]:
        """Comma- or newline-separated item spans between ``begin`` and ``end`` (exclusive)."""
        out: list[tuple[int, int]] = []
        k = begin
        while k < end:
            tok = self.t[k]
            if tok.kind == _NEWLINE or self.is_punct(tok, ","):
                k += 1
                continue
            stop = self.span(k, stop_at_close=True, key_mode=False, stop_comma=True)
            stop = min(stop, end)
            out.append((k, stop))
            k = stop
        return out

    def object(self, begin: int, end: int) -> dict[str, Value]:
        out: dict[str, Value] = {}
        for b, e in self.items(begin, end):
            sep = self.span(b, stop_at_close=True, key_mode=True)
            if sep >= e or not (self.is_punct(self.t[sep], "=") or self.is_punct(self.t[sep], ":")):
                raise ParseFailure("expected '=' or ':' after an object key", self.t[b].line)
            if sep == b or sep + 1 == e:
                raise ParseFailure("object item without a key or a value", self.t[b].line)
            key_toks = self.t[b:sep]
            if len(key_toks) == 1 and key_toks[0].kind in (_IDENT, _STRING):
                key = str(key_toks[0].value)
            else:
                key = self.src[key_toks[0].start : key_toks[-1].end]
            out[key] = self.value(sep + 1, e)
        return out


# ---------------------------------------------------------------------------------------------
# JSON syntax (.tf.json)

_JSON_LABELS = {"resource": 2, "data": 2, "provider": 1, "variable": 1, "output": 1, "module": 1, "check": 1}


@dataclass(frozen=True)
class _JNode:
    value: Any  # scalar, list[_JNode] or list[tuple[key, key line, _JNode]]
    kind: str  # "scalar", "array", "object"
    line: int
    end_line: int


class _JsonParser:
    def __init__(self, tokens: list[_Token]) -> None:
        self.t = [t for t in tokens if t.kind != _NEWLINE]
        self.k = 0

    def node(self) -> _JNode:
        tok = self.t[self.k]
        self.k += 1
        if tok.kind == _PUNCT and tok.text == "{":
            items: list[tuple[str, int, _JNode]] = []
            while not (self.t[self.k].kind == _PUNCT and self.t[self.k].text == "}"):
                key = self.t[self.k]
                if key.kind != _STRING:
                    raise ParseFailure("expected a string object key", key.line)
                colon = self.t[self.k + 1]
                if not (colon.kind == _PUNCT and colon.text == ":"):
                    raise ParseFailure("expected ':' after an object key", colon.line)
                self.k += 2
                items.append((str(key.value), key.line, self.node()))
                self.comma("}")
            close = self.t[self.k]
            self.k += 1
            return _JNode(items, "object", tok.line, close.line)
        if tok.kind == _PUNCT and tok.text == "[":
            elems: list[_JNode] = []
            while not (self.t[self.k].kind == _PUNCT and self.t[self.k].text == "]"):
                elems.append(self.node())
                self.comma("]")
            close = self.t[self.k]
            self.k += 1
            return _JNode(elems, "array", tok.line, close.line)
        if tok.kind == _STRING or tok.kind == _NUMBER:
            return _JNode(tok.value, "scalar", tok.line, tok.end_line)
        if tok.kind == _PUNCT and tok.text == "-" and self.t[self.k].kind == _NUMBER:
            num = self.t[self.k]
            self.k += 1
            return _JNode(-_number(num), "scalar", tok.line, num.line)
        if tok.kind == _IDENT and tok.text in ("true", "false", "null"):
            return _JNode({"true": True, "false": False, "null": None}[tok.text], "scalar", tok.line, tok.line)
        raise ParseFailure("invalid JSON value" if tok.kind != _EOF else "unexpected end of JSON", tok.line)

    def comma(self, closer: str) -> None:
        tok = self.t[self.k]
        if tok.kind == _PUNCT and tok.text == ",":
            self.k += 1
            nxt = self.t[self.k]
            if nxt.kind == _PUNCT and nxt.text == closer:
                raise ParseFailure("trailing comma", nxt.line)
        elif not (tok.kind == _PUNCT and tok.text == closer):
            raise ParseFailure(f"expected ',' or '{closer}'", tok.line)


def _jvalue(node: _JNode) -> Value:
    if node.kind == "array":
        return [_jvalue(e) for e in node.value]
    if node.kind == "object":
        return {k: _jvalue(v) for k, _, v in node.value if k != "//"}
    value: Value = node.value
    return value


def _jbody(type_: str, labels: tuple[str, ...], node: _JNode, line: int) -> Block:
    attrs: dict[str, Attribute] = {}
    blocks: list[Block] = []
    if node.kind != "object":
        raise ParseFailure(f"the body of '{type_}' must be a JSON object", node.line)
    for key, kline, child in node.value:
        if key == "//":
            continue
        if key in attrs:
            raise ParseFailure(f"attribute '{key}' is defined twice (first on line {attrs[key].line})", kline)
        attrs[key] = Attribute(key, _jvalue(child), kline, child.end_line)
        if child.kind == "object":
            blocks.append(_jbody(key, (), child, kline))
        elif child.kind == "array" and child.value and all(e.kind == "object" for e in child.value):
            blocks.extend(_jbody(key, (), e, e.line) for e in child.value)
    return Block(type_, labels, attrs, blocks, line, node.end_line)


def _jblocks(type_: str, labels: tuple[str, ...], depth: int, node: _JNode, line: int) -> list[Block]:
    if node.kind == "array":
        return [b for e in node.value for b in _jblocks(type_, labels, depth, e, e.line)]
    if depth == 0:
        return [_jbody(type_, labels, node, line)]
    if node.kind != "object":
        raise ParseFailure(f"'{type_}' expects {depth} more label level(s) as JSON objects", node.line)
    return [
        b
        for key, kline, child in node.value
        if key != "//"
        for b in _jblocks(type_, (*labels, key), depth - 1, child, kline)
    ]


def _parse_json(text: str) -> Block:
    tokens = _Lexer(text, json_mode=True).run()
    p = _JsonParser(tokens)
    root = p.node()
    if p.t[p.k].kind != _EOF:
        raise ParseFailure("unexpected content after the JSON document", p.t[p.k].line)
    if root.kind != "object":
        raise ParseFailure("a .tf.json file must hold a JSON object", root.line)
    blocks: list[Block] = []
    attrs: dict[str, Attribute] = {}
    for key, kline, child in root.value:
        if key == "//":
            continue
        blocks.extend(_jblocks(key, (), _JSON_LABELS.get(key, 0), child, kline))
    return Block("", (), attrs, blocks, 1, root.end_line)


# ---------------------------------------------------------------------------------------------


def parse(text: str, path: str = "") -> Block:
    """Parse one Terraform file (``.tf``, ``.tfvars``; ``.tf.json`` by its name) into its root Block."""
    if path.endswith(".json"):
        return _parse_json(text)
    tokens = _Lexer(text, json_mode=False).run()
    return _Parser(text, tokens).file()


def has_template(value: str) -> bool:
    """Whether a string holds a ``${...}``/``%{...}`` template sequence (``$${``/``%%{`` are literals)."""
    i = 0
    while i < len(value):
        if value.startswith(("$${", "%%{"), i):
            i += 3
        elif value.startswith(("${", "%{"), i):
            return True
        else:
            i += 1
    return False
