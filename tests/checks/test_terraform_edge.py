"""The terraform.companion-setting kind (checks/terraform_edge.py) through the checks of
rulesets/terraform-edge.yaml: settings made inline or by companions that reference a resource or a
part of it, resources judged because something uses them, and unknowns never reported."""

from __future__ import annotations

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


class _EdgeOnly(ChecksScanner):
    def checks(self) -> list[Check]:
        return load_checks(CHECK_KINDS, [REPO_ROOT / "rulesets" / "terraform-edge.yaml"])


SCANNER = _EdgeOnly()
Hits = list[tuple[str, int, str]]  # (path, line, message)


def _scan(tmp_path: Path, check_id: str, files: dict[str, str]) -> Hits:
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
    res = SCANNER.run(ctx, only=[check_id])
    assert dict(res.coverage)[f"checks:{check_id}"] is Coverage.EVALUATED, res.skipped
    return sorted((f.location.path, f.location.line, f.message) for f in res.findings)


# ---------------------------------------------------------------------------------------------
# WAF: a managed rule group inside a web ACL (or added by an association resource)

WAF = "terraform.waf-known-bad-inputs"

ACL_COMMON_ONLY = """
resource "aws_wafv2_web_acl" "api" {
  name  = "api"
  scope = "REGIONAL"
  default_action {
    allow {}
  }
  rule {
    name     = "common"
    priority = 1
    override_action {
      none {}
    }
    statement {
      managed_rule_group_statement {
        vendor_name = "AWS"
        name        = "AWSManagedRulesCommonRuleSet"
      }
    }
    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "common"
      sampled_requests_enabled   = true
    }
  }
  visibility_config {
    cloudwatch_metrics_enabled = true
    metric_name                = "api"
    sampled_requests_enabled   = true
  }
}
"""


def test_a_web_acl_without_the_rule_group_is_reported_at_the_acl(tmp_path: Path) -> None:
    [(path, line, message)] = _scan(tmp_path, WAF, {"waf.tf": ACL_COMMON_ONLY})
    assert (path, line) == ("waf.tf", 1)
    assert message.startswith("aws_wafv2_web_acl.api has no known-bad-inputs (Log4Shell) protection (no rule with")


def test_an_association_adding_the_rule_group_satisfies_the_acl(tmp_path: Path) -> None:
    assoc = """
    resource "aws_wafv2_web_acl_rule_group_association" "bad_inputs" {
      rule_name   = "known-bad-inputs"
      priority    = 20
      web_acl_arn = aws_wafv2_web_acl.api.arn
      managed_rule_group {
        name        = "AWSManagedRulesKnownBadInputsRuleSet"
        vendor_name = "AWS"
      }
    }
    """
    assert _scan(tmp_path, WAF, {"waf.tf": ACL_COMMON_ONLY, "assoc.tf": assoc}) == []


def test_an_association_for_another_rule_group_does_not(tmp_path: Path) -> None:
    assoc = """
    resource "aws_wafv2_web_acl_rule_group_association" "ip" {
      rule_name   = "ip-reputation"
      priority    = 20
      web_acl_arn = aws_wafv2_web_acl.api.arn
      managed_rule_group {
        name        = "AWSManagedRulesAmazonIpReputationList"
        vendor_name = "AWS"
      }
    }
    """
    assert len(_scan(tmp_path, WAF, {"waf.tf": ACL_COMMON_ONLY, "assoc.tf": assoc})) == 1


def test_an_association_to_an_unknown_acl_makes_every_acl_unjudgeable(tmp_path: Path) -> None:
    assoc = """
    variable "web_acl_arn" {
      type = string
    }
    resource "aws_wafv2_web_acl_rule_group_association" "bad_inputs" {
      rule_name   = "known-bad-inputs"
      priority    = 20
      web_acl_arn = var.web_acl_arn
      managed_rule_group {
        name        = "AWSManagedRulesKnownBadInputsRuleSet"
        vendor_name = "AWS"
      }
    }
    """
    assert _scan(tmp_path, WAF, {"waf.tf": ACL_COMMON_ONLY, "assoc.tf": assoc}) == []


