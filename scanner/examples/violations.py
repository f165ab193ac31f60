"""The example's deliberate violations: which resource each policy must report, and the tag saying why."""

from __future__ import annotations

VIOLATIONS: dict[str, str] = {
    "audit-log": "dynamodb-pitr, rpo-estimate-meets-target, rto-estimate-meets-target (unknown)",
    "orders-exports-111122223333": "rpo-estimate-meets-target, rto-estimate-meets-target (unknown)",
    "reporting-db": "rds-instance-multi-az, rds-backup-retention, rds-not-publicly-accessible, "
                    "no-internet-path-to-data, db-replica-other-region, rpo-estimate-meets-target, "
                    "rto-estimate-meets-target",
    "reporting-db-subnets": "data-tier-private-subnets",
    "legacy-admin": "sg-data-ports-not-open-to-world, admin-access-bastion-vpn-ssm, internet-ingress-only-at-edge",
    "legacy-public-c": "subnet-no-auto-public-ip",
    "cache-sessions": "redis-auto-failover, elasticache-multi-az, rpo-estimate-meets-target, "
                      "rto-estimate-meets-target",
    "batch-workers": "asg-multi-az, asg-capacity-bounds",
    "private-c": "nat-gw-per-az",
    "app-cache": "rpo-estimate-meets-target, rto-estimate-meets-target",
    "nat-a": "zonal-infra-multi-az",
}
"""Resource name -> the policies that report it, failing unless ``(unknown)`` follows the id (each such
resource carries a ``Description`` tag saying why)."""


def expected_findings() -> set[tuple[str, str, str]]:
    """(policy id, resource name, status) of every finding the example must produce that is not a pass."""
    found: set[tuple[str, str, str]] = set()
    for name, policies in VIOLATIONS.items():
        for entry in policies.split(", "):
            policy_id, _, status = entry.partition(" (")
            found.add((policy_id, name, status.rstrip(")") or "fail"))
    return found


def violation(name: str, why: str) -> dict[str, str]:
    """The ``Description`` tag of a deliberate violation."""
    return {"Description": f"Deliberate violation ({VIOLATIONS[name]}): {why}"}
