"""Run a pack over a graph: one finding per policy x resource, coverage errors, suppressions."""

from __future__ import annotations

import datetime as dt
import fnmatch
from typing import Any

from pydantic import BaseModel

from ..graph import Graph
from ..model import EVIDENCE_DETAILS, Finding, Severity, Status, compact_evidence, engine_finding, finding_id
from ..model.finding import finding_ids
from ..model.snapshot import FREEZE_MIN_ITEMS, paused_gc
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
    parts: list[str] = []
    for entry in evidence:
        if entry.get("attr") == "type":
            continue  # a type guard of a multi-type policy: in the evidence, not worth the one-line message
        if "attr" in entry and "unknown" in entry:
            text = f"{entry['attr']} unknown ({entry['unknown']})"
        elif "attr" in entry and "value" in entry:
            attr = entry["attr"]
            if ".." in attr:
                text = f"{attr} = {entry['value']}"
            else:
                context = entry.get("context")
                extra = "".join(f", {k} = {_show(v)}" for k, v in context.items()) if context else ""
                text = f"{attr} = {_show(entry['value'])} (expected {entry['test']}{extra})"
        elif "count" in entry:
            text = f"{entry['selector']}: {entry['count']} (expected {entry['test']})"
        elif "unknown" in entry:
            text = str(entry["unknown"])
        elif entry.get("members") == 0 and status is Status.FAIL:
            text = f"{entry['selector']}: none"
        else:
            continue
        resource = entry.get("resource")
        if resource is None or resource == uid:
            parts.append(text)
        elif str(resource).startswith(uid + "."):
            parts.append(f"{str(resource)[len(uid) + 1:]}: {text}")
        else:
            parts.append(f"{_short(resource)}: {text}")
        if len(parts) == 3:
            break
    detail = "; ".join(parts)
    if status is Status.UNKNOWN:
        return "cannot be decided: " + (detail or "a value is unknown")
    return detail or ("ok" if status is Status.PASS else "fails")


def _show(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    return value if type(value) is str else str(value)


def _short(uid: str) -> str:
    """The last part of an ARN (``subnet-0abc``), the uid itself otherwise."""
    if not uid.startswith("arn:"):
        return uid
    tail = uid.rsplit(":", 1)[-1]
    return tail.rsplit("/", 1)[-1] if "/" in tail else tail


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


def evaluate_policy(loaded: LoadedPolicy, graph: Graph, params: dict[str, Any], severity: Severity,
                    evidence_detail: str = "full") -> list[Finding]:
    """Findings of one policy over every resource of its types, plus coverage errors.

    With ``evidence_detail="compact"`` passing findings keep only the compact form of their evidence
    (``scanner.model.compact_evidence``); their message, written from the full evidence, is the same.
    """
    policy = loaded.policy
    findings: list[Finding] = []
    if policy.live_only and graph.source.kind not in LIVE_SOURCES:
        return findings
    compact = evidence_detail == "compact"
    policy_id, title, theme, remediation = policy.id, policy.title, loaded.theme, policy.remediation
    where_test, assertion = loaded.where, loaded.assertion
    resources, append = graph.resources, findings.append
    passed = Status.PASS
    make_id = finding_ids(policy_id)
    env = Env(graph, params, "")
    for type_name in policy.resource_types:
        for uid in graph.of_type(type_name):
            env.self_uid = uid  # one environment, re-pointed: conditions never keep it past their call
            where: Tri = True
            where_evidence: Evidence = []
            if where_test is not None:
                where, where_evidence = where_test(env, uid)
                if where is False:
                    continue
            asserted, evidence = assertion(env, uid)
            status = _status(where, asserted)
            if status is Status.UNKNOWN and where is None and asserted is False:
                evidence = where_evidence + evidence
            resource = resources[uid]
            message = _message(status, uid, evidence)
            if compact and status is passed:
                evidence = compact_evidence(evidence, uid)
            append(engine_finding({
                "id": make_id(uid), "policy_id": policy_id, "title": title, "theme": theme,
                "resource_uid": uid, "resource_type": type_name, "resource_name": resource.name,
                "account": resource.account, "region": resource.region, "status": status, "severity": severity,
                "message": message, "evidence": evidence, "remediation": remediation if status is not passed else None,
                "location": resource.location, "suppression": None, "presumed": resource.presumed,
            }))
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
             skip: set[str] | None = None, today: dt.date | None = None, evidence: str = "full") -> list[Finding]:
    """Every finding of the pack over the graph, suppressions applied.

    ``evidence`` is ``full`` (every finding keeps all its evidence) or ``compact`` (passing findings keep
    the compact form; what ``haguard scan``/``iac`` write unless ``--verbose``).
    """
    if evidence not in EVIDENCE_DETAILS:
        raise ValueError(f"evidence must be one of {', '.join(EVIDENCE_DETAILS)}")
    findings: list[Finding] = []
    # findings are long-lived and acyclic: no cyclic collection rescans them while they pile up (a fifth of
    # the time at 100k resources), and a large run's go to the permanent generation for the later stages
    with paused_gc(freeze=len(graph.resources) >= FREEZE_MIN_ITEMS):
        for loaded in pack.ordered():
            if (only and loaded.id not in only) or (skip and loaded.id in skip):
                continue
            settings = config.policies.get(loaded.id) if config else None
            if settings is not None and not settings.enabled:
                continue
            severity = settings.severity if settings and settings.severity else loaded.policy.severity
            findings.extend(evaluate_policy(loaded, graph, resolve_params(loaded, config), severity, evidence))
        return apply_suppressions(findings, graph, config, today)
