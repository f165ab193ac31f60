"""The parity architecture from three sources, and its verdicts keyed by normalised resource name.

Sources: the CloudFormation template ``data/architecture.yaml``, the Terraform plan ``data/plan.json``
(written by ``build_plan.py``) and a moto account seeded by ``tests/e2e/seed.py`` (``Seeder.primary``).
"""

from __future__ import annotations

import importlib.util
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from scanner.graph import build_graph
from scanner.iac.detect import load_iac
from scanner.model import Finding, Snapshot
from scanner.policy import evaluate, load_pack

DATA = Path(__file__).parent / "data"
TEMPLATE = DATA / "architecture.yaml"
PLAN = DATA / "plan.json"
SEED = Path(__file__).resolve().parents[1] / "e2e" / "seed.py"
REGION = "us-east-1"

# CloudFormation logical ids are unique per template, so where two live resources share a name
# (the security group, load balancer and Auto Scaling group "web"; the DB instance and the table
# "orders") the logical id adds the type. Every other logical id normalises to the live name.
CFN_ALIASES = {"WebAlb": "web", "WebAsg": "web", "OrdersTable": "orders", "DataRouteTable": "data",
               "AppTemplate": "app"}


def normalise(name: str) -> str:
    """``legacy-admin``, ``legacy_admin`` and ``LegacyAdmin`` -> ``legacyadmin``."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


@dataclass(frozen=True)
class Verdict:
    """One source's verdict on one resource for one policy."""

    status: str
    message: str
    resource_type: str


def seed_module() -> ModuleType:
    """``tests/e2e/seed.py`` (shared with the e2e tests, which import it as ``seed``)."""
    module = sys.modules.get("seed")
    if module is not None and Path(getattr(module, "__file__", "")).resolve() == SEED:
        return module
    spec = importlib.util.spec_from_file_location("seed", SEED)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["seed"] = module
    spec.loader.exec_module(module)
    return module


def load_cloudformation() -> Snapshot:
    """The template, with ``AWS::Region`` fixed so ``!GetAZs ''`` names real zones."""
    (snapshot,) = load_iac([TEMPLATE], kind="cloudformation", region=REGION)
    return snapshot


def load_plan() -> Snapshot:
    (snapshot,) = load_iac([PLAN], kind="terraform-plan")
    return snapshot


def cfn_names(snapshot: Snapshot) -> set[str]:
    """The normalised names of the resources the template declares (not the implicit main route table)."""
    return {cfn_name(r.name or "") for r in snapshot.resources if r.uid == f"{TEMPLATE}#{r.name}"}


def cfn_name(logical_id: str) -> str:
    return normalise(CFN_ALIASES.get(logical_id, logical_id))


def findings(snapshot: Snapshot) -> list[Finding]:
    """The whole pack over the snapshot."""
    return evaluate(load_pack(), build_graph(snapshot))


def verdicts(found: Iterable[Finding], names: set[str], *, cfn: bool = False
             ) -> dict[tuple[str, str], Verdict]:
    """{(policy id, normalised name): verdict} for the resources named in ``names``.

    Raises ``AssertionError`` when two resources of one policy share a normalised name, which would
    make the comparison ambiguous.
    """
    typed: dict[tuple[str, str, str], Verdict] = {}
    for finding in found:
        raw = finding.resource_name or ""
        name = cfn_name(raw) if cfn else normalise(raw)
        if name not in names:
            continue
        key = (finding.policy_id, name, finding.resource_type)
        assert key not in typed, f"two resources named {name!r} for {finding.policy_id}"
        typed[key] = Verdict(str(finding.status.value), finding.message, finding.resource_type)
    shared = {(p, n) for (p, n, t) in typed if sum(1 for k in typed if k[:2] == (p, n)) > 1}
    # a policy over several types may judge two resources of one name (the orders database and table)
    return {(p, f"{n} ({t})" if (p, n) in shared else n): v for (p, n, t), v in typed.items()}
