"""Run a pack over a graph: one finding per policy x resource, coverage errors, suppressions."""

from __future__ import annotations

import datetime as dt
import fnmatch
from typing import Any

from pydantic import BaseModel

from ..graph import Graph
from ..model import Finding, Severity, Status, finding_id
from ..model.vocabulary import related_types
from .config import Config
from .evaluate import Env, Evidence, Tri
from .language import Quantified, Selector
from .pack import LoadedPolicy, Pack
from .settings import check_config as check_config  # re-exported: its home was this module
from .settings import resolve_params

LIVE_SOURCES = frozenset({"aws", "example", "synthetic"})
"""Source kinds that describe deployed infrastructure (runtime facts such as metrics exist)."""


def _message(status: Status, uid: str, evidence: Evidence) -> str:
    """One line saying what decided the verdict, from the first evidence entries."""
    parts = []
    for entry in evidence:
        if entry.get("attr") == "type":
            continue  # a type guard of a multi-type policy: in the evidence, not worth the one-line message
        resource = entry.get("resource")
        if resource in (None, uid):
            prefix = ""
        elif str(resource).startswith(uid + "."):
            prefix = f"{str(resource)[len(uid) + 1:]}: "
        else:
            prefix = f"{_short(resource)}: "
        if "attr" in entry and "unknown" in entry:
            parts.append(f"{prefix}{entry['attr']} unknown ({entry['unknown']})")
        elif "attr" in entry and "value" in entry and ".." in entry["attr"]:
            parts.append(f"{prefix}{entry['attr']} = {entry['value']}")
        elif "attr" in entry and "value" in entry:
            context = "".join(f", {k} = {_show(v)}" for k, v in (entry.get("context") or {}).items())
            parts.append(f"{prefix}{entry['attr']} = {_show(entry['value'])} (expected {entry['test']}{context})")
        elif "count" in entry:
            parts.append(f"{prefix}{entry['selector']}: {entry['count']} (expected {entry['test']})")
        elif "unknown" in entry:
            parts.append(f"{prefix}{entry['unknown']}")
        elif entry.get("members") == 0 and status is Status.FAIL:
            parts.append(f"{prefix}{entry['selector']}: none")
        if len(parts) == 3:
            break
    detail = "; ".join(parts)
    if status is Status.UNKNOWN:
        return "cannot be decided: " + (detail or "a value is unknown")
    return detail or ("ok" if status is Status.PASS else "fails")


def _show(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _short(uid: str) -> str:
    """The last part of an ARN (``subnet-0abc``), the uid itself otherwise."""
    if not uid.startswith("arn:"):
        return uid
    tail = uid.rsplit(":", 1)[-1]
    return tail.rsplit("/", 1)[-1] if "/" in tail else tail


_FINDING_FIELDS = frozenset(Finding.model_fields)


def _finding(**values: Any) -> Finding:
    """A ``Finding`` from trusted values without validation (the engine makes ~1 per resource and policy).

    Equivalent to ``Finding.model_construct`` with every field given, at a fraction of its cost.
    """
    finding = Finding.__new__(Finding)
    object.__setattr__(finding, "__dict__", values)
    object.__setattr__(finding, "__pydantic_fields_set__", set(values))
    object.__setattr__(finding, "__pydantic_extra__", None)
    object.__setattr__(finding, "__pydantic_private__", None)
    return finding


def _status(where: Tri, asserted: Tri) -> Status:
    if asserted is True:
        return Status.PASS
    if asserted is False and where is True:
        return Status.FAIL
    return Status.UNKNOWN


def _read_types(loaded: LoadedPolicy) -> set[str]:
    """Types the policy reads: its own and those its ``related`` selectors reach."""
    types = set(loaded.policy.resource_types)

    def walk(node: Any) -> None:
        if isinstance(node, Selector) and node.related is not None:
            types.update(node.types or related_types(set(loaded.policy.resource_types), node.related, node.direction))
        if isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, BaseModel):
            for name in type(node).model_fields:
                walk(getattr(node, name))
        if isinstance(node, Quantified):
            walk(node.body)

    walk(loaded.policy.where)
    walk(loaded.policy.assert_)
    return types


