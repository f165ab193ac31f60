"""The parity architecture from four sources, each resource under one normalised *parity name*.

Sources: the CloudFormation template ``data/architecture.yaml``, the Terraform root module
``data/hcl/*.tf``, the plan of that module ``data/hcl/plan.json`` (written by ``build_plan.py``) and a
moto account seeded by ``seed_services.py`` (``tests/e2e/seed.py``'s ``Seeder.primary`` plus the
services this architecture adds).

A resource's parity name is its live name normalised (``legacy-admin``, ``legacy_admin`` and
``LegacyAdmin`` -> ``legacyadmin``). Where a source names it otherwise, the alias tables say so:
CloudFormation logical ids are unique per template (``WebAlb``, ``WebAsg``), a Terraform instance is
named by its ``for_each`` key (``this["pub-a"]``) or by its name and ``count`` index (``ledger[0]``),
and a live resource without a name of its own (a health check, a distribution) is named by what the
seed got back when creating it. Record sets share their DNS name: they are named by name and set
identifier in every source.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from scanner.graph import Graph, build_graph
from scanner.iac.cfn_yaml import parse_template
from scanner.iac.detect import load_iac
from scanner.iac.tf_hooks import resource_type_of
from scanner.model import Finding, Resource, Snapshot
from scanner.policy import evaluate, load_pack

HERE = Path(__file__).parent
DATA = HERE / "data"
TEMPLATE = DATA / "architecture.yaml"
HCL = DATA / "hcl"
PLAN = HCL / "plan.json"
SEED = HERE.parents[0] / "e2e" / "seed.py"
REGION = "us-east-1"

SOURCES = ("cloudformation", "terraform-plan", "terraform-hcl", "live")
VOCABULARY_SOURCE = {"cloudformation": "cfn", "terraform-plan": "tf", "terraform-hcl": "tf", "live": "live"}

# Logical ids that do not normalise to the live name (two live resources of different types share it).
CFN_ALIASES = {"WebAlb": "web", "WebAsg": "web", "OrdersTable": "orders", "DataRouteTable": "data",
               "AppTemplate": "app", "WebTargets": "web", "ApiTargets": "api", "ApiTask": "api",
               "ApiService": "api", "ApiScalableTarget": "service/apps/api", "AppSg": "app",
               "CdnLogs": "cdn-logs"}
# Terraform names (before the instance key) that do not normalise to the live name.
TF_ALIASES = {"api": "api", "api_target": "service/apps/api"}
RECORD_SET = "aws.route53.record_set"
_INSTANCE = re.compile(r'^(?P<name>[^\[]+)\[(?P<key>[^\]]+)\]$')


def normalise(name: str) -> str:
    """``legacy-admin``, ``legacy_admin`` and ``LegacyAdmin`` -> ``legacyadmin``."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


def cfn_name(logical_id: str) -> str:
    """The parity name of a CloudFormation logical id."""
    return normalise(CFN_ALIASES.get(logical_id, logical_id))


def tf_name(name: str) -> str:
    """The parity name of a Terraform resource name: ``this["pub-a"]`` -> ``puba``; ``ledger[0]`` -> ``ledger0``."""
    match = _INSTANCE.match(name)
    if match is None:
        return normalise(TF_ALIASES.get(name, name))
    key = match.group("key")
    if key.startswith('"'):
        return normalise(key.strip('"'))
    return normalise(TF_ALIASES.get(match.group("name"), match.group("name")) + key)


def _tf_address_name(address: str) -> str:
    """The resource name part of a Terraform address (``aws_route53_zone.zone`` -> ``zone``)."""
    tf_type = resource_type_of(address) or ""
    return address[address.index(tf_type) + len(tf_type) + 1:] if tf_type in address else address


@dataclass
class Source:
    """One source's snapshot, with every uid it uses mapped to a parity name."""

    name: str
    snapshot: Snapshot
    names: dict[str, str] = field(default_factory=dict)
    """uid (resources, and unmodelled resources they reference) -> parity name."""
    source_types: dict[str, str] = field(default_factory=dict)
    """uid -> the CloudFormation or Terraform type it was declared as (empty for live)."""
    outside: set[str] = field(default_factory=set)
    """uids of resources outside the architecture (moto's defaults, the DR bucket): kept as they are."""
    _graph: Graph | None = None

    @property
    def graph(self) -> Graph:
        """The source's graph (derived facts such as a resource's zones)."""
        if self._graph is None:
            self._graph = build_graph(self.snapshot)
        return self._graph

    @property
    def vocabulary_source(self) -> str:
        return VOCABULARY_SOURCE[self.name]

    def key(self, resource: Resource) -> tuple[str, str]:
        """(type, parity name) of a resource of this source."""
        return resource.type, self.names[resource.uid]

    def by_key(self) -> dict[tuple[str, str], Resource]:
        """The resources by (type, parity name); two resources with one key are an error."""
        found: dict[tuple[str, str], Resource] = {}
        for resource in self.snapshot.resources:
            key = self.key(resource)
            assert key not in found, f"{self.name}: two resources are {key}: {found[key].uid}, {resource.uid}"
            found[key] = resource
        return found

    def restrict(self, keys: set[tuple[str, str]]) -> None:
        """Translate only the uids of the architecture's resources (a literal ARN stays literal elsewhere)."""
        self.outside = {r.uid for r in self.snapshot.resources if self.key(r) not in keys}

    def translate(self, value: Any) -> Any:
        """``value`` with every uid (or other identifier) of a resource replaced by ``<parity name>``."""
        if isinstance(value, str):
            name = self.names.get(value) if value not in self.outside else None
            return f"<{name}>" if name is not None else value
        if isinstance(value, list):
            return [self.translate(v) for v in value]
        if isinstance(value, dict):
            return {k: self.translate(v) for k, v in value.items()}
        return value


