# haguard parity test: the architecture of ../architecture.yaml as Terraform, written the way a team
# writes a root module (variables, for_each/count, nested blocks). plan.json beside it is what
# `terraform show -json` gives for a plan creating it (written by tests/parity/build_plan.py).

terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.60"
    }
  }
}

variable "region" {
  type    = string
  default = "us-east-1"
}

provider "aws" {
  region = var.region
}

variable "vpc_cidr" {
  type    = string
  default = "10.0.0.0/16"
}

variable "subnets" {
  description = "Subnets by name: CIDR, index of the zone, and whether instances get a public address."
  type = map(object({
    cidr      = string
    zone      = number
    public_ip = bool
  }))
  default = {
    "pub-a"      = { cidr = "10.0.0.0/24", zone = 0, public_ip = false }
    "pub-b"      = { cidr = "10.0.1.0/24", zone = 1, public_ip = false }
    "legacy-pub" = { cidr = "10.0.2.0/24", zone = 2, public_ip = true }
    "app-a"      = { cidr = "10.0.10.0/24", zone = 0, public_ip = false }
    "app-b"      = { cidr = "10.0.11.0/24", zone = 1, public_ip = false }
    "data-a"     = { cidr = "10.0.20.0/24", zone = 0, public_ip = false }
    "data-b"     = { cidr = "10.0.21.0/24", zone = 1, public_ip = false }
  }
}

variable "db_username" {
  type    = string
  default = "admin"
}

data "aws_availability_zones" "available" {
  state = "available"
}

locals {
  zones = [data.aws_availability_zones.available.names[0], data.aws_availability_zones.available.names[1]]
}

resource "aws_cloudformation_stack" "shared_params" {
  name          = "shared-params"
  template_body = jsonencode({
    Resources = { Ready = { Type = "AWS::SNS::Topic", Properties = { TopicName = "shared-ready" } } }
  })
  tags = {
    team = "platform"
  }
}