def evaluate_policy(loaded: LoadedPolicy, graph: Graph, params: dict[str, Any], severity: Severity) -> list[Finding]:
    """Findings of one policy over every resource of its types, plus coverage errors."""
    policy = loaded.policy
    findings: list[Finding] = []
    if policy.live_only and graph.source.kind not in LIVE_SOURCES:
        return findings
    for type_name in policy.resource_types:
        for uid in graph.of_type(type_name):
            env = Env(graph, params, uid)
            where: Tri = True
            where_evidence: Evidence = []
            if loaded.where is not None:
                where, where_evidence = loaded.where(env, uid)
                if where is False:
                    continue
            asserted, evidence = loaded.assertion(env, uid)
            status = _status(where, asserted)
            if status is Status.UNKNOWN and where is None and asserted is False:
                evidence = where_evidence + evidence
            resource = graph.resources[uid]
            findings.append(_finding(
                id=finding_id(policy.id, uid), policy_id=policy.id, title=policy.title, theme=loaded.theme,
                resource_uid=uid, resource_type=type_name, resource_name=resource.name, account=resource.account,
                region=resource.region, status=status, severity=severity,
                message=_message(status, uid, evidence), evidence=evidence,
                remediation=policy.remediation if status is not Status.PASS else None,
                location=resource.location, suppression=None, presumed=resource.presumed,
            ))
    read = _read_types(loaded)
    for gap in graph.coverage:
        affected = sorted(read & set(gap.resource_types))
        if not affected:
            continue
        scope = f"{gap.account or '-'}/{gap.region or '-'}"
        uid = f"coverage:{scope}/{gap.service}:{gap.operation}"
        findings.append(Finding(
            id=finding_id(policy.id, uid), policy_id=policy.id, title=policy.title, theme=loaded.theme,
            resource_uid=uid, resource_type=affected[0], account=gap.account, region=gap.region,
            status=Status.ERROR, severity=severity,
            message=f"not evaluated in {scope}: {gap.service}:{gap.operation} failed ({gap.error});"
            f" {', '.join(affected)} could not be collected",
            evidence=[{"operation": f"{gap.service}:{gap.operation}", "error": gap.error, "account": gap.account,
                       "region": gap.region, "resource_types": affected}],
            remediation="Grant haguard the read-only permissions of `haguard iam-policy` and re-run.",
        ))
    return findings


def apply_suppressions(findings: list[Finding], graph: Graph, config: Config | None,
                       today: dt.date | None = None) -> list[Finding]:
    """Mark non-passing findings suppressed by inline skips or unexpired config waivers."""
    today = today or dt.date.today()
    waivers = config.waivers if config else []
    result = []
    for finding in findings:
        if finding.status is Status.PASS:
            result.append(finding)
            continue
        resource = graph.resources.get(finding.resource_uid)
        reason = resource.suppressions.get(finding.policy_id) if resource else None
        if reason:
            finding = finding.model_copy(update={"status": Status.SUPPRESSED, "suppression": f"inline: {reason}"})
        else:
            for waiver in waivers:
                if waiver.id != finding.policy_id or not _matches(waiver.resource, finding):
                    continue
                if waiver.expires is not None and waiver.expires < today:
                    finding = finding.model_copy(update={
                        "message": f"{finding.message} (waiver expired on {waiver.expires}: {waiver.reason})"})
                    continue
                until = f" until {waiver.expires}" if waiver.expires else ""
                finding = finding.model_copy(update={"status": Status.SUPPRESSED,
                                                     "suppression": f"waiver{until}: {waiver.reason}"})
                break
        result.append(finding)
    return result


def _matches(pattern: str, finding: Finding) -> bool:
    return fnmatch.fnmatchcase(finding.resource_uid, pattern) or (
        finding.resource_name is not None and fnmatch.fnmatchcase(finding.resource_name, pattern))


def evaluate(pack: Pack, graph: Graph, config: Config | None = None, *, only: set[str] | None = None,
             skip: set[str] | None = None, today: dt.date | None = None) -> list[Finding]:
    """Every finding of the pack over the graph, suppressions applied."""
    findings: list[Finding] = []
    for loaded in pack.ordered():
        if (only and loaded.id not in only) or (skip and loaded.id in skip):
            continue
        settings = config.policies.get(loaded.id) if config else None
        if settings is not None and not settings.enabled:
            continue
        severity = settings.severity if settings and settings.severity else loaded.policy.severity
        findings.extend(evaluate_policy(loaded, graph, resolve_params(loaded, config), severity))
    return apply_suppressions(findings, graph, config, today)
