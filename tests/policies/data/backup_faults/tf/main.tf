# One resource per backup fault beside a correct twin; the Terraform twin of ../template.yaml.
provider "aws" {
  region = "us-east-1"
}

resource "aws_backup_vault" "locked" {
  name = "main"
}

resource "aws_backup_vault_lock_configuration" "locked" {
  backup_vault_name   = aws_backup_vault.locked.name
  min_retention_days  = 7
  changeable_for_days = 3
}

resource "aws_backup_vault" "open" {
  name = "open"
}

resource "aws_backup_plan" "daily" {
  name = "daily"
  rule {
    rule_name         = "daily"
    target_vault_name = aws_backup_vault.locked.name
    schedule          = "cron(0 5 ? * * *)"
    lifecycle {
      delete_after = 35
    }
    copy_action {
      destination_vault_arn = "arn:aws:backup:us-west-2:111122223333:backup-vault:dr"
    }
  }
  rule {
    rule_name         = "yearly"
    target_vault_name = aws_backup_vault.locked.name
    schedule          = "cron(0 5 1 * ? *)"
    lifecycle {
      delete_after       = 365
      cold_storage_after = 90
    }
  }
}

resource "aws_backup_plan" "weekly" {
  name = "weekly"
  rule {
    rule_name         = "weekly"
    target_vault_name = aws_backup_vault.open.name
    schedule          = "cron(0 5 ? * SUN *)"
    lifecycle {
      delete_after = 365
    }
  }
}

resource "aws_backup_selection" "by_arn" {
  name         = "orders"
  plan_id      = aws_backup_plan.daily.id
  iam_role_arn = "arn:aws:iam::111122223333:role/backup"
  resources    = [aws_db_instance.orders.arn, "arn:aws:s3:::*"]
}

resource "aws_backup_selection" "by_tag" {
  name         = "weekly"
  plan_id      = aws_backup_plan.weekly.id
  iam_role_arn = "arn:aws:iam::111122223333:role/backup"
  resources    = ["arn:aws:dynamodb:*:*:table/*"]
  condition {
    string_equals {
      key   = "aws:ResourceTag/backup"
      value = "weekly"
    }
  }
}

resource "aws_db_instance" "orders" {
  engine                      = "postgres"
  instance_class              = "db.m6g.large"
  allocated_storage           = 100
  multi_az                    = true
  backup_retention_period     = 7
  deletion_protection         = true
  storage_encrypted           = true
  username                    = "app"
  manage_master_user_password = true
}

resource "aws_db_instance" "legacy" {
  engine                      = "mysql"
  instance_class              = "db.t4g.medium"
  allocated_storage           = 20
  backup_retention_period     = 7
  storage_encrypted           = true
  username                    = "app"
  manage_master_user_password = true
}

resource "aws_dynamodb_table" "carts" {
  name                        = "carts"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "id"
  deletion_protection_enabled = true
  attribute {
    name = "id"
    type = "S"
  }
  point_in_time_recovery {
    enabled = true
  }
  tags = {
    backup = "weekly"
  }
}

resource "aws_s3_bucket" "data" {
  bucket = "example-data"
}

resource "aws_s3_bucket_versioning" "data" {
  bucket = aws_s3_bucket.data.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket" "uploads" {
  bucket = "example-uploads"
}

resource "aws_s3_bucket_versioning" "uploads" {
  bucket = aws_s3_bucket.uploads.id
  versioning_configuration {
    status = "Suspended"
  }
}

resource "aws_s3_bucket" "access_logs" {
  bucket = "example-access-logs"
  tags = {
    ephemeral = "access logs"
  }
}

resource "aws_elasticache_replication_group" "sessions" {
  replication_group_id       = "sessions"
  description                = "sessions"
  engine                     = "redis"
  node_type                  = "cache.r6g.large"
  num_cache_clusters         = 2
  multi_az_enabled           = true
  automatic_failover_enabled = true
}

resource "aws_elasticache_cluster" "cache" {
  cluster_id               = "cache"
  engine                   = "redis"
  node_type                = "cache.t4g.small"
  num_cache_nodes          = 1
  snapshot_retention_limit = 7
}

resource "aws_lb" "alb" {
  subnets                    = ["subnet-0aaa1111", "subnet-0bbb2222"]
  enable_deletion_protection = true
}

resource "aws_lb" "nlb" {
  load_balancer_type = "network"
  subnets            = ["subnet-0aaa1111", "subnet-0bbb2222"]
}
