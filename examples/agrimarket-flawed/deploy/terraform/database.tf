resource "aws_db_subnet_group" "agrimarket" {
  name       = "agrimarket"
  subnet_ids = var.subnet_ids
}

resource "aws_db_instance" "agrimarket" {
  identifier              = "agrimarket-db"
  engine                  = "postgres"
  engine_version          = "11.22"
  instance_class          = "db.t3.micro"
  allocated_storage       = 20
  db_name                 = "agrimarket"
  username                = "agrimarket"
  password                = "Harvest2019!"
  db_subnet_group_name    = aws_db_subnet_group.agrimarket.name
  vpc_security_group_ids  = [aws_security_group.db.id]
  storage_encrypted       = false
  publicly_accessible     = true
  backup_retention_period = 0
  deletion_protection     = false
  skip_final_snapshot     = true
}
