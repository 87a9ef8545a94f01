"""The Terraform kinds added for checkov parity (parameter-group, referenced), the linked-setting
extensions they brought (``scope: any``, exempt companions), and the trickier checks built on them."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from conftest import REPO_ROOT
from productready import inventory
from productready.checks import CHECK_KINDS
from productready.checks.rulesets import Check, load_checks
from productready.config import load_config
from productready.models import Coverage
from productready.scanners import ScanContext
from productready.scanners.checks import ChecksScanner


class _TerraformOnly(ChecksScanner):
    def checks(self) -> list[Check]:
        return load_checks(CHECK_KINDS, [REPO_ROOT / "rulesets" / "terraform.yaml"])


SCANNER = _TerraformOnly()

Hits = list[tuple[str, int, str]]  # (path, line, message)


def _scan(tmp_path: Path, files: dict[str, str], check: str) -> Hits:
    root = tmp_path / "repo"
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    loaded = load_config(root)
    ctx = ScanContext(
        root=root.resolve(), inventory=inventory.collect(root, loaded.config.exclude), config=loaded.config,
        config_dir=root, timeout=60, jobs=1,
    )
    res = SCANNER.run(ctx, only=[check])
    assert dict(res.coverage)[f"checks:{check}"] is Coverage.EVALUATED
    return sorted((f.location.path, f.location.line, f.message) for f in res.findings)


def _lines(hits: Hits) -> list[tuple[str, int]]:
    return [(p, ln) for p, ln, _ in hits]


# ---------------------------------------------------------------------------------------------
# terraform.parameter-group (terraform.rds-query-logging)

QL = "terraform.rds-query-logging"
DB = """
resource "aws_db_instance" "{name}" {{
  engine               = "postgres"
  parameter_group_name = {link}
}}
"""


def test_default_group_by_name_is_judged_by_the_engine_defaults(tmp_path: Path) -> None:
    hits = _scan(tmp_path, {"main.tf": DB.format(name="a", link='"default.postgres16"')}, QL)
    assert hits == [(
        "main.tf", 1,
        'aws_db_instance.a uses the default parameter group (parameter_group_name = "default.postgres16"), where '
        'log_statement is "none" and log_min_duration_statement is -1; statement logging needs a parameter group '
        'with log_statement = "ddl" or "mod" or "all" and log_min_duration_statement other than -1',
    )]


def test_group_named_by_literal_is_found_and_a_shared_group_is_reported_once(tmp_path: Path) -> None:
    hits = _scan(
        tmp_path,
        {
            "db.tf": DB.format(name="a", link='"app-pg16"') + DB.format(name="b", link="aws_db_parameter_group.pg.id"),
            "pg.tf": """
                resource "aws_db_parameter_group" "pg" {
                  name   = "app-pg16"
                  family = "postgres16"
                  parameter {
                    name  = "log_statement"
                    value = var.log_statement
                  }
                }
                variable "log_statement" {
                  default = "none"
                }
            """,
        },
        QL,
    )
    assert hits == [
        ("pg.tf", 1, "aws_db_parameter_group.pg (used by aws_db_instance.a, aws_db_instance.b) does not set "
                     "log_min_duration_statement (default -1); statement logging needs log_min_duration_statement other than -1"),
        ("pg.tf", 6, "aws_db_parameter_group.pg (used by aws_db_instance.a, aws_db_instance.b) sets log_statement = \"none\" "
                     "(from variable 'log_statement' (default)); statement logging needs log_statement = \"ddl\" or \"mod\" or \"all\""),
    ]


def test_unknown_links_groups_elsewhere_and_dynamic_parameters_are_not_judged(tmp_path: Path) -> None:
    hits = _scan(
        tmp_path,
        {
            "main.tf": DB.format(name="a", link="var.group")
            + DB.format(name="b", link='"managed-elsewhere"')
            + DB.format(name="c", link="aws_db_parameter_group.dyn.name")
            + """
                variable "group" {}
                resource "aws_db_parameter_group" "dyn" {
                  family = "postgres16"
                  dynamic "parameter" {
                    for_each = var.parameters
                    content {
                      name  = parameter.key
                      value = parameter.value
                    }
                  }
                  parameter {
                    name  = "log_statement"
                    value = "all"
                  }
                }
                resource "aws_db_instance" "mysql" {
                  engine = "mysql"
                }
                resource "aws_db_instance" "unknown_engine" {
                  engine = var.engine
                }
            """,
        },
        QL,
    )
    assert hits == []


def test_aurora_cluster_is_judged_by_its_cluster_parameter_group(tmp_path: Path) -> None:
    hits = _scan(
        tmp_path,
        {
            "main.tf": """
                resource "aws_rds_cluster" "c" {
                  engine = "aurora-postgresql"
                }
                resource "aws_rds_cluster" "mysql" {
                  engine = "aurora-mysql"
                }
            """,
        },
        QL,
    )
    assert _lines(hits) == [("main.tf", 1)]
    assert "does not set db_cluster_parameter_group_name" in hits[0][2]


# ---------------------------------------------------------------------------------------------
# terraform.referenced (terraform.sg-attached)

SA = "terraform.sg-attached"
SG = """
resource "aws_security_group" "{name}" {{
  description = "{name}"
}}
"""


def test_own_rules_and_depends_on_do_not_attach_a_group(tmp_path: Path) -> None:
    hits = _scan(
        tmp_path,
        {
            "main.tf": SG.format(name="db") + """
                resource "aws_security_group_rule" "db_in" {
                  type              = "ingress"
                  security_group_id = aws_security_group.db.id
                  from_port         = 5432
                  to_port           = 5432
                  protocol          = "tcp"
                  cidr_blocks       = ["10.0.0.0/16"]
                }
                resource "aws_instance" "app" {
                  depends_on = [aws_security_group.db]
                }
            """,
        },
        SA,
    )
    assert hits == [(
        "main.tf", 1,
        "aws_security_group.db is not referenced by any resource, module call or output in the root directory; "
        "it protects nothing, so it is either left over or its intended attachment (vpc_security_group_ids, "
        "security_groups) is missing",
    )]


def test_uses_that_count(tmp_path: Path) -> None:
    hits = _scan(
        tmp_path,
        {
            "infra/main.tf": SG.format(name="web") + SG.format(name="lb") + SG.format(name="out") + SG.format(name="loc")
            + SG.format(name="many") + """
                resource "aws_vpc_security_group_ingress_rule" "web_from_lb" {
                  security_group_id            = aws_security_group.web.id
                  referenced_security_group_id = aws_security_group.lb.id
                }
                resource "aws_instance" "web" {
                  vpc_security_group_ids = [aws_security_group.web.id]
                }
                output "out_id" {
                  value = aws_security_group.out.id
                }
                locals {
                  groups = [aws_security_group.loc.id]
                }
                resource "aws_launch_template" "workers" {
                  vpc_security_group_ids = [for sg in aws_security_group.many[*] : sg.id]
                }
            """,
            "infra/json.tf.json": json.dumps({
                "resource": {
                    "aws_security_group": {"js": {"description": "js"}},
                    "aws_lambda_function": {"f": {"vpc_config": {"security_group_ids": ["${aws_security_group.js.id}"]}}},
                },
            }),
            "other/main.tf": SG.format(name="web"),  # same name, another directory: not attached by infra/
        },
        SA,
    )
    assert _lines(hits) == [("other/main.tf", 1)]
    assert "in other;" in hits[0][2]


# ---------------------------------------------------------------------------------------------
# linked-setting: scope any, exempt companions


def test_replication_needs_one_enabled_rule_and_exempts_destinations(tmp_path: Path) -> None:
    hits = _scan(
        tmp_path,
        {
            "main.tf": """
                resource "aws_s3_bucket" "src" {}
                resource "aws_s3_bucket" "dst" {}
                resource "aws_s3_bucket_replication_configuration" "src" {
                  bucket = aws_s3_bucket.src.id
                  rule {
                    status = "Disabled"
                    destination { bucket = aws_s3_bucket.dst.arn }
                  }
                  rule {
                    status = "Enabled"
                    destination { bucket = aws_s3_bucket.dst.arn }
                  }
                }
                resource "aws_s3_bucket" "inline" {
                  replication_configuration {
                    rules {
                      status = "Enabled"
                      destination { bucket = "arn:aws:s3:::elsewhere" }
                    }
                  }
                }
            """,
        },
        "terraform.s3-replication",
    )
    assert hits == []


def test_companion_of_an_exempt_bucket_is_not_judged(tmp_path: Path) -> None:
    hits = _scan(
        tmp_path,
        {
            "main.tf": """
                resource "aws_s3_bucket" "logs" {}
                resource "aws_s3_bucket_server_side_encryption_configuration" "logs" {
                  bucket = aws_s3_bucket.logs.id
                  rule {
                    apply_server_side_encryption_by_default { sse_algorithm = "AES256" }
                  }
                }
                resource "aws_lb" "web" {
                  access_logs {
                    bucket  = aws_s3_bucket.logs.id
                    enabled = true
                  }
                }
                resource "aws_s3_bucket" "data" {
                  bucket = "data"
                  logging { target_bucket = "legacy-logs" }
                }
                resource "aws_s3_bucket" "legacy" {
                  bucket = "legacy-logs"
                  server_side_encryption_configuration {
                    rule {
                      apply_server_side_encryption_by_default { sse_algorithm = "AES256" }
                    }
                  }
                }
            """,
        },
        "terraform.s3-kms-encryption",
    )
    assert _lines(hits) == [("main.tf", 14)]  # only the data bucket itself


def test_lifecycle_rule_with_unknown_abort_days_complies(tmp_path: Path) -> None:
    hits = _scan(
        tmp_path,
        {
            "main.tf": """
                resource "aws_s3_bucket" "a" {}
                resource "aws_s3_bucket_lifecycle_configuration" "a" {
                  bucket = aws_s3_bucket.a.id
                  rule {
                    status = "Enabled"
                    abort_incomplete_multipart_upload { days_after_initiation = var.days }
                  }
                }
                resource "aws_s3_bucket" "legacy" {
                  lifecycle_rule {
                    enabled                                = true
                    abort_incomplete_multipart_upload_days = 7
                  }
                }
            """,
        },
        "terraform.s3-lifecycle",
    )
    assert hits == []


# ---------------------------------------------------------------------------------------------
# attribute-based checks with nested rules


def test_rule_descriptions_in_attribute_form_and_empty_rule_lists(tmp_path: Path) -> None:
    hits = _scan(
        tmp_path,
        {
            "main.tf": """
                resource "aws_security_group" "a" {
                  description = "a"
                  ingress = [{
                    from_port   = 443
                    to_port     = 443
                    protocol    = "tcp"
                    cidr_blocks = ["10.0.0.0/8"]
                  }]
                  egress = []
                }
                resource "aws_security_group" "b" {
                  description = ""
                }
            """,
        },
        "terraform.sg-rule-description",
    )
    assert _lines(hits) == [("main.tf", 3), ("main.tf", 12)]


def test_performance_insights_skips_small_mysql_classes_only(tmp_path: Path) -> None:
    hits = _scan(
        tmp_path,
        {
            "main.tf": """
                resource "aws_db_instance" "small_mysql" {
                  engine         = "mysql"
                  instance_class = "db.t3.micro"
                }
                resource "aws_db_instance" "big_mysql" {
                  engine         = "mysql"
                  instance_class = "db.r6g.large"
                }
                resource "aws_db_instance" "small_pg" {
                  engine         = "postgres"
                  instance_class = "db.t3.micro"
                }
            """,
        },
        "terraform.rds-performance-insights",
    )
    assert _lines(hits) == [("main.tf", 5), ("main.tf", 9)]


def test_ebs_cmk_is_satisfied_by_a_default_key(tmp_path: Path) -> None:
    files = {
        "main.tf": """
            resource "aws_ebs_volume" "a" {
              encrypted = true
            }
        """,
    }
    assert _lines(_scan(tmp_path / "1", files, "terraform.ebs-cmk")) == [("main.tf", 1)]
    files["kms.tf"] = """
        resource "aws_ebs_default_kms_key" "this" {
          key_arn = aws_kms_key.ebs.arn
        }
    """
    assert _scan(tmp_path / "2", files, "terraform.ebs-cmk") == []
