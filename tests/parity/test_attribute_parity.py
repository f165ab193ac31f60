"""Attribute parity: every resource of the architecture has the same normalised attributes and relations
from CloudFormation, the Terraform plan, Terraform HCL and the live (moto) account.

What is compared comes from the vocabulary's declarations (``parity_compare``): a source whose
declaration has no path for an attribute (its ``why`` says why) is skipped for it, and runtime values
that only live gives are not compared. Where a source legitimately cannot know a value, it must say
so (the attribute is unknown, never a different value) and ``CANNOT_KNOW`` lists it here with the
reason: anything else unknown, or listed but known, fails.

Live values come from moto. Where moto drops a field AWS returns, ``seed_services.MOTO_GAPS`` fills
it in moto's response as the AWS API reference documents it (and fails once moto returns it itself).
"""

from __future__ import annotations

import pytest
from parity_compare import (
    Difference,
    Unknown,
    attribute_value,
    can_give_attribute,
    can_give_relation,
    fields_not_given,
    relations,
    without_fields,
)
from parity_sources import SOURCES, Source
from seed_services import MotoGaps

from scanner.model.vocabulary import RESOURCE_TYPES, declarations

_AFTER_APPLY = "known after apply"
_IAC = ("cloudformation", "terraform-plan", "terraform-hcl")
_CFN_HCL = ("cloudformation", "terraform-hcl")
_CHOSEN_BY_AWS = {"terraform-plan": _AFTER_APPLY}
_ALL = "*"


def _chosen(fragment: str) -> dict[str, str]:
    """Omitted in the template: AWS chooses at creation (the plan shows it as known after apply)."""
    return {**dict.fromkeys(_CFN_HCL, fragment), **_CHOSEN_BY_AWS}


# (type, parity name or "*", attribute) -> {source: what its reason for not knowing says}
CANNOT_KNOW: dict[tuple[str, str, str], dict[str, str]] = {
    ("aws.ec2.security_group", _ALL, "group_id"): dict.fromkeys(_IAC, "AWS assigns the group id"),
    ("aws.ec2.subnet", _ALL, "availability_zone_id"): _chosen("AWS maps zone names to zone ids"),
    ("aws.elasticache.replication_group", _ALL, "snapshot_window"): _chosen("chooses the daily snapshot window"),
    ("aws.rds.db_cluster", _ALL, "engine_version"): _chosen("picks the engine's default version"),
    ("aws.rds.db_cluster", _ALL, "availability_zones"): _chosen("picks the cluster's zones"),
    ("aws.rds.db_instance", _ALL, "engine_version"): _chosen("picks the engine's default version"),
    ("aws.rds.db_instance", "orders", "availability_zone"): _chosen("places the instance in a zone"),
    ("aws.rds.db_instance", "reporting", "availability_zone"): _chosen("places the instance in a zone"),
    ("aws.ec2.instance", _ALL, "availability_zone"): _chosen("runs in its subnet's zone"),
    ("aws.rds.global_cluster", _ALL, "engine"): _chosen("takes its source cluster's engine"),
    # an AWS::RDS::DBInstance in a cluster has the cluster's settings (Terraform's cluster instances have no
    # such arguments: the declarations skip them there)
    **{("aws.rds.db_instance", member, attribute): {"cloudformation": "takes this from its cluster"}
       for member in ("ledger0", "ledger1", "ledgersingle0")
       for attribute in ("backup_retention_days", "storage_encrypted", "allocated_storage_gb",
                         "max_allocated_storage_gb")},
}

# (type, parity name, relation kind) -> {source: what its reason says}
RELATIONS_CANNOT_KNOW: dict[tuple[str, str, str], dict[str, str]] = {
    # live: an origin names its load balancer by DNS name, which the distribution does not resolve
    ("aws.cloudfront.distribution", "cdn", "serves"): {"live": "origins named by DNS name"},
}


def _cannot_know(source: str, key: tuple[str, str], attribute: str) -> str | None:
    type_name, name = key
    for names in (name, _ALL):
        listed = CANNOT_KNOW.get((type_name, names, attribute), {}).get(source)
        if listed is not None:
            return listed
    return None


def _attribute_differences(sources: dict[str, Source], key: tuple[str, str]) -> list[Difference]:
    type_name, name = key
    resources = {s: sources[s].by_key()[key] for s in SOURCES}
    found: list[Difference] = []
    for attribute in declarations(RESOURCE_TYPES[type_name]):
        givers = [s for s in SOURCES if can_give_attribute(sources[s], resources[s], attribute)]
        if len(givers) < 2:
            continue
        skipped = fields_not_given(type_name, attribute, [sources[s] for s in givers])
        values = {s: without_fields(attribute_value(sources[s], resources[s], attribute), skipped) for s in givers}
        what = f"{type_name} {name}.{attribute}"
        for source, value in values.items():
            listed = _cannot_know(source, key, attribute)
            if isinstance(value, Unknown) and (listed is None or listed not in value.reason):
                found.append(Difference(what, {source: value}, "unknown, not listed in CANNOT_KNOW"))
            elif listed is not None and not isinstance(value, Unknown):
                found.append(Difference(what, {source: value}, f"listed as unknown ({listed}) but known"))
        known = {s: v for s, v in values.items() if not isinstance(v, Unknown)}
        if len({repr(v) for v in known.values()}) > 1:
            found.append(Difference(what, known))
    return found


