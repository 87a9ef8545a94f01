# API audit trail for the account, delivered to a dedicated, private, encrypted bucket.
resource "aws_cloudtrail" "agrimarket" {
  name                          = "agrimarket-audit"
  s3_bucket_name                = aws_s3_bucket.audit_trail.id
  kms_key_id                    = aws_kms_key.agrimarket.arn
  is_multi_region_trail         = true
  include_global_service_events = true
  enable_log_file_validation    = true

  # Events also go to CloudWatch Logs (metric filters and alarms) and each delivered log file
  # is announced on an SNS topic (the log pipeline subscribes to it).
  cloud_watch_logs_group_arn = "${aws_cloudwatch_log_group.audit_trail.arn}:*"
  cloud_watch_logs_role_arn  = aws_iam_role.audit_trail_to_cloudwatch.arn
  sns_topic_name             = aws_sns_topic.audit_trail.name

  event_selector {
    read_write_type           = "All"
    include_management_events = true

    data_resource {
      type   = "AWS::S3::Object"
      values = ["${aws_s3_bucket.produce_images.arn}/"]
    }
  }

  depends_on = [aws_s3_bucket_policy.audit_trail, aws_sns_topic_policy.audit_trail]
}

resource "aws_s3_bucket" "audit_trail" {
  bucket = "agrimarket-audit-trail"
}

resource "aws_s3_bucket_ownership_controls" "audit_trail" {
  bucket = aws_s3_bucket.audit_trail.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "audit_trail" {
  bucket                  = aws_s3_bucket.audit_trail.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_server_side_encryption_configuration" "audit_trail" {
  bucket = aws_s3_bucket.audit_trail.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.agrimarket.arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_versioning" "audit_trail" {
  bucket = aws_s3_bucket.audit_trail.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_logging" "audit_trail" {
  bucket        = aws_s3_bucket.audit_trail.id
  target_bucket = aws_s3_bucket.access_logs.id
  target_prefix = "s3/audit-trail/"
}

resource "aws_s3_bucket_policy" "audit_trail" {
  bucket = aws_s3_bucket.audit_trail.id
  policy = data.aws_iam_policy_document.audit_trail.json
}

data "aws_iam_policy_document" "audit_trail" {
  statement {
    sid       = "CloudTrailAclCheck"
    actions   = ["s3:GetBucketAcl"]
    resources = [aws_s3_bucket.audit_trail.arn]

    principals {
      type        = "Service"
      identifiers = ["cloudtrail.amazonaws.com"]
    }
  }

  statement {
    sid       = "CloudTrailWrite"
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.audit_trail.arn}/AWSLogs/${data.aws_caller_identity.current.account_id}/*"]

    principals {
      type        = "Service"
      identifiers = ["cloudtrail.amazonaws.com"]
    }
  }

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.audit_trail.arn, "${aws_s3_bucket.audit_trail.arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

# Audit logs are kept for seven years, in Glacier Instant Retrieval after 90 days.
resource "aws_s3_bucket_lifecycle_configuration" "audit_trail" {
  bucket = aws_s3_bucket.audit_trail.id

  rule {
    id     = "retention"
    status = "Enabled"

    filter {}

    transition {
      days          = 90
      storage_class = "GLACIER_IR"
    }

    expiration {
      days = 2557
    }

    noncurrent_version_expiration {
      noncurrent_days = 30
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }
}

# Deletions and unexpected writes in the audit bucket are routed by EventBridge rules to the on-call alerts.
resource "aws_s3_bucket_notification" "audit_trail" {
  bucket      = aws_s3_bucket.audit_trail.id
  eventbridge = true
}

resource "aws_cloudwatch_log_group" "audit_trail" {
  name              = "/agrimarket/cloudtrail"
  retention_in_days = 365
  kms_key_id        = aws_kms_key.agrimarket.arn
}

resource "aws_iam_role" "audit_trail_to_cloudwatch" {
  name               = "agrimarket-cloudtrail-to-cloudwatch"
  assume_role_policy = data.aws_iam_policy_document.audit_trail_assume.json
}

resource "aws_iam_role_policy" "audit_trail_to_cloudwatch" {
  name   = "write-trail-log-group"
  role   = aws_iam_role.audit_trail_to_cloudwatch.id
  policy = data.aws_iam_policy_document.audit_trail_to_cloudwatch.json
}

data "aws_iam_policy_document" "audit_trail_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["cloudtrail.amazonaws.com"]
    }
  }
}

data "aws_iam_policy_document" "audit_trail_to_cloudwatch" {
  statement {
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.audit_trail.arn}:log-stream:*"]
  }
}

resource "aws_sns_topic" "audit_trail" {
  name              = "agrimarket-audit-trail-deliveries"
  kms_master_key_id = aws_kms_key.agrimarket.id
}

resource "aws_sns_topic_policy" "audit_trail" {
  arn    = aws_sns_topic.audit_trail.arn
  policy = data.aws_iam_policy_document.audit_trail_topic.json
}

data "aws_iam_policy_document" "audit_trail_topic" {
  statement {
    sid       = "CloudTrailPublish"
    actions   = ["SNS:Publish"]
    resources = [aws_sns_topic.audit_trail.arn]

    principals {
      type        = "Service"
      identifiers = ["cloudtrail.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceArn"
      values   = ["arn:aws:cloudtrail:me-central-1:${data.aws_caller_identity.current.account_id}:trail/agrimarket-audit"]
    }
  }
}
