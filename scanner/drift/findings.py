"""Finding drift: verdicts compared by policy and resource (the finding id)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from ..model import Finding, Severity, Status
from .model import FindingChange, FindingDrift

_UNCERTAIN = frozenset({Status.UNKNOWN, Status.ERROR})


class Verdict(NamedTuple):
    """What drift reads of a finding (cheap to send between processes)."""

    id: str
    policy_id: str
    title: str
    severity: Severity
    resource_uid: str
    resource_type: str
    resource_name: str | None
    account: str | None
    region: str | None
    status: Status
    message: str


_SEVERITIES, _STATUSES = list(Severity), list(Status)


def verdicts(findings: Iterable[Finding]) -> list[Verdict]:
    """The ``Verdict`` of each finding."""
    return [Verdict(f.id, f.policy_id, f.title, f.severity, f.resource_uid, f.resource_type, f.resource_name,
                    f.account, f.region, f.status, f.message) for f in findings]


def pack_verdicts(findings: Iterable[Finding]) -> list[tuple[object, ...]]:
    """Verdicts as plain tuples (enums as their index): cheap to pickle and unpickle in bulk."""
    severity, status = {s: i for i, s in enumerate(_SEVERITIES)}, {s: i for i, s in enumerate(_STATUSES)}
    return [(f.id, f.policy_id, f.title, severity[f.severity], f.resource_uid, f.resource_type, f.resource_name,
             f.account, f.region, status[f.status], f.message) for f in findings]


def unpack_verdicts(rows: Iterable[tuple[object, ...]]) -> list[Verdict]:
    """The inverse of ``pack_verdicts``."""
    sev, st = _SEVERITIES, _STATUSES
    return [Verdict(r[0], r[1], r[2], sev[r[3]], r[4], r[5], r[6], r[7], r[8], st[r[9]], r[10])  # type: ignore[arg-type,index]
            for r in rows]


def is_failure(status: Status | None, allow_unknown: bool) -> bool:
    """``fail``, and ``unknown``/``error`` unless ``allow_unknown``."""
    return status is Status.FAIL or (status in _UNCERTAIN and not allow_unknown)


def diff_findings(before: Iterable[Finding | Verdict], after: Iterable[Finding | Verdict], *,
                  allow_unknown: bool = False
                  ) -> FindingDrift:
    """New failures, resolved, still failing and other status changes, most severe first."""
    old = {f.id: f for f in before}
    new = {f.id: f for f in after}
    drift = FindingDrift()
    for fid in [*old, *(k for k in new if k not in old)]:
        a, b = old.get(fid), new.get(fid)
        status_a, status_b = (a.status if a else None), (b.status if b else None)
        fail_a, fail_b = is_failure(status_a, allow_unknown), is_failure(status_b, allow_unknown)
        if fail_b and not fail_a:
            bucket = drift.new_failures
        elif fail_a and not fail_b:
            bucket = drift.resolved
        elif fail_a and fail_b and status_a == status_b:
            bucket = drift.still_failing
        elif a is not None and b is not None and status_a != status_b:
            bucket = drift.changed_status
        else:
            continue
        bucket.append(_change(a, b))
    for items in (drift.new_failures, drift.resolved, drift.still_failing, drift.changed_status):
        items.sort(key=lambda c: (c.severity.rank, c.policy_id, c.resource_uid))
    return drift


def _change(a: Finding | Verdict | None, b: Finding | Verdict | None) -> FindingChange:
    latest = b or a
    assert latest is not None
    return FindingChange.model_construct(policy_id=latest.policy_id, title=latest.title, severity=latest.severity,
                         resource_uid=latest.resource_uid, resource_type=latest.resource_type,
                         resource_name=latest.resource_name, account=latest.account, region=latest.region,
                         before=a.status if a else None, after=b.status if b else None, message=latest.message)


def new_failures_at_or_above(drift: FindingDrift, threshold: Severity) -> list[FindingChange]:
    """The new failures at or above ``threshold`` (what ``--fail-on-new`` counts)."""
    return [c for c in drift.new_failures if c.severity.at_least(threshold)]
