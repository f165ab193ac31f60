provider "aws" {
  region = "us-east-1"
}

provider "aws" {
  alias  = "dr"
  region = "us-west-2"
}

resource "aws_cloudfront_distribution" "single_origin" {
  enabled = true
  origin {
    origin_id   = "web"
    domain_name = "web.example.com"
    custom_origin_config {
      http_port              = 80
      https_port             = 443
      origin_protocol_policy = "https-only"
      origin_ssl_protocols   = ["TLSv1.2"]
    }
  }
  default_cache_behavior {
    target_origin_id       = "web"
    viewer_protocol_policy = "redirect-to-https"
    allowed_methods        = ["GET", "HEAD"]
    cached_methods         = ["GET", "HEAD"]
  }
  restrictions {
    geo_restriction { restriction_type = "none" }
  }
  viewer_certificate { cloudfront_default_certificate = true }
}

resource "aws_cloudfront_distribution" "failover_pair" {
  enabled = true
  origin {
    origin_id   = "east"
    domain_name = "east.example.com"
    custom_origin_config {
      http_port              = 80
      https_port             = 443
      origin_protocol_policy = "https-only"
      origin_ssl_protocols   = ["TLSv1.2"]
    }
  }
  origin {
    origin_id   = "west"
    domain_name = "west.example.com"
    custom_origin_config {
      http_port              = 80
      https_port             = 443
      origin_protocol_policy = "https-only"
      origin_ssl_protocols   = ["TLSv1.2"]
    }
  }
  origin_group {
    origin_id = "both"
    failover_criteria { status_codes = [500, 502, 503, 504] }
    member { origin_id = "east" }
    member { origin_id = "west" }
  }
  default_cache_behavior {
    target_origin_id       = "both"
    viewer_protocol_policy = "redirect-to-https"
    allowed_methods        = ["GET", "HEAD"]
    cached_methods         = ["GET", "HEAD"]
  }
  restrictions {
    geo_restriction { restriction_type = "none" }
  }
  viewer_certificate { cloudfront_default_certificate = true }
}

resource "aws_elasticache_replication_group" "lone_redis" {
  replication_group_id = "lone"
  description          = "one node"
  engine               = "redis"
  node_type            = "cache.t4g.small"
  num_cache_clusters   = 1
}

resource "aws_elasticache_replication_group" "paired_redis" {
  replication_group_id       = "paired"
  description                = "primary and replica"
  engine                     = "redis"
  node_type                  = "cache.t4g.small"
  num_cache_clusters         = 2
  automatic_failover_enabled = true
  multi_az_enabled           = true
}

resource "aws_elasticache_replication_group" "sharded_redis" {
  replication_group_id       = "sharded"
  description                = "two shards, one replica each"
  engine                     = "redis"
  node_type                  = "cache.t4g.small"
  num_node_groups            = 2
  replicas_per_node_group    = 1
  automatic_failover_enabled = true
}

resource "aws_s3_bucket" "external_destination" {
  bucket = "data-primary"
}

resource "aws_s3_bucket_versioning" "external_destination" {
  bucket = aws_s3_bucket.external_destination.id
  versioning_configuration { status = "Enabled" }
}

resource "aws_s3_bucket_replication_configuration" "external_destination" {
  bucket = aws_s3_bucket.external_destination.id
  role   = "arn:aws:iam::123456789012:role/replication"
  rule {
    id     = "dr"
    status = "Enabled"
    destination { bucket = "arn:aws:s3:::data-dr-us-west-2" }
  }
}

resource "aws_s3_bucket" "unreplicated" {
  bucket = "plain"
}

resource "aws_s3_bucket_versioning" "unreplicated" {
  bucket = aws_s3_bucket.unreplicated.id
  versioning_configuration { status = "Enabled" }
}

resource "aws_s3_bucket" "module_source" {
  bucket = "orders"
}

resource "aws_s3_bucket_versioning" "module_source" {
  bucket = aws_s3_bucket.module_source.id
  versioning_configuration { status = "Enabled" }
}

resource "aws_s3_bucket" "module_copy" {
  provider = aws.dr
  bucket   = "orders-copy"
}

resource "aws_s3_bucket_versioning" "module_copy" {
  provider = aws.dr
  bucket   = aws_s3_bucket.module_copy.id
  versioning_configuration { status = "Enabled" }
}

resource "aws_s3_bucket_replication_configuration" "module_source" {
  bucket = aws_s3_bucket.module_source.id
  role   = "arn:aws:iam::123456789012:role/replication"
  rule {
    id     = "copy"
    status = "Enabled"
    destination { bucket = aws_s3_bucket.module_copy.arn }
  }
}

resource "aws_route53_health_check" "primary" {
  type              = "HTTPS"
  fqdn              = "east.example.com"
  port              = 443
  request_interval  = 10
  failure_threshold = 3
}

resource "aws_route53_record" "app_primary" {
  zone_id         = "Z0123456789"
  name            = "app.example.com"
  type            = "CNAME"
  ttl             = 60
  set_identifier  = "east"
  health_check_id = aws_route53_health_check.primary.id
  records         = ["east.example.com"]
  failover_routing_policy { type = "PRIMARY" }
}

resource "aws_route53_record" "app_secondary" {
  zone_id        = "Z0123456789"
  name           = "app.example.com"
  type           = "CNAME"
  ttl            = 300
  set_identifier = "west"
  records        = ["west.example.com"]
  failover_routing_policy { type = "SECONDARY" }
}

resource "aws_route53_record" "api_primary" {
  zone_id         = "Z0123456789"
  name            = "api.example.com"
  type            = "CNAME"
  ttl             = 60
  set_identifier  = "east"
  health_check_id = aws_route53_health_check.primary.id
  records         = ["api-east.example.com"]
  failover_routing_policy { type = "PRIMARY" }
}

resource "aws_s3_bucket" "local_source" {
  bucket = "reports"
}

resource "aws_s3_bucket_versioning" "local_source" {
  bucket = aws_s3_bucket.local_source.id
  versioning_configuration { status = "Enabled" }
}

resource "aws_s3_bucket" "local_copy" {
  bucket = "reports-copy"
}

resource "aws_s3_bucket_versioning" "local_copy" {
  bucket = aws_s3_bucket.local_copy.id
  versioning_configuration { status = "Enabled" }
}

resource "aws_s3_bucket_replication_configuration" "local_source" {
  bucket = aws_s3_bucket.local_source.id
  role   = "arn:aws:iam::123456789012:role/replication"
  rule {
    id     = "copy"
    status = "Enabled"
    destination { bucket = aws_s3_bucket.local_copy.arn }
  }
}
