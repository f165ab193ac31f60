"""Hypothesis strategies of hostile and unseen inputs of every kind haguard reads.

Each strategy gives the bytes of one input file (or, for HCL, the text of one ``main.tf``): mostly
well-formed documents in the input's own shape, built from the vocabulary (real resource types,
attribute names, relation kinds, policy operators, parameters), then often mutated as text
(truncated, spliced, hostile characters, a BOM). Shapes matter more than noise: a document that
fails at the first brace tests only the parser.
"""

from __future__ import annotations

import gzip
import json
import typing
from datetime import date
from functools import cache
from typing import Any

import yaml
from hypothesis import strategies as st
from pydantic import BaseModel

from scanner.model import SNAPSHOT_SCHEMA
from scanner.model.vocabulary import RELATION_KINDS, RESOURCE_TYPES

TYPES = sorted(RESOURCE_TYPES)
KINDS = sorted(RELATION_KINDS)
CFN_TYPES = sorted({t for m in RESOURCE_TYPES.values() for t in m.cfn_types})
TF_TYPES = sorted({t for m in RESOURCE_TYPES.values() for t in m.tf_types})
TRICKY_STRINGS = ["", " ", "0.0.0.0/0", "::0/0", "0:0:0:0:0:0:0:0/0", "0.0.0.0/1", "128.0.0.0/1", "10.0.0.0/33",
                  "-1", "all", "tcp", "us-east-1a", "{region}#az1", "${var.x}", "!Ref X", "\x00", "\ufeff", "é",
                  "a" * 300, "arn:aws:rds:us-east-1:1:db:x", "2020-13-45", "(a+)+$", "*", "[", "\\"]
PATTERNS = ["^aurora", "(a+)+$", "(?=x)", r"(a)\1", "[", "a{1000}{1000}", ".*", "(?i)prod", "\\", "\\p{Greek}",
            "(?P<n>x)(?P=n)", "x" * 200]

scalars = (st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.integers(-2, 70000)
           | st.floats(allow_nan=True, allow_infinity=True) | st.sampled_from(TRICKY_STRINGS) | st.text(max_size=12))
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=16)
names = st.sampled_from(["web", "db", "a", "x-1", "Db1", "arn:aws:x", ""]) | st.text(min_size=0, max_size=10)


def _for_annotation(annotation: Any, depth: int = 0) -> st.SearchStrategy[Any]:
    """Values shaped like a vocabulary annotation (``str | None``, ``list[Rule]``...), sometimes wrong on purpose."""
    wrong = json_values if depth < 2 else scalars
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if annotation is bool:
        return st.booleans() | st.sampled_from(["true", 1, None])
    if annotation is int:
        return st.integers(-2, 70000) | st.sampled_from([-1, 2**63, "5"])
    if annotation is float:
        return st.floats(allow_nan=True, allow_infinity=True) | st.integers(-5, 10**6)
    if annotation is str:
        return st.sampled_from(TRICKY_STRINGS) | st.text(max_size=12)
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        return st.one_of([_for_annotation(a, depth) for a in args if a is not type(None)] + [st.none()])
    if origin is typing.Literal:
        return st.sampled_from(list(args)) | st.text(max_size=6)
    if origin is list and args:
        return st.lists(_for_annotation(args[0], depth + 1), max_size=4) | wrong
    if origin is dict and len(args) == 2:
        return st.dictionaries(st.text(max_size=8), _for_annotation(args[1], depth + 1), max_size=3) | wrong
    if isinstance(annotation, type) and issubclass(annotation, BaseModel) and depth < 3:
        fields = annotation.model_fields
        return st.fixed_dictionaries({}, optional={name: _for_annotation(info.annotation, depth + 1)
                                                   for name, info in fields.items()})
    return wrong


@cache
def _field_values(type_name: str, name: str) -> st.SearchStrategy[Any]:
    return _for_annotation(RESOURCE_TYPES[type_name].model_fields[name].annotation)


@st.composite
def attributes_of(draw: st.DrawFn, type_name: str) -> dict[str, Any]:
    """Attributes for one resource of ``type_name``: mostly its own fields with values of their types."""
    model = RESOURCE_TYPES.get(type_name)
    if model is None or draw(st.integers(0, 19)) == 19:
        return draw(st.dictionaries(st.text(max_size=8), json_values, max_size=3))
    chosen = draw(st.lists(st.sampled_from(sorted(model.model_fields)), max_size=5, unique=True))
    return {name: draw(_field_values(type_name, name)) for name in chosen}


