"""CloudFormation templates (YAML or JSON, CDK output included) as a normalised ``Snapshot``.

Each resource of a vocabulary type becomes a ``Resource`` with uid ``"<path as given>#<LogicalId>"``
and the line it is declared on; references become relations; values the template cannot determine
(parameters without default, imports, unknown conditions) are listed in ``Resource.unknown`` with the
reason. Imports only PyYAML and pydantic (the pre-commit hook loads this module).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..model import Location, Relation, Resource, Snapshot, Source, Unevaluated
from ..model.vocabulary import normalise_attributes, type_for_cfn
from .cfn_engine import map_resource
from .cfn_foldins import FOLD_INS
from .cfn_hooks import AURORA_MULTI_AZ
from .cfn_intrinsics import Resolver, Unknown
from .cfn_reader import Context, Mapped, Reader
from .cfn_yaml import LDict, node_line, parse_template, read_text

TEMPLATE_SUFFIXES = (".yaml", ".yml", ".json", ".template")
_SNIFF_BYTES = 1 << 20
_SNIFF = re.compile(r'^(?:(?:AWSTemplateFormatVersion|Resources)|\s*"(?:AWSTemplateFormatVersion|Resources)")\s*:',
                    re.MULTILINE)


def looks_like_cloudformation(path: str | Path) -> bool:
    """Cheap sniff: a template file with a top-level ``Resources`` or ``AWSTemplateFormatVersion`` key."""
    path = Path(path)
    if path.suffix.lower() not in TEMPLATE_SUFFIXES:
        return False
    try:
        with path.open("rb") as handle:
            head = handle.read(_SNIFF_BYTES).decode("utf-8", errors="replace")
    except OSError:
        return False
    return bool(_SNIFF.search(head))


def load_cloudformation(path: str | Path, *, parameters: dict[str, str] | None = None,
                        region: str | None = None) -> Snapshot:
    """Read a template into a snapshot; ``parameters`` override defaults, ``region`` fixes AWS::Region."""
    file = str(path)
    template = parse_template(read_text(Path(path), file), file)
    if not isinstance(template, LDict):
        raise InputError("a CloudFormation template must be a mapping", file, 1)
    resources = template.get("Resources")
    if not isinstance(resources, LDict) or not resources:
        raise InputError("template has no Resources mapping", file, template.key_lines.get("Resources", 1))
    bodies = _bodies(resources, file, skip_macros="Transform" in template)
    resolver = Resolver(template, file, parameters, region)
    maybe = _evaluate_conditions(resolver, bodies, resources.key_lines)
    ctx = Context(file, {lid: body["Type"] for lid, body in bodies.items()})
    for lid, body in bodies.items():
        if lid not in resolver.excluded:
            ctx.properties[lid] = _properties(resolver, lid, body, resources.key_lines.get(lid), file)
    for lid, body in bodies.items():
        vocabulary_type = type_for_cfn(body["Type"])
        if vocabulary_type and lid not in resolver.excluded:
            out = Mapped(ctx.uid(lid), vocabulary_type, lid, resources.key_lines.get(lid))
            ctx.mapped[out.uid] = out
            map_resource(_reader(ctx, out, body))
    for lid, body in bodies.items():
        fold = FOLD_INS.get(body["Type"])
        if fold and lid not in resolver.excluded:
            fold(_reader(ctx, Mapped(ctx.uid(lid), body["Type"], lid, resources.key_lines.get(lid)), body),
                 maybe.get(lid))
    _public_access_defaults(ctx)
    _aurora_multi_az(ctx)
    unevaluated = [Unevaluated(uid=ctx.uid(lid), source_type=body["Type"],
                               location=Location(file=file, line=resources.key_lines.get(lid)))
                   for lid, body in bodies.items()
                   if lid not in resolver.excluded and not type_for_cfn(body["Type"]) and body["Type"] not in FOLD_INS]
    return _snapshot(ctx, bodies, region, unevaluated)


def _bodies(resources: LDict, file: str, skip_macros: bool) -> dict[str, LDict]:
    """The resource bodies, checked; with a Transform, macro keys such as ``Fn::ForEach::X`` are skipped."""
    bodies: dict[str, LDict] = {}
    for lid, body in resources.items():
        line = resources.key_lines.get(lid)
        if skip_macros and lid.startswith("Fn::"):
            continue
        if not isinstance(body, dict):
            raise InputError(f"resource {lid} must be a mapping", file, line)
        if not isinstance(body.get("Type"), str):
            raise InputError(f"resource {lid} has no Type", file, line)
        bodies[lid] = body
    return bodies


def _evaluate_conditions(resolver: Resolver, bodies: dict[str, LDict], lines: dict[str, int]) -> dict[str, str]:
    """Exclude resources whose condition is false; return {logical id: reason} for unknown ones."""
    maybe: dict[str, str] = {}
    for lid, body in bodies.items():
        if "Condition" not in body:
            continue
        name = body["Condition"]
        value = resolver.condition(name, body.key_lines.get("Condition", lines.get(lid)))
        if value is False:
            resolver.excluded[lid] = f"its condition {name} is false"
        elif isinstance(value, Unknown):
            maybe[lid] = value.reason
    return maybe


def _properties(resolver: Resolver, lid: str, body: LDict, line: int | None, file: str) -> dict[str, Any]:
    raw = body.get("Properties", {})
    value = resolver.resolve(raw, node_line(raw) or line)
    if not isinstance(value, dict):
        raise InputError(f"resource {lid}: Properties must be a mapping", file, body.key_lines.get("Properties", line))
    return value


def _reader(ctx: Context, out: Mapped, body: LDict) -> Reader:
    return Reader(ctx, out, ctx.properties[out.logical_id], body.get("Properties"), body["Type"])


def _suppressions(body: LDict, file: str, line: int | None) -> dict[str, str]:
    """``Metadata.haguard.skip: [{id, reason}]`` as {policy id: reason}; a reason is required."""
    metadata = body.get("Metadata")
    config = metadata.get("haguard") if isinstance(metadata, dict) else None
    if config is None:
        return {}
    skip = config.get("skip", []) if isinstance(config, dict) else None
    if not isinstance(skip, list):
        raise InputError("Metadata.haguard.skip must be a list of {id, reason}", file, node_line(config) or line)
    result: dict[str, str] = {}
    for entry in skip:
        where = node_line(entry) or node_line(skip) or line
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str) or not entry["id"].strip():
            raise InputError("Metadata.haguard.skip entries need an id", file, where)
        reason = entry.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            raise InputError(f"Metadata.haguard.skip {entry['id']}: a reason is required", file, where)
        result[entry["id"].strip()] = reason.strip()
    return result


def _public_access_defaults(ctx: Context) -> None:
    """Omitted ``PubliclyAccessible``: private without an internet gateway in the VPC, otherwise unknown."""
    edges: dict[tuple[str, str], list[str]] = {}
    for src, kind, dst in ctx.relations:
        edges.setdefault((src, kind), []).append(dst)
    for out in ctx.mapped.values():
        if out.type != "aws.rds.db_instance" or "publicly_accessible" in out.attributes | out.unknown:
            continue
        verdict = _vpc_has_gateway(ctx, edges, out)
        if isinstance(verdict, str):
            out.unknown["publicly_accessible"] = verdict
        else:
            out.attributes["publicly_accessible"] = verdict


def _vpc_has_gateway(ctx: Context, edges: dict[tuple[str, str], list[str]], out: Mapped) -> bool | str:
    why = ("PubliclyAccessible omitted: AWS makes the instance public when the VPC of its subnets has an "
           "internet gateway, and the template does not show ")
    clusters = edges.get((out.uid, "member_of"), [])
    groups = edges.get((out.uid, "in_subnet_group")) or [
        group for cluster in clusters for group in edges.get((cluster, "in_subnet_group"), [])
    ]
    if not groups:
        return why + "its DB subnet group (the default VPC is used)"
    vpcs: set[str] = set()
    for group in groups:
        subnets = edges.get((group, "in_subnet"), [])
        if group not in ctx.mapped or not subnets or "in_subnet" in ctx.mapped[group].unknown_relations:
            return why + "the subnets of its DB subnet group"
        for subnet in subnets:
            found = edges.get((subnet, "in_vpc"), [])
            if subnet not in ctx.mapped or not found:
                return why + f"the VPC of subnet {subnet}"
            vpcs.update(found)
    if not all(vpc in ctx.mapped for vpc in vpcs):
        return why + "the VPC itself"
    gateways = {src for (src, kind, dst) in ctx.relations if kind == "attached_to" and dst in vpcs}
    if not gateways:
        return False  # every version of the CreateDBInstance docs: private without an internet gateway
    # With an internet gateway the documented defaults disagree: older CreateDBInstance docs say public,
    # current ones say private for any subnet group but `default`. Do not guess.
    return ("PubliclyAccessible omitted in a VPC with an internet gateway: AWS documents both public and "
            "private as the default here; set it explicitly")


def _aurora_multi_az(ctx: Context) -> None:
    """An Aurora cluster is Multi-AZ when its instances run in two or more AZs: known when the template
    declares every member instance with its ``AvailabilityZone`` (and no instance's cluster is unknown)."""
    if any(out.type == "aws.rds.db_instance" and "member_of" in out.unknown_relations for out in ctx.mapped.values()):
        return
    members: dict[str, list[Mapped]] = {}
    for src, kind, dst in ctx.relations:
        if kind == "member_of" and src in ctx.mapped and ctx.mapped[src].type == "aws.rds.db_instance":
            members.setdefault(dst, []).append(ctx.mapped[src])
    for out in ctx.mapped.values():
        if out.type != "aws.rds.db_cluster" or out.unknown.get("multi_az") != AURORA_MULTI_AZ:
            continue
        zones = [m.attributes.get("availability_zone") for m in members.get(out.uid, [])]
        if zones and all(isinstance(zone, str) for zone in zones):
            del out.unknown["multi_az"]
            out.attributes["multi_az"] = len(set(zones)) >= 2


def _snapshot(ctx: Context, bodies: dict[str, LDict], region: str | None, unevaluated: list[Unevaluated]) -> Snapshot:
    resources: list[Resource] = []
    for out in ctx.mapped.values():
        body = bodies[out.logical_id]
        try:
            normalise_attributes(out.type, out.attributes, frozenset(out.unknown))
        except ValueError as exc:
            raise InputError(f"{body['Type']} {out.logical_id}: {exc}", ctx.file, out.line) from None
        resources.append(Resource(
            uid=out.uid, type=out.type, name=out.logical_id, region=region,
            location=Location(file=ctx.file, line=out.line), attributes=out.attributes, unknown=out.unknown,
            unknown_relations=out.unknown_relations, partial=out.partial,
            suppressions=_suppressions(body, ctx.file, out.line),
        ))
    relations = [Relation(src=src, kind=kind, dst=dst) for src, kind, dst in ctx.relations]
    source = Source(kind="cloudformation", files=[ctx.file], regions=[region] if region else [])
    return Snapshot(source=source, resources=resources, relations=relations, unevaluated=unevaluated)


__all__ = ["load_cloudformation", "looks_like_cloudformation"]
