# One resource per fault the multi-AZ and network policies look for, each beside a correct twin.
provider "aws" {
  region = "us-east-1"
}

resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_internet_gateway" "main" {
  vpc_id = aws_vpc.main.id
}

resource "aws_subnet" "public_a" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.0.0/24"
  availability_zone = "us-east-1a"
}

resource "aws_subnet" "public_b" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.1.0/24"
  availability_zone = "us-east-1b"
}

resource "aws_subnet" "private_a" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.10.0/24"
  availability_zone = "us-east-1a"
}

resource "aws_subnet" "private_b" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.11.0/24"
  availability_zone = "us-east-1b"
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.main.id
  }
}

resource "aws_route_table_association" "public_a" {
  subnet_id      = aws_subnet.public_a.id
  route_table_id = aws_route_table.public.id
}

resource "aws_route_table_association" "public_b" {
  subnet_id      = aws_subnet.public_b.id
  route_table_id = aws_route_table.public.id
}

# a NAT instance instead of a NAT gateway
resource "aws_instance" "nat_box" {
  ami       = "ami-1"
  subnet_id = aws_subnet.public_a.id
}

resource "aws_route_table" "private" {
  vpc_id = aws_vpc.main.id
}

resource "aws_route" "private_default" {
  route_table_id         = aws_route_table.private.id
  destination_cidr_block = "0.0.0.0/0"
  network_interface_id   = aws_instance.nat_box.primary_network_interface_id
}

resource "aws_route_table_association" "private_a" {
  subnet_id      = aws_subnet.private_a.id
  route_table_id = aws_route_table.private.id
}

resource "aws_route_table_association" "private_b" {
  subnet_id      = aws_subnet.private_b.id
  route_table_id = aws_route_table.private.id
}

# allows everything, SSH included
resource "aws_network_acl" "public" {
  vpc_id     = aws_vpc.main.id
  subnet_ids = [aws_subnet.public_a.id]
  ingress {
    rule_no    = 100
    action     = "allow"
    protocol   = "-1"
    from_port  = 0
    to_port    = 0
    cidr_block = "0.0.0.0/0"
  }
}

# denies SSH and RDP before allowing the rest
resource "aws_network_acl" "private" {
  vpc_id     = aws_vpc.main.id
  subnet_ids = [aws_subnet.private_a.id]
  ingress {
    rule_no    = 10
    action     = "deny"
    protocol   = "tcp"
    from_port  = 22
    to_port    = 22
    cidr_block = "0.0.0.0/0"
  }
  ingress {
    rule_no    = 11
    action     = "deny"
    protocol   = "tcp"
    from_port  = 3389
    to_port    = 3389
    cidr_block = "0.0.0.0/0"
  }
  ingress {
    rule_no    = 100
    action     = "allow"
    protocol   = "-1"
    from_port  = 0
    to_port    = 0
    cidr_block = "0.0.0.0/0"
  }
}

resource "aws_security_group" "db_open" {
  name   = "db-open"
  vpc_id = aws_vpc.main.id
  ingress {
    from_port   = 5432
    to_port     = 5432
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_db_subnet_group" "public" {
  name       = "public"
  subnet_ids = [aws_subnet.public_a.id, aws_subnet.public_b.id]
}

resource "aws_db_instance" "exposed" {
  identifier             = "exposed"
  engine                 = "postgres"
  instance_class         = "db.t3.micro"
  multi_az               = true
  publicly_accessible    = true
  db_subnet_group_name   = aws_db_subnet_group.public.name
  vpc_security_group_ids = [aws_security_group.db_open.id]
}

# a single-AZ read replica of the database
resource "aws_db_instance" "dr_replica" {
  identifier          = "dr-replica"
  replicate_source_db = aws_db_instance.exposed.identifier
  instance_class      = "db.t3.micro"
}

# cross-zone off (the NLB default), internet-facing with a private subnet
resource "aws_lb" "nlb" {
  name               = "nlb"
  load_balancer_type = "network"
  subnets            = [aws_subnet.public_a.id, aws_subnet.private_b.id]
}

resource "aws_lb" "nlb_cross_zone" {
  name                             = "nlb-cross-zone"
  load_balancer_type               = "network"
  internal                         = true
  subnets                          = [aws_subnet.private_a.id, aws_subnet.private_b.id]
  enable_cross_zone_load_balancing = true
}

resource "aws_ecs_cluster" "main" {
  name = "main"
}

resource "aws_ecs_service" "one_az" {
  name            = "one-az"
  cluster         = aws_ecs_cluster.main.id
  launch_type     = "FARGATE"
  desired_count   = 2
  task_definition = "arn:aws:ecs:us-east-1:111122223333:task-definition/api:1"
  network_configuration {
    subnets          = [aws_subnet.private_a.id]
    assign_public_ip = true
  }
}

resource "aws_eks_cluster" "public" {
  name     = "public"
  role_arn = "arn:aws:iam::111122223333:role/eks"
  vpc_config {
    subnet_ids = [aws_subnet.private_a.id, aws_subnet.private_b.id]
  }
}

resource "aws_eks_cluster" "private" {
  name     = "private"
  role_arn = "arn:aws:iam::111122223333:role/eks"
  vpc_config {
    subnet_ids              = [aws_subnet.private_a.id, aws_subnet.private_b.id]
    endpoint_public_access  = false
    endpoint_private_access = true
  }
}

resource "aws_eks_node_group" "one_az" {
  cluster_name  = aws_eks_cluster.public.name
  node_role_arn = "arn:aws:iam::111122223333:role/nodes"
  subnet_ids    = [aws_subnet.private_a.id]
  scaling_config {
    min_size     = 2
    max_size     = 4
    desired_size = 2
  }
}

resource "aws_efs_file_system" "one_zone" {
  availability_zone_name = "us-east-1a"
}

resource "aws_efs_mount_target" "one_zone" {
  file_system_id = aws_efs_file_system.one_zone.id
  subnet_id      = aws_subnet.private_a.id
}

resource "aws_vpc_endpoint" "logs" {
  vpc_id            = aws_vpc.main.id
  vpc_endpoint_type = "Interface"
  service_name      = "com.amazonaws.us-east-1.logs"
  subnet_ids        = [aws_subnet.private_a.id]
}

# a single-node Redis
resource "aws_elasticache_cluster" "sessions" {
  cluster_id      = "sessions"
  engine          = "redis"
  node_type       = "cache.t3.micro"
  num_cache_nodes = 1
}

resource "aws_elasticache_cluster" "memcached" {
  cluster_id      = "memcached"
  engine          = "memcached"
  node_type       = "cache.t3.micro"
  num_cache_nodes = 2
  az_mode         = "cross-az"
}

resource "aws_s3_bucket" "assets" {
  bucket = "assets-111122223333"
}

# an S3 origin without origin access control
resource "aws_cloudfront_distribution" "cdn" {
  enabled = true
  origin {
    origin_id   = "assets"
    domain_name = aws_s3_bucket.assets.bucket_regional_domain_name
    s3_origin_config {
      origin_access_identity = ""
    }
  }
  default_cache_behavior {
    target_origin_id       = "assets"
    viewer_protocol_policy = "redirect-to-https"
    allowed_methods        = ["GET", "HEAD"]
    cached_methods         = ["GET", "HEAD"]
  }
  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }
  viewer_certificate {
    cloudfront_default_certificate = true
  }
}
