"""``rds-replica-lag`` over a live (moto) scan: CloudWatch ReplicaLag decides pass, fail or unknown."""

from __future__ import annotations

import datetime as dt

import boto3
import pytest
from moto import mock_aws

from scanner.graph import build_graph
from scanner.live.options import LiveOptions
from scanner.live.scan import collect_live
from scanner.model import Status
from scanner.policy import evaluate, load_pack

REGION = "us-east-1"


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch):
    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    with mock_aws():
        yield


def test_lag_over_the_bound_fails_within_passes_no_data_is_unknown(aws: None) -> None:
    rds = boto3.client("rds", region_name=REGION)
    rds.create_db_instance(DBInstanceIdentifier="primary", Engine="postgres", DBInstanceClass="db.t3.micro",
                           AllocatedStorage=20, MasterUsername="admin", MasterUserPassword="secret-password-1")
    for name in ("fast", "slow", "quiet"):
        rds.create_db_instance_read_replica(DBInstanceIdentifier=name, SourceDBInstanceIdentifier="primary")
    now = dt.datetime.now(dt.timezone.utc)
    cloudwatch = boto3.client("cloudwatch", region_name=REGION)
    for name, values in (("fast", (3.0, 40.0, 12.0)), ("slow", (20.0, 900.0, 30.0))):
        cloudwatch.put_metric_data(Namespace="AWS/RDS", MetricData=[
            {"MetricName": "ReplicaLag", "Dimensions": [{"Name": "DBInstanceIdentifier", "Value": name}],
             "Timestamp": now - dt.timedelta(hours=i + 1), "Value": value, "Unit": "Seconds"}
            for i, value in enumerate(values)])

    snapshot = collect_live(LiveOptions(regions=[REGION], lag_window_seconds=86400), progress=False)
    findings = {f.resource_name: f for f in evaluate(load_pack(), build_graph(snapshot), only={"rds-replica-lag"})}

    assert set(findings) == {"fast", "slow", "quiet"}  # the primary is not a replica
    assert findings["fast"].status is Status.PASS
    assert findings["slow"].status is Status.FAIL
    assert findings["quiet"].status is Status.UNKNOWN
    (slow,) = [e for e in findings["slow"].evidence if e.get("attr") == "replica_lag_max_seconds"]
    assert slow["value"] == 900.0 and slow["test"] == "lte 300"
    assert slow["context"] == {"lag_window_seconds": 86400}
    assert "lag_window_seconds = 86400" in findings["slow"].message
    (quiet,) = [e for e in findings["quiet"].evidence if e.get("attr") == "replica_lag_max_seconds"]
    assert "no ReplicaLag datapoints in the last 1 d" in quiet["unknown"]
