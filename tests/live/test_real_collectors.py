"""The registered collectors under ``collect_live`` on a seeded moto Region: IAM agreement and faults."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse
from faults import inject
from live_recorder import CallRecorder
from live_seed_all import REGION, seed_services
from moto import mock_aws

from scanner.live.iam import BASELINE, iam_action, required_actions
from scanner.live.options import LiveOptions
from scanner.live.registry import COLLECTORS, load_collectors
from scanner.live.scan import collect_live
from scanner.model import Snapshot
from scanner.model.vocabulary import RESOURCE_TYPES

OPTIONS = LiveOptions(regions=[REGION], workers=4)


class _Empty:
    def stream(self, **_: Any) -> list[bytes]:
        return [b""]


def backup_selections(client: Any) -> None:
    """Recorded responses for the two Backup selection APIs moto does not implement (see moto-notes)."""
    if client.meta.service_model.service_name != "backup":
        return
    now = datetime(2026, 1, 1, tzinfo=timezone.utc)
    canned = {
        "ListBackupSelections": {"BackupSelectionsList": [{"SelectionId": "sel-1", "SelectionName": "dbs",
                                                           "CreationDate": now, "IamRoleArn": "arn:aws:iam::"
                                                           "123456789012:role/backup"}]},
        "GetBackupSelection": {"SelectionId": "sel-1", "CreationDate": now, "BackupSelection": {
            "SelectionName": "dbs", "IamRoleArn": "arn:aws:iam::123456789012:role/backup",
            "Resources": [f"arn:aws:rds:{REGION}:123456789012:db:orders-{REGION}"]}},
    }

    def respond(model: Any, params: dict[str, Any], **_: Any) -> tuple[AWSResponse, dict[str, Any]] | None:
        if model.name not in canned:
            return None
        parsed = {**canned[model.name], "ResponseMetadata": {"HTTPStatusCode": 200}}
        if model.name == "GetBackupSelection":
            parsed["BackupPlanId"] = params["url_path"].split("/")[3]
        return AWSResponse(params["url"], 200, {}, _Empty()), parsed

    client.meta.events.register("before-call.backup", respond)


def _content(snapshot: Snapshot) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    return [r.model_dump() for r in snapshot.resources], [r.model_dump() for r in snapshot.relations]


def test_registry_is_complete() -> None:
    collectors = load_collectors()
    assert [m.__name__.rsplit(".", 1)[-1] for m in collectors.collectors] == list(COLLECTORS)
    assert collectors.metrics is not None


@mock_aws
def test_policy_agrees_with_the_calls_of_the_registered_collectors() -> None:
    seed_services()
    recorder = CallRecorder()
    snapshot = collect_live(OPTIONS, client_hooks=[recorder.install, backup_selections])
    assert snapshot.coverage == []
    from scanner.live.readonly import is_read_only

    writes = [(service, operation) for service, operation in recorder.calls if not is_read_only(service, operation)]
    assert recorder.calls and writes == []  # a whole scan makes read-only calls and nothing else
    recorded = {iam_action(service, operation) for service, operation in recorder.calls}
    baseline = {iam_action(service, operation) for service, operation in BASELINE}
    assert sorted(recorded | baseline) == required_actions()
    assert {"aws.backup.selection", "aws.eks.nodegroup", "aws.elb.load_balancer"} <= {
        r.type for r in snapshot.resources}


@mock_aws
def test_thirty_percent_throttling_of_every_service_gives_the_clean_snapshot() -> None:
    seed_services()
    clean = collect_live(OPTIONS, client_hooks=[backup_selections])
    fault = inject(0.3, "Throttling", seed=11)
    throttled = collect_live(OPTIONS, client_hooks=[fault.install, backup_selections])
    assert len(fault.injected) >= 10 and sum(fault.injected.values()) >= 15  # many operations were throttled
    assert throttled.coverage == clean.coverage == []
    assert _content(throttled) == _content(clean)
    assert _verdicts(throttled) == _verdicts(clean)


def _verdicts(snapshot: Snapshot) -> list[tuple[str, str, str, str]]:
    """Every finding of the pack over the snapshot, as (policy, resource, status, message)."""
    from scanner.graph import build_graph
    from scanner.policy import evaluate, load_pack

    return sorted((f.policy_id, f.resource_uid, f.status.value, f.message)
                  for f in evaluate(load_pack(), build_graph(snapshot)))


@mock_aws
@pytest.mark.parametrize("code", ["AccessDenied", "AccessDeniedException"])
def test_access_denied_on_rds_records_gaps_for_every_rds_type(code: str) -> None:
    seed_services()
    fault = inject(1.0, code, services={"rds"})
    snapshot = collect_live(OPTIONS, client_hooks=[fault.install, backup_selections])
    rds_gaps = [g for g in snapshot.coverage if g.service == "rds"]
    assert {g.error for g in rds_gaps} == {code}
    assert {t for g in rds_gaps for t in g.resource_types} == {t for t in RESOURCE_TYPES if t.startswith("aws.rds.")}
    assert [g for g in snapshot.coverage if g.service != "rds"] == []
    assert not [r for r in snapshot.resources if r.type.startswith("aws.rds.")]
    assert [r for r in snapshot.resources if r.type == "aws.dynamodb.table"]
    from scanner.policy import load_pack

    rds_policies = {p.id for p in load_pack().ordered()
                    if any(t.startswith("aws.rds.") for t in p.policy.resource_types)}
    from scanner.graph import build_graph
    from scanner.policy import evaluate

    statuses: dict[str, set[str]] = {}
    for finding in evaluate(load_pack(), build_graph(snapshot)):
        if finding.resource_type.startswith("aws.rds."):
            statuses.setdefault(finding.policy_id, set()).add(finding.status.value)
    assert len(rds_policies) >= 5
    for policy_id in rds_policies:  # every RDS policy errors on its RDS types, none passes
        assert statuses.get(policy_id) == {"error"}, (policy_id, statuses.get(policy_id))
