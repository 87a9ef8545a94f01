# PostgreSQL is reachable only from the application subnets. There is no SSH:
# administrators use AWS Systems Manager Session Manager.
# No egress block: Terraform removes AWS's default allow-all egress rule.
resource "aws_security_group" "db" {
  name        = "agrimarket-db"
  description = "AgriMarket database: PostgreSQL from the application subnets only"
  vpc_id      = var.vpc_id

  ingress {
    description = "PostgreSQL from the application subnets"
    from_port   = 5432
    to_port     = 5432
    protocol    = "tcp"
    cidr_blocks = var.app_subnet_cidrs
  }
}
