# Terraform removes the allow-all egress rule AWS gives a new group, so each group declares it again.
resource "aws_security_group" "this" {
  for_each    = toset(["web", "db", "legacy-admin", "app"])
  name        = each.key
  description = each.key
  vpc_id      = aws_vpc.main.id

  egress {
    protocol    = "-1"
    from_port   = 0
    to_port     = 0
    cidr_blocks = ["0.0.0.0/0"]
  }

  tags = {
    Name = each.key
  }
}

resource "aws_vpc_security_group_ingress_rule" "web_https" {
  security_group_id = aws_security_group.this["web"].id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_ingress_rule" "db_postgres" {
  security_group_id            = aws_security_group.this["db"].id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  referenced_security_group_id = aws_security_group.this["web"].id
}

resource "aws_vpc_security_group_ingress_rule" "legacy_postgres" {
  security_group_id = aws_security_group.this["legacy-admin"].id
  ip_protocol       = "tcp"
  from_port         = 5432
  to_port           = 5432
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_ingress_rule" "legacy_all_v6" {
  security_group_id = aws_security_group.this["legacy-admin"].id
  ip_protocol       = "-1"
  cidr_ipv6         = "::/0"
}

resource "aws_security_group_rule" "app_from_web" {
  type                     = "ingress"
  security_group_id        = aws_security_group.this["app"].id
  protocol                 = "tcp"
  from_port                = 8080
  to_port                  = 8080
  source_security_group_id = aws_security_group.this["web"].id
}

# ICMP echo request (type 8), any code
resource "aws_vpc_security_group_ingress_rule" "app_ping" {
  security_group_id = aws_security_group.this["app"].id
  ip_protocol       = "icmp"
  from_port         = 8
  to_port           = -1
  cidr_ipv4         = var.vpc_cidr
}

# The data subnets' ACL: its rules are separate resources (the provider allows no inline rules with them).
resource "aws_network_acl" "data_acl" {
  vpc_id     = aws_vpc.main.id
  subnet_ids = [aws_subnet.this["data-a"].id, aws_subnet.this["data-b"].id]
  tags = {
    Name = "data-acl"
  }
}

resource "aws_network_acl_rule" "data_postgres" {
  network_acl_id = aws_network_acl.data_acl.id
  rule_number    = 100
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = var.vpc_cidr
  from_port      = 5432
  to_port        = 5432
}

resource "aws_network_acl_rule" "data_ping" {
  network_acl_id = aws_network_acl.data_acl.id
  rule_number    = 110
  egress         = false
  protocol       = "icmp"
  rule_action    = "allow"
  cidr_block     = var.vpc_cidr
  icmp_type      = 8
  icmp_code      = -1
}

resource "aws_network_acl_rule" "data_deny_rest" {
  network_acl_id = aws_network_acl.data_acl.id
  rule_number    = 200
  egress         = false
  protocol       = "-1"
  rule_action    = "deny"
  cidr_block     = "0.0.0.0/0"
}

resource "aws_network_acl_rule" "data_egress" {
  network_acl_id = aws_network_acl.data_acl.id
  rule_number    = 100
  egress         = true
  protocol       = "-1"
  rule_action    = "allow"
  cidr_block     = var.vpc_cidr
}

resource "aws_cloudwatch_log_group" "flow_logs" {
  name              = "flow-logs"
  retention_in_days = 90
  kms_key_id        = "arn:aws:kms:us-east-1:123456789012:key/0b3c5e1e-6f7a-4d55-9e0f-2a1c3d4e5f60"
}

resource "aws_flow_log" "vpc_flow" {
  vpc_id               = aws_vpc.main.id
  traffic_type         = "ALL"
  log_destination_type = "cloud-watch-logs"
  log_destination      = aws_cloudwatch_log_group.flow_logs.arn
  iam_role_arn         = "arn:aws:iam::123456789012:role/flow-logs"
  tags = {
    Name = "vpc-flow"
  }
}