def test_rules_from_dynamic_blocks_or_rule_json_are_not_judged(tmp_path: Path) -> None:
    dynamic = """
    variable "managed_groups" {
      type = list(string)
    }
    resource "aws_wafv2_web_acl" "api" {
      name  = "api"
      scope = "REGIONAL"
      default_action {
        allow {}
      }
      dynamic "rule" {
        for_each = var.managed_groups
        content {
          name     = rule.value
          priority = rule.key
          override_action {
            none {}
          }
          statement {
            managed_rule_group_statement {
              vendor_name = "AWS"
              name        = rule.value
            }
          }
          visibility_config {
            cloudwatch_metrics_enabled = true
            metric_name                = rule.value
            sampled_requests_enabled   = true
          }
        }
      }
      visibility_config {
        cloudwatch_metrics_enabled = true
        metric_name                = "api"
        sampled_requests_enabled   = true
      }
    }
    """
    assert _scan(tmp_path, WAF, {"waf.tf": dynamic}) == []
    json_rules = """
    resource "aws_wafv2_web_acl" "api" {
      name      = "api"
      scope     = "REGIONAL"
      rule_json = file("${path.module}/rules.json")
      default_action {
        allow {}
      }
      visibility_config {
        cloudwatch_metrics_enabled = true
        metric_name                = "api"
        sampled_requests_enabled   = true
      }
    }
    """
    assert _scan(tmp_path / "json", WAF, {"waf.tf": json_rules}) == []


# ---------------------------------------------------------------------------------------------
# Azure storage logging: companions on a part of the account, accounts judged through their users

AZ = "terraform.azure-storage-logging"

ACCOUNT = """
resource "azurerm_storage_account" "data" {
  name                     = "exampledata"
  resource_group_name      = "rg"
  location                 = "westeurope"
  account_tier             = "Standard"
  account_replication_type = "GRS"
  queue_properties {
    logging {
      delete  = true
      read    = true
      write   = true
      version = "1.0"
    }
  }
}
"""

CONTAINERS = """
resource "azurerm_storage_container" "documents" {
  name                 = "documents"
  storage_account_name = azurerm_storage_account.data.name
}

resource "azurerm_storage_container" "images" {
  name               = "images"
  storage_account_id = azurerm_storage_account.data.id
}
"""


def _diag(service: str, logs: str, target: str = "") -> str:
    target = target or f'"${{azurerm_storage_account.data.id}}/{service}/default"'
    return f"""
resource "azurerm_monitor_diagnostic_setting" "data_{service.lower()}" {{
  name                       = "{service}"
  target_resource_id         = {target}
  log_analytics_workspace_id = "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/main"
{logs}
}}
"""


ALL_CATEGORIES = """
  enabled_log {
    category = "StorageRead"
  }
  enabled_log {
    category = "StorageWrite"
  }
  log {
    category = "StorageDelete"
    enabled  = true
  }
"""


def test_an_account_with_containers_and_no_blob_logging_is_reported_once(tmp_path: Path) -> None:
    [(path, line, message)] = _scan(tmp_path, AZ, {"storage.tf": ACCOUNT + CONTAINERS})
    assert (path, line) == ("storage.tf", 1)
    assert message.startswith(
        "azurerm_storage_account.data (used by azurerm_storage_container.documents) has no blob read/write/delete logging"
    )


def test_blob_logging_from_a_diagnostic_setting_on_the_blob_service(tmp_path: Path) -> None:
    files = {"storage.tf": ACCOUNT + CONTAINERS, "diag.tf": _diag("blobServices", ALL_CATEGORIES)}
    assert _scan(tmp_path, AZ, files) == []


def test_a_diagnostic_setting_on_another_service_or_missing_a_category_does_not_count(tmp_path: Path) -> None:
    files = {"storage.tf": ACCOUNT + CONTAINERS, "diag.tf": _diag("queueServices", ALL_CATEGORIES)}
    assert len(_scan(tmp_path, AZ, files)) == 1
    two = 'enabled_log {\n    category = "StorageRead"\n  }\n  enabled_log {\n    category = "StorageWrite"\n  }'
    files = {"storage.tf": ACCOUNT + CONTAINERS, "diag.tf": _diag("blobServices", two)}
    assert len(_scan(tmp_path / "two", AZ, files)) == 1
    account_level = _diag("blobServices", ALL_CATEGORIES, target="azurerm_storage_account.data.id")
    assert len(_scan(tmp_path / "account", AZ, {"storage.tf": ACCOUNT + CONTAINERS, "diag.tf": account_level})) == 1


def test_a_category_group_or_unknown_categories_count(tmp_path: Path) -> None:
    group = 'enabled_log {\n    category_group = "allLogs"\n  }'
    assert _scan(tmp_path, AZ, {"storage.tf": ACCOUNT + CONTAINERS, "diag.tf": _diag("blobServices", group)}) == []
    dynamic = 'dynamic "enabled_log" {\n    for_each = var.categories\n    content {\n      category = enabled_log.value\n    }\n  }'
    files = {"storage.tf": ACCOUNT + CONTAINERS, "diag.tf": _diag("blobServices", dynamic), "vars.tf": 'variable "categories" {}\n'}
    assert _scan(tmp_path / "dynamic", AZ, files) == []


