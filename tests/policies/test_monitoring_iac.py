"""The monitoring, tiering and self-healing policies through ``haguard iac``: CloudFormation and Terraform
(HCL) give the same verdict per resource.

``data/monitoring_faults`` holds one resource per fault the policies look for, each beside a correct twin,
written once as a CloudFormation template and once as a Terraform directory.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scanner.cli import main

FAULTS = Path(__file__).parent / "data" / "monitoring_faults"
SOURCES = {"cloudformation": "template.yaml", "terraform": "tf"}
OURS = frozenset({
    "alarm-coverage", "log-retention", "alarm-actions", "lag-alarms-match-rpo", "central-logging",
    "deep-monitoring", "s3-lifecycle-tiering", "efs-lifecycle-tiering", "ecs-self-healing",
    "static-stability-capacity", "session-affinity",
})
NAMES = {
    "Vpc": "aws_vpc.main", "Alb": "aws_lb.alb", "BareAlb": "aws_lb.bare",
    "AlbErrors": "aws_cloudwatch_metric_alarm.alb_errors",
    "StickyTargets": "aws_lb_target_group.sticky", "LooseTargets": "aws_lb_target_group.loose",
    "Db": "aws_db_instance.db", "Replica": "aws_db_instance.replica", "LaxReplica": "aws_db_instance.lax_replica",
    "ReplicaLag": "aws_cloudwatch_metric_alarm.replica_lag",
    "LaxReplicaLag": "aws_cloudwatch_metric_alarm.lax_replica_lag",
    "AppLogs": "aws_cloudwatch_log_group.app", "ScratchLogs": "aws_cloudwatch_log_group.scratch",
    "Cluster": "aws_ecs_cluster.main", "PlainCluster": "aws_ecs_cluster.plain",
    "Task": "aws_ecs_task_definition.task", "BareTask": "aws_ecs_task_definition.bare",
    "HealedService": "aws_ecs_service.healed", "FragileService": "aws_ecs_service.fragile",
    "DataBucket": "aws_s3_bucket.data", "HotBucket": "aws_s3_bucket.hot",
    "SharedFs": "aws_efs_file_system.shared", "HotFs": "aws_efs_file_system.hot",
}
EXPECTED: dict[tuple[str, str], str] = {
    ("alarm-coverage", "Alb"): "pass",
    ("alarm-coverage", "BareAlb"): "fail",
    ("alarm-coverage", "Db"): "fail",
    ("alarm-coverage", "HealedService"): "fail",
    ("alarm-actions", "AlbErrors"): "pass",
    ("alarm-actions", "ReplicaLag"): "pass",
    ("alarm-actions", "LaxReplicaLag"): "fail",
    ("lag-alarms-match-rpo", "Replica"): "pass",
    ("lag-alarms-match-rpo", "LaxReplica"): "fail",
    ("lag-alarms-match-rpo", "Db"): "none",
    ("log-retention", "AppLogs"): "pass",
    ("log-retention", "ScratchLogs"): "fail",
    ("central-logging", "Alb"): "pass",
    ("central-logging", "BareAlb"): "fail",
    ("central-logging", "Task"): "pass",
    ("central-logging", "BareTask"): "fail",
    ("central-logging", "Vpc"): "pass",
    ("deep-monitoring", "Db"): "pass",
    ("deep-monitoring", "LaxReplica"): "fail",
    ("deep-monitoring", "Cluster"): "pass",
    ("deep-monitoring", "PlainCluster"): "fail",
    ("s3-lifecycle-tiering", "DataBucket"): "pass",
    ("s3-lifecycle-tiering", "HotBucket"): "fail",
    ("efs-lifecycle-tiering", "SharedFs"): "pass",
    ("efs-lifecycle-tiering", "HotFs"): "fail",
    ("ecs-self-healing", "HealedService"): "pass",
    ("ecs-self-healing", "FragileService"): "fail",
    ("static-stability-capacity", "HealedService"): "pass",
    ("static-stability-capacity", "FragileService"): "fail",
    ("session-affinity", "StickyTargets"): "pass",
    ("session-affinity", "LooseTargets"): "fail",
}


def _verdicts(capsys: pytest.CaptureFixture[str], source: str, *extra: str) -> dict[tuple[str, str], str]:
    main(["iac", str(FAULTS / SOURCES[source]), "--format", "json", *extra])
    report = json.loads(capsys.readouterr().out)
    assert not report.get("unevaluated")
    return {(f["policy_id"], f["resource_uid"].rsplit("#", 1)[-1]): f["status"]
            for f in report["findings"] if f["policy_id"] in OURS}


@pytest.mark.parametrize("source", SOURCES)
def test_each_fault_fails_its_policy_and_its_twin_passes(source: str, capsys: pytest.CaptureFixture[str]) -> None:
    verdicts = _verdicts(capsys, source)
    rename = (lambda name: name) if source == "cloudformation" else NAMES.__getitem__
    got = {(policy, name): verdicts.get((policy, rename(name)), "none") for policy, name in EXPECTED}
    assert got == EXPECTED


def test_cloudformation_and_terraform_agree_on_every_resource(capsys: pytest.CaptureFixture[str]) -> None:
    cloudformation = _verdicts(capsys, "cloudformation")
    back = {tf: cfn for cfn, tf in NAMES.items()}
    terraform = {(policy, back.get(name, name)): status
                 for (policy, name), status in _verdicts(capsys, "terraform").items()}
    assert cloudformation == terraform
    assert {name for _, name in cloudformation} <= set(NAMES)  # nothing the fixture does not name was judged
    assert set(cloudformation.values()) == {"pass", "fail"}  # everything here is decidable from the source


def test_a_stricter_rpo_from_the_config_fails_the_lag_alarm_that_met_the_default(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    config = tmp_path / "haguard.yaml"
    config.write_text("params: {rpo_target_seconds: 60}\n", encoding="utf-8")
    verdicts = _verdicts(capsys, "cloudformation", "--config", str(config), "--only", "lag-alarms-match-rpo")
    assert verdicts[("lag-alarms-match-rpo", "Replica")] == "fail"  # alarms at 120 s, above a 60 s RPO
