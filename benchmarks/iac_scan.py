"""Time ``haguard iac`` as a whole process on generated CloudFormation templates (run on demand).

    python benchmarks/iac_scan.py [--runs 7] [--sizes 11 500]

Runs ``python -m scanner.cli iac TEMPLATE --format json --output FILE`` of this source tree (the
pre-commit hook's command, the report written) and prints the median wall time per template size
beside two floors: ``python -c pass`` (the interpreter alone) and Python + PyYAML reading the same
file. Targets on the 2-core development machine: <= 0.25 s for 11 resources, <= 0.5 s for 500.

The compiled-pack cache lives in a temporary ``HAGUARD_CACHE_DIR``, warmed by one untimed run (a
hook's steady state); the ``no cache`` column runs with ``HAGUARD_NO_CACHE=1`` (a first run).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ZONES = 3
TARGETS = {11: 0.25, 500: 0.5}
"""Template size -> seconds on the development machine."""
ROOT = Path(__file__).resolve().parents[1]


def _group(i: int) -> list[list[str]]:
    """The seven resources of group ``i`` (each a list of lines); each refers only to earlier ones."""
    az = i % ZONES
    return [
        [f"  Subnet{i}:", "    Type: AWS::EC2::Subnet", "    Properties:",
         "      VpcId: !Ref Vpc", f"      CidrBlock: 10.0.{i % 250}.0/24",
         f"      AvailabilityZone: !Select [{az}, !GetAZs '']"],
        [f"  Subnet{i}b:", "    Type: AWS::EC2::Subnet", "    Properties:",
         "      VpcId: !Ref Vpc", f"      CidrBlock: 10.1.{i % 250}.0/24",
         f"      AvailabilityZone: !Select [{(az + 1) % ZONES}, !GetAZs '']"],
        [f"  DbSubnets{i}:", "    Type: AWS::RDS::DBSubnetGroup", "    Properties:",
         "      DBSubnetGroupDescription: data", f"      SubnetIds: [!Ref Subnet{i}, !Ref Subnet{i}b]"],
        [f"  Db{i}:", "    Type: AWS::RDS::DBInstance", "    Properties:",
         "      Engine: postgres", "      DBInstanceClass: db.r6g.large", "      AllocatedStorage: '100'",
         f"      DBSubnetGroupName: !Ref DbSubnets{i}", f"      MultiAZ: {'true' if i % 2 else 'false'}",
         "      BackupRetentionPeriod: 7"],
        [f"  Table{i}:", "    Type: AWS::DynamoDB::Table", "    Properties:",
         "      BillingMode: PAY_PER_REQUEST",
         "      AttributeDefinitions: [{AttributeName: pk, AttributeType: S}]",
         "      KeySchema: [{AttributeName: pk, KeyType: HASH}]",
         f"      PointInTimeRecoverySpecification: {{PointInTimeRecoveryEnabled: {'true' if i % 3 else 'false'}}}"],
        [f"  Sg{i}:", "    Type: AWS::EC2::SecurityGroup", "    Properties:",
         "      GroupDescription: app", "      VpcId: !Ref Vpc", "      SecurityGroupIngress:",
         "        - {IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 0.0.0.0/0}"],
        [f"  Asg{i}:", "    Type: AWS::AutoScaling::AutoScalingGroup", "    Properties:",
         "      MinSize: '2'", "      MaxSize: '6'", f"      VPCZoneIdentifier: [!Ref Subnet{i}, !Ref Subnet{i}b]"],
    ]


def template(n_resources: int) -> str:
    """A realistic template of exactly ``n_resources`` resources (at least 3): VPC tiers, databases, tables, ASGs."""
    lines = ["AWSTemplateFormatVersion: '2010-09-09'", "Parameters:",
             "  Env: {Type: String, Default: prod}", "Resources:",
             "  Vpc:", "    Type: AWS::EC2::VPC", "    Properties: {CidrBlock: 10.0.0.0/16}",
             "  Igw: {Type: AWS::EC2::InternetGateway}",
             "  IgwAttach:", "    Type: AWS::EC2::VPCGatewayAttachment",
             "    Properties: {VpcId: !Ref Vpc, InternetGatewayId: !Ref Igw}"]
    count = 3
    i = 0
    while count < n_resources:
        for block in _group(i)[:n_resources - count]:
            lines += block
            count += 1
        i += 1
    return "\n".join(lines) + "\n"


def _median(cmd: list[str], runs: int, env: dict[str, str]) -> tuple[float, float]:
    """Median wall and median CPU (user + sys) seconds of ``runs`` runs of ``cmd``."""
    walls, cpus = [], []
    for _ in range(runs):
        start = time.perf_counter()
        child = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=ROOT)
        _, _, usage = os.wait4(child.pid, 0)
        walls.append(time.perf_counter() - start)
        cpus.append(usage.ru_utime + usage.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--sizes", type=int, nargs="+", default=[11, 500])
    args = parser.parse_args()
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # bytecode cached (outside the tree), as an installed package has it
    env.setdefault("PYTHONPYCACHEPREFIX", str(Path(tempfile.gettempdir()) / "haguard-bench-pycache"))
    env.pop("HAGUARD_NO_CACHE", None)
    interpreter = [sys.executable, "-c", "pass"]
    floor = [sys.executable, "-c", "import sys, yaml; yaml.load(open(sys.argv[1]), Loader=yaml.CSafeLoader)"]
    print("median wall s (CPU s) per run; on a shared machine the CPU figure is the steadier one")
    print(f"{'resources':>10} {'haguard iac':>16} {'no cache':>16} {'python -c pass':>16} {'python+yaml':>16}"
          "  target (wall)")
    with tempfile.TemporaryDirectory() as tmp:
        env["HAGUARD_CACHE_DIR"] = str(Path(tmp) / "cache")
        for size in args.sizes:
            path = Path(tmp) / f"stack-{size}.yaml"
            path.write_text(template(size))
            command = [sys.executable, "-m", "scanner.cli", "iac", str(path), "--format", "json",
                       "--output", str(Path(tmp) / "r.json")]
            _median(command, 1, env)  # warms the pack cache
            scan = _median(command, args.runs, env)
            cold = _median(command, args.runs, {**env, "HAGUARD_NO_CACHE": "1"})
            bare = _median(interpreter, args.runs, env)
            base = _median([*floor, str(path)], args.runs, env)
            target = TARGETS.get(size)
            verdict = "-" if target is None else f"<= {target:g} s {'ok' if scan[0] <= target else 'OVER TARGET'}"
            cells = " ".join(f"{f'{wall:.3f} ({cpu:.3f})':>16}" for wall, cpu in (scan, cold, bare, base))
            print(f"{size:>10} {cells}  {verdict}")

if __name__ == "__main__":
    main()
