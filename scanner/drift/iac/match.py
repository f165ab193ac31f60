"""Matching IaC resources to live ones.

CloudFormation: the deployed stack's ``ListStackResources`` mapping (logical id -> physical id) from
the live snapshot's ``aws.cloudformation.stack`` resources; else the ``aws:cloudformation:stack-name``
/ ``logical-id`` tags AWS puts on most resources; else a literal physical name in the template.
Terraform: the ids a state (or a plan's ``prior_state``) records for each address. A physical id
matches a live resource of the same vocabulary type by uid, by the uid's last segment (``vpc-…``,
a DB identifier) or by name.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import PurePath

from ...model import Resource, Snapshot
from ...model.vocabulary import type_for_cfn
from .inputs import TerraformState

STACK = "aws.cloudformation.stack"
STACK_TAG, LOGICAL_TAG = "aws:cloudformation:stack-name", "aws:cloudformation:logical-id"
MAIN_ROUTE_TABLE = "#main-route-table"


def tail(uid: str) -> str:
    """The last ``/`` or ``:`` segment of a uid (``vpc-123`` of an EC2 ARN, a DB identifier)."""
    return uid.rsplit("/", 1)[-1].rsplit(":", 1)[-1]


@dataclass
class Candidate:
    """Where an IaC resource should be: physical ids, and the account/Region if known."""

    ids: list[str]
    how: str
    account: str | None = None
    region: str | None = None


@dataclass
class Stack:
    """A deployed stack: logical id -> (physical id, CloudFormation type)."""

    name: str
    account: str | None
    region: str | None
    resources: dict[str, tuple[str | None, str]] = field(default_factory=dict)
    listed: bool = True


class LiveIndex:
    """Live resources by type and key (uid, uid tail, name), plus stacks and CloudFormation tags."""

    def __init__(self, live: Snapshot) -> None:
        self.snapshot = live
        self.by_uid = {r.uid: r for r in live.resources}
        self._keys: dict[str, dict[str, list[Resource]]] = defaultdict(lambda: defaultdict(list))
        self.tagged: dict[tuple[str, str], list[Resource]] = defaultdict(list)
        self.stacks: list[Stack] = []
        for resource in live.resources:
            if resource.type == STACK:
                self.stacks.append(_stack(resource))
                continue
            keys = self._keys[resource.type]
            for key in {resource.uid, tail(resource.uid), *([resource.name] if resource.name else [])}:
                keys[key.casefold()].append(resource)
            tags = resource.attributes.get("tags") or {}
            if isinstance(tags, dict) and tags.get(STACK_TAG) and tags.get(LOGICAL_TAG):
                self.tagged[(tags[STACK_TAG], tags[LOGICAL_TAG])].append(resource)
        self.edges: dict[tuple[str, str], set[str]] = defaultdict(set)
        for relation in live.relations:
            self.edges[(relation.src, relation.kind)].add(relation.dst)

    def find(self, type_name: str, candidate: Candidate) -> Resource | None:
        """The live resource of ``type_name`` one of the candidate ids names (in its account/Region)."""
        keys = self._keys.get(type_name, {})
        for key in candidate.ids:
            found = [r for r in keys.get(key.casefold(), [])
                     if candidate.region in (None, r.region) and candidate.account in (None, r.account)]
            exact = [r for r in found if r.uid == key]
            if exact or len({r.uid for r in found}) == 1:
                return (exact or found)[0]
        return None

    def main_route_table(self, vpc_uid: str) -> Resource | None:
        """The live main route table of a live VPC."""
        for resource in self.snapshot.resources:
            if (resource.type == "aws.ec2.route_table" and resource.attributes.get("main") is True
                    and vpc_uid in self.edges.get((resource.uid, "in_vpc"), ())):
                return resource
        return None


def _stack(resource: Resource) -> Stack:
    listed = "resources" not in resource.unknown
    entries = {item["logical_id"]: (item.get("physical_id"), item.get("cfn_type", ""))
               for item in resource.attributes.get("resources") or []}
    return Stack(name=resource.name or tail(resource.uid), account=resource.account, region=resource.region,
                 resources=entries, listed=listed)


def logical_id(iac: Resource) -> str | None:
    """The logical id of a CloudFormation IaC resource (``FILE#LogicalId``), None for implicit ones."""
    _, sep, lid = iac.uid.rpartition("#")
    return lid if sep and MAIN_ROUTE_TABLE.lstrip("#") != lid else None


def choose_stack(template: str, iac: Iterable[Resource], index: LiveIndex, explicit: dict[str, str]
                 ) -> tuple[Stack | None, str]:
    """The deployed stack of a template, and a note saying how it was chosen."""
    name = explicit.get(template) or explicit.get(PurePath(template).name)
    if name is not None:
        for stack in index.stacks:
            if stack.name == name:
                return stack, f"{template}: stack {name} (--stack)"
        tagged = {s for s, _ in index.tagged}
        if name in tagged:
            return Stack(name=name, account=None, region=None, listed=False), (
                f"{template}: stack {name} (--stack; resources known from their CloudFormation tags only)")
        return None, f"{template}: stack {name} given with --stack is not in the live scan"
    wanted = {(lid, r.type) for r in iac if (lid := logical_id(r))}
    scores: dict[str, tuple[int, Stack]] = {}
    for stack in index.stacks:
        score = sum(1 for lid, (_, cfn) in stack.resources.items() if (lid, type_for_cfn(cfn)) in wanted)
        scores[stack.name] = (score, stack)
    for (stack_name, lid), resources in index.tagged.items():
        if stack_name not in scores and any((lid, r.type) in wanted for r in resources):
            count = sum(1 for (s, l2), rs in index.tagged.items() if s == stack_name and any(
                (l2, r.type) in wanted for r in rs))
            scores[stack_name] = (count, Stack(name=stack_name, account=None, region=None, listed=False))
    ranked = sorted(scores.values(), key=lambda item: -item[0])
    if not ranked or ranked[0][0] == 0:
        return None, f"{template}: no deployed stack shares its logical ids (give --stack {template}=NAME)"
    if len(ranked) > 1 and ranked[1][0] == ranked[0][0]:
        names = ", ".join(s.name for n, s in ranked if n == ranked[0][0])
        return None, f"{template}: several stacks match equally ({names}); give --stack {template}=NAME"
    score, stack = ranked[0]
    return stack, f"{template}: stack {stack.name} ({score} of {len(wanted)} logical ids)"


def cfn_candidates(iac: Resource, stack: Stack | None, names: dict[str, tuple[str, str | None]]
                   ) -> list[Candidate]:
    """Ways to find a CloudFormation resource, best first."""
    lid = logical_id(iac)
    out: list[Candidate] = []
    if lid is None:
        return out
    if stack is not None and stack.listed and lid in stack.resources:
        physical, _ = stack.resources[lid]
        if physical:
            out.append(Candidate([physical], f"stack {stack.name} logical id {lid}", stack.account, stack.region))
    literal = names.get(lid, ("", None))[1]
    if literal:
        region = stack.region if stack is not None else None
        out.append(Candidate([literal], f"physical name {literal!r} in the template", region=region))
    return out


def tf_candidates(iac: Resource, state: TerraformState) -> list[Candidate]:
    """The state's ids for a Terraform address."""
    entry = state.entries.get(iac.uid)
    if entry is None or not entry.ids:
        return []
    return [Candidate(entry.ids, f"Terraform state id {entry.ids[0]}", entry.account, entry.region)]
