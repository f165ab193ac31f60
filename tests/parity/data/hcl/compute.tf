resource "aws_lb" "web" {
  name               = "web"
  load_balancer_type = "application"
  internal           = false
  subnets            = [aws_subnet.this["pub-a"].id, aws_subnet.this["pub-b"].id]
  security_groups    = [aws_security_group.this["web"].id]
}

resource "aws_lb" "internal_one" {
  name               = "internal-one"
  load_balancer_type = "network"
  internal           = true
  subnets            = [aws_subnet.this["app-a"].id]
}

resource "aws_launch_template" "app" {
  name          = "app"
  image_id      = "ami-12c6146b"
  instance_type = "t3.micro"
}

resource "aws_autoscaling_group" "web" {
  name                      = "web"
  min_size                  = 0
  max_size                  = 4
  desired_capacity          = 0
  vpc_zone_identifier       = [aws_subnet.this["app-a"].id, aws_subnet.this["app-b"].id]
  health_check_type         = "ELB"
  health_check_grace_period = 120
  target_group_arns         = [aws_lb_target_group.web.arn]

  launch_template {
    id      = aws_launch_template.app.id
    version = "$Latest"
  }
}

resource "aws_autoscaling_group" "batch" {
  name                      = "batch"
  min_size                  = 0
  max_size                  = 4
  desired_capacity          = 0
  vpc_zone_identifier       = [aws_subnet.this["app-a"].id]
  health_check_grace_period = 300

  launch_template {
    id      = aws_launch_template.app.id
    version = "$Latest"
  }

  tag {
    key                 = "workload-class"
    value               = "batch"
    propagate_at_launch = true
  }
}

resource "aws_lb_target_group" "web" {
  name                 = "web"
  port                 = 8080
  protocol             = "HTTP"
  vpc_id               = aws_vpc.main.id
  target_type          = "instance"
  deregistration_delay = 30

  health_check {
    enabled             = true
    protocol            = "HTTP"
    path                = "/health"
    interval            = 15
    healthy_threshold   = 3
    unhealthy_threshold = 2
  }

  stickiness {
    enabled = true
    type    = "lb_cookie"
  }
}

resource "aws_lb_listener" "web_http" {
  load_balancer_arn = aws_lb.web.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.web.arn
  }
}

# The provider's health-check thresholds are 3/3, the API's 5/2: stated, so both tools create the same.
resource "aws_lb_target_group" "api" {
  name        = "api"
  port        = 8080
  protocol    = "HTTP"
  vpc_id      = aws_vpc.main.id
  target_type = "ip"

  health_check {
    path                = "/health"
    healthy_threshold   = 5
    unhealthy_threshold = 2
  }
}

resource "aws_lb_listener" "api" {
  load_balancer_arn = aws_lb.web.arn
  port              = 8080
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.api.arn
  }
}

resource "aws_autoscaling_group" "spot_batch" {
  name                      = "spot-batch"
  min_size                  = 0
  max_size                  = 6
  desired_capacity          = 0
  health_check_type         = "EC2"
  health_check_grace_period = 300
  vpc_zone_identifier       = [aws_subnet.this["app-a"].id, aws_subnet.this["app-b"].id]

  mixed_instances_policy {
    instances_distribution {
      on_demand_base_capacity                  = 0
      on_demand_percentage_above_base_capacity = 25
      spot_allocation_strategy                 = "price-capacity-optimized"
    }

    launch_template {
      launch_template_specification {
        launch_template_id = aws_launch_template.app.id
        version            = "$Latest"
      }

      override {
        instance_type = "t3.micro"
      }

      override {
        instance_type = "t3a.micro"
      }
    }
  }

  tag {
    key                 = "workload-class"
    value               = "batch"
    propagate_at_launch = true
  }
}

resource "aws_autoscaling_policy" "web_cpu" {
  name                   = "web-cpu"
  autoscaling_group_name = aws_autoscaling_group.web.name
  policy_type            = "TargetTrackingScaling"

  target_tracking_configuration {
    predefined_metric_specification {
      predefined_metric_type = "ASGAverageCPUUtilization"
    }
    target_value = 70
  }
}

# Memory needs the CloudWatch agent's metric: a customised metric specification.
resource "aws_autoscaling_policy" "web_memory" {
  name                   = "web-memory"
  autoscaling_group_name = aws_autoscaling_group.web.name
  policy_type            = "TargetTrackingScaling"

  target_tracking_configuration {
    customized_metric_specification {
      metric_dimension {
        name  = "AutoScalingGroupName"
        value = aws_autoscaling_group.web.name
      }
      metric_name = "mem_used_percent"
      namespace   = "CWAgent"
      statistic   = "Average"
    }
    target_value = 80
  }
}

resource "aws_instance" "app_1" {
  ami                    = "ami-12c6146b"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.this["app-a"].id
  vpc_security_group_ids = [aws_security_group.this["app"].id]
  monitoring             = true
  # stated: left out, the subnet's map_public_ip_on_launch decides (haguard keeps it unset, not false)
  associate_public_ip_address = false
  tags = {
    Name = "app-1"
  }
}

resource "aws_elb" "legacy" {
  name                        = "legacy"
  internal                    = false
  subnets                     = [aws_subnet.this["pub-a"].id, aws_subnet.this["pub-b"].id]
  security_groups             = [aws_security_group.this["web"].id]
  instances                   = [aws_instance.app_1.id]
  cross_zone_load_balancing   = true
  connection_draining         = true
  connection_draining_timeout = 60

  listener {
    lb_port           = 80
    lb_protocol       = "http"
    instance_port     = 8080
    instance_protocol = "http"
  }

  tags = {
    Name = "legacy"
  }
}

resource "aws_vpc_endpoint" "ecr_api" {
  vpc_id              = aws_vpc.main.id
  vpc_endpoint_type   = "Interface"
  service_name        = "com.amazonaws.us-east-1.ecr.api"
  subnet_ids          = [aws_subnet.this["app-a"].id, aws_subnet.this["app-b"].id]
  security_group_ids  = [aws_security_group.this["app"].id]
  private_dns_enabled = true
  tags = {
    Name = "ecr-api"
  }
}
