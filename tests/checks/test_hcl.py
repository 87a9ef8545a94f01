"""The small HCL2 reader behind the terraform checks: values, line numbers, errors, .tf.json."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from conftest import REPO_ROOT
from productready.checks.base import ParseFailure
from productready.checks.hcl import Attribute, Block, Expression, has_template, parse


def _parse(text: str, path: str = "main.tf") -> Block:
    return parse(textwrap.dedent(text).lstrip("\n"), path)


def _res(root: Block, i: int = 0) -> Block:
    return [b for b in root.blocks if b.type == "resource"][i]


def test_blocks_labels_and_lines() -> None:
    root = _parse(
        """
        terraform {
          required_version = ">= 1.6"
        }

        resource "aws_s3_bucket" "logs" {
          bucket = "example-logs"
        }
        provider aws {}
        """
    )
    assert root.type == "" and root.labels == ()
    assert [(b.type, b.labels, b.line, b.end_line) for b in root.blocks] == [
        ("terraform", (), 1, 3),
        ("resource", ("aws_s3_bucket", "logs"), 5, 7),
        ("provider", ("aws",), 8, 8),
    ]
    assert root.blocks[1].attributes["bucket"] == Attribute("bucket", "example-logs", 6, 6)


def test_nested_attribute_lines() -> None:
    root = _parse(
        """
        resource "aws_cloudfront_distribution" "site" {
          enabled = true

          default_cache_behavior {
            viewer_protocol_policy = "allow-all"

            forwarded_values {
              query_string = false
              cookies {
                forward = "none"
              }
            }
          }
        }
        """
    )
    dist = _res(root)
    dcb = dist.blocks_of("default_cache_behavior")[0]
    assert (dcb.line, dcb.end_line) == (4, 13)
    assert dcb.attributes["viewer_protocol_policy"].line == 5
    fwd = dcb.blocks_of("forwarded_values")[0]
    assert (fwd.line, fwd.end_line) == (7, 12)
    assert fwd.attributes["query_string"] == Attribute("query_string", False, 8, 8)
    cookies = fwd.blocks_of("cookies")[0]
    assert cookies.attributes["forward"] == Attribute("forward", "none", 10, 10)
    assert (cookies.line, cookies.end_line) == (9, 11)


def test_literal_values() -> None:
    attrs = _parse(
        r"""
        a = "plain"
        b = "tab\there \"quoted\" \\ \u00e9"
        c = 42
        d = 3.5
        e = -7
        f = 1e3
        g = true
        h = false
        i = null
        """
    ).attributes
    assert {k: v.value for k, v in attrs.items()} == {
        "a": "plain", "b": 'tab\there "quoted" \\ é', "c": 42, "d": 3.5, "e": -7, "f": 1000.0,
        "g": True, "h": False, "i": None,
    }


def test_templates_are_kept_raw() -> None:
    attrs = _parse(
        """
        a = "arn:${data.aws_partition.current.partition}:s3:::${var.bucket}/*"
        b = "$${not_interpolated}"
        c = "${format("%s}", "}")} tail"
        d = "%{ if var.x }yes%{ endif }"
        """
    ).attributes
    assert attrs["a"].value == "arn:${data.aws_partition.current.partition}:s3:::${var.bucket}/*"
    assert attrs["b"].value == "$${not_interpolated}"
    assert attrs["c"].value == '${format("%s}", "}")} tail'
    assert attrs["d"].value == "%{ if var.x }yes%{ endif }"
    assert has_template(str(attrs["a"].value))
    assert not has_template(str(attrs["b"].value))
    assert has_template(str(attrs["d"].value))
    assert not has_template("plain $ and % and {braces}")


def test_heredocs_and_their_lines() -> None:
    root = _parse(
        """
        locals {
          policy = <<EOT
        {"Version": "2012-10-17"}
        ${var.extra}
        EOT
          script = <<-SH
            #!/bin/sh
              echo indented
            SH
          after = 1
        }
        """
    )
    attrs = root.blocks[0].attributes
    assert attrs["policy"] == Attribute("policy", '{"Version": "2012-10-17"}\n${var.extra}\n', 2, 5)
    assert attrs["script"] == Attribute("script", "#!/bin/sh\n  echo indented\n", 6, 9)
    assert attrs["after"].line == 10


def test_collections() -> None:
    attrs = _parse(
        """
        cidrs = [
          "10.0.0.0/16", # office
          "10.1.0.0/16",
        ]
        tags = {
          Name             = "web"
          "kubernetes.io/x" : "owned",
          (var.key)        = [1, 2]
          nested           = { a = { b = true } }
        }
        empty_list = []
        empty_map  = {}
        """
    ).attributes
    assert attrs["cidrs"].value == ["10.0.0.0/16", "10.1.0.0/16"]
    assert (attrs["cidrs"].line, attrs["cidrs"].end_line) == (1, 4)
    assert attrs["tags"].value == {
        "Name": "web", "kubernetes.io/x": "owned", "(var.key)": [1, 2], "nested": {"a": {"b": True}},
    }
    assert (attrs["tags"].line, attrs["tags"].end_line) == (5, 10)
    assert attrs["empty_list"].value == [] and attrs["empty_map"].value == {}


def test_other_expressions_are_raw_text() -> None:
    attrs = _parse(
        """
        ref     = var.subnet_ids
        call    = jsonencode({ a = 1 })
        cond    = var.prod ? 35 : 1
        forexp  = [for s in var.subnets : s.id if s.public]
        formap  = { for k, v in var.m : k => upper(v) }
        splat   = aws_instance.web[*].id
        index   = aws_subnet.private[0].id
        math    = var.n * 2 + 1
        neg     = !var.enabled
        inlist  = [var.a, "literal"]
        multi   = merge(
          var.tags,
          { Name = "x" },
        )
        """
    ).attributes
    assert attrs["ref"].value == Expression("var.subnet_ids")
    assert attrs["call"].value == Expression("jsonencode({ a = 1 })")
    assert attrs["cond"].value == Expression("var.prod ? 35 : 1")
    assert attrs["forexp"].value == Expression("[for s in var.subnets : s.id if s.public]")
    assert attrs["formap"].value == Expression("{ for k, v in var.m : k => upper(v) }")
    assert attrs["splat"].value == Expression("aws_instance.web[*].id")
    assert attrs["index"].value == Expression("aws_subnet.private[0].id")
    assert attrs["math"].value == Expression("var.n * 2 + 1")
    assert attrs["neg"].value == Expression("!var.enabled")
    assert attrs["inlist"].value == [Expression("var.a"), "literal"]
    assert isinstance(attrs["multi"].value, Expression)
    assert (attrs["multi"].line, attrs["multi"].end_line) == (11, 14)


def test_comments_do_not_shift_lines() -> None:
    root = _parse(
        """
        # leading comment
        // another
        /* a block comment
           over two lines */ resource "x" "y" { a = 1 }
        resource "x" "z" {
          b = 2 # trailing
          /* inline */ c = "# not a comment"
        }
        """
    )
    first, second = root.blocks
    assert (first.line, first.attributes["a"].line) == (4, 4)
    assert second.attributes["b"] == Attribute("b", 2, 6, 6)
    assert second.attributes["c"] == Attribute("c", "# not a comment", 7, 7)


def test_tfvars_are_top_level_attributes() -> None:
    root = _parse('region = "me-central-1"\nsizes = { small = 1 }\n', "terraform.tfvars")
    assert root.blocks == []
    assert root.attributes["region"].value == "me-central-1"
    assert root.attributes["sizes"] == Attribute("sizes", {"small": 1}, 2, 2)


def test_crlf_line_endings() -> None:
    root = parse('resource "a" "b" {\r\n  x = "y"\r\n  z = <<EOF\r\nline\r\nEOF\r\n}\r\n', "main.tf")
    attrs = root.blocks[0].attributes
    assert attrs["x"] == Attribute("x", "y", 2, 2)
    assert attrs["z"] == Attribute("z", "line\n", 3, 5)
    assert root.blocks[0].end_line == 6


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ('resource "a" "b" {\n  x = 1\n', 1, "block opened on line 1 is not closed"),
        ('x = "unterminated\ny = 1\n', 1, "unterminated string (a quoted string cannot span lines)"),
        ("x = <<EOF\nbody\n", 1, "unterminated heredoc: no closing 'EOF'"),
        ('resource "a" "b" {\n  x 1\n}\n', 2, "expected '=' or a block after 'x', found '1'"),
        ("x = 1\ny = 2\nx = 3\n", 3, "attribute 'x' is defined twice (first on line 1)"),
        ("}\n", 1, "unexpected '}'"),
        ("x = [1, 2)\n", 1, "'[' opened on line 1 is closed by ')'"),
        ("x = [\n  1,\n", 1, "'[' opened on line 1 is not closed"),
        ("x = 1 ^ 2\n", 1, "unexpected character '^'"),
        ("x =\n", 1, "attribute 'x' has no value"),
        ('x = "a" "b"\n', 1, "unexpected a string after a string: an operator is missing"),
        ("x = var.a var.b\n", 1, "unexpected 'var' after 'a': an operator is missing"),
        ('a {\n  x = f(1) {\n  }\n}\n', 2, "unexpected '{' after ')': an operator is missing"),
        ("/* never closed\n\nx = 1\n", 1, "unterminated /* comment"),
        ('x = "bad \\q escape"\n', 1, "invalid escape sequence '\\q' in string"),
        ("a {\n  b = { c }\n}\n", 2, "expected '=' or ':' after an object key"),
    ],
)
def test_syntax_errors_carry_the_line(text: str, line: int, message: str) -> None:
    with pytest.raises(ParseFailure) as exc:
        parse(text, "main.tf")
    assert (exc.value.line, exc.value.message) == (line, message)


def test_tf_json_blocks_attributes_and_lines() -> None:
    text = textwrap.dedent(
        """
        {
          "//": "generated",
          "provider": {
            "aws": [
              {"region": "eu-west-1"},
              {"alias": "us", "region": "us-east-1"}
            ]
          },
          "resource": {
            "aws_db_instance": {
              "main": {
                "engine": "postgres",
                "publicly_accessible": true,
                "password": "${var.db_password}",
                "tags": {"Name": "main"}
              }
            },
            "aws_security_group": {
              "db": {
                "ingress": [
                  {"from_port": 5432, "to_port": 5432, "cidr_blocks": ["10.0.0.0/8"]}
                ]
              }
            }
          }
        }
        """
    ).lstrip("\n")
    root = parse(text, "main.tf.json")
    providers = [b for b in root.blocks if b.type == "provider"]
    assert [(b.labels, b.attributes["region"].value, b.line) for b in providers] == [
        (("aws",), "eu-west-1", 5),
        (("aws",), "us-east-1", 6),
    ]
    db = _res(root, 0)
    assert db.labels == ("aws_db_instance", "main")
    assert db.line == 11 and db.end_line == 16
    assert db.attributes["publicly_accessible"] == Attribute("publicly_accessible", True, 13, 13)
    assert db.attributes["password"].value == "${var.db_password}"
    # objects are both an attribute and a nested block (JSON cannot tell them apart)
    assert db.attributes["tags"].value == {"Name": "main"}
    assert db.blocks_of("tags")[0].attributes["Name"].value == "main"
    sg = _res(root, 1)
    ingress = sg.blocks_of("ingress")
    assert len(ingress) == 1 and ingress[0].attributes["to_port"].value == 5432
    assert ingress[0].attributes["cidr_blocks"].line == 21


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ('{\n  "resource": {\n    "a": {"b": {"x": 1,}}\n  }\n}\n', 3, "trailing comma"),
        ('{\n  "x": 1\n  "y": 2\n}\n', 3, "expected ',' or '}'"),
        ("[1, 2]\n", 1, "a .tf.json file must hold a JSON object"),
        ('{"x": 1} {"y": 2}\n', 1, "unexpected content after the JSON document"),
        ('{\n  "resource": {"aws_s3_bucket": "oops"}\n}\n', 2, "'resource' expects 1 more label level(s) as JSON objects"),
        ('{"x": tru}\n', 1, "invalid JSON value"),
    ],
)
def test_tf_json_errors(text: str, line: int, message: str) -> None:
    with pytest.raises(ParseFailure) as exc:
        parse(text, "main.tf.json")
    assert (exc.value.line, exc.value.message) == (line, message)


def test_example_twins_parse() -> None:
    files = sorted((REPO_ROOT / "examples").glob("*/deploy/terraform/*.tf"))
    assert len(files) >= 10
    for f in files:
        root = parse(f.read_text(encoding="utf-8"), str(f))
        assert root.blocks, f
        assert all(b.end_line >= b.line for b in root.blocks)


def test_parser_never_raises_anything_but_parse_failure(tmp_path: Path) -> None:
    samples = ['"', "{", "[", "a = {", "a = ${", 'a = "${"', "<<", "a = <<X\n", "a b c", "= 1", "a = 1 2", "\x00"]
    for s in samples:
        try:
            parse(s, "x.tf")
        except ParseFailure as exc:
            assert exc.line is not None and exc.line >= 1
        try:
            parse(s, "x.tf.json")
        except ParseFailure as exc:
            assert exc.line is not None and exc.line >= 1
