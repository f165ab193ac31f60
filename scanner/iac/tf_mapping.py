"""Terraform resource attributes -> the normalised vocabulary, shared by the plan and HCL loaders.

The vocabulary's declarations (``scanner.model.vocabulary``) say which Terraform attribute feeds
which vocabulary attribute; ``map_resource`` runs them (``scanner.model.mapping``) and then the
type's structural hooks, or a contributor's (``tf_hooks``).

Both loaders hand ``map_resource`` a *value tree*: the resource's Terraform attributes (nested
blocks as lists of dicts) whose leaves are literals, ``Ref`` (a reference to other resources, its
targets already resolved to resource addresses, i.e. uids) or ``Unknown`` (a value the source
cannot know, with the reason). Omitted or null attributes take AWS's default through the
vocabulary models; where the AWS provider's default differs from AWS's, the provider's is written.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..model import Location, Relation, Resource, Snapshot, Source, Unevaluated
from ..model.mapping import map_declared
from ..model.values import Reference as Ref
from ..model.values import Unknown
from ..model.vocabulary import RESOURCE_TYPES, relation_allowed, type_for_terraform
from .implicit import add_implicit_main_route_tables
from .tf_hooks import CONTRIBUTORS, HOOKS, Builder, MappedResource, TfAdapter, resource_type_of
from .zones import concretise

AFTER_APPLY = "known after apply"


# Attributes the AWS provider marks computed (so a plan shows them "known after apply" when the
# configuration omits them) although AWS applies a documented default at creation. A plan loader
# drops these unknowns when the configuration does not set the attribute, so the model default holds.
# backup_retention_period: the provider sends nothing when it is omitted and CreateDBInstance /
# CreateDBCluster then use 1 day (RDS user guide, "Backup retention period"); read replicas created
# with replicate_source_db start with automated backups off (0), which the mapping writes explicitly.
COMPUTED_WITH_AWS_DEFAULT: dict[str, frozenset[str]] = {
    "aws_db_instance": frozenset({"backup_retention_period", "multi_az", "publicly_accessible",
                                  "storage_encrypted", "monitoring_interval"}),
    "aws_rds_cluster": frozenset({"backup_retention_period", "storage_encrypted"}),
    "aws_rds_cluster_instance": frozenset({"publicly_accessible", "monitoring_interval"}),
    "aws_elasticache_replication_group": frozenset({
        "multi_az_enabled", "automatic_failover_enabled", "snapshot_retention_limit",
        "transit_encryption_enabled", "at_rest_encryption_enabled", "engine", "num_cache_clusters",
        "num_node_groups", "replicas_per_node_group", "cluster_mode"}),
    "aws_lb": frozenset({"internal", "load_balancer_type", "enable_cross_zone_load_balancing"}),
    "aws_alb": frozenset({"internal", "load_balancer_type", "enable_cross_zone_load_balancing"}),
    "aws_elb": frozenset({"availability_zones"}),
    "aws_lb_target_group": frozenset({"target_type", "health_check", "stickiness"}),
    "aws_alb_target_group": frozenset({"target_type", "health_check", "stickiness"}),
    # availability_zones is computed from the subnets, which the graph joins
    "aws_autoscaling_group": frozenset({"health_check_type", "availability_zones"}),
    "aws_dynamodb_table": frozenset({"billing_mode", "deletion_protection_enabled", "point_in_time_recovery"}),
    "aws_nat_gateway": frozenset({"connectivity_type"}),
    # omitted: the subnet's map_public_ip_on_launch decides (the model's None)
    "aws_instance": frozenset({"associate_public_ip_address"}),
    "aws_vpc_endpoint": frozenset({"vpc_endpoint_type"}),
    # inline rules/routes not configured: a new group or table holds only the separate rule/route resources
    # folded into it (Terraform deletes the default allow-all egress rule of a group it creates)
    "aws_security_group": frozenset({"ingress", "egress"}),
    "aws_network_acl": frozenset({"ingress", "egress"}),
    "aws_route_table": frozenset({"route"}),
    "aws_default_route_table": frozenset({"route"}),
    "aws_s3_bucket": frozenset({"versioning"}),
    "aws_efs_file_system": frozenset({"encrypted", "throughput_mode"}),
}

def with_unknowns(values: Any, unknown_paths: Mapping[str, str] | Iterable[str]) -> Any:
    """``values`` with ``Unknown`` put at each dotted path (``route.0.gateway_id``).

    ``values`` is not changed: the containers on the way to each path are copied, the rest is shared.
    """
    reasons = dict(unknown_paths) if isinstance(unknown_paths, Mapping) else dict.fromkeys(unknown_paths, AFTER_APPLY)
    if not reasons:
        return values
    copied: set[int] = set()
    result = _own(values, copied)
    for path, reason in sorted(reasons.items(), key=lambda item: item[0].count(".")):
        _put(result, path.split("."), Unknown(reason), copied)
    return result


def _own(value: Any, copied: set[int]) -> Any:
    """A shallow copy of a container (once: a container already copied is returned as it is)."""
    if id(value) in copied or not isinstance(value, dict | list):
        return value
    copy = dict(value) if isinstance(value, dict) else list(value)
    copied.add(id(copy))
    return copy


def _put(tree: Any, parts: list[str], leaf: Unknown, copied: set[int]) -> None:
    head, rest = parts[0], parts[1:]
    if isinstance(tree, dict):
        if not rest or not isinstance(tree.get(head), dict | list):
            tree[head] = leaf
        else:
            tree[head] = child = _own(tree[head], copied)
            _put(child, rest, leaf, copied)
    elif isinstance(tree, list) and head.isdigit():
        index = int(head)
        while len(tree) <= index:
            tree.append({})
        if not rest or not isinstance(tree[index], dict | list):
            tree[index] = leaf
        else:
            tree[index] = child = _own(tree[index], copied)
            _put(child, rest, leaf, copied)


def is_supported(tf_type: str) -> bool:
    """True when haguard maps ``tf_type`` to a vocabulary type or folds it into one."""
    return type_for_terraform(tf_type) is not None or tf_type in CONTRIBUTORS


def map_resource(tf_type: str, values: dict[str, Any], unknown_paths: Mapping[str, str] | Iterable[str] = (),
                 *, address: str = "") -> MappedResource:
    """Map one Terraform resource's values to the vocabulary.

    ``values`` is the value tree (leaves may be ``Ref``/``Unknown``); ``unknown_paths`` adds
    ``Unknown`` at dotted paths (a set means "known after apply"). ``address`` is the resource's uid,
    needed for relations that point at it (``self`` rules, subnet -> network ACL). Raises
    ``KeyError`` for an unsupported type (see ``is_supported``).
    """
    tree = with_unknowns(values, unknown_paths) if unknown_paths else values
    if tf_type in CONTRIBUTORS:
        builder = Builder(None, tree, address)
        CONTRIBUTORS[tf_type](builder)
        return builder.out
    type_name = type_for_terraform(tf_type)
    if type_name is None:
        raise KeyError(tf_type)
    mapped = map_declared(RESOURCE_TYPES[type_name], tree, TfAdapter(tf_type))
    out = MappedResource(type=type_name, attributes=mapped.attributes, unknown=mapped.unknown,
                         unknown_relations=mapped.unknown_relations)
    for kind, uid, reverse in mapped.relations:
        if reverse:
            out.edges.append((uid, kind, address))
        elif (kind, uid) not in out.refs:
            out.refs.append((kind, uid))
    builder = Builder(type_name, tree, address, out)
    for hook in HOOKS.get(tf_type, ()):
        hook(builder)
    return out


@dataclass
class TfResource:
    """A mapped Terraform resource with its address (uid), name and declaration site."""

    address: str
    tf_type: str
    name: str
    mapped: MappedResource
    location: Location | None = None
    suppressions: dict[str, str] = field(default_factory=dict)
    provider: str | None = None
    """The non-default provider configuration the resource uses (``aws.dr``); None for the default one."""
    region: str | None = None
    """That provider's Region (None when it is not known); the default provider's is the snapshot's."""

    def region_in(self, default: str | None) -> str | None:
        return self.region if self.provider else default


