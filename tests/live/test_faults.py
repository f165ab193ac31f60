"""Fault injection: throttling is retried by botocore; AccessDenied becomes coverage gaps."""

from __future__ import annotations

import boto3
import fake_metrics
import fake_network
import fake_rds
import pytest
from botocore.exceptions import ClientError
from faults import error_response, inject
from live_seed import seed_account
from moto import mock_aws

from scanner.live.options import LiveOptions
from scanner.live.registry import CollectorSet
from scanner.live.scan import collect_live
from scanner.live.session import create_session, make_client, retry_config
from scanner.model import Snapshot
from scanner.model.vocabulary import RESOURCE_TYPES

FAKES = CollectorSet(collectors=[fake_network, fake_rds], metrics=fake_metrics)
OPTIONS = LiveOptions(regions=["us-east-1", "eu-west-1"], workers=4)


def _content(snapshot: Snapshot) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    return ([r.model_dump() for r in snapshot.resources], [r.model_dump() for r in snapshot.relations])


@mock_aws
def test_before_call_errors_are_not_retried_but_before_send_errors_are() -> None:
    """Why the helper uses ``before-send``: botocore's retry loop never sees a ``before-call`` error."""
    attempts: list[str] = []

    def before_call(**_: object) -> None:
        attempts.append("call")
        raise ClientError({"Error": {"Code": "Throttling", "Message": "x"}}, "DescribeVpcs")

    ec2 = make_client(create_session(), "ec2", "us-east-1", retry_config())
    ec2.meta.events.register("before-call.ec2.DescribeVpcs", before_call)
    with pytest.raises(ClientError):
        ec2.describe_vpcs()
    assert attempts == ["call"]
    fault = inject(1.0, "RequestLimitExceeded", services={"ec2"})
    ec2 = make_client(create_session(), "ec2", "us-east-1", retry_config(), [fault.install])
    with pytest.raises(ClientError, match="RequestLimitExceeded") as info:
        ec2.describe_vpcs()
    # Config(retries={"max_attempts": 8}) counts retries: 1 attempt + 8 retries
    assert fault.attempts["ec2:DescribeVpcs"] == 9
    assert info.value.response["ResponseMetadata"]["RetryAttempts"] == 8


@pytest.mark.parametrize(("service", "code"), [
    ("rds", "Throttling"), ("ec2", "RequestLimitExceeded"), ("dynamodb", "ThrottlingException"),
    ("s3", "SlowDown"), ("backup", "ThrottlingException"), ("cloudwatch", "Throttling"),
])
def test_error_bodies_parse_to_the_code(service: str, code: str) -> None:
    """Each protocol's body parses to the injected error code (so the retry checker recognises it)."""
    from botocore.parsers import create_parser

    client = boto3.client(service, region_name="us-east-1")
    model = client.meta.service_model
    operation = model.operation_model(model.operation_names[0])
    response = error_response("https://example.invalid/", model.resolved_protocol, code)
    raw = {"status_code": response.status_code, "headers": response.headers, "body": response.content}
    parsed = create_parser(model.resolved_protocol).parse(raw, operation.output_shape)
    assert parsed["Error"]["Code"] == code


@mock_aws
def test_thirty_percent_throttling_gives_the_clean_snapshot() -> None:
    seed_account()
    clean = collect_live(OPTIONS, collectors=FAKES)
    assert [r.attributes["replica_lag_max_seconds"] for r in clean.resources if r.type == "aws.rds.db_instance"] == [
        42.0, 42.0]
    fault = inject(0.3, "Throttling", seed=7)
    throttled = collect_live(OPTIONS, collectors=FAKES, client_hooks=[fault.install])
    assert sum(fault.injected.values()) >= 3
    assert throttled.coverage == []
    assert _content(throttled) == _content(clean)
    assert throttled.source.api_calls == clean.source.api_calls  # retries are not extra logical calls


@mock_aws
def test_access_denied_on_rds_records_gaps_for_every_rds_type() -> None:
    seed_account()
    fault = inject(1.0, "AccessDenied", services={"rds"})
    snapshot = collect_live(OPTIONS, collectors=FAKES, client_hooks=[fault.install])
    rds_types = {t for t in RESOURCE_TYPES if t.startswith("aws.rds.")}
    for region in OPTIONS.regions:
        gaps = [g for g in snapshot.coverage if g.region == region]
        assert {g.service for g in gaps} == {"rds"} and {g.error for g in gaps} == {"AccessDenied"}
        assert {t for g in gaps for t in g.resource_types} == rds_types
        assert {g.operation for g in gaps} == {"DescribeDBInstances", "DescribeDBClusters", "DescribeGlobalClusters",
                                              "DescribeDBSubnetGroups"}
    assert not [r for r in snapshot.resources if r.type.startswith("aws.rds.")]
    assert [r for r in snapshot.resources if r.type == "aws.ec2.subnet"]  # other services unaffected