def test_a_diagnostic_setting_whose_target_is_unknown_makes_the_target_unjudgeable(tmp_path: Path) -> None:
    diag = _diag("blobServices", ALL_CATEGORIES, target="var.target_resource_id")
    files = {"storage.tf": ACCOUNT + CONTAINERS, "diag.tf": diag, "vars.tf": 'variable "target_resource_id" {}\n'}
    assert _scan(tmp_path, AZ, files) == []


def test_storage_insights_with_container_names(tmp_path: Path) -> None:
    insights = """
    resource "azurerm_log_analytics_storage_insights" "data" {
      name                 = "data"
      resource_group_name  = "rg"
      workspace_id         = "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/main"
      storage_account_id   = azurerm_storage_account.data.id
      storage_account_key  = azurerm_storage_account.data.primary_access_key
      blob_container_names = ["documents", "images"]
    }
    """
    assert _scan(tmp_path, AZ, {"storage.tf": ACCOUNT + CONTAINERS, "insights.tf": insights}) == []


def test_an_account_declared_elsewhere_is_reported_at_the_container(tmp_path: Path) -> None:
    [(path, line, message)] = _scan(tmp_path, AZ, {"containers.tf": CONTAINERS})
    assert (path, line) == ("containers.tf", 3)
    assert message.startswith("azurerm_storage_container.documents uses azurerm_storage_account.data, which has no blob")


def test_queue_logging_inline_companion_and_exempt_account_kinds(tmp_path: Path) -> None:
    bare = """
    resource "azurerm_storage_account" "data" {
      name                     = "exampledata"
      resource_group_name      = "rg"
      location                 = "westeurope"
      account_tier             = "Standard"
      account_replication_type = "GRS"
    }
    """
    [(_, _, message)] = _scan(tmp_path / "bare", AZ, {"storage.tf": bare})
    assert message.startswith("azurerm_storage_account.data has no queue read/write/delete logging")
    partial = ACCOUNT.replace("read    = true", "read    = false")
    assert len(_scan(tmp_path / "partial", AZ, {"storage.tf": partial})) == 1
    assert _scan(tmp_path / "inline", AZ, {"storage.tf": ACCOUNT}) == []
    companion = """
    resource "azurerm_storage_account_queue_properties" "data" {
      storage_account_id = azurerm_storage_account.data.id
      logging {
        delete  = true
        read    = true
        write   = true
        version = "1.0"
      }
    }
    """
    assert _scan(tmp_path / "companion", AZ, {"storage.tf": bare, "queue.tf": companion}) == []
    blobs_only = bare.replace('account_tier             = "Standard"', 'account_kind             = "BlockBlobStorage"\n  account_tier             = "Premium"')
    assert _scan(tmp_path / "blobs-only", AZ, {"storage.tf": blobs_only}) == []


def test_tables_need_table_logging(tmp_path: Path) -> None:
    table = """
    resource "azurerm_storage_table" "sessions" {
      name                 = "sessions"
      storage_account_name = azurerm_storage_account.data.name
    }
    """
    [(_, _, message)] = _scan(tmp_path, AZ, {"storage.tf": ACCOUNT + table})
    assert "(used by azurerm_storage_table.sessions) has no table read/write/delete logging" in message
    files = {"storage.tf": ACCOUNT + table, "diag.tf": _diag("tableServices", ALL_CATEGORIES)}
    assert _scan(tmp_path / "logged", AZ, files) == []


# ---------------------------------------------------------------------------------------------
# GCS access logging: log buckets exempt, Data Access audit logs for the project count

GCS = "terraform.gcs-access-logging"

BUCKET = """
resource "google_storage_bucket" "media" {
  name     = "example-media"
  location = "EU"
}
"""


def test_data_access_audit_logs_for_storage_satisfy_every_bucket(tmp_path: Path) -> None:
    audit = """
    resource "google_project_iam_audit_config" "storage" {
      project = "example"
      service = "storage.googleapis.com"
      audit_log_config {
        log_type = "DATA_READ"
      }
      audit_log_config {
        log_type = "DATA_WRITE"
      }
    }
    """
    assert _scan(tmp_path, GCS, {"main.tf": BUCKET, "audit.tf": audit}) == []
    admin_only = audit.replace('"DATA_READ"', '"ADMIN_READ"')
    assert len(_scan(tmp_path / "admin", GCS, {"main.tf": BUCKET, "audit.tf": admin_only})) == 1


def test_a_log_bucket_given_by_an_unknown_value_counts(tmp_path: Path) -> None:
    bucket = """
    variable "log_bucket" {
      type = string
    }
    resource "google_storage_bucket" "media" {
      name     = "example-media"
      location = "EU"
      logging {
        log_bucket = var.log_bucket
      }
    }
    """
    assert _scan(tmp_path, GCS, {"main.tf": bucket}) == []


