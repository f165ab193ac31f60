resource "aws_elasticache_cluster" "single_redis" {
  cluster_id               = "single-redis"
  engine                   = "redis"
  node_type                = "cache.t3.micro"
  num_cache_nodes          = 1
  availability_zone        = local.zones[0]
  subnet_group_name        = aws_elasticache_subnet_group.cache.name
  security_group_ids       = [aws_security_group.this["db"].id]
  snapshot_retention_limit = 3
  snapshot_window          = "03:00-04:00"
}

resource "aws_s3_bucket" "assets" {
  bucket = "assets"
  tags = {
    Name = "assets"
  }
}

resource "aws_s3_bucket_versioning" "assets" {
  bucket = aws_s3_bucket.assets.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_replication_configuration" "assets" {
  bucket = aws_s3_bucket.assets.id
  role   = "arn:aws:iam::123456789012:role/s3-replication"

  rule {
    id       = "to-dr"
    priority = 1
    status   = "Enabled"

    filter {}

    delete_marker_replication {
      status = "Disabled"
    }

    destination {
      bucket = "arn:aws:s3:::assets-dr"

      replication_time {
        status = "Enabled"
        time {
          minutes = 15
        }
      }

      metrics {
        status = "Enabled"
        event_threshold {
          minutes = 15
        }
      }
    }
  }

  depends_on = [aws_s3_bucket_versioning.assets]
}

resource "aws_s3_bucket_lifecycle_configuration" "assets" {
  bucket = aws_s3_bucket.assets.id

  rule {
    id     = "tiering"
    status = "Enabled"

    filter {}

    transition {
      days          = 30
      storage_class = "STANDARD_IA"
    }

    transition {
      days          = 90
      storage_class = "GLACIER"
    }

    noncurrent_version_transition {
      noncurrent_days = 30
      storage_class   = "GLACIER"
    }

    noncurrent_version_expiration {
      noncurrent_days = 365
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }
}

resource "aws_s3_bucket" "cdn_logs" {
  bucket = "cdn-logs"
  tags = {
    Name = "cdn-logs"
  }
}

resource "aws_efs_file_system" "shared" {
  encrypted       = true
  throughput_mode = "elastic"

  lifecycle_policy {
    transition_to_ia = "AFTER_30_DAYS"
  }

  lifecycle_policy {
    transition_to_archive = "AFTER_90_DAYS"
  }

  tags = {
    Name = "shared"
  }
}

resource "aws_efs_mount_target" "shared" {
  for_each        = toset(["app-a", "app-b"])
  file_system_id  = aws_efs_file_system.shared.id
  subnet_id       = aws_subnet.this[each.key].id
  security_groups = [aws_security_group.this["app"].id]
}

resource "aws_efs_file_system" "scratch_fs" {
  availability_zone_name = local.zones[0]
  tags = {
    Name = "scratch-fs"
  }
}

resource "aws_efs_mount_target" "scratch_fs_a" {
  file_system_id  = aws_efs_file_system.scratch_fs.id
  subnet_id       = aws_subnet.this["app-a"].id
  security_groups = [aws_security_group.this["app"].id]
}

resource "aws_backup_vault" "primary_vault" {
  name = "primary-vault"
}

resource "aws_backup_vault_lock_configuration" "primary_vault" {
  backup_vault_name  = aws_backup_vault.primary_vault.name
  min_retention_days = 7
  max_retention_days = 365
}

resource "aws_backup_plan" "daily" {
  name = "daily"

  rule {
    rule_name         = "daily"
    target_vault_name = aws_backup_vault.primary_vault.name
    schedule          = "cron(0 5 ? * * *)"

    lifecycle {
      cold_storage_after = 30
      delete_after       = 120
    }

    copy_action {
      destination_vault_arn = "arn:aws:backup:us-west-2:123456789012:backup-vault:dr-vault"
      lifecycle {
        cold_storage_after = 30
        delete_after       = 120
      }
    }
  }

  rule {
    rule_name                = "continuous"
    target_vault_name        = aws_backup_vault.primary_vault.name
    schedule                 = "cron(0 * ? * * *)"
    enable_continuous_backup = true

    lifecycle {
      delete_after = 35
    }
  }
}

resource "aws_backup_selection" "stateful" {
  name         = "stateful"
  plan_id      = aws_backup_plan.daily.id
  iam_role_arn = "arn:aws:iam::123456789012:role/backup"
  resources    = [aws_db_instance.orders.arn, aws_efs_file_system.shared.arn]
}
