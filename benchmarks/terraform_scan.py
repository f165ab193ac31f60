"""Time ``haguard iac`` as a whole process on generated Terraform directories (run on demand).

    python benchmarks/terraform_scan.py [--runs 5] [--tiers 2 50]

Each tier is one instance of a local module (``count``) holding three subnets (``cidrsubnet``,
``element``), a DB subnet group, a database, a security group with ``dynamic`` ingress and an
autoscaling group: seven resources. Prints the median wall time of the whole scan (report written)
per size, next to what python-hcl2 alone takes to parse the same files.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

MAIN = '''
provider "aws" {{
  region = "eu-west-1"
}}
variable "cidr" {{
  default = "10.0.0.0/8"
}}
resource "aws_vpc" "main" {{
  cidr_block = var.cidr
}}
module "tier" {{
  source = "./tier"
  count  = {tiers}
  vpc_id = aws_vpc.main.id
  cidr   = cidrsubnet(var.cidr, 8, count.index)
  name   = format("tier-%03d", count.index)
}}
'''

TIER = '''
variable "vpc_id" {}
variable "cidr" {}
variable "name" {}
variable "azs" {
  default = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
}
variable "ports" {
  default = [80, 443]
}
locals {
  tags = { tier = var.name }
}
resource "aws_subnet" "private" {
  count             = length(var.azs)
  vpc_id            = var.vpc_id
  cidr_block        = cidrsubnet(var.cidr, 8, count.index)
  availability_zone = element(var.azs, count.index)
  tags              = merge(local.tags, { Name = "${var.name}-${count.index}" })
}
resource "aws_db_subnet_group" "db" {
  name       = var.name
  subnet_ids = aws_subnet.private[*].id
}
resource "aws_db_instance" "db" {
  identifier              = var.name
  engine                  = "postgres"
  instance_class          = "db.r6g.large"
  multi_az                = true
  backup_retention_period = 7
  db_subnet_group_name    = aws_db_subnet_group.db.name
}
resource "aws_security_group" "app" {
  vpc_id = var.vpc_id
  dynamic "ingress" {
    for_each = toset(var.ports)
    content {
      from_port   = ingress.value
      to_port     = ingress.value
      protocol    = "tcp"
      cidr_blocks = [var.cidr]
    }
  }
}
resource "aws_autoscaling_group" "app" {
  min_size            = 2
  max_size            = 6
  vpc_zone_identifier = aws_subnet.private[*].id
}
'''


def _median(cmd: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, cwd=ROOT)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--tiers", type=int, nargs="+", default=[2, 50])
    args = parser.parse_args()
    floor = [sys.executable, "-c", "import sys, hcl2; [hcl2.loads(open(p).read()) for p in sys.argv[1:]]"]
    print(f"{'resources':>10} {'haguard iac (s)':>16} {'python-hcl2 (s)':>16}")
    with tempfile.TemporaryDirectory() as tmp:
        for tiers in args.tiers:
            directory = Path(tmp) / f"tf-{tiers}"
            (directory / "tier").mkdir(parents=True)
            (directory / "main.tf").write_text(MAIN.format(tiers=tiers))
            (directory / "tier" / "main.tf").write_text(TIER)
            report = Path(tmp) / "report.json"
            scan = _median([sys.executable, "-m", "scanner.cli", "iac", str(directory), "--format", "json",
                            "-o", str(report)], args.runs)
            base = _median([*floor, str(directory / "main.tf"), str(directory / "tier" / "main.tf")], args.runs)
            print(f"{1 + tiers * 8:>10} {scan:>16.3f} {base:>16.3f}")


if __name__ == "__main__":
    main()