def _record_name(resource: Resource) -> str | None:
    if resource.type != RECORD_SET or not resource.attributes.get("set_identifier"):
        return None
    return normalise(f"{resource.attributes.get('record_name')} {resource.attributes['set_identifier']}")


def cloudformation_source() -> Source:
    """The template, with ``AWS::Region`` fixed so ``!GetAZs ''`` names real zones."""
    (snapshot,) = load_iac([TEMPLATE], kind="cloudformation", region=REGION)
    template = parse_template(TEMPLATE.read_text(), str(TEMPLATE))
    source = Source("cloudformation", snapshot)
    prefix = f"{TEMPLATE}#"
    for logical_id, body in template["Resources"].items():
        source.names[prefix + logical_id] = cfn_name(logical_id)
        source.source_types[prefix + logical_id] = body["Type"]
    for resource in snapshot.resources:
        source.names[resource.uid] = _record_name(resource) or source.names.get(
            resource.uid, cfn_name(resource.name or resource.uid))
    return source


def _terraform_source(name: str, snapshot: Snapshot) -> Source:
    source = Source(name, snapshot)
    for uid in [u.uid for u in snapshot.unevaluated] + [r.uid for r in snapshot.resources]:
        source.names[uid] = tf_name(_tf_address_name(uid))
        source.source_types[uid] = resource_type_of(uid) or ""
    for resource in snapshot.resources:
        source.names[resource.uid] = _record_name(resource) or tf_name(resource.name or "")
    return source


def plan_source() -> Source:
    (snapshot,) = load_iac([PLAN], kind="terraform-plan")
    return _terraform_source("terraform-plan", snapshot)


def hcl_source() -> Source:
    (snapshot,) = load_iac([HCL], kind="terraform")
    return _terraform_source("terraform-hcl", snapshot)


def live_source(snapshot: Snapshot, aliases: dict[str, str]) -> Source:
    """The scanned account; ``aliases`` maps ids the seed got back (zone id, DNS names...) to live names."""
    source = Source("live", snapshot)
    source.names.update({identifier: normalise(name) for identifier, name in aliases.items()})
    for resource in snapshot.resources:
        source.names[resource.uid] = _record_name(resource) or normalise(
            aliases.get(resource.uid) or aliases.get(resource.name or "") or resource.name or resource.uid)
    return source


def architecture_keys(cloudformation: Source) -> set[tuple[str, str]]:
    """(type, parity name) of the resources the template declares (not the implicit main route table)."""
    declared = {uid for uid, cfn_type in cloudformation.source_types.items()}
    return {cloudformation.key(r) for r in cloudformation.snapshot.resources if r.uid in declared}


def seed_module() -> ModuleType:
    """``tests/e2e/seed.py`` (shared with the e2e tests, which import it as ``seed``)."""
    module = sys.modules.get("seed")
    if module is not None and Path(getattr(module, "__file__", "")).resolve() == SEED.resolve():
        return module
    spec = importlib.util.spec_from_file_location("seed", SEED)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["seed"] = module
    spec.loader.exec_module(module)
    return module


@dataclass(frozen=True)
class Verdict:
    """One source's verdict on one resource for one policy."""

    status: str
    message: str


def findings(snapshot: Snapshot) -> list[Finding]:
    """The whole pack over the snapshot."""
    return evaluate(load_pack(), build_graph(snapshot))


def verdicts(source: Source, keys: set[tuple[str, str]], found: Iterable[Finding] | None = None
             ) -> dict[tuple[str, str, str], Verdict]:
    """{(policy id, type, parity name): verdict} for the architecture's resources.

    Raises ``AssertionError`` when two resources of one policy share a key.
    """
    result: dict[tuple[str, str, str], Verdict] = {}
    for finding in found if found is not None else findings(source.snapshot):
        name = source.names.get(finding.resource_uid)
        if name is None or (finding.resource_type, name) not in keys:
            continue
        key = (finding.policy_id, finding.resource_type, name)
        assert key not in result, f"{source.name}: two resources are {key}"
        result[key] = Verdict(str(finding.status.value), finding.message)
    return result
