"""CloudFormation templates (YAML or JSON, CDK output included) as a normalised ``Snapshot``.

Each resource of a vocabulary type becomes a ``Resource`` with uid ``"<path as given>#<LogicalId>"``
and the line it is declared on; references become relations; values the template cannot determine
(parameters without default, imports, unknown conditions) are listed in ``Resource.unknown`` with the
reason. Transforms are applied as far as haguard can (``cfn_transforms``); a resource whose
``Condition`` is unknown is evaluated as if created, and says so in ``Resource.presumed``.
Imports only PyYAML and pydantic (the pre-commit hook loads this module).
"""

from __future__ import annotations

import copy
import os
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..limits import AWS_TEMPLATE_BYTES
from ..model import Location, Relation, Resource, Snapshot, Source
from ..model import Unevaluated as NotEvaluated
from ..model.vocabulary import normalise_attributes, relation_allowed, type_for_cfn
from ..safe_yaml import too_deep
from .cfn_detect import TEMPLATE_SUFFIXES, looks_like_cloudformation
from .cfn_engine import map_resource
from .cfn_foldins import FOLD_INS
from .cfn_hooks import AURORA_MULTI_AZ
from .cfn_intrinsics import Resolver, Unknown
from .cfn_reader import Context, Mapped, Reader
from .cfn_rules import check_rules
from .cfn_transforms import Notice, Unevaluated, prepare
from .cfn_yaml import LDict, UnknownTag, node_line, parse_template, read_text


@dataclass
class TemplateLoad:
    """One template, loaded: the snapshot and what the snapshot cannot show by itself.

    ``unevaluated`` lists the resources not evaluated (SAM resources, resources a preprocessor tag or an
    unexpanded ``Fn::ForEach`` makes), each with its reason: for the snapshot's unevaluated list.
    ``warnings`` are one-line ``FILE:LINE: warning: ...`` messages for stderr (macros, unknown tags,
    templates past AWS's limits). ``presumed`` maps uids to the assumption they were evaluated on
    (also set on each ``Resource.presumed``).
    """

    snapshot: Snapshot
    unevaluated: list[Unevaluated] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    presumed: dict[str, str] = field(default_factory=dict)


def load_cloudformation(path: str | Path, *, parameters: dict[str, str] | None = None,
                        region: str | None = None) -> Snapshot:
    """Read a template into a snapshot; ``parameters`` override defaults, ``region`` fixes AWS::Region."""
    return load_template(path, parameters=parameters, region=region).snapshot


def load_template(path: str | Path, *, parameters: dict[str, str] | None = None,
                  region: str | None = None) -> TemplateLoad:
    """Read a template: its snapshot, the resources not evaluated and the warnings to show."""
    file = str(path)
    try:
        return _load(Path(path), file, parameters, region)
    except RecursionError:
        raise too_deep(file) from None


def _load(path: Path, file: str, parameters: dict[str, str] | None, region: str | None) -> TemplateLoad:
    tags: list[UnknownTag] = []
    template = parse_template(read_text(path, file), file, tags)
    if not isinstance(template, LDict):
        raise InputError("a CloudFormation template must be a mapping", file, 1)
    check_rules(template, file)
    prepared = prepare(template, file, tags, lambda t, made_by: Resolver(t, file, parameters, region, made_by).resolve)
    size = os.stat(path).st_size
    if size > AWS_TEMPLATE_BYTES:
        prepared.notices.append(Notice(None, f"template is {size:,} bytes, over the 1 MB AWS accepts; "
                                       "evaluated anyway"))
    bodies, lines = prepared.bodies, prepared.resource_lines
    resolver = Resolver(prepared.template, file, parameters, region, prepared.generators, prepared.opaque_ids)
    presumed = _evaluate_conditions(resolver, bodies, lines)
    ctx = Context(file, {lid: body["Type"] for lid, body in bodies.items()})
    for lid, body in bodies.items():
        if lid not in resolver.excluded:
            ctx.properties[lid] = _properties(resolver, lid, body, lines.get(lid), file)
    for lid, body in bodies.items():
        vocabulary_type = type_for_cfn(body["Type"])
        if vocabulary_type and lid not in resolver.excluded:
            out = Mapped(ctx.uid(lid), vocabulary_type, lid, lines.get(lid))
            ctx.mapped[out.uid] = out
            map_resource(_reader(ctx, out, body))
    by_uid = {ctx.uid(lid): reason for lid, reason in presumed.items()}
    for lid, body in bodies.items():
        fold = FOLD_INS.get(body["Type"])
        if fold and lid not in resolver.excluded:
            reader = _reader(ctx, Mapped(ctx.uid(lid), body["Type"], lid, lines.get(lid)), body)
            if lid in presumed:  # as if created: what it changes is presumed too
                for uid in _changed_by(ctx, fold, reader):
                    _presume(by_uid, uid, presumed[lid].replace("as if created", f"as if {lid} is created", 1))
            else:
                fold(reader, None)
    _public_access_defaults(ctx)
    _aurora_multi_az(ctx)
    snapshot = _with_presumed(_snapshot(ctx, bodies, region, _not_evaluated(ctx, bodies, lines, resolver,
                                                                             prepared.unevaluated)), by_uid)
    notices = prepared.notices + [Notice(line, f"{construct}: evaluated as unknown")
                                  for construct, line in resolver.notes.items()]
    return TemplateLoad(snapshot, prepared.unevaluated, [n.format(file) for n in notices],
                        {r.uid: r.presumed for r in snapshot.resources if r.presumed})


