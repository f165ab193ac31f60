"""Builds the bundled example snapshot ``three_tier.json``: a three-tier web application.

Run ``python -m scanner.examples.build_three_tier`` to rewrite the JSON after changing this file.

The architecture (account 111122223333): in us-east-1 a VPC with public, private (app) and isolated
(data) subnets in three AZs; an internet gateway; a NAT gateway per AZ; an internet-facing ALB whose
target group (health check ``/healthz``) targets an Auto Scaling group in the private subnets with
CPU and memory target tracking; a Multi-AZ Postgres ``orders-db`` with a cross-Region read replica in
a warm-standby DR VPC in us-west-2; Redis replication groups; DynamoDB tables; S3 buckets with
replication and tiering; CloudFront; an AWS Backup plan and vault; flow logs and CloudWatch alarms.
Deliberate violations, at least one per policy theme and each tagged ``Description: Deliberate
violation (<policy ids>): ...``, give the policies something to find (``violations.VIOLATIONS``).
The tiers are built in ``network``, ``compute`` and ``data``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from scanner.model import SNAPSHOT_SCHEMA, snapshot_from_json

from . import compute, data, network
from .builder import ACCOUNT, DR, PRIMARY, SnapshotBuilder
from .violations import VIOLATIONS

__all__ = ["ACCOUNT", "VIOLATIONS", "build", "main", "render"]

TAKEN_AT = "2026-01-15T06:00:00Z"
OUTPUT = Path(__file__).with_name("three_tier.json")


def build() -> dict[str, Any]:
    """The example snapshot as JSON data, normalised (AWS defaults applied) like a live collection."""
    b = SnapshotBuilder()
    net = network.production(b)
    dr = network.disaster_recovery(b)
    compute.web_tier(b, net)
    orders = data.databases(b, net, dr)
    data.caches(b, net)
    data.cdn(b)
    data.backup(b, [orders, *data.storage(b)])
    snapshot = {"schema": SNAPSHOT_SCHEMA,
                "source": {"kind": "example", "accounts": [ACCOUNT], "regions": [PRIMARY, DR], "taken_at": TAKEN_AT},
                "resources": b.resources, "relations": b.relations, "coverage": []}
    return snapshot_from_json(snapshot, "<three_tier example>").to_json()


def render() -> str:
    """The text of ``three_tier.json``."""
    return json.dumps(build(), indent=1) + "\n"


def main() -> None:
    """Rewrite ``three_tier.json`` next to this module."""
    OUTPUT.write_text(render(), encoding="utf-8")
    print(f"wrote {OUTPUT}")


if __name__ == "__main__":
    main()