@st.composite
def snapshot_documents(draw: st.DrawFn) -> dict[str, Any]:
    """A snapshot as parsed JSON: resources of real types with typed attributes, relations, coverage."""
    uids = draw(st.lists(names, max_size=6, unique=draw(st.integers(0, 9)) != 9))
    resources = []
    for uid in uids:
        type_name = draw(st.text(max_size=8)) if draw(st.integers(0, 19)) == 19 else draw(st.sampled_from(TYPES))
        resource: dict[str, Any] = {"uid": uid, "type": type_name, "attributes": draw(attributes_of(type_name))}
        fields = sorted(RESOURCE_TYPES[type_name].model_fields) if type_name in RESOURCE_TYPES else ["x"]
        for key, strategy in (("unknown", st.dictionaries(st.sampled_from(fields), st.text(max_size=8), max_size=2)),
                              ("partial", st.dictionaries(st.sampled_from(fields), st.text(max_size=8), max_size=1)),
                              ("unknown_relations", st.dictionaries(st.sampled_from(KINDS), st.text(max_size=5),
                                                                    max_size=1)),
                              ("name", names), ("region", st.sampled_from(["us-east-1", "", None])),
                              ("suppressions", st.dictionaries(st.text(max_size=6), st.text(max_size=6), max_size=1))):
            if draw(st.integers(0, 4)) == 4:
                resource[key] = draw(strategy)
        resources.append(resource)
    endpoints = st.sampled_from(uids) if uids else names
    relations = draw(st.lists(st.fixed_dictionaries(
        {"src": endpoints, "kind": st.sampled_from(KINDS) | st.text(max_size=5), "dst": endpoints | names},
        optional={"attributes": st.dictionaries(st.text(max_size=6), json_values, max_size=2)}), max_size=6))
    document: dict[str, Any] = {"schema": draw(st.sampled_from([SNAPSHOT_SCHEMA] * 9 + ["haguard/0"])),
                                "source": {"kind": draw(st.sampled_from(["aws", "synthetic", "cloudformation", ""]))},
                                "resources": resources, "relations": relations}
    if draw(st.integers(0, 3)) == 3:
        document["coverage"] = [{"service": "rds", "operation": "DescribeDBInstances", "error": "AccessDenied",
                                 "resource_types": draw(st.lists(st.sampled_from(TYPES), max_size=2))}]
    if draw(st.integers(0, 19)) == 19:
        document[draw(st.text(max_size=5))] = draw(json_values)
    return document


@st.composite
def mutated(draw: st.DrawFn, data: bytes) -> bytes:
    """``data``, or ``data`` cut, spliced, sprinkled with hostile characters, or given a BOM."""
    for _ in range(draw(st.integers(0, 2))):
        choice = draw(st.integers(0, 5))
        at = draw(st.integers(0, len(data)))
        if choice == 0:
            data = data[:at]
        elif choice == 1:
            end = draw(st.integers(at, len(data)))
            data = data[:at] + data[end:]
        elif choice == 2:
            data = data[:at] + draw(st.sampled_from([b"{", b"}", b"[", b"]", b":", b",", b'"', b"'", b"\n", b"\t",
                                                     b"&a ", b"*a", b"!Ref ", b"- ", b"#", b"\\", b"\x00", b"\xff",
                                                     b"\r\n", b"${", b"<<: *a\n"])) + data[at:]
        elif choice == 3:
            end = draw(st.integers(at, len(data)))
            data = data[:end] + data[at:end] + data[end:]
        elif choice == 4:
            data = b"\xef\xbb\xbf" + data
        else:
            data = data.replace(b"\n", b"\r\n")
    return data


@st.composite
def snapshot_files(draw: st.DrawFn) -> bytes:
    """The bytes of a snapshot file: JSON (sometimes gzip), often mutated; now and then nested deep."""
    document = draw(snapshot_documents())
    depth = draw(st.sampled_from([50, 150, 3000])) if draw(st.integers(0, 19)) == 19 else 0
    if depth:
        document["relations"] = [{"src": "a", "kind": "in_vpc", "dst": "b", "attributes": {"x": "__DEEP__"}}]
    data = json.dumps(document, allow_nan=True).encode()
    data = data.replace(b'"__DEEP__"', b"[" * depth + b"]" * depth) if depth else data
    if draw(st.booleans()):
        data = draw(mutated(data))
    if draw(st.integers(0, 4)) == 4:
        data = gzip.compress(data, mtime=0)
        if draw(st.booleans()):
            data = draw(mutated(data))
    return data


