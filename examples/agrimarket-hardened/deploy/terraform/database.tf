resource "aws_db_subnet_group" "agrimarket" {
  name       = "agrimarket"
  subnet_ids = var.subnet_ids
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
}

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
}
