resource "aws_db_subnet_group" "data" {
  name        = "data"
  description = "data"
  subnet_ids  = [aws_subnet.this["data-a"].id, aws_subnet.this["data-b"].id]
}

resource "aws_db_subnet_group" "mixed" {
  name        = "mixed"
  description = "mixed"
  subnet_ids  = [aws_subnet.this["data-a"].id, aws_subnet.this["pub-b"].id]
}

resource "aws_db_instance" "orders" {
  identifier                  = "orders"
  engine                      = "postgres"
  instance_class              = "db.t3.micro"
  allocated_storage           = 20
  username                    = var.db_username
  manage_master_user_password = true
  multi_az                    = true
  backup_retention_period     = 7
  db_subnet_group_name        = aws_db_subnet_group.data.name
  publicly_accessible         = false
  vpc_security_group_ids      = [aws_security_group.this["db"].id]
  max_allocated_storage       = 100
  deletion_protection         = true
  monitoring_interval         = 60
  monitoring_role_arn         = "arn:aws:iam::123456789012:role/rds-monitoring"
}

resource "aws_db_instance" "reporting" {
  identifier                  = "reporting"
  engine                      = "postgres"
  instance_class              = "db.t3.micro"
  allocated_storage           = 20
  username                    = var.db_username
  manage_master_user_password = true
  multi_az                    = false
  backup_retention_period     = 1
  db_subnet_group_name        = aws_db_subnet_group.mixed.name
  publicly_accessible         = true
}

resource "aws_rds_cluster" "ledger" {
  cluster_identifier          = "ledger"
  engine                      = "aurora-postgresql"
  master_username             = var.db_username
  manage_master_user_password = true
  backup_retention_period     = 7
  db_subnet_group_name        = aws_db_subnet_group.data.name
}

resource "aws_rds_cluster_instance" "ledger" {
  count               = 2
  identifier          = "ledger-${count.index}"
  cluster_identifier  = aws_rds_cluster.ledger.id
  engine              = aws_rds_cluster.ledger.engine
  instance_class      = "db.r6g.large"
  availability_zone   = local.zones[count.index]
  publicly_accessible = false
}

resource "aws_rds_cluster" "ledger_single" {
  cluster_identifier          = "ledger-single"
  engine                      = "aurora-postgresql"
  master_username             = var.db_username
  manage_master_user_password = true
  backup_retention_period     = 7
  db_subnet_group_name        = aws_db_subnet_group.data.name
}

resource "aws_rds_cluster_instance" "ledger_single" {
  count               = 1
  identifier          = "ledger-single-${count.index}"
  cluster_identifier  = aws_rds_cluster.ledger_single.id
  engine              = aws_rds_cluster.ledger_single.engine
  instance_class      = "db.r6g.large"
  availability_zone   = local.zones[0]
  publicly_accessible = false
}

resource "aws_elasticache_subnet_group" "cache" {
  name        = "cache"
  description = "cache"
  subnet_ids  = [aws_subnet.this["data-a"].id, aws_subnet.this["data-b"].id]
}

resource "aws_elasticache_replication_group" "sessions" {
  replication_group_id        = "sessions"
  description                 = "sessions"
  engine                      = "redis"
  node_type                   = "cache.t3.micro"
  replicas_per_node_group     = 1
  automatic_failover_enabled  = true
  multi_az_enabled            = true
  preferred_cache_cluster_azs = local.zones
  subnet_group_name           = aws_elasticache_subnet_group.cache.name
}

resource "aws_elasticache_replication_group" "scratch" {
  replication_group_id       = "scratch"
  description                = "scratch"
  engine                     = "redis"
  node_type                  = "cache.t3.micro"
  num_cache_clusters          = 1
  automatic_failover_enabled  = false
  preferred_cache_cluster_azs = [local.zones[0]]
  subnet_group_name          = aws_elasticache_subnet_group.cache.name
}

resource "aws_dynamodb_table" "this" {
  for_each     = { orders = true, audit = false }
  name         = each.key
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "pk"

  attribute {
    name = "pk"
    type = "S"
  }

  point_in_time_recovery {
    enabled = each.value
  }
}

resource "aws_cloudwatch_metric_alarm" "orders_cpu" {
  alarm_name          = "orders-cpu"
  namespace           = "AWS/RDS"
  metric_name         = "CPUUtilization"
  statistic           = "Average"
  period              = 60
  evaluation_periods  = 3
  threshold           = 80
  comparison_operator = "GreaterThanThreshold"
  alarm_actions       = ["arn:aws:sns:us-east-1:123456789012:oncall"]
  dimensions = {
    DBInstanceIdentifier = aws_db_instance.orders.identifier
  }
}

resource "aws_rds_global_cluster" "ledger_global" {
  global_cluster_identifier    = "ledger-global"
  source_db_cluster_identifier = aws_rds_cluster.ledger.arn
  deletion_protection          = false
}
