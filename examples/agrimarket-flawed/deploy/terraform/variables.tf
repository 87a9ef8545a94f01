variable "vpc_id" {
  description = "VPC that hosts AgriMarket"
  type        = string
}

variable "subnet_ids" {
  description = "Subnets for the database subnet group"
  type        = list(string)
}
