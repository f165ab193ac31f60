"""Resources AWS creates implicitly with a VPC that IaC does not declare.

A VPC created by a template or module gets a main route table holding only the ``local`` route.
Subnets with no explicit association use it, so they have no default route and are not public —
a fact, not a guess, as long as the code does not manage that table (``aws_default_route_table``
or a route table marked ``main``), in which case the declared table is used instead.
"""

from __future__ import annotations

from ..model import Relation, Resource, Snapshot

VPC = "aws.ec2.vpc"
ROUTE_TABLE = "aws.ec2.route_table"


def add_implicit_main_route_tables(snapshot: Snapshot) -> Snapshot:
    """A copy of ``snapshot`` with an empty main route table for each VPC that has none."""
    by_uid = {r.uid: r for r in snapshot.resources}
    with_main = {rel.dst for rel in snapshot.relations
                 if rel.kind == "in_vpc" and by_uid.get(rel.src) is not None
                 and by_uid[rel.src].type == ROUTE_TABLE and by_uid[rel.src].attributes.get("main") is True}
    added: list[Resource] = []
    relations: list[Relation] = []
    for vpc in snapshot.resources:
        if vpc.type != VPC or vpc.uid in with_main:
            continue
        uid = f"{vpc.uid}#main-route-table"
        if uid in by_uid:
            continue
        added.append(Resource(uid=uid, type=ROUTE_TABLE, name=f"{vpc.name or vpc.uid} (main route table)",
                              account=vpc.account, region=vpc.region, location=vpc.location,
                              attributes={"main": True, "routes": []}))
        relations.append(Relation(src=uid, kind="in_vpc", dst=vpc.uid, attributes={"implicit": True}))
    if not added:
        return snapshot
    return snapshot.model_copy(update={"resources": [*snapshot.resources, *added],
                                       "relations": [*snapshot.relations, *relations]})
