"""The monitoring policies over a live (moto) scan: alarms and log groups as CloudWatch reports them."""

from __future__ import annotations

import boto3
import pytest
from moto import mock_aws

from scanner.graph import build_graph
from scanner.live.options import LiveOptions
from scanner.live.scan import collect_live
from scanner.model import Status
from scanner.policy import evaluate, load_pack

REGION = "us-east-1"
TOPIC = "arn:aws:sns:us-east-1:123456789012:oncall"


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch):
    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    with mock_aws():
        yield


def _alarm(name: str, metric: str, instance: str, threshold: float, **extra: object) -> None:
    boto3.client("cloudwatch", region_name=REGION).put_metric_alarm(
        AlarmName=name, Namespace="AWS/RDS", MetricName=metric, Statistic="Maximum", Period=60, EvaluationPeriods=3,
        Threshold=threshold, ComparisonOperator="GreaterThanThreshold",
        Dimensions=[{"Name": "DBInstanceIdentifier", "Value": instance}], **extra)


def test_alarms_and_log_groups_decide_the_monitoring_policies(aws: None) -> None:
    rds = boto3.client("rds", region_name=REGION)
    rds.create_db_instance(DBInstanceIdentifier="primary", Engine="postgres", DBInstanceClass="db.t3.micro",
                           AllocatedStorage=20, MasterUsername="admin", MasterUserPassword="secret-password-1")
    for name in ("paged", "lax", "bare"):
        rds.create_db_instance_read_replica(DBInstanceIdentifier=name, SourceDBInstanceIdentifier="primary")
    _alarm("primary-cpu", "CPUUtilization", "primary", 80, AlarmActions=[TOPIC])
    _alarm("paged-lag", "ReplicaLag", "paged", 60, AlarmActions=[TOPIC])
    _alarm("lax-lag", "ReplicaLag", "lax", 300000, AlarmActions=[TOPIC])
    _alarm("lax-cpu", "CPUUtilization", "lax", 80)  # no action: tells nobody
    logs = boto3.client("logs", region_name=REGION)
    logs.create_log_group(logGroupName="/app/web")
    logs.put_retention_policy(logGroupName="/app/web", retentionInDays=400)
    logs.create_log_group(logGroupName="/app/scratch")

    snapshot = collect_live(LiveOptions(regions=[REGION]), progress=False)
    only = {"alarm-coverage", "lag-alarms-match-rpo", "alarm-actions", "log-retention"}
    verdicts = {(f.policy_id, f.resource_name): f.status for f in evaluate(load_pack(), build_graph(snapshot),
                                                                          only=only)}
    assert verdicts[("alarm-coverage", "primary")] is Status.PASS
    assert verdicts[("alarm-coverage", "lax")] is Status.FAIL  # its CPU alarm has no action
    assert verdicts[("alarm-coverage", "bare")] is Status.FAIL
    assert verdicts[("lag-alarms-match-rpo", "paged")] is Status.PASS
    assert verdicts[("lag-alarms-match-rpo", "lax")] is Status.FAIL  # 300000 s is far above a 300 s RPO
    assert verdicts[("lag-alarms-match-rpo", "bare")] is Status.FAIL
    assert ("lag-alarms-match-rpo", "primary") not in verdicts  # not a replica
    assert verdicts[("alarm-actions", "paged-lag")] is Status.PASS
    assert verdicts[("alarm-actions", "lax-cpu")] is Status.FAIL
    assert verdicts[("log-retention", "/app/web")] is Status.PASS
    assert verdicts[("log-retention", "/app/scratch")] is Status.FAIL
