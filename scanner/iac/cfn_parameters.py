"""CloudFormation parameters and pseudo parameters: the values ``Ref`` gives before deployment."""

from __future__ import annotations

from typing import Any

from .cfn_values import Unknown, first_unknown, scalar_text
from .cfn_yaml import UnknownTag

PSEUDO_PARAMETERS = ("AWS::AccountId", "AWS::NotificationARNs", "AWS::StackId", "AWS::StackName", "AWS::Partition",
                     "AWS::URLSuffix", "AWS::Region")


def _partition(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    return "aws-us-gov" if region.startswith("us-gov-") else "aws"


def parameter_values(declared: dict[str, Any], overrides: dict[str, str]) -> dict[str, Any]:
    """Each declared parameter's value: ``overrides`` (``--param``), else its Default, else unknown.

    SSM-typed and ``NoEcho`` parameters are unknown: their values are read at deploy time, or secret.
    """
    values: dict[str, Any] = {}
    for name, spec in declared.items():
        spec = spec if isinstance(spec, dict) else {}
        ptype = str(spec.get("Type", "String"))
        if ptype.startswith("AWS::SSM::Parameter::Value"):
            values[name] = Unknown(f"unresolved !Ref {name} (value read from SSM Parameter Store at deploy time)")
            continue
        if scalar_text(spec.get("NoEcho")).lower() == "true":
            values[name] = Unknown(f"!Ref {name}: a NoEcho parameter, whose value haguard does not read")
            continue
        if name in overrides:
            raw: Any = overrides[name]
        elif "Default" in spec:
            raw = spec["Default"]
        else:
            values[name] = Unknown(f"unresolved !Ref {name} (parameter without default)")
            continue
        unknown = first_unknown(raw) if isinstance(raw, (list, dict, UnknownTag)) else None
        if unknown or isinstance(raw, dict):
            values[name] = unknown or Unknown(f"!Ref {name}: its Default is not a value")
            continue
        text = scalar_text(raw) if not isinstance(raw, list) else ",".join(scalar_text(v) for v in raw)
        if ptype.startswith("List<") or ptype == "CommaDelimitedList":
            values[name] = [part.strip() for part in text.split(",")] if text else []
        else:
            values[name] = text
    return values

def pseudo_value(name: str, region: str | None) -> Any:
    """A pseudo parameter's value: the Region-derived ones when ``region`` is given, else unknown."""
    if name == "AWS::Region" and region:
        return region
    if name == "AWS::Partition" and region:
        return _partition(region)
    if name == "AWS::URLSuffix" and region:
        return "amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com"
    why = "no --region given" if name in ("AWS::Region", "AWS::Partition", "AWS::URLSuffix") else (
        "pseudo parameter known only at deploy time")
    return Unknown(f"unresolved !Ref {name} ({why})")


__all__ = ["PSEUDO_PARAMETERS", "parameter_values", "pseudo_value"]
