terraform {
  required_version = ">= 1.6.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.100"
    }
  }

  backend "s3" {
    bucket         = "agrimarket-terraform-state"
    key            = "prod/terraform.tfstate"
    region         = "me-central-1"
    encrypt        = true
    dynamodb_table = "agrimarket-terraform-locks"
  }
}

# No credentials here: CI assumes an IAM role through GitHub OIDC, people use SSO profiles.
# All AgriMarket data stays in the in-country region.
provider "aws" {
  region = "me-central-1"

  default_tags {
    tags = {
      Project            = "agrimarket"
      DataClassification = "confidential"
      ManagedBy          = "terraform"
    }
  }
}

data "aws_caller_identity" "current" {}