def _instance_name(item: TfResource) -> str:
    """The resource name with its ``count``/``for_each`` key (``private["a"]``), so instances differ."""
    at = item.address.rfind(item.name)
    suffix = item.address[at + len(item.name):] if at >= 0 else ""
    return item.name + suffix if suffix.startswith("[") else item.name


def build_snapshot(kind: str, files: list[str], items: list[TfResource], region: str | None = None,
                   unevaluated: list[Unevaluated] | None = None) -> Snapshot:
    """Assemble mapped resources into a snapshot: apply patches, keep well-typed relations.

    ``unevaluated`` lists the resources of types haguard does not model (reported, never dropped).

    A VPC whose main route table Terraform does not manage (no ``aws_default_route_table`` or
    ``aws_main_route_table_association``) gets the empty main table AWS creates with it
    (``scanner.iac.implicit``).
    """
    resources: dict[str, Resource] = {}
    regions = [region] if region else []
    for item in items:
        if item.mapped.type is None:
            continue
        own = item.region_in(region)
        if own and own not in regions:
            regions.append(own)
        attributes = concretise(dict(item.mapped.attributes), own) if own else dict(item.mapped.attributes)
        resources[item.address] = Resource(
            uid=item.address, type=item.mapped.type, name=_instance_name(item), region=own,
            location=item.location, attributes=attributes, unknown=dict(item.mapped.unknown),
            unknown_relations=dict(item.mapped.unknown_relations), suppressions=dict(item.suppressions))
    for item in items:
        group = item.mapped.standalone_group
        if group is not None and group not in resources:
            resources[item.address] = partial_group(item.address, _instance_name(item), group, item.location,
                                                    item.region_in(region), item.suppressions)
        for target, attr, value, append in item.mapped.patches:
            if target == group and group not in resources:
                target = item.address
            _patch(resources.get(target), attr, value, append)
    triples: list[tuple[str, str, str]] = []
    for item in items:
        triples.extend((item.address, kind_, dst) for kind_, dst in item.mapped.refs)
        triples.extend(item.mapped.edges)
    explicit = {(src, kind_) for src, kind_, _ in triples}
    of_type: dict[str, list[tuple[str, Resource]]] = {}
    for uid, resource in resources.items():
        of_type.setdefault(resource.type, []).append((uid, resource))
    first_reason: dict[tuple[str, str], str] = {}  # each (type, kind) once: its first reason is the one kept
    for item in items:
        for type_name, kind_, reason in item.mapped.unresolved:
            first_reason.setdefault((type_name, kind_), reason)
    for (type_name, kind_), reason in first_reason.items():
        for uid, resource in of_type.get(type_name, ()):
            if (uid, kind_) not in explicit:
                resource.unknown_relations.setdefault(kind_, reason)
    relations: list[Relation] = []
    seen: set[tuple[str, str, str]] = set()
    for src, kind_, dst in triples:
        if (src, kind_, dst) in seen or src not in resources or src == dst:
            continue
        src_type = resources[src].type
        dst_resource = resources.get(dst)
        if not relation_allowed(src_type, kind_, dst_resource.type if dst_resource is not None else None):
            continue
        seen.add((src, kind_, dst))
        relations.append(Relation(src=src, kind=kind_, dst=dst))
    return add_implicit_main_route_tables(Snapshot(
        source=Source(kind=kind, files=files, regions=regions),
        resources=list(resources.values()), relations=relations, unevaluated=list(unevaluated or [])))


def partial_group(uid: str, name: str, group: str, location: Location | None, region: str | None,
                  suppressions: dict[str, str]) -> Resource:
    """A security group the module does not declare, known only through a standalone rule: the rule's own
    finding subject, whose other rules (declared elsewhere) are ``partial``."""
    why = f"the rules of {group} declared outside this configuration are not known"
    return Resource(uid=uid, type="aws.ec2.security_group", name=name, region=region, location=location,
                    attributes={"group_id": group, "ingress": [], "egress": []},
                    partial={"ingress": why, "egress": why}, suppressions=dict(suppressions))


def _patch(resource: Resource | None, attr: str, value: Any, append: bool) -> None:
    if resource is None or attr in resource.unknown:
        return
    if isinstance(value, Unknown):
        resource.attributes.pop(attr, None)
        resource.unknown[attr] = value.reason
    elif append:
        resource.attributes.setdefault(attr, []).append(value)
    else:
        resource.attributes[attr] = value


__all__ = ["AFTER_APPLY", "COMPUTED_WITH_AWS_DEFAULT", "MappedResource", "Ref", "TfResource", "Unknown",
           "build_snapshot", "is_supported", "map_resource", "partial_group", "resource_type_of", "with_unknowns"]
