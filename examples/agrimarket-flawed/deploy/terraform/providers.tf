terraform {
  required_providers {
    aws = {
      source = "hashicorp/aws"
    }
  }
}

provider "aws" {
  region     = "us-east-1"
  access_key = "AKIAQ7RZ3AGRIMKT2L5N"
  secret_key = "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"
}
