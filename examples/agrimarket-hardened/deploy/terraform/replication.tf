# Every bucket is replicated to a second bucket. Data residency keeps all copies in
# me-central-1, so the replica is in the same region (it protects against deletion and
# overwrite, not against a regional outage). Delete markers are not replicated.
resource "aws_s3_bucket" "replica" {
  bucket = "agrimarket-replica"
}

resource "aws_s3_bucket_ownership_controls" "replica" {
  bucket = aws_s3_bucket.replica.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "replica" {
  bucket                  = aws_s3_bucket.replica.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_server_side_encryption_configuration" "replica" {
  bucket = aws_s3_bucket.replica.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.agrimarket.arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_versioning" "replica" {
  bucket = aws_s3_bucket.replica.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_logging" "replica" {
  bucket        = aws_s3_bucket.replica.id
  target_bucket = aws_s3_bucket.access_logs.id
  target_prefix = "s3/replica/"
}

resource "aws_s3_bucket_lifecycle_configuration" "replica" {
  bucket = aws_s3_bucket.replica.id

  rule {
    id     = "housekeeping"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days = 90
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }
}

resource "aws_s3_bucket_notification" "replica" {
  bucket      = aws_s3_bucket.replica.id
  eventbridge = true
}

resource "aws_s3_bucket_replication_configuration" "produce_images" {
  depends_on = [aws_s3_bucket_versioning.produce_images, aws_s3_bucket_versioning.replica]
  bucket     = aws_s3_bucket.produce_images.id
  role       = aws_iam_role.replication.arn

  rule {
    id     = "produce-images"
    status = "Enabled"

    filter {}

    delete_marker_replication {
      status = "Disabled"
    }

    source_selection_criteria {
      sse_kms_encrypted_objects {
        status = "Enabled"
      }
    }

    destination {
      bucket = aws_s3_bucket.replica.arn

      encryption_configuration {
        replica_kms_key_id = aws_kms_key.agrimarket.arn
      }
    }
  }
}

resource "aws_s3_bucket_replication_configuration" "audit_trail" {
  depends_on = [aws_s3_bucket_versioning.audit_trail, aws_s3_bucket_versioning.replica]
  bucket     = aws_s3_bucket.audit_trail.id
  role       = aws_iam_role.replication.arn

  rule {
    id     = "audit-trail"
    status = "Enabled"

    filter {
      prefix = "AWSLogs/"
    }

    delete_marker_replication {
      status = "Disabled"
    }

    source_selection_criteria {
      sse_kms_encrypted_objects {
        status = "Enabled"
      }
    }

    destination {
      bucket = aws_s3_bucket.replica.arn

      encryption_configuration {
        replica_kms_key_id = aws_kms_key.agrimarket.arn
      }
    }
  }
}

# Only the logs of the source buckets: the replica's own access logs (s3/replica/) are not
# replicated back into it, which would loop.
resource "aws_s3_bucket_replication_configuration" "access_logs" {
  depends_on = [aws_s3_bucket_versioning.access_logs, aws_s3_bucket_versioning.replica]
  bucket     = aws_s3_bucket.access_logs.id
  role       = aws_iam_role.replication.arn

  rule {
    id       = "produce-images-logs"
    priority = 1
    status   = "Enabled"

    filter {
      prefix = "s3/produce-images/"
    }

    delete_marker_replication {
      status = "Disabled"
    }

    destination {
      bucket = aws_s3_bucket.replica.arn
    }
  }

  rule {
    id       = "audit-trail-logs"
    priority = 2
    status   = "Enabled"

    filter {
      prefix = "s3/audit-trail/"
    }

    delete_marker_replication {
      status = "Disabled"
    }

    destination {
      bucket = aws_s3_bucket.replica.arn
    }
  }
}

resource "aws_iam_role" "replication" {
  name               = "agrimarket-s3-replication"
  assume_role_policy = data.aws_iam_policy_document.replication_assume.json
}

resource "aws_iam_role_policy" "replication" {
  name   = "replicate-to-agrimarket-replica"
  role   = aws_iam_role.replication.id
  policy = data.aws_iam_policy_document.replication.json
}

data "aws_iam_policy_document" "replication_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["s3.amazonaws.com"]
    }
  }
}

data "aws_iam_policy_document" "replication" {
  statement {
    sid       = "ReadSourceConfiguration"
    actions   = ["s3:GetReplicationConfiguration", "s3:ListBucket"]
    resources = [aws_s3_bucket.produce_images.arn, aws_s3_bucket.audit_trail.arn, aws_s3_bucket.access_logs.arn]
  }

  statement {
    sid     = "ReadSourceObjects"
    actions = ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"]
    resources = [
      "${aws_s3_bucket.produce_images.arn}/*",
      "${aws_s3_bucket.audit_trail.arn}/*",
      "${aws_s3_bucket.access_logs.arn}/*",
    ]
  }

  statement {
    sid       = "WriteReplica"
    actions   = ["s3:ReplicateObject", "s3:ReplicateTags"]
    resources = ["${aws_s3_bucket.replica.arn}/*"]
  }

  statement {
    sid       = "UseDataKey"
    actions   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"]
    resources = [aws_kms_key.agrimarket.arn]
  }
}
