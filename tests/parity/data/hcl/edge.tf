resource "aws_route53_zone" "zone" {
  name = "example.com"
}

resource "aws_route53_health_check" "primary_check" {
  type              = "HTTPS"
  fqdn              = "web.example.com"
  resource_path     = "/health"
  port              = 443
  request_interval  = 10
  failure_threshold = 2
}

resource "aws_route53_record" "app_primary" {
  zone_id         = aws_route53_zone.zone.zone_id
  name            = "app.example.com"
  type            = "CNAME"
  ttl             = 60
  records         = ["web.example.com"]
  set_identifier  = "primary"
  health_check_id = aws_route53_health_check.primary_check.id

  failover_routing_policy {
    type = "PRIMARY"
  }
}

resource "aws_route53_record" "app_secondary" {
  zone_id        = aws_route53_zone.zone.zone_id
  name           = "app.example.com"
  type           = "CNAME"
  ttl            = 60
  records        = ["dr.example.com"]
  set_identifier = "secondary"

  failover_routing_policy {
    type = "SECONDARY"
  }
}

resource "aws_cloudfront_origin_access_control" "assets_oac" {
  name                              = "assets-oac"
  origin_access_control_origin_type = "s3"
  signing_behavior                  = "always"
  signing_protocol                  = "sigv4"
}

resource "aws_cloudfront_distribution" "cdn" {
  enabled = true

  origin {
    origin_id   = "web-alb"
    domain_name = aws_lb.web.dns_name

    custom_origin_config {
      http_port              = 80
      https_port             = 443
      origin_protocol_policy = "https-only"
      origin_ssl_protocols   = ["TLSv1.2"]
    }
  }

  # An S3 origin with origin access control: no s3_origin_config block.
  origin {
    origin_id                = "assets"
    domain_name              = aws_s3_bucket.assets.bucket_regional_domain_name
    origin_access_control_id = aws_cloudfront_origin_access_control.assets_oac.id
  }

  origin_group {
    origin_id = "failover"

    failover_criteria {
      status_codes = [500, 502, 503, 504]
    }

    member {
      origin_id = "web-alb"
    }

    member {
      origin_id = "assets"
    }
  }

  default_cache_behavior {
    target_origin_id       = "failover"
    viewer_protocol_policy = "redirect-to-https"
    cache_policy_id        = "658327ea-f89d-4fab-a63d-7e88639e58f6"
    allowed_methods        = ["GET", "HEAD"]
    cached_methods         = ["GET", "HEAD"]
  }

  logging_config {
    bucket = aws_s3_bucket.cdn_logs.bucket_domain_name
    prefix = "cdn/"
  }

  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }

  viewer_certificate {
    cloudfront_default_certificate = true
  }

  tags = {
    Name = "cdn"
  }
}
