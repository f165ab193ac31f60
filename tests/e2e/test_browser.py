"""The HTML report and the Mermaid export, rendered in headless Debian Chromium (nothing fetched).

These tests fail, never skip, when Chromium or the Mermaid npm bundle is missing: ``.ci/run``
installs both (see ``tests/headless.py``).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import png
import pytest
from headless import dump_dom, mermaid_page, screenshot

from scanner.examples import EXAMPLE_PATH

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_ZONES = sorted({r["attributes"]["availability_zone"] for r in json.loads(EXAMPLE_PATH.read_text())["resources"]
                        if r["type"] == "aws.ec2.subnet"})
TIER_FILLS = {"public": (0xFF, 0xF7, 0xED), "private": (0xEF, 0xF6, 0xFF), "isolated": (0xF0, 0xFD, 0xF4)}
"""Background colours of the tier rows (report.css): only a painted topology has them."""


def _haguard(*argv: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "scanner.cli", *argv], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120, check=False)


def _colours(path: Path, step: int = 3) -> tuple[dict[tuple[int, int, int], int], int]:
    """Colour counts over every ``step``-th pixel of every ``step``-th row, and the pixels sampled."""
    _, _, rows, _ = png.Reader(filename=str(path)).asRGB8()
    counts: dict[tuple[int, int, int], int] = {}
    sampled = 0
    for index, row in enumerate(rows):
        if index % step:
            continue
        for i in range(0, len(row), 3 * step):
            colour = (row[i], row[i + 1], row[i + 2])
            counts[colour] = counts.get(colour, 0) + 1
            sampled += 1
    return counts, sampled


class _TopologyZones(HTMLParser):
    """The ``data-az`` headers and the resource groups inside ``<svg class="topology">``."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.zones: list[str] = []
        self.nodes: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "svg" and "topology" in (values.get("class") or ""):
            self.depth = 1
        elif self.depth:
            self.depth += 1
            if tag == "text" and values.get("data-az"):
                self.zones.append(values["data-az"] or "")
            if tag == "g" and values.get("data-uid"):
                self.nodes.append(values["data-uid"] or "")

    def handle_endtag(self, tag: str) -> None:
        if self.depth:
            self.depth -= 1


@pytest.fixture(scope="module")
def example_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report") / "report.html"
    result = _haguard("scan", "--example", "--format", "html", "--output", str(out))
    assert result.returncode == 1, result.stderr  # the example carries deliberate violations
    return out


def test_example_report_screenshot_is_not_blank_and_shows_the_topology(example_report: Path, tmp_path: Path) -> None:
    shot = tmp_path / "report.png"
    screenshot(example_report, shot, width=1280, height=12000, scale=0.4)  # the whole page, in fewer pixels
    counts, sampled = _colours(shot, step=2)
    white = counts.get((255, 255, 255), 0)
    assert len(counts) > 200, f"only {len(counts)} colours: a blank or unstyled page"
    assert sampled - white > sampled * 0.05, "almost everything is white"
    for tier, fill in TIER_FILLS.items():
        assert counts.get(fill, 0) > 300, f"the {tier} tier rows of the topology are not painted"


def test_example_topology_has_a_column_for_every_availability_zone(example_report: Path) -> None:
    dom = dump_dom(example_report)
    assert "<section id=\"topology\">" in dom
    parser = _TopologyZones()
    parser.feed(dom)
    assert sorted(set(parser.zones)) == EXAMPLE_ZONES and len(parser.zones) == len(EXAMPLE_ZONES)
    names = {r["uid"]: r.get("name") for r in json.loads(EXAMPLE_PATH.read_text())["resources"]}
    drawn = {names[uid] for uid in parser.nodes}
    assert {"web-alb", "web-asg", "orders-db", "orders-db-replica", "app-cache", "nat-a", "prod-igw",
            "sessions"} <= drawn


def _render_mermaid(source: str, directory: Path) -> str:
    dom = dump_dom(mermaid_page(source, directory), budget_ms=20000)
    match = re.search(r'<pre id="result">([^<]*)</pre>', dom)
    assert match is not None, dom[:2000]
    return match.group(1), dom


def test_mermaid_export_of_the_example_renders(tmp_path: Path) -> None:
    result = _haguard("graph", "--example", "--format", "mermaid")
    assert result.returncode == 0, result.stderr
    status, dom = _render_mermaid(result.stdout, tmp_path)
    assert status == "OK"
    assert "orders-db-replica" in dom and 'class="node' in dom


def test_mermaid_export_with_hostile_names_renders_them_as_text(tmp_path: Path) -> None:
    names = ['a"]; end; subgraph x["', "<script>window.pwned=1</script>", "p|q", "%% c", "end", "A-->B", "`md`"]
    resources = [{"uid": "vpc", "type": "aws.ec2.vpc", "name": names[0]}]
    resources += [{"uid": f"s{i}", "type": "aws.ec2.subnet", "name": n} for i, n in enumerate(names)]
    relations = [{"src": f"s{i}", "kind": "in_vpc", "dst": "vpc"} for i in range(len(names))]
    # relation kinds are a closed set (a hostile kind is refused at load), so hostility goes into uids
    resources += [{"uid": f"u{n}", "type": "aws.ec2.subnet", "name": "plain"} for n in names]
    relations += [{"src": f"u{n}", "kind": "in_vpc", "dst": "vpc"} for n in names]
    snapshot = tmp_path / "hostile.json"
    snapshot.write_text(json.dumps({"schema": "haguard.snapshot/1", "source": {"kind": "synthetic"},
                                    "resources": resources, "relations": relations}))
    result = _haguard("graph", "--snapshot", str(snapshot), "--format", "mermaid")
    assert result.returncode == 0, result.stderr
    status, dom = _render_mermaid(result.stdout, tmp_path)
    assert status == "OK"
    out = dom[dom.index('<div id="out">'):]
    assert "<script>window.pwned" not in out and "&lt;script&gt;window.pwned=1&lt;/script&gt;" in out


def test_the_mermaid_harness_reports_syntax_errors(tmp_path: Path) -> None:
    status, _ = _render_mermaid("flowchart LR\n  a[\"x\"] --> b[[[\n", tmp_path)
    assert status.startswith("ERROR: ") and "Parse error" in status
