"""Time a whole live ``haguard scan`` of two Regions against a local moto server (run on demand).

    python benchmarks/live_scan.py [N ...]        (default: 10 100)
    python benchmarks/live_scan.py --throttle 0.3 [--repeat 3] [N ...]

Seeds a ``ThreadedMotoServer`` with N resources of each of eight types (subnets, security groups,
route tables, RDS instances, DynamoDB tables, S3 buckets, Auto Scaling groups, ElastiCache replication
groups) spread over us-east-1 and us-west-2, then runs ``haguard scan --region us-east-1 --region
us-west-2`` as a subprocess and prints the wall time, the resources in the snapshot and the API calls
it made (total and per resource). API calls must grow with resource types and pages, not resources.

With ``--throttle RATE`` the scans go through ``benchmarks/aws_proxy.py``, which answers RATE of all
calls with the service's throttling error: a clean scan and a throttled scan run against the same
moto server in one run, and the ratio of their wall times is printed (target <= 2 at 0.3), with
whether their findings are equal.
"""

from __future__ import annotations

import gzip
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import boto3
from moto.server import ThreadedMotoServer

REGIONS = ("us-east-1", "us-west-2")
ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def seed(url: str, n: int) -> None:
    """N resources of each type, alternating between the two Regions."""
    session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing")
    for index in range(n):
        region = REGIONS[index % 2]
        ec2 = session.client("ec2", region_name=region, endpoint_url=url)
        vpc = ec2.create_vpc(CidrBlock=f"10.{index % 250}.0.0/16")["Vpc"]["VpcId"]
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.{index % 250}.1.0/24",
                                   AvailabilityZone=region + "a")["Subnet"]["SubnetId"]
        ec2.create_security_group(GroupName=f"sg-{index}", Description="bench", VpcId=vpc)
        ec2.create_route_table(VpcId=vpc)
        rds = session.client("rds", region_name=region, endpoint_url=url)
        rds.create_db_instance(DBInstanceIdentifier=f"db-{index}", Engine="postgres", DBInstanceClass="db.t3.micro",
                               AllocatedStorage=20, MasterUsername="admin", MasterUserPassword="benchmark-1234")
        dynamodb = session.client("dynamodb", region_name=region, endpoint_url=url)
        dynamodb.create_table(TableName=f"table-{index}", BillingMode="PAY_PER_REQUEST",
                              AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                              KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
        s3 = session.client("s3", region_name=region, endpoint_url=url)
        if region == "us-east-1":
            s3.create_bucket(Bucket=f"bench-bucket-{index}")
        else:
            s3.create_bucket(Bucket=f"bench-bucket-{index}", CreateBucketConfiguration={"LocationConstraint": region})
        autoscaling = session.client("autoscaling", region_name=region, endpoint_url=url)
        autoscaling.create_launch_configuration(LaunchConfigurationName=f"lc-{index}", ImageId="ami-12c6146b",
                                                InstanceType="t3.micro")
        autoscaling.create_auto_scaling_group(AutoScalingGroupName=f"asg-{index}",
                                              LaunchConfigurationName=f"lc-{index}", MinSize=0, MaxSize=2,
                                              DesiredCapacity=0, VPCZoneIdentifier=subnet)
        cache = session.client("elasticache", region_name=region, endpoint_url=url)
        cache.create_replication_group(ReplicationGroupId=f"rg-{index}", ReplicationGroupDescription="bench",
                                       Engine="redis", CacheNodeType="cache.t3.micro", NumCacheClusters=1)


def scan(url: str, workdir: Path) -> tuple[float, dict]:
    credentials = workdir / "credentials"
    credentials.write_text("[default]\naws_access_key_id = testing\naws_secret_access_key = testing\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_ENDPOINT_URL=url, AWS_SHARED_CREDENTIALS_FILE=str(credentials), AWS_DEFAULT_REGION="us-east-1",
               AWS_CONFIG_FILE=str(workdir / "none"), PYTHONPATH=str(ROOT))
    saved = workdir / "snapshot.json.gz"
    start = time.perf_counter()
    regions = [arg for region in REGIONS for arg in ("--region", region)]
    result = subprocess.run([sys.executable, "-m", "scanner.cli", "scan", *regions,
                             "--format", "json", "-o", str(workdir / "report.json"), "--save", str(saved)],
                            capture_output=True, text=True, env=env, check=False)
    elapsed = time.perf_counter() - start
    if result.returncode not in (0, 1):
        raise SystemExit(f"haguard scan failed ({result.returncode}): {result.stderr}")
    return elapsed, json.loads(gzip.decompress(saved.read_bytes()))


def throttled(sizes: list[int], rate: float, repeat: int = 3) -> None:
    """Clean and throttled scans of the same server, through the proxy, alternated ``repeat`` times;
    prints the median of each and their ratio (a shared machine's noise hits both alike)."""
    from statistics import median

    from benchmarks.aws_proxy import AwsProxy, ProxyRules

    print(f"{'N/type':>7} {'resources':>10} {'clean s':>8} {'throttled s':>12} {'ratio':>6} {'throttles':>10} "
          f"{'same findings':>14}  (medians of {repeat}; each pair's ratio)")
    for n in sizes:
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=_free_port(), verbose=False)
        server.start()
        host, port = server.get_host_and_port()
        url = f"http://{host}:{port}"
        urllib.request.urlopen(urllib.request.Request(f"{url}/moto-api/reset", method="POST"))
        cleans: list[float] = []
        slows: list[float] = []
        throttles: list[int] = []
        same = True
        try:
            seed(url, n)
            with AwsProxy(url) as proxy, tempfile.TemporaryDirectory() as tmp:
                scan(proxy.url, Path(tmp))  # warm-up: moto's backends
                for attempt in range(repeat):
                    proxy.reset(ProxyRules())
                    clean, _ = scan(proxy.url, Path(tmp))
                    clean_report = json.loads((Path(tmp) / "report.json").read_text())
                    proxy.reset(ProxyRules(throttle=rate, seed=n + attempt))
                    slow, slow_snapshot = scan(proxy.url, Path(tmp))
                    slow_report = json.loads((Path(tmp) / "report.json").read_text())
                    throttles.append(sum(1 for c in proxy.calls if c.outcome not in ("ok", "replayed")))
                    same = same and _verdicts(clean_report) == _verdicts(slow_report) and not slow_snapshot["coverage"]
                    cleans.append(clean)
                    slows.append(slow)
        finally:
            server.stop()
        pairs = " ".join(f"{b / a:.2f}" for a, b in zip(cleans, slows, strict=True))
        ratio = median(slows) / median(cleans)
        print(f"{n:>7} {len(slow_snapshot['resources']):>10} {median(cleans):>8.2f} {median(slows):>12.2f} "
              f"{ratio:>6.2f} {median(throttles):>10.0f} {'yes' if same else 'NO':>14}  {pairs}")


