# API audit trail for the account, delivered to a dedicated, private, encrypted bucket.
resource "aws_cloudtrail" "agrimarket" {
  name                          = "agrimarket-audit"
  s3_bucket_name                = aws_s3_bucket.audit_trail.id
  kms_key_id                    = aws_kms_key.agrimarket.arn
  is_multi_region_trail         = true
  include_global_service_events = true
  enable_log_file_validation    = true

  event_selector {
    read_write_type           = "All"
    include_management_events = true

    data_resource {
      type   = "AWS::S3::Object"
      values = ["${aws_s3_bucket.produce_images.arn}/"]
    }
  }

  depends_on = [aws_s3_bucket_policy.audit_trail]
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
