"""Streamed reports equal the former whole-text renderers; compact evidence of passing findings."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
from reports_factory import finding, sample_report

from scanner.cli import main
from scanner.examples import EXAMPLE_PATH
from scanner.graph import build_graph
from scanner.model import Status, compact_evidence, load_snapshot
from scanner.policy import evaluate, load_pack
from scanner.reports import render, stream
from scanner.reports.json_report import json_chunks, report_data
from scanner.reports.junit import junit_element
from scanner.reports.sarif import sarif_chunks, sarif_log
from scanner.reports.schema import SCHEMA_PATH

DATA = Path(__file__).resolve().parent / "data"
SARIF_SCHEMA = json.loads((DATA.parent.parent / "data" / "sarif-schema-2.1.0.json").read_text("utf-8"))
REPORT_SCHEMA = json.loads(SCHEMA_PATH.read_text("utf-8"))


@pytest.mark.parametrize("allow_unknown", [False, True])
def test_streamed_text_equals_the_former_renderers(allow_unknown: bool) -> None:
    """``data/sample*`` were written by the renderers before streaming (JSON: report/1, the only change)."""
    report = sample_report(allow_unknown=allow_unknown)
    suffix = "-allow-unknown" if allow_unknown else ""
    assert render(report, "sarif") == (DATA / f"sample{suffix}.sarif").read_text("utf-8")
    assert render(report, "junit") == (DATA / f"sample{suffix}.junit.xml").read_text("utf-8")
    former = (DATA / f"sample{suffix}.v1.json").read_text("utf-8")
    expected = former.replace('"haguard.report/1"', '"haguard.report/2"').replace(
        '\n  "policies": [', '\n  "passing_evidence": "full",\n  "policies": [', 1)
    assert render(report, "json") == expected


@pytest.mark.parametrize("findings", [None, []], ids=["sample", "empty"])
def test_streams_equal_the_whole_documents(findings: list | None) -> None:
    report = sample_report() if findings is None else sample_report(findings=findings, coverage=[])
    text = b"".join(json_chunks(report)).decode()
    assert text == json.dumps(report_data(report), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    jsonschema.validate(json.loads(text), REPORT_SCHEMA)
    sarif = b"".join(sarif_chunks(report)).decode()
    assert sarif == json.dumps(sarif_log(report), indent=2, ensure_ascii=False) + "\n"
    jsonschema.validators.validator_for(SARIF_SCHEMA)(SARIF_SCHEMA).validate(json.loads(sarif))
    junit = b"".join(stream(report, "junit")).decode()
    assert junit == '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(junit_element(report),
                                                                            encoding="unicode") + "\n"
    ET.fromstring(junit.split("\n", 1)[1])


def test_large_reports_come_one_finding_per_chunk() -> None:
    findings = [finding("rds-multi-az", f"arn:aws:rds:us-east-1:111122223333:db:db-{i}",
                        Status.PASS if i % 3 else Status.FAIL) for i in range(600)]
    report = sample_report(findings=findings)
    for chunks, per_item in ((list(json_chunks(report)), 600), (list(sarif_chunks(report)), 200),
                             (list(stream(report, "junit")), 600)):
        assert len(chunks) >= per_item + 2
        assert max(len(c) for c in chunks[1:-1]) < 4000
    assert json.loads(b"".join(json_chunks(report)))["findings"][0]["resource_uid"].endswith("db-0")


def test_unicode_and_odd_values_survive_the_stream() -> None:
    odd = finding("rds-multi-az", "db-ü", evidence=[{"attr": "x", "value": {"zone": "ünïcode \u2028 ☃", "n": 1.5,
                                                                          "items": [1, None, True]}}])
    report = sample_report(findings=[odd])
    text = render(report, "json")
    assert json.loads(text)["findings"][0]["evidence"] == odd.evidence
    assert text == json.dumps(report_data(report), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


@pytest.fixture(scope="module")
def example_findings() -> tuple[list, list]:
    graph = build_graph(load_snapshot(EXAMPLE_PATH))
    pack = load_pack()
    return evaluate(pack, graph), evaluate(pack, graph, evidence="compact")


def test_compact_evidence_is_kept_for_passing_findings_only(example_findings: tuple[list, list]) -> None:
    full, compact = example_findings
    assert [(f.id, f.status, f.message) for f in full] == [(f.id, f.status, f.message) for f in compact]
    passing = 0
    for whole, small in zip(full, compact, strict=True):
        if whole.status is not Status.PASS:
            assert small.evidence == whole.evidence
            continue
        passing += 1
        assert small.evidence == compact_evidence(whole.evidence, whole.resource_uid)
        assert len(small.evidence) <= 3
        for item in small.evidence:
            assert not {"path", "test", "context"} & item.keys()
            assert item.get("resource") != whole.resource_uid
    assert passing > 20


def test_compact_form_keeps_the_deciding_values() -> None:
    uid = "arn:aws:ec2:us-east-1:1:subnet/s-1"
    evidence = [
        {"resource": uid, "selector": "some -> default_route", "members": 1},
        {"resource": "nat-1", "attr": "type", "value": "aws.ec2.nat_gateway", "test": "equals x",
         "path": [f"{uid} -[default_route]-> nat-1"]},
        {"resource": uid, "selector": "count -> in_subnet", "count": 3, "members": ["a", "b", "c"], "test": "gte 2"},
        {"resource": uid, "attr": "zone", "unknown": "unresolved !Ref"},
        {"resource": uid, "attr": "late", "value": 1},
    ]
    compact = compact_evidence(evidence, uid)
    assert compact == [{"resource": "nat-1", "attr": "type", "value": "aws.ec2.nat_gateway"},
                       {"selector": "count -> in_subnet", "count": 3}, {"attr": "zone", "unknown": "unresolved !Ref"}]
    assert compact_evidence(compact, uid) is compact


def test_cli_writes_compact_evidence_unless_verbose(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    reports = {}
    for name, extra in (("compact", []), ("full", ["--verbose"])):
        target = tmp_path / f"{name}.json"
        assert main(["scan", "--example", "--format", "json", "--output", str(target), *extra]) == 1
        reports[name] = json.loads(target.read_text())
        jsonschema.validate(reports[name], REPORT_SCHEMA)
        assert reports[name]["passing_evidence"] == name
    capsys.readouterr()
    compact, full = ({f["id"]: f for f in reports[n]["findings"]} for n in ("compact", "full"))
    assert compact.keys() == full.keys()
    for key, small in compact.items():
        whole = full[key]
        assert small["message"] == whole["message"]
        if small["status"] == "pass":
            assert small["evidence"] == compact_evidence(whole["evidence"], whole["resource_uid"])
        else:
            assert small["evidence"] == whole["evidence"]
    assert len(json.dumps(reports["compact"])) < len(json.dumps(reports["full"]))


def test_verbose_sarif_has_whole_lines_and_structured_evidence(capsys: pytest.CaptureFixture[str]) -> None:
    long_value = "x" * 300
    report = sample_report(findings=[finding("rds-multi-az", "db-1", evidence=[{"attr": "engine",
                                                                                "value": long_value}])])
    short = json.loads(b"".join(sarif_chunks(report)))["runs"][0]["results"][0]
    verbose = json.loads(b"".join(sarif_chunks(report, verbose=True)))["runs"][0]["results"][0]
    assert long_value not in short["message"]["text"] and "evidence" not in short["properties"]
    assert long_value in verbose["message"]["text"]
    assert verbose["properties"]["evidence"] == [{"attr": "engine", "value": long_value}]
    assert main(["scan", "--example", "--format", "sarif", "--verbose"]) == 1
    log = json.loads(capsys.readouterr().out)
    jsonschema.validators.validator_for(SARIF_SCHEMA)(SARIF_SCHEMA).validate(log)
    assert all("evidence" in r["properties"] for r in log["runs"][0]["results"])


def test_junit_passing_cases_escape_like_elementtree() -> None:
    odd = [finding("rds-multi-az", f"db{i}-&<>\"'\t\r\nü", status) for i, status in enumerate(Status)]
    report = sample_report(findings=odd)
    junit = render(report, "junit")
    assert junit == '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(junit_element(report),
                                                                            encoding="unicode") + "\n"
    names = [case.get("name") for case in ET.fromstring(junit.split("\n", 1)[1]).iter("testcase")]
    assert sorted(names) == sorted(f.resource_uid for f in odd)