def _verdicts(report: dict) -> list[tuple[str, str, str]]:
    return sorted((f["policy_id"], f["resource_uid"], f["status"]) for f in report["findings"])


def main() -> None:
    args = sys.argv[1:]
    if "--throttle" in args:
        at = args.index("--throttle")
        rate = float(args[at + 1])
        rest = args[:at] + args[at + 2:]
        repeat = 3
        if "--repeat" in rest:
            where = rest.index("--repeat")
            repeat = int(rest[where + 1])
            rest = rest[:where] + rest[where + 2:]
        throttled([int(a) for a in rest] or [10, 100], rate, repeat)
        return
    sizes = [int(a) for a in args] or [10, 100]
    print(f"{'N/type':>7} {'resources':>10} {'wall s':>7} {'API calls':>10} {'calls/resource':>15} {'gaps':>5}")
    for n in sizes:
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=_free_port(), verbose=False)
        server.start()
        host, port = server.get_host_and_port()
        url = f"http://{host}:{port}"
        urllib.request.urlopen(urllib.request.Request(f"{url}/moto-api/reset", method="POST"))  # state is per process
        try:
            seed(url, n)
            with tempfile.TemporaryDirectory() as tmp:
                scan(url, Path(tmp))  # the first run pays moto's backend warm-up
                elapsed, snapshot = scan(url, Path(tmp))
        finally:
            server.stop()
        resources = len(snapshot["resources"])
        calls = snapshot["source"]["api_calls"]
        print(f"{n:>7} {resources:>10} {elapsed:>7.2f} {calls:>10} {calls / max(resources, 1):>15.2f} "
              f"{len(snapshot['coverage']):>5}")


if __name__ == "__main__":
    main()
