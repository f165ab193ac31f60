"""A VPC collector that kills its worker process, as the test's control file says (tests only).

``$HAGUARD_TEST_DIE_DIR/mode`` holds ``never``, ``once`` (die the first time, i.e. while
``died`` does not exist yet) or ``always``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from scanner.collectors.base import CallContext, Collected
from scanner.model import Resource

SERVICE = "ec2"
OPERATIONS: dict[str, tuple[str, ...]] = {"DescribeVpcs": ("aws.ec2.vpc",)}


def fetch(ctx: CallContext) -> dict[str, Any]:
    control = Path(os.environ["HAGUARD_TEST_DIE_DIR"])
    mode = (control / "mode").read_text().strip()
    died = control / "died"
    if mode == "always" or (mode == "once" and not died.exists()):
        with died.open("a") as log:
            log.write(f"{os.getpid()}\n")
        os._exit(3)
    return {"vpcs": ctx.paginate("ec2", "DescribeVpcs", "Vpcs")}


def parse(raw: dict[str, Any], account: str, region: str) -> Collected:
    out = Collected()
    for vpc in raw.get("vpcs") or []:
        out.resources.append(Resource(uid=f"arn:aws:ec2:{region}:{account}:vpc/{vpc['VpcId']}", type="aws.ec2.vpc",
                                      name=vpc["VpcId"], account=account, region=region,
                                      attributes={"cidr_block": vpc["CidrBlock"]}))
    return out
