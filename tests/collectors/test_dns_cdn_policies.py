"""The DNS and CDN policies over the live collectors (moto Route 53 and CloudFront): records, checks and
distributions as a scan collects them decide pass, fail and unknown.

moto reports no checker observations of its own, so ``GetHealthCheckStatus`` answers are recorded
(AWS's shape: one observation per checker Region).
"""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from _data_helpers import ACCOUNT, REGION, collect, recorded, snapshot_of

from scanner.collectors import cloudfront, route53
from scanner.collectors.base import Collected
from scanner.graph import build_graph
from scanner.model import Status
from scanner.policy import evaluate, load_pack

pytestmark = pytest.mark.usefixtures("aws")
DNS = {"dns-failover-pairs", "dns-failover-ttl", "dns-health-check-live"}


def _verdicts(collected: Collected, policies: set[str]) -> dict[tuple[str, str], Status]:
    snapshot = snapshot_of(collected)
    names = {r.uid: r.attributes.get("set_identifier") or r.name for r in snapshot.resources}
    return {(f.policy_id, str(names[f.resource_uid])): f.status
            for f in evaluate(load_pack(), build_graph(snapshot), only=policies)}


def _record(name: str, ident: str, role: str, ttl: int, check: str | None = None) -> dict[str, Any]:
    record: dict[str, Any] = {"Name": name, "Type": "A", "SetIdentifier": ident, "Failover": role, "TTL": ttl,
                              "ResourceRecords": [{"Value": "203.0.113.1"}]}
    if check:
        record["HealthCheckId"] = check
    return {"Action": "CREATE", "ResourceRecordSet": record}


def test_failover_pairs_ttl_and_live_health() -> None:
    client = boto3.client("route53", region_name=REGION)
    zone = client.create_hosted_zone(Name="example.com", CallerReference="1")["HostedZone"]["Id"].split("/")[-1]

    def check(reference: str, interval: int, threshold: int) -> str:
        return client.create_health_check(CallerReference=reference, HealthCheckConfig={
            "Type": "HTTPS", "FullyQualifiedDomainName": f"{reference}.example.com", "RequestInterval": interval,
            "FailureThreshold": threshold})["HealthCheck"]["Id"]

    quick, down, slow, silent = check("quick", 10, 3), check("down", 10, 3), check("slow", 30, 10), check("silent",
                                                                                                        10, 3)
    client.change_resource_record_sets(HostedZoneId=zone, ChangeBatch={"Changes": [
        _record("api.example.com", "api-east", "PRIMARY", 60, quick),
        _record("api.example.com", "api-west", "SECONDARY", 60),
        _record("www.example.com", "www-east", "PRIMARY", 60, down),
        _record("www.example.com", "www-west", "SECONDARY", 300),
        _record("pay.example.com", "pay-east", "PRIMARY", 30, slow),
        _record("img.example.com", "img-east", "PRIMARY", 60, silent),
        _record("img.example.com", "img-west", "SECONDARY", 60, silent)]})
    reports = {quick: "Success: HTTP Status Code 200, OK", down: "Failure: Connection timed out.",
               slow: "Success: HTTP Status Code 200, OK"}

    def status(request: dict[str, Any]) -> dict[str, Any]:
        check_id = request["url_path"].split("/")[-2]
        text = reports.get(check_id)
        return {"HealthCheckObservations": [] if text is None else [
            {"Region": region, "IPAddress": "198.51.100.1", "StatusReport": {"Status": text}}
            for region in ("us-east-1", "eu-west-1", "ap-southeast-1")]}

    collected, ctx = collect(route53, hooks=[recorded("GetHealthCheckStatus", status)])
    assert not ctx.gaps
    verdicts = _verdicts(collected, DNS)
    assert {k: v for k, v in verdicts.items() if k[0] == "dns-failover-pairs"} == {
        ("dns-failover-pairs", "api-east"): Status.PASS, ("dns-failover-pairs", "api-west"): Status.PASS,
        ("dns-failover-pairs", "www-east"): Status.PASS, ("dns-failover-pairs", "www-west"): Status.PASS,
        ("dns-failover-pairs", "pay-east"): Status.FAIL,  # no secondary
        ("dns-failover-pairs", "img-east"): Status.FAIL, ("dns-failover-pairs", "img-west"): Status.FAIL}  # one check
    assert verdicts[("dns-failover-ttl", "www-west")] is Status.FAIL
    assert verdicts[("dns-failover-ttl", "pay-east")] is Status.PASS
    assert {k: v for k, v in verdicts.items() if k[0] == "dns-health-check-live"} == {
        ("dns-health-check-live", "api-east"): Status.PASS,
        ("dns-health-check-live", "www-east"): Status.FAIL,  # unhealthy now
        ("dns-health-check-live", "pay-east"): Status.FAIL,  # 10 x 30 s to notice
        ("dns-health-check-live", "img-east"): Status.UNKNOWN}  # no checker has reported


def test_a_single_origin_distribution_fails_and_an_origin_group_passes() -> None:
    boto3.client("cloudfront", region_name=REGION).create_distribution(DistributionConfig={
        "CallerReference": "1", "Comment": "", "Enabled": True,
        "Origins": {"Quantity": 1, "Items": [{"Id": "web", "DomainName": "web.example.com", "CustomOriginConfig": {
            "HTTPPort": 80, "HTTPSPort": 443, "OriginProtocolPolicy": "https-only"}}]},
        "DefaultCacheBehavior": {"TargetOriginId": "web", "ViewerProtocolPolicy": "redirect-to-https",
                                 "MinTTL": 0, "ForwardedValues": {"QueryString": False, "Cookies": {"Forward": "none"}},
                                 "TrustedSigners": {"Enabled": False, "Quantity": 0}}})
    live, ctx = collect(cloudfront)
    assert not ctx.gaps
    # moto rejects a default behaviour targeting an origin group: AWS's shape, through the collector's parse
    config = {"Enabled": True, "Origins": {"Quantity": 2, "Items": [
                  {"Id": "east", "DomainName": "east.example.com"}, {"Id": "west", "DomainName": "west.example.com"}]},
              "OriginGroups": {"Quantity": 1, "Items": [{"Id": "pair", "FailoverCriteria": {
                  "StatusCodes": {"Quantity": 4, "Items": [500, 502, 503, 504]}},
                  "Members": {"Quantity": 2, "Items": [{"OriginId": "east"}, {"OriginId": "west"}]}}]},
              "DefaultCacheBehavior": {"TargetOriginId": "pair"}}
    arn = f"arn:aws:cloudfront::{ACCOUNT}:distribution/E1"
    recorded_dist = cloudfront.parse({"distributions": [
        {"Id": "E1", "ARN": arn, "DistributionConfig": config},
        {"Id": "E2", "ARN": arn + "x", "DistributionConfig": {"error": "AccessDenied"}}]}, ACCOUNT, REGION)
    collected = Collected(resources=[*live.resources, *recorded_dist.resources])
    verdicts = {name: status for (_, name), status in _verdicts(collected, {"cdn-origin-failover"}).items()}
    single = next(r.name for r in live.resources)
    assert verdicts == {single: Status.FAIL, "E1": Status.PASS, "E2": Status.UNKNOWN}  # E2's config was denied
