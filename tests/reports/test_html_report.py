"""The HTML report: sections, topology from the graphs, trend, resilience, escaping, self-containment."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import pytest
from reports_factory import finding, sample_report
from snapshot_factory import snapshot

from scanner.errors import InputError
from scanner.examples import EXAMPLE_PATH
from scanner.graph import build_graph
from scanner.model import Severity, Status, load_snapshot
from scanner.policy import evaluate, load_pack
from scanner.reports import build_report, render
from scanner.reports.html import render_html
from scanner.reports.report import counts_as_failure
from scanner.reports.topology import resource_anchor

HOSTILE = '<script>alert("x")</script>&"\'<img src=x onerror=alert(1)>'


class _Elements(HTMLParser):
    """Every start tag with its attributes, and the text inside ``<text>`` elements."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.texts: list[str] = []
        self._in_text = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_text = tag == "text"

    def handle_endtag(self, tag: str) -> None:
        self._in_text = False

    def handle_data(self, data: str) -> None:
        if self._in_text:
            self.texts.append(data)


def _parse(text: str) -> _Elements:
    parser = _Elements()
    parser.feed(text)
    return parser


@pytest.fixture(scope="module")
def example() -> tuple[Any, Any]:
    snap = load_snapshot(EXAMPLE_PATH)
    graph = build_graph(snap)
    pack = load_pack([])
    findings = evaluate(pack, graph, None)
    report = build_report(findings, [p.info() for p in pack.ordered()], snap.source, fail_on=Severity.LOW,
                          allow_unknown=False)
    return report, graph


def test_example_report_has_every_section_and_the_topology(example: tuple[Any, Any]) -> None:
    report, graph = example
    text = render_html(report, graphs=[graph])
    for section in ("summary", "findings", "themes", "breakdown", "topology"):
        assert f'<section id="{section}">' in text
    assert "exit code 1" in text and report.summary.failing > 0
    assert text.index('id="summary"') < text.index('id="findings"') < text.index('id="themes"') \
        < text.index('id="breakdown"') < text.index('id="topology"')
    elements = _parse(text)
    zones = {a["data-az"] for tag, a in elements.tags if tag == "text" and "data-az" in a}
    subnet_zones = {r.attributes["availability_zone"] for r in graph.resources.values() if r.type == "aws.ec2.subnet"}
    assert zones == subnet_zones


def test_every_failing_resource_drawn_links_to_its_entry_and_findings_link_back(example: tuple[Any, Any]) -> None:
    report, graph = example
    elements = _parse(render_html(report, graphs=[graph]))
    ids = {a["id"] for _, a in elements.tags if a.get("id")}
    links = {a["href"][1:] for tag, a in elements.tags if tag == "a" and (a.get("href") or "").startswith("#")}
    assert links <= ids  # no dangling anchor
    drawn = {a["data-uid"]: a for tag, a in elements.tags if tag == "g" and "data-uid" in a}
    failing = {f.resource_uid for f in report.findings if f.status is Status.FAIL}
    for uid in failing & set(drawn):
        assert "mark-fail" in (drawn[uid]["class"] or "")
        assert resource_anchor(uid) in ids and resource_anchor(uid) in links
    assert failing & set(drawn), "the example's failing resources are in the picture"
    assert any(a.get("href", "").startswith("#n-") for tag, a in elements.tags if tag == "a")


def test_breakdown_counts_failures_per_account_and_region(example: tuple[Any, Any]) -> None:
    report, _ = example
    text = render_html(report)
    table = text[text.index('<section id="breakdown">'):]
    table = table[:table.index("</section>")]
    rows = re.findall(r"<tr><td>(\d+)</td><td>([\w-]+)</td>((?:\s*<td[^>]*>\d+</td>)+)", table)
    assert {(account, region) for account, region, _ in rows} == {("111122223333", "us-east-1"),
                                                                  ("111122223333", "us-west-2")}
    high_east = sum(f.severity is Severity.HIGH and counts_as_failure(f, report.allow_unknown)
                    and f.region == "us-east-1" for f in report.findings)  # fail, and unknown/error unless allowed
    east = next(cells for _, region, cells in rows if region == "us-east-1")
    numbers = [int(n) for n in re.findall(r">(\d+)<", east)]
    assert numbers[2] == high_east  # resources, critical, high, ...


def test_without_graphs_trend_or_resilience_their_sections_are_absent() -> None:
    text = render_html(sample_report())
    assert 'id="topology"' not in text and 'id="trend"' not in text and 'id="resilience"' not in text
    assert "<svg" not in text


def test_trend_is_an_inline_svg_line_per_severity_that_failed() -> None:
    runs = [{"run_id": f"run-{i}", "timestamp": f"2026-02-{i + 1:02d}T03:00:00Z",
             "failures": {"high": i, "medium": 2}} for i in range(5)]
    runs.reverse()  # given newest first: drawn oldest first
    text = render(sample_report(), "html", trend=runs)
    assert '<section id="trend">' in text
    chart = text[text.index('<svg xmlns="http://www.w3.org/2000/svg" class="trend"'):]
    chart = chart[:chart.index("</svg>")]
    severities = re.findall(r'data-severity="(\w+)"', chart)
    assert severities == ["high", "medium"]  # critical, low and info never failed
    high = re.search(r'<g class="series" data-severity="high">\s*<polyline class="s-high" points="([^"]+)"', chart)
    assert high is not None
    points = [tuple(map(float, p.split(","))) for p in high.group(1).split()]
    assert [x for x, _ in points] == sorted(x for x, _ in points)
    assert [y for _, y in points] == sorted((y for _, y in points), reverse=True)  # 0, 1, 2... rising
    assert "run run-4 · 2026-02-05T03:00:00+00:00 · 4 high" in chart


