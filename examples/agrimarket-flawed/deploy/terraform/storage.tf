resource "aws_s3_bucket" "produce_images" {
  bucket = "agrimarket-produce-images"
  acl    = "public-read"

  tags = {
    Project = "agrimarket"
  }
}
