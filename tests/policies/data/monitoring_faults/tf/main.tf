# The CloudFormation template's twin (../template.yaml), resource for resource.
provider "aws" {
  region = "us-east-1"
}

resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_flow_log" "vpc" {
  vpc_id               = aws_vpc.main.id
  traffic_type         = "ALL"
  log_destination_type = "s3"
  log_destination      = "arn:aws:s3:::flow-logs"
}

resource "aws_subnet" "a" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.1.0/24"
  availability_zone = "us-east-1a"
}

resource "aws_subnet" "b" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.2.0/24"
  availability_zone = "us-east-1b"
}

resource "aws_lb" "alb" {
  internal = true
  subnets  = [aws_subnet.a.id, aws_subnet.b.id]

  access_logs {
    bucket  = "alb-logs"
    enabled = true
  }
}

resource "aws_cloudwatch_metric_alarm" "alb_errors" {
  alarm_name          = "alb-errors"
  namespace           = "AWS/ApplicationELB"
  metric_name         = "HTTPCode_Target_5XX_Count"
  dimensions          = { LoadBalancer = aws_lb.alb.arn_suffix }
  statistic           = "Sum"
  period              = 60
  evaluation_periods  = 5
  threshold           = 10
  comparison_operator = "GreaterThanThreshold"
  alarm_actions       = ["arn:aws:sns:us-east-1:111111111111:oncall"]
}

resource "aws_lb" "bare" {
  internal = true
  subnets  = [aws_subnet.a.id, aws_subnet.b.id]
}

resource "aws_lb_target_group" "sticky" {
  vpc_id      = aws_vpc.main.id
  protocol    = "HTTP"
  port        = 80
  target_type = "ip"
  tags        = { "session-affinity" = "cart" }

  health_check {
    path = "/healthz"
  }

  stickiness {
    enabled         = true
    type            = "lb_cookie"
    cookie_duration = 3600
  }
}

resource "aws_lb_target_group" "loose" {
  vpc_id      = aws_vpc.main.id
  protocol    = "HTTP"
  port        = 80
  target_type = "ip"
  tags        = { "session-affinity" = "cart" }

  health_check {
    path = "/healthz"
  }
}

resource "aws_db_instance" "db" {
  engine              = "postgres"
  instance_class      = "db.r6g.large"
  allocated_storage   = 100
  multi_az            = true
  monitoring_interval = 60
}

resource "aws_db_instance" "replica" {
  replicate_source_db = aws_db_instance.db.identifier
  instance_class      = "db.r6g.large"
  monitoring_interval = 60
}

resource "aws_cloudwatch_metric_alarm" "replica_lag" {
  alarm_name          = "replica-lag"
  namespace           = "AWS/RDS"
  metric_name         = "ReplicaLag"
  dimensions          = { DBInstanceIdentifier = aws_db_instance.replica.identifier }
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 3
  threshold           = 120
  comparison_operator = "GreaterThanThreshold"
  alarm_actions       = ["arn:aws:sns:us-east-1:111111111111:oncall"]
}

resource "aws_db_instance" "lax_replica" {
  replicate_source_db = aws_db_instance.db.identifier
  instance_class      = "db.r6g.large"
}

resource "aws_cloudwatch_metric_alarm" "lax_replica_lag" {
  alarm_name          = "lax-replica-lag"
  namespace           = "AWS/RDS"
  metric_name         = "ReplicaLag"
  dimensions          = { DBInstanceIdentifier = aws_db_instance.lax_replica.identifier }
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 3
  threshold           = 300000
  comparison_operator = "GreaterThanThreshold"
}

resource "aws_cloudwatch_log_group" "app" {
  name              = "/app/web"
  retention_in_days = 400
}

resource "aws_cloudwatch_log_group" "scratch" {
  name = "/app/scratch"
}

resource "aws_ecs_cluster" "main" {
  name = "main"

  setting {
    name  = "containerInsights"
    value = "enabled"
  }
}

resource "aws_ecs_cluster" "plain" {
  name = "plain"
}

# A heredoc rather than jsonencode(): haguard's HCL reader does not evaluate Terraform functions.
resource "aws_ecs_task_definition" "task" {
  family                = "task"
  network_mode          = "awsvpc"
  container_definitions = <<-EOT
    [{"name": "app", "image": "public.ecr.aws/nginx/nginx:1.27",
      "healthCheck": {"command": ["CMD-SHELL", "curl -f http://localhost/health || exit 1"]},
      "logConfiguration": {"logDriver": "awslogs"}}]
  EOT
}

resource "aws_ecs_task_definition" "bare" {
  family                = "bare"
  network_mode          = "awsvpc"
  container_definitions = <<-EOT
    [{"name": "app", "image": "public.ecr.aws/nginx/nginx:1.27"}]
  EOT
}

resource "aws_ecs_service" "healed" {
  name                               = "healed"
  cluster                            = aws_ecs_cluster.main.id
  task_definition                    = aws_ecs_task_definition.task.arn
  desired_count                      = 4
  deployment_minimum_healthy_percent = 100

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  network_configuration {
    subnets = [aws_subnet.a.id, aws_subnet.b.id]
  }
}

resource "aws_ecs_service" "fragile" {
  name            = "fragile"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.bare.arn
  desired_count   = 2

  network_configuration {
    subnets = [aws_subnet.a.id, aws_subnet.b.id]
  }
}

resource "aws_s3_bucket" "data" {
  bucket = "data"
}

resource "aws_s3_bucket_lifecycle_configuration" "data" {
  bucket = aws_s3_bucket.data.id

  rule {
    id     = "tiering"
    status = "Enabled"

    transition {
      days          = 30
      storage_class = "STANDARD_IA"
    }

    transition {
      days          = 90
      storage_class = "GLACIER"
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }
}

resource "aws_s3_bucket" "hot" {
  bucket = "hot"
}

resource "aws_efs_file_system" "shared" {
  lifecycle_policy {
    transition_to_ia = "AFTER_30_DAYS"
  }
}

resource "aws_efs_file_system" "hot" {
}
