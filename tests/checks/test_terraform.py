"""Terraform checks beyond their pass/fail fixtures: the example twins, reference resolution,
tricky network rules, linked S3 settings, .tf.json, and broken files failing closed."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from conftest import REPO_ROOT
from productready import inventory
from productready.checks import CHECK_KINDS
from productready.checks.rulesets import Check, load_checks
from productready.config import load_config
from productready.models import Coverage
from productready.scanners import ScanContext
from productready.scanners.checks import ChecksScanner


class _TerraformOnly(ChecksScanner):
    """The real scanner, limited to rulesets/terraform.yaml (other topics' rulesets are not needed here)."""

    def checks(self) -> list[Check]:
        return load_checks(CHECK_KINDS, [REPO_ROOT / "rulesets" / "terraform.yaml"])


SCANNER = _TerraformOnly()
IDS = sorted(c.spec.id for c in SCANNER.checks())

Hits = list[tuple[str, str, int, str]]  # (check id, path, line, message)


def _scan_dir(root: Path, only: list[str] | None = None) -> tuple[Hits, dict[str, Coverage], list[str]]:
    loaded = load_config(root)
    ctx = ScanContext(
        root=root.resolve(), inventory=inventory.collect(root, loaded.config.exclude), config=loaded.config,
        config_dir=root, timeout=60, jobs=1,
    )
    res = SCANNER.run(ctx, only=only)
    hits = [(f.rule_id.removeprefix("checks:"), f.location.path, f.location.line, f.message) for f in res.findings]
    cov = {k.removeprefix("checks:"): v for k, v in res.coverage}
    return hits, cov, [f"{s.path}: {s.reason}" for s in res.skipped]


def _scan(tmp_path: Path, files: dict[str, str], *only: str) -> tuple[Hits, dict[str, Coverage], list[str]]:
    root = tmp_path / "repo"
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return _scan_dir(root, list(only) or None)


def _where(hits: Hits) -> set[tuple[str, str, int]]:
    return {(c, p, ln) for c, p, ln, _ in hits}


# ---------------------------------------------------------------------------------------------
# The example twins

FLAWED_EXPECTED = {
    # EXPECTED.md id → (check, file, line)
    "tf-hardcoded-access-key": ("terraform.provider-credentials", "deploy/terraform/providers.tf", 11),
    "tf-hardcoded-secret-key": ("terraform.provider-credentials", "deploy/terraform/providers.tf", 12),
    "tf-s3-public": ("terraform.s3-public-acl", "deploy/terraform/storage.tf", 3),
    "tf-s3-public-access-block": ("terraform.s3-public-access-block", "deploy/terraform/storage.tf", 1),
    "tf-s3-encryption": ("terraform.s3-encryption", "deploy/terraform/storage.tf", 1),
    "tf-s3-logging": ("terraform.s3-access-logging", "deploy/terraform/storage.tf", 1),
    "tf-s3-versioning": ("terraform.s3-versioning", "deploy/terraform/storage.tf", 1),
    "tf-rds-encryption": ("terraform.rds-encryption", "deploy/terraform/database.tf", 17),
    "tf-rds-public": ("terraform.rds-not-public", "deploy/terraform/database.tf", 18),
    "tf-rds-backups": ("terraform.rds-backups-enabled", "deploy/terraform/database.tf", 19),
    "tf-rds-deletion-protection": ("terraform.rds-deletion-protection", "deploy/terraform/database.tf", 20),
    "tf-rds-final-snapshot": ("terraform.rds-final-snapshot", "deploy/terraform/database.tf", 21),
    "tf-rds-password": ("terraform.resource-literal-password", "deploy/terraform/database.tf", 14),
    "tf-rds-logs": ("terraform.rds-log-exports", "deploy/terraform/database.tf", 6),
    "tf-rds-eol-engine": ("terraform.rds-engine-version", "deploy/terraform/database.tf", 9),
    "tf-sg-ssh": ("terraform.sg-admin-ports", "deploy/terraform/network.tf", 11),
    "tf-sg-postgres": ("terraform.sg-database-ports", "deploy/terraform/network.tf", 19),
    "tf-sg-egress": ("terraform.sg-unrestricted-egress", "deploy/terraform/network.tf", 26),
    "tf-cloudtrail": ("terraform.cloudtrail-present", "deploy/terraform/providers.tf", 9),  # at the provider block
    "tf-rds-iam-auth": ("terraform.rds-iam-auth", "deploy/terraform/database.tf", 6),
    "tf-rds-query-logging": ("terraform.rds-query-logging", "deploy/terraform/database.tf", 6),
    "tf-rds-multi-az": ("terraform.rds-multi-az", "deploy/terraform/database.tf", 6),
    "tf-rds-monitoring": ("terraform.rds-enhanced-monitoring", "deploy/terraform/database.tf", 6),
    "tf-rds-performance-insights": ("terraform.rds-performance-insights", "deploy/terraform/database.tf", 6),
    "tf-rds-copy-tags": ("terraform.rds-copy-tags-to-snapshot", "deploy/terraform/database.tf", 6),
    "tf-s3-kms": ("terraform.s3-kms-encryption", "deploy/terraform/storage.tf", 1),
    "tf-s3-replication": ("terraform.s3-replication", "deploy/terraform/storage.tf", 1),
    "tf-s3-lifecycle": ("terraform.s3-lifecycle", "deploy/terraform/storage.tf", 1),
    "tf-s3-notifications": ("terraform.s3-event-notifications", "deploy/terraform/storage.tf", 1),
    "tf-sg-egress-description": ("terraform.sg-rule-description", "deploy/terraform/network.tf", 22),
}


def _twin(name: str, tmp_path: Path) -> tuple[Hits, dict[str, Coverage], list[str]]:
    src = REPO_ROOT / "examples" / name / "deploy" / "terraform"
    root = tmp_path / name
    shutil.copytree(src, root / "deploy" / "terraform")
    return _scan_dir(root)


def test_flawed_twin_terraform_flaws_are_each_caught_and_nothing_else(tmp_path: Path) -> None:
    hits, cov, skipped = _twin("agrimarket-flawed", tmp_path)
    assert skipped == []
    assert all(c is Coverage.EVALUATED for c in cov.values()), cov
    assert _where(hits) == set(FLAWED_EXPECTED.values())
    for _, _, _, message in hits:  # the planted key values never reach a message
        assert "AKIA" not in message and "Harvest2019" not in message and "u3Vq8" not in message


def test_expected_md_lists_exactly_these_terraform_rows() -> None:
    text = (REPO_ROOT / "examples" / "agrimarket-flawed" / "EXPECTED.md").read_text(encoding="utf-8")
    rows = {line.split("|")[1].strip() for line in text.splitlines() if line.startswith("| tf-")}
    assert rows == set(FLAWED_EXPECTED)


def test_hardened_twin_triggers_no_terraform_check(tmp_path: Path) -> None:
    hits, cov, skipped = _twin("agrimarket-hardened", tmp_path)
    assert skipped == []
    assert hits == []
    assert set(cov) == set(IDS) and all(c is Coverage.EVALUATED for c in cov.values()), cov


# ---------------------------------------------------------------------------------------------
# Failing closed


def test_unparseable_file_makes_checks_incomplete_but_others_still_report(tmp_path: Path) -> None:
    hits, cov, skipped = _scan(
        tmp_path,
        {
            "infra/db.tf": """
                resource "aws_db_instance" "a" {
                  publicly_accessible = true
                }
            """,
            "infra/broken.tf": """
                resource "aws_s3_bucket" "b" {
                  bucket = "x"
            """,
        },
        "terraform.rds-not-public",
    )
    assert _where(hits) == {("terraform.rds-not-public", "infra/db.tf", 2)}
    assert cov["terraform.rds-not-public"] is Coverage.INCOMPLETE
    assert skipped == ["infra/broken.tf: cannot parse as hcl (line 1): block opened on line 1 is not closed"]


def test_no_terraform_means_no_input(tmp_path: Path) -> None:
    _, cov, _ = _scan(tmp_path, {"README.md": "# nothing here\n"})
    assert set(cov.values()) == {Coverage.NO_INPUT}


# ---------------------------------------------------------------------------------------------
# Reference resolution


def test_variable_default_is_judged_and_named(tmp_path: Path) -> None:
    hits, _, _ = _scan(
        tmp_path,
        {
            "main.tf": """
                resource "aws_db_instance" "a" {
                  publicly_accessible = var.public
                }
                variable "public" {
                  default = true
                }
            """,
        },
        "terraform.rds-not-public",
    )
    assert [(ln, m) for _, _, ln, m in hits] == [
        (2, "aws_db_instance.a sets publicly_accessible = true (from variable 'public' (default)); the database gets a public endpoint"),
    ]


def test_auto_tfvars_wins_over_default_and_unknown_values_are_not_judged(tmp_path: Path) -> None:
    hits, _, _ = _scan(
        tmp_path,
        {
            "main.tf": """
                resource "aws_db_instance" "a" {
                  publicly_accessible = var.public
                }
                resource "aws_db_instance" "b" {
                  publicly_accessible = var.env == "dev" ? true : false
                }
                resource "aws_db_instance" "c" {
                  publicly_accessible = local.exposed
                }
                variable "public" {
                  default = true
                }
                locals {
                  exposed = var.unset
                }
                variable "unset" {}
            """,
            "terraform.tfvars": "public = false\n",
        },
        "terraform.rds-not-public",
    )
    assert hits == []


def test_local_chain_resolves(tmp_path: Path) -> None:
    hits, _, _ = _scan(
        tmp_path,
        {
            "main.tf": """
                resource "aws_kms_key" "k" {
                  enable_key_rotation = local.rotate
                }
                locals {
                  rotate = "${var.rotate}"
                }
                variable "rotate" {
                  default = "false"
                }
            """,
        },
        "terraform.kms-key-rotation",
    )
    assert [(ln, m) for _, _, ln, m in hits] == [
        (2, "aws_kms_key.k sets enable_key_rotation = \"false\" (from variable 'rotate' (default)); expected true"),
    ]


def test_references_do_not_cross_directories(tmp_path: Path) -> None:
    hits, _, _ = _scan(
        tmp_path,
        {
            "a/main.tf": 'resource "aws_db_instance" "x" {\n  publicly_accessible = var.public\n}\n',
            "b/variables.tf": 'variable "public" {\n  default = true\n}\n',
        },
        "terraform.rds-not-public",
    )
    assert hits == []


def test_secret_through_tfvars_is_reported_where_it_is_written_without_the_value(tmp_path: Path) -> None:
    hits, _, _ = _scan(
        tmp_path,
        {
            "main.tf": """
                provider "azurerm" {
                  features {}
                  client_secret = var.client_secret
                }
                provider "aws" {
                  access_key = "${var.key}"
                  token      = ""
                }
                variable "client_secret" {
                  sensitive = true
                }
                variable "key" {}
            """,
            "prod.tfvars": 'client_secret = "s3cr3t-fixture-value"\n',
            "terraform.tfvars": 'key = "AKIAFIXTUREFIXTURE00"\n',
        },
        "terraform.provider-credentials",
    )
    assert sorted((p, ln, m) for _, p, ln, m in hits) == [
        ("prod.tfvars", 1, "provider 'azurerm' sets client_secret to a literal value through variable 'client_secret' (prod.tfvars); the credential is in the repository (and in Terraform state)"),
        ("terraform.tfvars", 1, "provider 'aws' sets access_key to a literal value through variable 'key' (terraform.tfvars); the credential is in the repository (and in Terraform state)"),
    ]


def test_provider_credentials_from_functions_or_unset_variables_pass(tmp_path: Path) -> None:
    hits, cov, _ = _scan(
        tmp_path,
        {
            "main.tf": """
                provider "google" {
                  credentials = file("sa.json")
                }
                provider "aws" {
                  secret_key = var.secret_key
                }
                variable "secret_key" {
                  type      = string
                  sensitive = true
                }
            """,
        },
        "terraform.provider-credentials",
    )
    assert hits == [] and cov["terraform.provider-credentials"] is Coverage.EVALUATED


# ---------------------------------------------------------------------------------------------
# Network exposure


def test_port_ranges_protocols_and_ipv6(tmp_path: Path) -> None:
    hits, _, _ = _scan(
        tmp_path,
        {
            "sg.tf": """
                resource "aws_security_group" "wide" {
                  ingress {
                    from_port   = 0
                    to_port     = 65535
                    protocol    = "tcp"
                    cidr_blocks = var.anywhere
                  }
                  ingress {
                    from_port   = -1
                    to_port     = -1
                    protocol    = "icmp"
                    cidr_blocks = ["0.0.0.0/0"]
                  }
                  ingress {
                    from_port        = 3000
                    to_port          = 3400
                    protocol         = "tcp"
                    ipv6_cidr_blocks = ["::/0"]
                  }
                  ingress {
                    from_port   = 22
                    to_port     = 22
                    protocol    = "tcp"
                    cidr_blocks = ["10.0.0.0/8", "192.168.0.0/16"]
                  }
                }
                resource "aws_security_group_rule" "all" {
                  type        = "ingress"
                  from_port   = 0
                  to_port     = 0
                  protocol    = "-1"
                  cidr_blocks = ["0.0.0.0/0"]
                }
                resource "aws_security_group_rule" "egress_ssh" {
                  type        = "egress"
                  from_port   = 22
                  to_port     = 22
                  protocol    = "tcp"
                  cidr_blocks = ["0.0.0.0/0"]
                }
                variable "anywhere" {
                  default = ["0.0.0.0/0"]
                }
            """,
        },
        "terraform.sg-admin-ports",
    )
    assert sorted((ln, m) for _, _, ln, m in hits) == [
        (6, "aws_security_group.wide allows ingress from 0.0.0.0/0 (from variable 'anywhere' (default)) to every port (including ports 22, 3389) (SSH/RDP)"),
        (18, "aws_security_group.wide allows ingress from ::/0 to port 3389 (SSH/RDP)"),
        (32, "aws_security_group_rule.all allows ingress from 0.0.0.0/0 to all ports and protocols (including ports 22, 3389) (SSH/RDP)"),
    ]


def test_azure_and_gcp_rules(tmp_path: Path) -> None:
    hits, _, _ = _scan(
        tmp_path,
        {
            "azure.tf": """
                resource "azurerm_network_security_group" "web" {
                  security_rule {
                    name                       = "rdp"
                    direction                  = "Inbound"
                    access                     = "Allow"
                    protocol                   = "Tcp"
                    source_port_range          = "*"
                    destination_port_range     = "3380-3390"
                    source_address_prefix      = "Internet"
                    destination_address_prefix = "*"
                  }
                  security_rule {
                    name                       = "deny-ssh"
                    direction                  = "Inbound"
                    access                     = "Deny"
                    protocol                   = "Tcp"
                    destination_port_range     = "22"
                    source_address_prefix      = "*"
                  }
                }
                resource "azurerm_network_security_rule" "ssh" {
                  direction                  = "Inbound"
                  access                     = "Allow"
                  protocol                   = "*"
                  destination_port_ranges    = ["443", "22"]
                  source_address_prefixes    = ["10.0.0.0/8", "0.0.0.0/0"]
                }
            """,
            "gcp.tf": """
                resource "google_compute_firewall" "ssh" {
                  name          = "allow-ssh"
                  network       = "default"
                  source_ranges = ["0.0.0.0/0"]
                  allow {
                    protocol = "tcp"
                    ports    = ["22", "8000-9000"]
                  }
                }
                resource "google_compute_firewall" "iap" {
                  name          = "allow-ssh-iap"
                  network       = "default"
                  source_ranges = ["35.235.240.0/20"]
                  allow {
                    protocol = "tcp"
                    ports    = ["22"]
                  }
                }
                resource "google_compute_firewall" "off" {
                  name          = "disabled"
                  network       = "default"
                  disabled      = true
                  source_ranges = ["0.0.0.0/0"]
                  allow {
                    protocol = "tcp"
                  }
                }
            """,
        },
        "terraform.sg-admin-ports",
    )
    assert sorted((p, ln, m) for _, p, ln, m in hits) == [
        ("azure.tf", 9, "azurerm_network_security_group.web allows ingress from Internet to port 3389 (SSH/RDP)"),
        ("azure.tf", 26, "azurerm_network_security_rule.ssh allows ingress from 0.0.0.0/0 to port 22 (SSH/RDP)"),
        ("gcp.tf", 4, "google_compute_firewall.ssh allows ingress from 0.0.0.0/0 to port 22 (SSH/RDP)"),
    ]


def test_dynamic_ingress_content_is_checked(tmp_path: Path) -> None:
    hits, _, _ = _scan(
        tmp_path,
        {
            "sg.tf": """
                resource "aws_security_group" "db" {
                  dynamic "ingress" {
                    for_each = [5432, 6379]
                    content {
                      from_port   = ingress.value
                      to_port     = ingress.value
                      protocol    = "tcp"
                      cidr_blocks = ["0.0.0.0/0"]
                    }
                  }
                  dynamic "ingress" {
                    for_each = [1]
                    content {
                      from_port   = 27017
                      to_port     = 27017
                      protocol    = "tcp"
                      cidr_blocks = ["0.0.0.0/0"]
                    }
                  }
                }
            """,
        },
        "terraform.sg-database-ports",
    )
    # ports computed from for_each are unknown; the literal one is caught
    assert [(ln, m) for _, _, ln, m in hits] == [
        (17, "aws_security_group.db allows ingress from 0.0.0.0/0 to port 27017 (database/cache)"),
    ]


# ---------------------------------------------------------------------------------------------
# Linked S3 settings


def test_s3_companions_link_by_reference_or_literal_name_within_the_module(tmp_path: Path) -> None:
    hits, _, _ = _scan(
        tmp_path,
        {
            "app/s3.tf": """
                resource "aws_s3_bucket" "by_ref" {
                  bucket = "by-ref"
                }
                resource "aws_s3_bucket" "by_name" {
                  bucket = "by-name"
                }
                resource "aws_s3_bucket" "counted" {
                  count  = 2
                  bucket = "counted-${count.index}"
                }
                resource "aws_s3_bucket" "unlinked" {
                  bucket = "unlinked"
                }
                resource "aws_s3_bucket_versioning" "by_ref" {
                  bucket = aws_s3_bucket.by_ref.id
                  versioning_configuration {
                    status = "Enabled"
                  }
                }
                resource "aws_s3_bucket_versioning" "counted" {
                  count  = 2
                  bucket = aws_s3_bucket.counted[count.index].id
                  versioning_configuration {
                    status = "Enabled"
                  }
                }
            """,
            "other/versioning.tf": """
                resource "aws_s3_bucket_versioning" "by_name" {
                  bucket = "by-name"
                  versioning_configuration {
                    status = "Enabled"
                  }
                }
                # a reference to another module's resource address means nothing here
                resource "aws_s3_bucket_versioning" "unlinked" {
                  bucket = aws_s3_bucket.unlinked.id
                  versioning_configuration {
                    status = "Enabled"
                  }
                }
            """,
        },
        "terraform.s3-versioning",
    )
    assert [(p, ln, m) for _, p, ln, m in hits] == [
        ("app/s3.tf", 11, "aws_s3_bucket.unlinked has no versioning (no versioning.enabled, no aws_s3_bucket_versioning referencing it)"),
    ]


def test_s3_legacy_inline_settings(tmp_path: Path) -> None:
    hits, _, _ = _scan(
        tmp_path,
        {
            "s3.tf": """
                resource "aws_s3_bucket" "on" {
                  bucket = "on"
                  versioning {
                    enabled = true
                  }
                }
                resource "aws_s3_bucket" "off" {
                  bucket = "off"
                  versioning {
                    enabled = false
                  }
                }
            """,
        },
        "terraform.s3-versioning",
    )
    assert [(ln, m) for _, _, ln, m in hits] == [
        (10, "aws_s3_bucket.off sets versioning.enabled = false; versioning is not in effect"),
    ]


def test_account_level_public_access_block_covers_every_bucket(tmp_path: Path) -> None:
    files = {
        "s3.tf": 'resource "aws_s3_bucket" "a" {\n  bucket = "a"\n}\n',
        "account.tf": """
            resource "aws_s3_account_public_access_block" "this" {
              block_public_acls       = true
              block_public_policy     = true
              ignore_public_acls      = true
              restrict_public_buckets = true
            }
        """,
    }
    hits, _, _ = _scan(tmp_path / "ok", files, "terraform.s3-public-access-block")
    assert hits == []
    files["account.tf"] = 'resource "aws_s3_account_public_access_block" "this" {\n  block_public_acls = true\n}\n'
    hits, _, _ = _scan(tmp_path / "weak", files, "terraform.s3-public-access-block")
    assert sorted((p, ln) for _, p, ln, _ in hits) == [("account.tf", 1), ("account.tf", 1), ("account.tf", 1), ("s3.tf", 1)]
    assert "does not set block_public_policy (default false); expected true" in {m.split(" ", 1)[1] for *_, m in hits}


def test_log_target_buckets_need_no_logging_but_others_do(tmp_path: Path) -> None:
    hits, _, _ = _scan(
        tmp_path,
        {
            "s3.tf": """
                resource "aws_s3_bucket" "app" {
                  bucket = "app"
                  logging {
                    target_bucket = "central-logs"
                  }
                }
                resource "aws_s3_bucket" "logs" {
                  bucket = "central-logs"
                }
                resource "aws_s3_bucket" "other" {
                  bucket = "other"
                }
            """,
        },
        "terraform.s3-access-logging",
    )
    assert [(ln, m.split(" ")[0]) for _, _, ln, m in hits] == [(10, "aws_s3_bucket.other")]


# ---------------------------------------------------------------------------------------------
# Attribute kind details


def test_aurora_members_and_replicas_are_judged_at_the_cluster(tmp_path: Path) -> None:
    hits, _, _ = _scan(
        tmp_path,
        {
            "db.tf": """
                resource "aws_rds_cluster" "aurora" {
                  engine            = "aurora-postgresql"
                  storage_encrypted = true
                }
                resource "aws_db_instance" "aurora_member" {
                  engine = "aurora-postgresql"
                }
                resource "aws_db_instance" "replica" {
                  replicate_source_db = aws_db_instance.primary.identifier
                }
                resource "aws_rds_cluster" "plain" {
                  engine = "aurora-mysql"
                }
            """,
        },
        "terraform.rds-encryption",
    )
    assert [(ln, m) for _, _, ln, m in hits] == [(11, "aws_rds_cluster.plain does not set storage_encrypted; expected true")]


def test_http_listener_redirects_and_defaults(tmp_path: Path) -> None:
    hits, _, _ = _scan(
        tmp_path,
        {
            "lb.tf": """
                resource "aws_lb_listener" "no_protocol" {
                  port = 80
                  default_action {
                    type = "fixed-response"
                  }
                }
                resource "aws_lb_listener" "to_http" {
                  port     = 80
                  protocol = "HTTP"
                  default_action {
                    type = "redirect"
                    redirect {
                      port = "8080"
                    }
                  }
                }
                resource "aws_lb_listener" "nlb" {
                  port     = 5432
                  protocol = "TCP"
                  default_action {
                    type = "forward"
                  }
                }
                resource "aws_cloudfront_distribution" "cdn" {
                  default_cache_behavior {
                    viewer_protocol_policy = "redirect-to-https"
                  }
                  ordered_cache_behavior {
                    path_pattern           = "/api/*"
                    viewer_protocol_policy = "allow-all"
                  }
                }
            """,
        },
        "terraform.https-only",
    )
    assert [(ln, m) for _, _, ln, m in hits] == [
        (4, 'aws_lb_listener.no_protocol sets default_action.type = "fixed-response"; an HTTP listener should only redirect to HTTPS'),
        (12, "aws_lb_listener.to_http does not set default_action.redirect.protocol; the redirect should go to HTTPS"),
        (30, 'aws_cloudfront_distribution.cdn sets ordered_cache_behavior.viewer_protocol_policy = "allow-all"; expected "redirect-to-https" or "https-only"'),
    ]


def test_tls_policies_and_defaults(tmp_path: Path) -> None:
    hits, _, _ = _scan(
        tmp_path,
        {
            "tls.tf": """
                resource "aws_lb_listener" "https" {
                  protocol = "HTTPS"
                }
                resource "aws_lb_listener" "old" {
                  protocol   = "HTTPS"
                  ssl_policy = "ELBSecurityPolicy-2016-08"
                }
                resource "aws_lb_listener" "good" {
                  protocol   = "TLS"
                  ssl_policy = "ELBSecurityPolicy-TLS13-1-2-Res-2021-06"
                }
                resource "aws_cloudfront_distribution" "default_cert" {
                  viewer_certificate {
                    cloudfront_default_certificate = true
                  }
                }
                resource "aws_cloudfront_distribution" "custom" {
                  viewer_certificate {
                    acm_certificate_arn = var.cert
                  }
                }
                resource "azurerm_storage_account" "old" {
                  min_tls_version = "TLS1_0"
                }
                resource "azurerm_storage_account" "default" {
                  name = "x"
                }
                resource "google_compute_ssl_policy" "default" {
                  name = "p"
                }
            """,
        },
        "terraform.tls-min-version",
    )
    assert [ln for _, _, ln, _ in hits] == [1, 6, 18, 23, 28]  # a missing attribute: its block's line
    assert hits[2][3] == (
        "aws_cloudfront_distribution.custom does not set viewer_certificate.minimum_protocol_version, so the default "
        '"TLSv1" applies; expected "TLSv1.2_2021" or "TLSv1.2_2025" or "TLSv1.3_2025"'
    )


def test_ebs_default_encryption_satisfies_volumes(tmp_path: Path) -> None:
    files = {
        "ebs.tf": 'resource "aws_ebs_volume" "v" {\n  size = 10\n}\n',
        "account.tf": 'resource "aws_ebs_encryption_by_default" "this" {}\n',
    }
    hits, _, _ = _scan(tmp_path / "a", files, "terraform.ebs-encryption")
    assert hits == []
    files["account.tf"] = 'resource "aws_ebs_encryption_by_default" "this" {\n  enabled = false\n}\n'
    hits, _, _ = _scan(tmp_path / "b", files, "terraform.ebs-encryption")
    assert sorted((p, ln) for _, p, ln, _ in hits) == [("account.tf", 2), ("ebs.tf", 1)]


def test_backup_retention_default_and_zero_split_between_checks(tmp_path: Path) -> None:
    files = {
        "db.tf": """
            resource "aws_db_instance" "unset" {
              engine = "postgres"
            }
            resource "aws_db_instance" "zero" {
              backup_retention_period = 0
            }
            resource "aws_db_instance" "week" {
              backup_retention_period = 7
            }
        """,
    }
    hits, _, _ = _scan(tmp_path, files, "terraform.rds-backup-retention", "terraform.rds-backups-enabled")
    assert sorted((c, ln) for c, _, ln, _ in hits) == [
        ("terraform.rds-backup-retention", 1),
        ("terraform.rds-backups-enabled", 5),
    ]
    assert "does not set backup_retention_period, so the default 1 applies; expected at least 7" in hits[0][3] + hits[1][3]


def test_engine_versions(tmp_path: Path) -> None:
    hits, _, _ = _scan(
        tmp_path,
        {
            "db.tf": """
                resource "aws_rds_cluster" "old_aurora" {
                  engine         = "aurora-mysql"
                  engine_version = "5.7.mysql_aurora.2.11.2"
                }
                resource "aws_rds_cluster" "new_aurora" {
                  engine         = "aurora-mysql"
                  engine_version = "8.0.mysql_aurora.3.05.2"
                }
                resource "aws_db_instance" "major_only" {
                  engine         = "postgres"
                  engine_version = "16"
                }
                resource "aws_db_instance" "unknown_engine" {
                  engine         = "oracle-ee"
                  engine_version = "19"
                }
            """,
        },
        "terraform.rds-engine-version",
    )
    assert [(ln, m.split(";")[0]) for _, _, ln, m in hits] == [
        (3, "aws_rds_cluster.old_aurora runs aurora-mysql 5.7.mysql_aurora.2.11.2"),
    ]


def test_cloudtrail_requirement(tmp_path: Path) -> None:
    module_only = {"modules/s3/main.tf": 'resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n'}
    hits, cov, _ = _scan(tmp_path / "a", module_only, "terraform.cloudtrail-present")
    assert hits == [] and cov["terraform.cloudtrail-present"] is Coverage.EVALUATED
    with_module = {
        "live/main.tf": 'provider "aws" {\n  region = "eu-west-1"\n}\nmodule "trail" {\n  source = "cloudposse/cloudtrail/aws"\n}\n',
    }
    hits, _, _ = _scan(tmp_path / "b", with_module, "terraform.cloudtrail-present")
    assert hits == []
    two_providers = {
        "b/main.tf": 'provider "aws" {\n  region = "eu-west-1"\n}\n',
        "a/main.tf": '# second region\nprovider "aws" {\n  alias  = "us"\n  region = "us-east-1"\n}\n',
    }
    hits, _, _ = _scan(tmp_path / "c", two_providers, "terraform.cloudtrail-present")
    assert [(p, ln) for _, p, ln, _ in hits] == [("a/main.tf", 2)]


def test_tf_json_resources_are_checked(tmp_path: Path) -> None:
    hits, cov, skipped = _scan(
        tmp_path,
        {
            "cdktf.tf.json": """
                {
                  "resource": {
                    "aws_db_instance": {
                      "db": {
                        "engine": "postgres",
                        "publicly_accessible": true
                      }
                    },
                    "aws_dynamodb_table": {
                      "t": {
                        "name": "t",
                        "point_in_time_recovery": {"enabled": true}
                      }
                    }
                  }
                }
            """,
        },
        "terraform.rds-not-public", "terraform.dynamodb-pitr",
    )
    assert skipped == []
    assert cov == {"terraform.rds-not-public": Coverage.EVALUATED, "terraform.dynamodb-pitr": Coverage.EVALUATED}
    assert _where(hits) == {("terraform.rds-not-public", "cdktf.tf.json", 6)}


@pytest.mark.parametrize("check_id", IDS)
def test_every_check_survives_odd_but_valid_terraform(check_id: str, tmp_path: Path) -> None:
    """Dynamic values everywhere a check looks: nothing crashes, nothing unknown is reported."""
    hits, cov, skipped = _scan(
        tmp_path,
        {
            "odd.tf": """
                provider "aws" {
                  access_key = data.vault_generic_secret.aws.data["key"]
                }
                resource "aws_cloudtrail" "t" {
                  is_multi_region_trail      = var.multi
                  enable_log_file_validation = try(var.x, true)
                }
                resource "aws_s3_bucket" "b" {
                  for_each = toset(var.names)
                  bucket   = each.key
                }
                resource "aws_s3_bucket_public_access_block" "b" {
                  for_each                = aws_s3_bucket.b
                  bucket                  = each.value.id
                  block_public_acls       = var.strict
                  block_public_policy     = var.strict
                  ignore_public_acls      = var.strict
                  restrict_public_buckets = var.strict
                }
                resource "aws_security_group" "s" {
                  ingress = var.rules
                  egress  = [for r in var.out : r]
                }
                resource "aws_db_instance" "d" {
                  storage_encrypted               = var.enc
                  publicly_accessible             = var.pub
                  backup_retention_period         = var.days
                  deletion_protection             = var.prot
                  skip_final_snapshot             = var.skip
                  enabled_cloudwatch_logs_exports = var.logs
                  engine                          = var.engine
                  engine_version                  = var.version
                  password                        = random_password.db.result
                }
                resource "aws_lb_listener" "l" {
                  protocol   = var.proto
                  ssl_policy = var.policy
                  default_action {
                    type = var.action
                  }
                }
            """,
        },
        check_id,
    )
    assert skipped == []
    assert cov[check_id] is Coverage.EVALUATED
    # only presence-based findings (a bucket with no companion, an unset setting, an unused group) can appear here
    presence = {
        "terraform.s3-encryption", "terraform.s3-access-logging", "terraform.s3-versioning", "terraform.cloudtrail-present",
        "terraform.s3-kms-encryption", "terraform.s3-replication", "terraform.s3-lifecycle", "terraform.s3-event-notifications",
        "terraform.cloudtrail-kms", "terraform.cloudtrail-cloudwatch", "terraform.cloudtrail-sns",
        "terraform.rds-multi-az", "terraform.rds-enhanced-monitoring", "terraform.rds-performance-insights",
        "terraform.rds-copy-tags-to-snapshot", "terraform.sg-attached", "terraform.sg-rule-description",
    }
    assert all(c in presence and ("does not set" in m or "has no" in m or "not referenced" in m) for c, _, _, m in hits), hits


def test_tf_json_security_group_rules_are_reported_once(tmp_path: Path) -> None:
    hits, _, _ = _scan(
        tmp_path,
        {
            "sg.tf.json": """
                {"resource": {"aws_security_group": {"ssh": {
                  "ingress": [
                    {"from_port": 22, "to_port": 22, "protocol": "tcp",
                     "cidr_blocks": ["0.0.0.0/0"]}
                  ]
                }}}}
            """,
        },
        "terraform.sg-admin-ports",
    )
    assert [(p, ln) for _, p, ln, _ in hits] == [("sg.tf.json", 4)]


def test_attribute_form_of_security_group_rules(tmp_path: Path) -> None:
    hits, _, _ = _scan(
        tmp_path,
        {
            "sg.tf": """
                resource "aws_security_group" "ssh" {
                  ingress = [{
                    from_port   = 22
                    to_port     = 22
                    protocol    = "tcp"
                    cidr_blocks = ["0.0.0.0/0"]
                  }]
                }
            """,
        },
        "terraform.sg-admin-ports",
    )
    assert [(p, ln) for _, p, ln, _ in hits] == [("sg.tf", 2)]  # values inside an attribute share its line
