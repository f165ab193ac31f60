"""Coverage tests that cannot drift: every attribute says where each source finds it (or why not), every type
has a live collector (or says why not), relations are checked for every source."""

from __future__ import annotations

import pytest

from scanner.errors import InputError
from scanner.live.registry import load_collectors, resource_types
from scanner.model import snapshot_from_json
from scanner.model.vocabulary import RESOURCE_TYPES, SOURCES, Hook, declarations
from scanner.model.vocabulary._base import Attributes

TYPES = sorted(RESOURCE_TYPES)


def _source_keys(model: type[Attributes], source: str) -> list[str]:
    return list(model.cfn_types if source == "cfn" else model.tf_types if source == "tf" else [""])


@pytest.mark.parametrize("type_name", TYPES)
def test_every_attribute_is_filled_by_each_source_or_says_why(type_name: str) -> None:
    model = RESOURCE_TYPES[type_name]
    missing = []
    for name, decl in declarations(model).items():
        for source in SOURCES:
            for key in _source_keys(model, source):
                if decl.path(source, key) is None and not decl.why:
                    missing.append(f"{name} ({source} {key or 'live'})")
    undeclared = sorted(set(model.model_fields) - set(declarations(model)))
    assert not undeclared, f"{type_name}: attributes without a declaration: {undeclared}"
    assert not missing, f"{type_name}: no source path and no reason for {missing}"


@pytest.mark.parametrize("type_name", TYPES)
def test_every_relation_is_found_by_each_source_or_says_why(type_name: str) -> None:
    model = RESOURCE_TYPES[type_name]
    for relation in model.relations:
        for source in SOURCES:
            for key in _source_keys(model, source):
                assert relation.path(source, key) is not None or relation.why, (
                    f"{type_name} {relation.kind}: no {source} {key} path and no reason")


def test_item_fields_declare_their_paths_where_the_list_is_declarative() -> None:
    for type_name, model in RESOURCE_TYPES.items():
        for name, decl in declarations(model).items():
            item = _item_model(model, name)
            if item is None:
                continue
            for source in SOURCES:
                keys = _source_keys(model, source)
                if all(isinstance(decl.path(source, k), Hook) or decl.path(source, k) is None for k in keys):
                    continue
                for field, field_decl in declarations(item).items():
                    assert field_decl.path(source) is not None or field_decl.why, (
                        f"{type_name}.{name}[].{field}: no {source} path")


def _item_model(model: type[Attributes], name: str) -> type | None:
    import typing

    from pydantic import BaseModel

    annotation = model.model_fields[name].annotation
    args = typing.get_args(annotation)
    inner = args[0] if typing.get_origin(annotation) is list and args else annotation
    return inner if isinstance(inner, type) and issubclass(inner, BaseModel) else None


def test_every_type_has_a_live_collector_or_says_why() -> None:
    collected = {t for module in load_collectors().collectors for t in resource_types(module)}
    for type_name, model in RESOURCE_TYPES.items():
        assert model.live is not None, f"{type_name} declares no live identity"
        assert type_name in collected or model.no_collector, f"{type_name}: no collector and no reason"


def test_every_type_maps_from_cloudformation_and_terraform() -> None:
    for type_name, model in RESOURCE_TYPES.items():
        assert model.cfn_types and model.tf_types, type_name


def _snapshot(relation: dict[str, str]) -> dict[str, object]:
    return {"schema": "haguard.snapshot/1", "source": {"kind": "test"},
            "resources": [{"uid": "db", "type": "aws.rds.db_instance"}, {"uid": "vpc", "type": "aws.ec2.vpc"}],
            "relations": [relation]}


def test_a_relation_the_vocabulary_does_not_allow_is_rejected_naming_both_types() -> None:
    with pytest.raises(InputError) as caught:
        snapshot_from_json(_snapshot({"src": "db", "kind": "in_vpc", "dst": "vpc"}), "snap.json")
    assert "aws.rds.db_instance -in_vpc-> aws.ec2.vpc" in str(caught.value)
    assert str(caught.value).startswith("snap.json: $.relations[0]")


def test_an_unknown_relation_kind_is_rejected() -> None:
    with pytest.raises(InputError, match="relations"):
        snapshot_from_json(_snapshot({"src": "db", "kind": "befriends", "dst": "vpc"}), "snap.json")


def test_a_relation_to_a_resource_outside_the_snapshot_needs_a_kind_the_source_type_has() -> None:
    snapshot_from_json(_snapshot({"src": "db", "kind": "replica_of", "dst": "arn:elsewhere"}), "snap.json")
    with pytest.raises(InputError, match=r"aws\.rds\.db_instance -routes_to-> any type"):
        snapshot_from_json(_snapshot({"src": "db", "kind": "routes_to", "dst": "arn:elsewhere"}), "snap.json")