def _yaml(data: Any) -> bytes:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True).encode()


dates = (st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)) | st.sampled_from(
    ["2020-13-45", "2027-02-30", "someday", "", 2027]) | st.none())


@st.composite
def config_files(draw: st.DrawFn, policy_ids: list[str], param_names: list[str]) -> bytes:
    """A config file: params, per-policy settings and waivers with real and misspelt names, then mutated."""
    ids = st.sampled_from(policy_ids) | st.text(max_size=10) if policy_ids else st.text(max_size=10)
    params = st.sampled_from(param_names) | st.text(max_size=8) if param_names else st.text(max_size=8)
    values = scalars | st.lists(scalars, max_size=3) | st.sampled_from(PATTERNS)
    document: dict[str, Any] = {}
    if draw(st.booleans()):
        document["params"] = draw(st.dictionaries(params, values, max_size=3))
    if draw(st.booleans()):
        document["policies"] = draw(st.dictionaries(ids, st.fixed_dictionaries({}, optional={
            "enabled": st.booleans() | scalars, "severity": st.sampled_from(["low", "critical", "urgent"]),
            "params": st.dictionaries(params, values, max_size=2)}), max_size=3))
    if draw(st.booleans()):
        document["waivers"] = draw(st.lists(st.fixed_dictionaries(
            {"id": ids, "reason": st.text(min_size=1, max_size=8) | st.just("")},
            optional={"resource": st.sampled_from(["*", "*audit*", "[", "db", "**/x"]) | st.text(max_size=6),
                      "expires": dates}), max_size=3))
    if draw(st.integers(0, 9)) == 9:
        document[draw(st.text(max_size=6))] = draw(json_values)
    data = _yaml(document)
    data = data.replace(b"'2020-13-45'", b"2020-13-45").replace(b"'2027-02-30'", b"2027-02-30")
    if draw(st.integers(0, 9)) == 9:
        data = alias_bomb(draw(st.sampled_from([3, 12])))
    return draw(mutated(data)) if draw(st.booleans()) else data


def alias_bomb(levels: int) -> bytes:
    """A billion-laughs document of ``levels`` levels of ten aliases each."""
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, levels)]
    return ("\n".join(lines) + "\n").encode()


def _attr_names(type_name: str) -> list[str]:
    model = RESOURCE_TYPES[type_name]
    return sorted(set(model.model_fields) | set(model.derived) | {"uid", "name", "region"})


def _list_attrs(type_name: str) -> list[str]:
    model = RESOURCE_TYPES[type_name]
    found = [name for name, info in model.model_fields.items() if typing.get_origin(info.annotation) is list]
    return sorted(found + (["availability_zones"] if "availability_zones" in model.derived else []))


def _kinds_from(type_name: str) -> list[tuple[str, str]]:
    from scanner.model.vocabulary import related_types

    return [(kind, direction) for kind in KINDS for direction in ("out", "in")
            if related_types({type_name}, kind, direction)]


OPERATORS = ["equals", "not_equals", "in", "not_in", "gt", "gte", "lt", "lte", "matches", "contains", "exists"]
_OPERANDS: dict[str, st.SearchStrategy[Any]] = {
    "gt": st.integers(-1, 100) | st.floats(0, 10), "in": st.lists(scalars, max_size=3),
    "matches": st.sampled_from(PATTERNS),
    "exists": st.booleans(),
}