def test_every_source_holds_the_architecture(sources: dict[str, Source], keys: set[tuple[str, str]]) -> None:
    for source in SOURCES:
        held = set(sources[source].by_key()) & keys
        assert held == keys, f"{source} lacks {sorted(keys - held)}"


def test_the_architecture_has_every_type_all_sources_can_give(keys: set[tuple[str, str]]) -> None:
    covered = {type_name for type_name, _ in keys}
    assert not sorted(set(RESOURCE_TYPES) - covered - NOT_IN_THE_ARCHITECTURE), "types the parity test does not cover"


# Types no resource of the architecture has (with the reason); none today.
NOT_IN_THE_ARCHITECTURE: set[str] = set()


def test_attributes_are_equal_in_every_source(sources: dict[str, Source], keys: set[tuple[str, str]]) -> None:
    differences = [d for key in sorted(keys) for d in _attribute_differences(sources, key)]
    assert not differences, "attributes differ between sources:\n" + "\n".join(map(str, differences))


def test_cannot_know_lists_only_architecture_resources(keys: set[tuple[str, str]]) -> None:
    for (type_name, name, _), reasons in [*CANNOT_KNOW.items(), *RELATIONS_CANNOT_KNOW.items()]:
        assert set(reasons) <= set(SOURCES), reasons
        assert (name == _ALL and any(t == type_name for t, _ in keys)) or (type_name, name) in keys, (type_name, name)


def test_relations_are_equal_in_every_source(sources: dict[str, Source], keys: set[tuple[str, str]]) -> None:
    found = {s: relations(sources[s], keys) for s in SOURCES}
    union = sorted({triple for triples in found.values() for triple in triples})
    by_key = {s: sources[s].by_key() for s in SOURCES}
    differences = []
    for src_key, kind, dst_key in union:
        missing = []
        for source in SOURCES:
            src, dst = by_key[source][src_key], by_key[source][dst_key]
            if (src_key, kind, dst_key) in found[source] or not can_give_relation(sources[source], src, kind, dst):
                continue
            listed = RELATIONS_CANNOT_KNOW.get((*src_key, kind), {}).get(source)
            reason = src.unknown_relations.get(kind)
            if listed is None or reason is None or listed not in reason:
                missing.append(source)
        if missing:
            differences.append(Difference(f"{src_key} -{kind}-> {dst_key}", dict.fromkeys(missing, "missing")))
    assert not differences, "relations differ between sources:\n" + "\n".join(map(str, differences))


@pytest.mark.parametrize("source", SOURCES)
def test_unknown_relations_are_listed(sources: dict[str, Source], keys: set[tuple[str, str]], source: str) -> None:
    unlisted = []
    for key, resource in sources[source].by_key().items():
        if key not in keys:
            continue
        for kind, reason in resource.unknown_relations.items():
            listed = RELATIONS_CANNOT_KNOW.get((*key, kind), {}).get(source)
            if listed is None or listed not in reason:
                unlisted.append(f"{key} {kind}: {reason}")
    assert not unlisted, f"{source}: relations unknown but not listed:\n" + "\n".join(unlisted)


def test_moto_gaps_are_still_gaps(moto_gaps: MotoGaps) -> None:
    """Every completion of a moto response was needed in this scan, and moto returned none of the fields."""
    assert moto_gaps.stale == set(), f"moto now returns these itself; drop their completion: {moto_gaps.stale}"
    assert moto_gaps.filled == {g.what for g in moto_gaps.gaps} | {s.what for s in moto_gaps.stubs}


@pytest.mark.parametrize(("service", "operation", "params"), [
    ("backup", "list_backup_selections", {"BackupPlanId": "plan"}),
    ("backup", "get_backup_selection", {"BackupPlanId": "plan", "SelectionId": "selection"}),
])
def test_stubbed_operations_are_still_missing_from_moto(service: str, operation: str, params: dict[str, str],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    import boto3
    from moto import mock_aws

    for name, value in (("AWS_ACCESS_KEY_ID", "testing"), ("AWS_SECRET_ACCESS_KEY", "testing")):
        monkeypatch.setenv(name, value)
    with mock_aws(), pytest.raises(NotImplementedError):
        getattr(boto3.client(service, region_name="us-east-1"), operation)(**params)
