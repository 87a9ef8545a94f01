variable "vpc_id" {
  description = "VPC that hosts AgriMarket"
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets for the database subnet group"
  type        = list(string)
}

variable "app_subnet_cidrs" {
  description = "CIDR blocks of the Kubernetes node subnets that run the AgriMarket web pods"
  type        = list(string)
  default     = ["10.40.0.0/20"]

  validation {
    condition     = alltrue([for cidr in var.app_subnet_cidrs : !startswith(cidr, "0.0.0.0/")])
    error_message = "app_subnet_cidrs must list internal subnets, never 0.0.0.0/0."
  }
}