def _evaluate_conditions(resolver: Resolver, bodies: dict[str, LDict], lines: dict[str, int]) -> dict[str, str]:
    """Exclude resources whose condition is false; return {logical id: presumption} for unknown ones,
    which are evaluated as if created."""
    presumed: dict[str, str] = {}
    for lid, body in bodies.items():
        if "Condition" not in body:
            continue
        name = body["Condition"]
        value = resolver.condition(name, body.key_lines.get("Condition", lines.get(lid)))
        if value is False:
            resolver.excluded[lid] = f"its condition {name} is false"
        elif isinstance(value, Unknown):
            presumed[lid] = f"evaluated as if created: {value.reason}"
    return presumed


def _changed_by(ctx: Context, fold: Any, reader: Reader) -> list[str]:
    """Run the fold-in as if its resource is created; return the uids of the resources it changed or related."""
    mapped = ctx.mapped
    recorder = _Recorder(mapped)
    ctx.mapped = recorder
    count = len(ctx.relations)
    try:
        fold(reader, None)
    finally:
        ctx.mapped = mapped
    added = [uid for uid in recorder if uid not in mapped]  # a partial group a standalone rule made
    mapped.update({uid: recorder[uid] for uid in added})
    changed = added + [uid for uid, before in recorder.before.items() if _state(mapped[uid]) != before]
    for src, _kind, dst in islice(ctx.relations, count, None):
        changed += [uid for uid in (src, dst) if uid in mapped]
    return changed


class _Recorder(dict):  # type: ignore[type-arg]
    """``ctx.mapped`` while a fold-in runs: keeps the state of each resource it looks up."""

    def __init__(self, mapped: dict[str, Mapped]) -> None:
        super().__init__(mapped)
        self.before: dict[str, Any] = {}

    def _note(self, uid: Any) -> None:
        if uid in self and uid not in self.before:
            self.before[uid] = _state(dict.__getitem__(self, uid))

    def get(self, uid: Any, default: Any = None) -> Any:
        self._note(uid)
        return super().get(uid, default)

    def __getitem__(self, uid: Any) -> Any:
        self._note(uid)
        return super().__getitem__(uid)


def _state(out: Mapped) -> Any:
    return copy.deepcopy((out.attributes, out.unknown, out.unknown_relations))


def _presume(by_uid: dict[str, str], uid: str, reason: str) -> None:
    current = by_uid.get(uid)
    if current is None:
        by_uid[uid] = reason
    elif reason not in current.split("; "):
        by_uid[uid] = f"{current}; {reason}"


def _with_presumed(snapshot: Snapshot, by_uid: dict[str, str]) -> Snapshot:
    for resource in snapshot.resources:
        if resource.uid in by_uid:
            resource.presumed = by_uid[resource.uid]
    return snapshot


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


def _not_evaluated(ctx: Context, bodies: dict[str, LDict], lines: dict[str, int], resolver: Resolver,
                   skipped: list[Unevaluated]) -> list[NotEvaluated]:
    """Resources no vocabulary type models or folds in, and the ones ``prepare`` could not evaluate (SAM,
    macros, tags): the snapshot's not-evaluated list."""
    found = [NotEvaluated(uid=ctx.uid(lid), source_type=body["Type"],
                          location=Location(file=ctx.file, line=lines.get(lid)))
             for lid, body in bodies.items()
             if lid not in resolver.excluded and not type_for_cfn(body["Type"]) and body["Type"] not in FOLD_INS]
    found += [NotEvaluated(uid=ctx.uid(item.logical_id), source_type=item.type or "unknown type",
                           location=Location(file=ctx.file, line=item.line), reason=item.reason)
              for item in skipped]
    return found


def _snapshot(ctx: Context, bodies: dict[str, LDict], region: str | None,
              unevaluated: list[NotEvaluated]) -> Snapshot:
    relations = []
    for src, kind, dst in ctx.relations:
        src_type = ctx.mapped[src].type if src in ctx.mapped else None
        dst_type = ctx.mapped[dst].type if dst in ctx.mapped else None
        if src_type is not None and not relation_allowed(src_type, kind, dst_type):
            # a reference to the wrong kind of resource: the relation set is not what AWS would make of it
            logical = dst.rsplit("#", 1)[-1]
            ctx.unknown_relation(src, kind, f"refers to {logical}, a {ctx.cfn_types.get(logical, dst_type)}, "
                                 f"which cannot be its {kind.replace('_', ' ')} target")
            continue
        relations.append(Relation(src=src, kind=kind, dst=dst))
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
    source = Source(kind="cloudformation", files=[ctx.file], regions=[region] if region else [])
    return Snapshot(source=source, resources=resources, relations=relations, unevaluated=unevaluated)


__all__ = ["TEMPLATE_SUFFIXES", "TemplateLoad", "load_cloudformation", "load_template", "looks_like_cloudformation"]
