"""What IaC drift reads besides the IaC snapshots: Terraform state ids and CloudFormation physical names.

Terraform state comes as ``terraform.tfstate`` (JSON format version 4), as ``terraform show -json``
output, or as a plan's ``prior_state``; each gives, per resource address, the ids AWS assigned
(``arn``, ``id``, name-like attributes) and the Region in the ARN. CloudFormation templates that set
a physical name (``TableName``, ``DBInstanceIdentifier``...) as a literal can be matched by it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...errors import InputError

ID_ATTRIBUTES = ("arn", "id", "identifier", "name", "bucket", "cluster_identifier", "replication_group_id",
                 "table_name", "function_name", "cluster_name")
"""State attributes that name the deployed object, tried in this order."""

CFN_NAME_PROPERTIES: dict[str, str] = {
    "AWS::RDS::DBInstance": "DBInstanceIdentifier",
    "AWS::RDS::DBCluster": "DBClusterIdentifier",
    "AWS::RDS::DBSubnetGroup": "DBSubnetGroupName",
    "AWS::RDS::GlobalCluster": "GlobalClusterIdentifier",
    "AWS::DynamoDB::Table": "TableName",
    "AWS::S3::Bucket": "BucketName",
    "AWS::ElastiCache::ReplicationGroup": "ReplicationGroupId",
    "AWS::ElastiCache::SubnetGroup": "CacheSubnetGroupName",
    "AWS::AutoScaling::AutoScalingGroup": "AutoScalingGroupName",
    "AWS::ElasticLoadBalancingV2::LoadBalancer": "Name",
    "AWS::ElasticLoadBalancingV2::TargetGroup": "Name",
    "AWS::ElasticLoadBalancing::LoadBalancer": "LoadBalancerName",
    "AWS::EC2::SecurityGroup": "GroupName",
    "AWS::CloudWatch::Alarm": "AlarmName",
    "AWS::ECS::Cluster": "ClusterName",
    "AWS::ECS::Service": "ServiceName",
    "AWS::EKS::Cluster": "Name",
    "AWS::Backup::BackupVault": "BackupVaultName",
}
"""The property holding a resource's physical name, per CloudFormation type."""


@dataclass
class StateEntry:
    """The deployed object behind one Terraform address."""

    address: str
    ids: list[str]
    region: str | None = None
    account: str | None = None


@dataclass
class TerraformState:
    """Ids by resource address, from one or more state documents."""

    entries: dict[str, StateEntry] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)


def is_state_file(path: Path) -> bool:
    """A JSON file with Terraform state's top-level keys (``terraform.tfstate``, ``terraform show -json``)."""
    if path.is_dir() or path.suffix not in (".tfstate", ".json", ".backup"):
        return False
    try:
        with path.open("rb") as handle:
            head = handle.read(4096).decode("utf-8", errors="replace")
    except OSError:
        return False
    return '"terraform_version"' in head and ('"resources"' in head or '"values"' in head) and (
        '"planned_values"' not in head and '"resource_changes"' not in head)


def _load_json(path: Path, what: str) -> Any:
    try:
        return json.loads(path.read_bytes())
    except OSError as exc:
        raise InputError(f"cannot read {what}: {exc.strerror}", str(path)) from None
    except UnicodeDecodeError:
        raise InputError(f"{what} is not UTF-8 JSON", str(path)) from None
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON: {exc.msg} (column {exc.colno})", str(path), exc.lineno) from None


def read_state(path: Path, into: TerraformState | None = None) -> TerraformState:
    """Add the ids of a state file (v4 or ``show -json``) to ``into``."""
    state = into if into is not None else TerraformState()
    data = _load_json(path, "Terraform state")
    if not isinstance(data, dict):
        raise InputError("Terraform state must be a JSON object", str(path))
    if "values" in data:
        _read_values(data.get("values") or {}, state, str(path))
    elif data.get("version") == 4 or "resources" in data:
        if data.get("version") not in (None, 4):
            raise InputError(f"Terraform state version {data.get('version')} is not supported (expected 4)", str(path))
        _read_v4(data.get("resources") or [], state, str(path))
    else:
        raise InputError("not a Terraform state (no resources or values)", str(path))
    state.files.append(str(path))
    return state


def read_plan_prior_state(path: Path, into: TerraformState | None = None) -> TerraformState:
    """Add the ids of a plan's ``prior_state`` (the state the plan was made against) to ``into``."""
    state = into if into is not None else TerraformState()
    data = _load_json(path, "Terraform plan")
    prior = data.get("prior_state") if isinstance(data, dict) else None
    if isinstance(prior, dict):
        _read_values(prior.get("values") or {}, state, str(path))
        state.files.append(f"{path} (prior_state)")
    return state


def _read_v4(resources: list[Any], state: TerraformState, file: str) -> None:
    for resource in resources:
        if not isinstance(resource, dict) or resource.get("mode", "managed") != "managed":
            continue
        base = f"{resource.get('type')}.{resource.get('name')}"
        if resource.get("module"):
            base = f"{resource['module']}.{base}"
        for instance in resource.get("instances") or []:
            if not isinstance(instance, dict):
                raise InputError(f"resource {base}: instances must be objects", file)
            key = instance.get("index_key")
            _add(state, base + _index(key), instance.get("attributes") or {})


def _read_values(values: dict[str, Any], state: TerraformState, file: str) -> None:
    def walk(module: Any) -> None:
        if not isinstance(module, dict):
            return
        for resource in module.get("resources") or []:
            if isinstance(resource, dict) and resource.get("mode", "managed") == "managed" and resource.get("address"):
                _add(state, resource["address"], resource.get("values") or {})
        for child in module.get("child_modules") or []:
            walk(child)

    walk(values.get("root_module"))


def _index(key: Any) -> str:
    if key is None:
        return ""
    if isinstance(key, int):
        return f"[{key}]"
    return f"[{json.dumps(str(key))}]"


def _add(state: TerraformState, address: str, attributes: dict[str, Any]) -> None:
    ids = [str(attributes[k]) for k in ID_ATTRIBUTES if isinstance(attributes.get(k), (str, int)) and attributes[k]]
    arn = str(attributes.get("arn") or "")
    parts = arn.split(":")
    region = parts[3] if arn.startswith("arn:") and len(parts) > 4 and parts[3] else None
    account = parts[4] if arn.startswith("arn:") and len(parts) > 4 and parts[4] else None
    state.entries[address] = StateEntry(address=address, ids=list(dict.fromkeys(ids)), region=region, account=account)


def template_physical_names(path: Path) -> dict[str, tuple[str, str | None]]:
    """``{logical id: (CloudFormation type, literal physical name or None)}`` of a template."""
    from ...iac.cfn_yaml import parse_template, read_text

    template = parse_template(read_text(path, str(path)), str(path))
    resources = template.get("Resources") if isinstance(template, dict) else None
    names: dict[str, tuple[str, str | None]] = {}
    for lid, body in (resources or {}).items():
        if not isinstance(body, dict) or not isinstance(body.get("Type"), str):
            continue
        prop = CFN_NAME_PROPERTIES.get(body["Type"])
        properties = body.get("Properties")
        value = properties.get(prop) if prop and isinstance(properties, dict) else None
        names[str(lid)] = (body["Type"], value if isinstance(value, str) and value else None)
    return names