@cache
def conditions(type_name: str, params: tuple[str, ...]) -> st.SearchStrategy[Any]:
    """Policy conditions over ``type_name``: mostly real attributes, operators and operands, some wrong.

    Cached: hypothesis validates a strategy on first use, which costs more than drawing from it.
    """
    attr_names = _attr_names(type_name)
    attrs = st.sampled_from(attr_names * 9 + ["tags.Env", "nope", "world_ingress"])
    param_refs = st.builds(lambda p: {"param": p}, st.sampled_from([*params, *params, "undeclared"]))
    wild = scalars | st.lists(scalars, max_size=3) | param_refs | st.builds(lambda a: {"self": a}, attrs)

    @st.composite
    def attr_test(draw: st.DrawFn) -> dict[str, Any]:
        op = draw(st.sampled_from([*OPERATORS, *OPERATORS, "startswith"]))
        typed = _OPERANDS.get(op.replace("not_", "").replace("gte", "gt").replace("lte", "gt").replace("lt", "gt"),
                              scalars)
        return {"attr": draw(attrs), op: draw(wild if draw(st.integers(0, 4)) == 4 else typed)}

    lists = _list_attrs(type_name) or ["nope"]
    kinds = _kinds_from(type_name) or [("in_vpc", "out")]
    count_cmp = st.sampled_from(["equals", "gte", "lt"])

    def extend(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        related = st.builds(lambda kd, q, c: {"related": kd[0], "direction": kd[1], q: c}, st.sampled_from(kinds),
                            st.sampled_from(["each", "some", "none"]), inner)
        items = st.builds(lambda a, q, w: {"items": a, q: {"attr": "protocol", "exists": True},
                                           **({"where": w} if w else {})},
                          st.sampled_from(lists), st.sampled_from(["each", "some", "none"]),
                          st.none() | st.just({"attr": "cidr", "exists": True}))
        count = st.builds(lambda kd, c, n: {"count": {"related": kd[0], "direction": kd[1]}, c: n},
                          st.sampled_from(kinds), count_cmp,
                          st.integers(-1, 4) | st.sampled_from(["2", {"param": params[0]} if params else 2]))
        distinct = st.builds(lambda a, c, n: {"count_distinct": {"items": a}, c: n}, st.sampled_from(lists), count_cmp,
                             st.integers(0, 3))
        return (st.builds(lambda cs: {"all": cs}, st.lists(inner, min_size=1, max_size=3))
                | st.builds(lambda cs: {"any": cs}, st.lists(inner, min_size=1, max_size=3))
                | st.builds(lambda c: {"not": c}, inner) | related | items | count | distinct)

    ranges = st.builds(lambda v: {"range": ["from_port", "to_port"], "includes_any": v},
                       st.lists(st.integers(-1, 70000), max_size=3) | scalars)
    return st.recursive(attr_test() | ranges, extend, max_leaves=4)


@st.composite
def policy_documents(draw: st.DrawFn) -> dict[str, Any]:
    """A policy document over a real type (usually), with params, where and assert."""
    type_name = draw(st.sampled_from(TYPES))
    params = draw(st.dictionaries(st.sampled_from(["min_azs", "ports", "pattern", "limit"]),
                                  scalars | st.lists(st.integers(0, 70000), max_size=3) | st.sampled_from(PATTERNS),
                                  max_size=3))
    rare = st.integers(0, 9).map(lambda n: n == 9)  # hypothesis favours 0: the common case
    document: dict[str, Any] = {
        "id": "Fuzz Policy" if draw(rare) else "fuzz-policy", "title": "fuzz",
        "severity": "extreme" if draw(rare) else draw(st.sampled_from(["high", "low", "critical"])),
        "resource": "aws.nope" if draw(rare) else type_name,
        "params": params, "assert": draw(conditions(type_name, tuple(sorted(params)))), "remediation": "fix",
    }
    if draw(st.booleans()):
        document["where"] = draw(conditions(type_name, tuple(sorted(params))))
    if draw(st.integers(0, 19)) == 19:
        document.pop(draw(st.sampled_from(sorted(document))))
    return document


@st.composite
def policy_files(draw: st.DrawFn) -> bytes:
    """A policy file, sometimes mutated or an alias bomb."""
    if draw(st.integers(0, 19)) == 19:
        return alias_bomb(draw(st.sampled_from([3, 12])))
    data = _yaml(draw(policy_documents()))
    return draw(mutated(data)) if draw(st.integers(0, 3)) == 3 else data


# --- IaC inputs (the benchmark profile feeds them through ``load_iac``) ---------------------------------

def _first_segments(source: str, type_name: str) -> list[str]:
    """Top-level property names a vocabulary type reads from ``source`` (cfn or tf)."""
    try:
        from scanner.model.vocabulary._fields import declarations

        paths = [d.path(source) for d in declarations(RESOURCE_TYPES[type_name]).values()]  # type: ignore[arg-type]
    except Exception:  # the vocabulary's internals may change: fall back to plain names
        return ["Name", "name"]
    return sorted({p.split(".")[0].split("[")[0].split("|")[0] for p in paths if isinstance(p, str) and p}) or ["Name"]


_CFN_PROPS = {t: _first_segments("cfn", m.type_name) for m in RESOURCE_TYPES.values() for t in m.cfn_types}
_TF_ATTRS = {t: _first_segments("tf", m.type_name) for m in RESOURCE_TYPES.values() for t in m.tf_types}

intrinsics = st.sampled_from([
    {"Ref": "Env"}, {"Ref": "AWS::Region"}, {"Ref": "Missing"}, {"Fn::GetAtt": ["Db", "Endpoint.Address"]},
    {"Fn::Select": ["1", {"Fn::GetAZs": ""}]}, {"Fn::Select": [0, {"Fn::GetAtt": ["Vpc", "CidrBlockAssociations"]}]},
    {"Fn::Split": [",", {"Fn::GetAtt": ["Db", "Endpoint.Port"]}]}, {"Fn::Sub": "${AWS::StackName}-${Env}"},
    {"Fn::If": ["IsProd", 3, 1]}, {"Fn::Join": ["", ["a", {"Ref": "Env"}]]},
    {"Fn::FindInMap": ["M", {"Ref": "Env"}, "k"]},
    {"Fn::Cidr": ["10.0.0.0/16", 1000000000, 8]}, {"Fn::ImportValue": "x"}, {"Fn::Length": [1, 2]},
    {"Fn::ToJsonString": {"a": 1}}, {"Fn::Base64": "x"}, {"Rain::Embed": "f.txt"}, {"Fn::Nope": 1},
])


@st.composite
def cloudformation_files(draw: st.DrawFn) -> bytes:
    """A CloudFormation template (JSON or YAML) of real types with properties, intrinsics and conditions."""
    resources: dict[str, Any] = {}
    for index in range(draw(st.integers(0, 5))):
        cfn_type = draw(st.sampled_from(CFN_TYPES) | st.sampled_from(["Custom::X", "AWS::Nope::Thing",
                                                                       "AWS::Serverless::Function"]))
        props = _CFN_PROPS.get(cfn_type, ["Name"])
        value = json_values | intrinsics | st.lists(intrinsics | scalars, max_size=3)
        body: dict[str, Any] = {"Type": cfn_type,
                                "Properties": draw(st.dictionaries(st.sampled_from(props), value, max_size=4))}
        if draw(st.integers(0, 4)) == 4:
            body["Condition"] = draw(st.sampled_from(["IsProd", "Missing", {"Ref": "x"}]))
        resources[draw(st.sampled_from(["Db", "Vpc", "Subnet", "Sg", f"R{index}"]))] = body
    template: dict[str, Any] = {"AWSTemplateFormatVersion": "2010-09-09", "Resources": resources}
    if draw(st.booleans()):
        template["Parameters"] = {"Env": {"Type": "String", "Default": draw(st.sampled_from(["prod", "dev"])),
                                          **({"NoEcho": True} if draw(st.booleans()) else {})}}
    if draw(st.booleans()):
        template["Conditions"] = {"IsProd": {"Fn::Equals": [{"Ref": "Env"}, "prod"]}}
    if draw(st.integers(0, 4)) == 4:
        template["Transform"] = draw(st.sampled_from(["AWS::Serverless-2016-10-31", "AWS::LanguageExtensions",
                                                      ["MyMacro"]]))
    if draw(st.integers(0, 5)) == 5:
        template["Mappings"] = {"M": {"prod": {"k": "v"}}}
    if draw(st.booleans()):
        data = json.dumps(template, allow_nan=True).encode()
    else:
        data = yaml.safe_dump(template, sort_keys=False).encode()
        data = data.replace(b"Fn::GetAtt:", b"!GetAtt").replace(b"Ref:", b"!Ref")  # short forms, often broken
    if draw(st.integers(0, 19)) == 19:
        data = alias_bomb(12) + data
    return draw(mutated(data)) if draw(st.integers(0, 2)) == 2 else data


@st.composite
def plan_files(draw: st.DrawFn) -> bytes:
    """A Terraform plan JSON: planned values, resource changes with unknowns, an optional configuration."""
    resources = []
    changes = []
    for index in range(draw(st.integers(0, 5))):
        tf_type = draw(st.sampled_from(TF_TYPES) | st.sampled_from(["aws_nope", "random_id"]))
        attrs = _TF_ATTRS.get(tf_type, ["name"])
        values = draw(st.dictionaries(st.sampled_from(attrs), json_values, max_size=4))
        address = f"{tf_type}.r{index}" + draw(st.sampled_from(["", "[0]", '["a"]']))
        resources.append({"address": address, "mode": "managed", "type": tf_type, "name": f"r{index}",
                          "values": values})
        changes.append({"address": address, "type": tf_type, "name": f"r{index}",
                        "change": {"actions": ["create"], "after": values,
                                   "after_unknown": draw(st.dictionaries(st.sampled_from(attrs), st.booleans(),
                                                                         max_size=2))}})
    plan: dict[str, Any] = {"format_version": draw(st.sampled_from(["1.2", "0.1", "9"])),
                            "planned_values": {"root_module": {"resources": resources}}, "resource_changes": changes}
    if draw(st.booleans()):
        plan["configuration"] = {"root_module": {"resources": [{"address": r["address"].split("[")[0],
                                                                "type": r["type"], "name": r["name"],
                                                                "expressions": {}} for r in resources]}}
    if draw(st.integers(0, 3)) == 3:
        plan["planned_values"]["root_module"]["child_modules"] = [{"address": "module.m", "resources": resources[:1]}]
    data = json.dumps(plan, allow_nan=True).encode()
    return draw(mutated(data)) if draw(st.integers(0, 2)) == 2 else data


hcl_expressions = st.sampled_from([
    "1", "-1", "100000000", '"x"', '"${var.env}-db"', "true", "null", "[1, 2]", '{a = 1}', "var.env", "var.missing",
    "local.x", "aws_vpc.main.id", 'cidrsubnet("10.0.0.0/16", 8, 1)', 'element(["a", "b"], 3)', "length([1])",
    'lookup({a = 1}, "b", 2)', "merge({a = 1}, {b = 2})", 'concat(["a"], ["b"])', "flatten([[1], [2]])",
    'toset(["a"])', "try(var.x, 1)", "coalesce(null, 2)", 'format("%s-%d", "a", 1)', "count.index", "each.key",
    'var.env == "prod" ? 3 : 1', "[for s in var.list : s]", '"${', "(", 'file("x")', "unknownfn(1)",
])


@st.composite
def hcl_files(draw: st.DrawFn) -> bytes:
    """A ``main.tf``: variables, locals, resources of real types (count, for_each, dynamic), modules."""
    blocks = ['variable "env" {\n  default = "prod"\n}', 'variable "list" {\n  default = ["a", "b"]\n}',
              "locals {\n  x = " + draw(hcl_expressions) + "\n}"]
    for index in range(draw(st.integers(0, 4))):
        tf_type = draw(st.sampled_from(TF_TYPES))
        attrs = draw(st.lists(st.sampled_from(_TF_ATTRS.get(tf_type, ["name"])), max_size=4, unique=True))
        lines = [f"  {name} = {draw(hcl_expressions)}" for name in attrs]
        meta = draw(st.sampled_from(["", "count", "for_each"]))
        if meta:
            lines.insert(0, f"  {meta} = {draw(hcl_expressions)}")
        if draw(st.integers(0, 3)) == 3:
            lines.append('  dynamic "ingress" {\n    for_each = var.list\n    content {\n      from_port = 1\n'
                         '      to_port = 2\n      protocol = "tcp"\n      cidr_blocks = ["0.0.0.0/1"]\n    }\n  }')
        blocks.append(f'resource "{tf_type}" "r{index}" {{\n' + "\n".join(lines) + "\n}")
    if draw(st.integers(0, 3)) == 3:
        blocks.append('module "m" {\n  source = ' + draw(st.sampled_from(['"./modules/m"', '"git::https://x/y"',
                                                                          '"../elsewhere"'])) + "\n  count = "
                      + draw(hcl_expressions) + "\n}")
    data = ("\n\n".join(blocks) + "\n").encode()
    return draw(mutated(data)) if draw(st.integers(0, 3)) == 3 else data


__all__ = ["cloudformation_files", "config_files", "hcl_files", "plan_files", "policy_files", "snapshot_files"]