def test_an_empty_trend_says_so_and_a_malformed_one_is_an_input_error() -> None:
    assert "No earlier runs in the history yet." in render_html(sample_report(), trend=[])
    with pytest.raises(InputError, match=r"trend run 0: failures.high: .*greater than or equal to 0"):
        render_html(sample_report(), trend=[{"run_id": "1", "timestamp": "2026-01-01T00:00:00Z",
                                             "failures": {"high": -1}}])
    with pytest.raises(InputError, match="trend run 1: timestamp"):
        render_html(sample_report(), trend=[{"run_id": "1", "timestamp": "2026-01-01T00:00:00Z"},
                                            {"run_id": "2", "timestamp": "yesterday"}])


def test_resilience_rows_compare_with_targets_and_unknown_never_meets() -> None:
    targets = {"rpo_seconds": 300, "rto_seconds": 3600}
    rows = [
        {"workload": "orders", "store": "orders-db", "store_uid": "arn:db", "disruption": "az",
         "rpo_seconds": 0, "rto_seconds": 120, "mechanism": "Multi-AZ standby", "targets": targets},
        {"workload": "orders", "store": "orders-db", "disruption": "region", "rpo_seconds": None,
         "rto_seconds": 5400, "mechanism": "cross-Region replica", "targets": targets},
    ]
    text = render_html(sample_report(), resilience=rows)
    section = text[text.index('<section id="resilience">'):]
    section = section[:section.index("</section>")]
    assert section.count("<tr>") == 3
    first, second = section.split("<tr>")[2:]
    assert first.count('class="meets"') == 2 and f'href="#{resource_anchor("arn:db")}"' in first
    assert 'class="unknownv">unknown' in second and "target 5 min: unknown" in second
    assert 'class="misses">1 h 30 min' in second and "Region" in second
    with pytest.raises(InputError, match="resilience row 0: disruption"):
        render_html(sample_report(), resilience=[{**rows[0], "disruption": "planet"}])


def test_hostile_names_are_escaped_in_the_findings_and_the_picture() -> None:
    snap = snapshot([{"uid": "vpc", "type": "aws.ec2.vpc", "name": HOSTILE},
                     {"uid": HOSTILE, "type": "aws.ec2.subnet", "name": HOSTILE,
                      "attributes": {"availability_zone": HOSTILE, "cidr_block": HOSTILE}}],
                    [(HOSTILE, "in_vpc", "vpc")])
    report = sample_report(findings=[finding("rds-multi-az", HOSTILE, Status.FAIL, resource_name=HOSTILE,
                                             message=HOSTILE, account=HOSTILE, region=HOSTILE)])
    text = render_html(report, graphs=[build_graph(snap)])
    assert "<script" not in text and "<img" not in text and "onerror=alert(1)>" not in text
    elements = _parse(text)
    assert not [tag for tag, _ in elements.tags if tag in ("script", "img", "iframe")]
    assert HOSTILE in {a.get("data-uid") for _, a in elements.tags}  # attribute round-trips unchanged
    assert any(HOSTILE[:20] in t for t in elements.texts)


def test_page_is_self_contained() -> None:
    snap = load_snapshot(EXAMPLE_PATH)
    text = render_html(sample_report(), graphs=[build_graph(snap)],
                       trend=[{"run_id": "1", "timestamp": "2026-01-01T00:00:00Z", "failures": {"high": 1}}])
    elements = _parse(text)
    for tag, attrs in elements.tags:
        for name in ("src", "href"):
            value = attrs.get(name) or ""
            assert not value or value.startswith("#"), (tag, name, value)
        assert tag not in ("link", "script", "iframe", "img")
    assert "@import" not in text and "url(http" not in text
    assert "<style>" in text and "class=\"topology\"" in text


def test_no_attribute_values_beyond_the_picture_facts_reach_the_page() -> None:
    secret = "hunter2-do-not-print"
    snap = snapshot([{"uid": "vpc", "type": "aws.ec2.vpc"},
                     {"uid": "i-1", "type": "aws.ec2.instance", "name": "app",
                      "attributes": {"instance_type": "m5.large", "tags": {"Password": secret}}},
                     {"uid": "s", "type": "aws.ec2.subnet", "attributes": {"availability_zone": "eu-west-1a"}}],
                    [("s", "in_vpc", "vpc"), ("i-1", "in_subnet", "s")])
    text = render_html(sample_report(), graphs=[build_graph(snap)])
    assert "EC2 m5.large" in text and secret not in text


def test_trend_keeps_the_last_runs_and_handles_one_run_and_no_failure() -> None:
    from scanner.reports.trend import MAX_RUNS, trend_chart

    runs = [{"run_id": str(i), "timestamp": f"2026-01-01T00:{i // 60:02d}:{i % 60:02d}Z", "failures": {"low": i}}
            for i in range(MAX_RUNS + 5)]
    chart = trend_chart(runs)
    assert chart is not None and chart.omitted == 5 and chart.runs[0].run_id == "5"
    (series,) = chart.series
    assert all(chart.plot[1] <= p.y <= chart.plot[3] for p in series.points)
    single = trend_chart([{"run_id": "only", "timestamp": "2026-01-01T00:00:00Z", "failures": {"high": 2}}])
    assert single is not None and len(single.series[0].points) == 1
    text = render_html(sample_report(), trend=[{"run_id": "only", "timestamp": "2026-01-01T00:00:00Z"}])
    assert "no failures in these runs" in text and "<polyline" not in text
    assert trend_chart([]) is None