def test_a_bucket_named_as_a_log_bucket_by_literal_name_is_exempt(tmp_path: Path) -> None:
    buckets = """
    resource "google_storage_bucket" "media" {
      name     = "example-media"
      location = "EU"
      logging {
        log_bucket = "example-logs"
      }
    }
    resource "google_storage_bucket" "logs" {
      name     = "example-logs"
      location = "EU"
    }
    """
    assert _scan(tmp_path, GCS, {"main.tf": buckets}) == []


# ---------------------------------------------------------------------------------------------
# CloudFront access logging: standard logging v2 through a CloudWatch delivery source

CF = "terraform.cloudfront-access-logging"

DISTRIBUTION = """
resource "aws_cloudfront_distribution" "site" {
  enabled = true
  origin {
    domain_name = "example.s3.amazonaws.com"
    origin_id   = "site"
  }
  default_cache_behavior {
    target_origin_id       = "site"
    viewer_protocol_policy = "redirect-to-https"
    allowed_methods        = ["GET", "HEAD"]
    cached_methods         = ["GET", "HEAD"]
  }
  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }
  viewer_certificate {
    cloudfront_default_certificate = true
  }
}
"""


def test_cloudfront_logging_v2_counts_only_for_the_distribution_it_names(tmp_path: Path) -> None:
    source = """
    resource "aws_cloudwatch_log_delivery_source" "cdn" {
      name         = "cdn"
      log_type     = "ACCESS_LOGS"
      resource_arn = aws_cloudfront_distribution.%s.arn
    }
    """
    assert _scan(tmp_path, CF, {"cdn.tf": DISTRIBUTION, "logs.tf": source % "site"}) == []
    [(_, _, message)] = _scan(tmp_path / "other", CF, {"cdn.tf": DISTRIBUTION, "logs.tf": source % "other"})
    assert message == (
        "aws_cloudfront_distribution.site has no access logging (no logging_config.bucket, "
        "no aws_cloudwatch_log_delivery_source with log_type ACCESS_LOGS referencing it)"
    )


# ---------------------------------------------------------------------------------------------
# Every check of the file: computed values everywhere it looks are never reported

ODD = """
resource "aws_cloudfront_distribution" "d" {
  enabled             = true
  web_acl_id          = var.web_acl_arn
  default_root_object = var.root
  dynamic "origin_group" {
    for_each = var.groups
    content {
      origin_id = origin_group.value.id
      failover_criteria {
        status_codes = origin_group.value.codes
      }
    }
  }
  default_cache_behavior {
    target_origin_id           = var.origin
    viewer_protocol_policy     = "redirect-to-https"
    response_headers_policy_id = data.aws_cloudfront_response_headers_policy.security.id
  }
  logging_config {
    bucket = module.logs.bucket_domain_name
  }
  restrictions {
    geo_restriction {
      restriction_type = var.geo
    }
  }
}

resource "aws_wafv2_web_acl" "w" {
  name  = "w"
  scope = var.scope
  dynamic "rule" {
    for_each = var.rules
    content {
      name = rule.value.name
      statement {
        managed_rule_group_statement {
          name        = rule.value.group
          vendor_name = "AWS"
        }
      }
    }
  }
}

resource "google_storage_bucket" "b" {
  for_each                 = toset(var.names)
  name                     = each.key
  location                 = "EU"
  public_access_prevention = var.pap
  logging {
    log_bucket = var.log_bucket
  }
  versioning {
    enabled = var.versioning
  }
}

resource "azurerm_storage_account" "a" {
  for_each                 = var.accounts
  name                     = each.key
  resource_group_name      = "rg"
  location                 = "westeurope"
  account_tier             = "Standard"
  account_replication_type = "GRS"
  queue_properties {
    logging {
      read    = var.log
      write   = var.log
      delete  = var.log
      version = "1.0"
    }
  }
}

resource "azurerm_storage_container" "c" {
  for_each           = azurerm_storage_account.a
  name               = "docs"
  storage_account_id = each.value.id
}

resource "azurerm_monitor_diagnostic_setting" "c" {
  for_each                   = azurerm_storage_account.a
  name                       = "blob"
  target_resource_id         = "${each.value.id}/blobServices/default"
  log_analytics_workspace_id = var.workspace
  dynamic "enabled_log" {
    for_each = var.categories
    content {
      category = enabled_log.value
    }
  }
}
"""


def test_every_edge_check_survives_odd_but_valid_terraform(tmp_path: Path) -> None:
    for check in SCANNER.checks():
        assert _scan(tmp_path / check.spec.id, check.spec.id, {"odd.tf": ODD}) == [], check.spec.id
