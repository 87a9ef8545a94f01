resource "aws_db_subnet_group" "agrimarket" {
  name       = "agrimarket"
  subnet_ids = var.subnet_ids
}

# Enhanced monitoring: RDS publishes operating-system metrics to CloudWatch with this role.
resource "aws_iam_role" "rds_monitoring" {
  name               = "agrimarket-rds-monitoring"
  description        = "Lets RDS enhanced monitoring publish OS metrics for agrimarket-db"
  assume_role_policy = data.aws_iam_policy_document.rds_monitoring_assume.json
}

resource "aws_iam_role_policy_attachment" "rds_monitoring" {
  role       = aws_iam_role.rds_monitoring.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"
}

# The parameter group (TLS only, connection and statement logging) and the monitoring
# role's trust policy follow the database instance.

resource "aws_db_instance" "agrimarket" {
  identifier                          = "agrimarket-db"
  engine                              = "postgres"
  engine_version                      = "16.4"
  instance_class                      = "db.t4g.medium"
  allocated_storage                   = 20
  max_allocated_storage               = 100
  db_name                             = "agrimarket"
  username                            = "agrimarket"
  manage_master_user_password         = true
  master_user_secret_kms_key_id       = aws_kms_key.agrimarket.key_id
  iam_database_authentication_enabled = true
  db_subnet_group_name                = aws_db_subnet_group.agrimarket.name
  parameter_group_name                = aws_db_parameter_group.agrimarket.name
  vpc_security_group_ids              = [aws_security_group.db.id]
  storage_encrypted                   = true
  kms_key_id                          = aws_kms_key.agrimarket.arn
  publicly_accessible                 = false
  multi_az                            = true
  backup_retention_period             = 14
  backup_window                       = "01:00-02:00"
  maintenance_window                  = "fri:03:00-fri:04:00"
  copy_tags_to_snapshot               = true
  deletion_protection                 = true
  skip_final_snapshot                 = false
  final_snapshot_identifier           = "agrimarket-db-final"
  auto_minor_version_upgrade          = true
  enabled_cloudwatch_logs_exports     = ["postgresql", "upgrade"]
  performance_insights_enabled        = true
  performance_insights_kms_key_id     = aws_kms_key.agrimarket.arn
  monitoring_interval                 = 60
  monitoring_role_arn                 = aws_iam_role.rds_monitoring.arn
}

resource "aws_db_parameter_group" "agrimarket" {
  name   = "agrimarket-postgres16"
  family = "postgres16"

  parameter {
    name  = "rds.force_ssl"
    value = "1"
  }

  parameter {
    name  = "log_connections"
    value = "1"
  }

  # Schema changes (DDL) are logged; so is every statement slower than one second.
  parameter {
    name  = "log_statement"
    value = "ddl"
  }

  parameter {
    name  = "log_min_duration_statement"
    value = "1000"
  }
}

data "aws_iam_policy_document" "rds_monitoring_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["monitoring.rds.amazonaws.com"]
    }
  }
}
