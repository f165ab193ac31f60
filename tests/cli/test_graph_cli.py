"""``haguard graph``: every format, parse-back, hostile names, --focus/--depth, inputs and errors."""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path

import networkx as nx
import pydot
import pytest

from scanner.cli import main
from scanner.examples import EXAMPLE_PATH
from scanner.graph import build_graph
from scanner.graph.export import dot_text, mermaid_text
from scanner.model import load_snapshot

ROOT = Path(__file__).resolve().parents[2]
NETWORK_TEMPLATE = ROOT / "tests" / "iac" / "data" / "cfn" / "network.yaml"
HOSTILE_NAMES = ['a"]; end; subgraph x["', "<script>alert(1)</script>", "#quot; #35; &amp;", "`md` **b**",
                 "p|q|r", "line\nbreak\ttab", "%% comment", "click n0 call alert()", "end", "A-->B", "{{x}}",
                 "[[y]]", "back\\slash\\n", ";;;", "style n0 fill:#f00", 'x" -> y [label="z', "ünïcödé ☃"]


def _parse_dot(text: str) -> pydot.Dot:
    """The one graph of a DOT text, parsed by pydot (its parser warns about pyparsing's renamed API)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        (parsed,) = pydot.graph_from_dot_data(text)
    return parsed


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["graph", *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def example_graph() -> nx.MultiDiGraph:
    return build_graph(load_snapshot(EXAMPLE_PATH)).nx_graph


@pytest.fixture
def hostile_snapshot(tmp_path: Path) -> Path:
    """A VPC and one subnet per hostile name, each (but the first) using a route table of the previous name."""
    resources = [{"uid": 'vpc"1', "type": "aws.ec2.vpc", "name": HOSTILE_NAMES[0], "region": 'r"]\n'}]
    relations = []
    for i, name in enumerate(HOSTILE_NAMES):
        uid = f"subnet-{i}:{name}"
        resources.append({"uid": uid, "type": "aws.ec2.subnet", "name": name, "region": 'r"]\n',
                          "attributes": {"availability_zone": f"az {name}"}})
        relations.append({"src": uid, "kind": "in_vpc", "dst": 'vpc"1'})
        if i:
            table = f"rtb-{i}:{HOSTILE_NAMES[i - 1]}"
            resources.append({"uid": table, "type": "aws.ec2.route_table", "name": HOSTILE_NAMES[i - 1],
                              "region": 'r"]\n'})
            relations.append({"src": uid, "kind": "uses_route_table", "dst": table})
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps({"schema": "haguard.snapshot/1", "source": {"kind": "synthetic"},
                                "resources": resources, "relations": relations}))
    return path


def test_graphml_parses_back_to_the_same_nodes_and_edges(capsys: pytest.CaptureFixture[str],
                                                          example_graph: nx.MultiDiGraph) -> None:
    code, out, _ = _run(capsys, "--example", "--format", "graphml")
    assert code == 0
    parsed = nx.parse_graphml(out, force_multigraph=True)
    assert set(parsed.nodes) == set(example_graph.nodes)
    assert sorted((s, d, k) for s, d, k in example_graph.edges(keys=True)) == sorted(
        (s, d, data["kind"]) for s, d, data in parsed.edges(data=True))
    orders = next(n for n, data in parsed.nodes(data=True) if data.get("name") == "orders-db")
    assert parsed.nodes[orders]["type"] == "aws.rds.db_instance"
    assert parsed.nodes[orders]["availability_zones"] == "us-east-1a,us-east-1b"


def test_json_lists_every_node_and_edge(capsys: pytest.CaptureFixture[str], example_graph: nx.MultiDiGraph) -> None:
    code, out, _ = _run(capsys, "--example", "--format", "json")
    document = json.loads(out)
    assert code == 0 and document["schema"] == "haguard.graph/1"
    assert {n["uid"] for n in document["nodes"]} == set(example_graph.nodes)
    assert len(document["edges"]) == example_graph.number_of_edges()
    subnets = [n for n in document["nodes"] if n["type"] == "aws.ec2.subnet"]
    assert {n["tier"] for n in subnets} == {"public", "private", "isolated"}
    assert document["sources"][0]["kind"] == "example"


def test_mermaid_and_dot_nest_resources_in_region_and_vpc(capsys: pytest.CaptureFixture[str]) -> None:
    _, mermaid, _ = _run(capsys, "--example", "--format", "mermaid")
    assert mermaid.startswith("flowchart LR\n")
    assert mermaid.count("subgraph") == 4  # two Regions, two VPCs
    assert mermaid.count("subgraph") == mermaid.count("\n    end\n") + mermaid.count("\n  end\n")
    assert '["VPC prod-vpc"]' in mermaid and "in_vpc" not in mermaid  # membership is the nesting
    _, dot, _ = _run(capsys, "--example", "--format", "dot")
    parsed = _parse_dot(dot)
    clusters = [s.get_label() for s in parsed.get_subgraphs()]
    assert clusters == ['"us-east-1 / account 111122223333"', '"us-west-2 / account 111122223333"']


def _unquote_dot(value: str) -> str:
    inner = value[1:-1]
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), inner).replace("&amp;", "&")


def test_hostile_names_survive_dot_quoting(capsys: pytest.CaptureFixture[str], hostile_snapshot: Path) -> None:
    code, dot, _ = _run(capsys, "--snapshot", str(hostile_snapshot), "--format", "dot")
    assert code == 0
    parsed = _parse_dot(dot)
    (region,) = [r for r in parsed.get_subgraphs() if r.get_subgraphs()]
    nodes = region.get_subgraphs()[0].get_nodes()
    # DOT keeps line breaks (as \n) and turns other control characters such as a tab into spaces
    expected = {f"subnet-{i}:{n}".replace("\t", " "): n.replace("\t", " ") for i, n in enumerate(HOSTILE_NAMES)}
    tooltips = {_unquote_dot(n.get("tooltip")): _unquote_dot(n.get_label()) for n in nodes}
    assert set(tooltips) == set(expected)
    for uid, label in tooltips.items():
        assert label.startswith(expected[uid] + "\naws.ec2.subnet")
    edges = [e for e in parsed.get_edges()]
    assert len(edges) == len(HOSTILE_NAMES) - 1
    assert {_unquote_dot(e.get_label()) for e in edges} == {"uses_route_table"}


def test_hostile_names_cannot_break_mermaid_syntax(capsys: pytest.CaptureFixture[str], hostile_snapshot: Path) -> None:
    code, mermaid, _ = _run(capsys, "--snapshot", str(hostile_snapshot), "--format", "mermaid")
    assert code == 0
    label = r'"[\w ,.:/@()+=#;-]*(<br/>[\w ,.:/@()+=#;-]*)?"'
    grammar = re.compile(rf"^(flowchart LR|\s*subgraph g\d+\[{label}\]|\s*end|\s*n\d+\[{label}\]"
                         rf"|\s*n\d+ -->\|{label}\| n\d+|\s*classDef missing .*|\s*class [n\d,]+ missing)$")
    lines = mermaid.splitlines()
    assert len(lines) == 1 + 2 + 2 + len(HOSTILE_NAMES) + 2 * (len(HOSTILE_NAMES) - 1)  # + route tables, edges
    assert [line for line in lines if not grammar.match(line)] == []


def test_escapers_leave_no_syntax_character() -> None:
    for name in HOSTILE_NAMES:
        assert re.fullmatch(r"[\w ,.:/@()+=#;-]*", mermaid_text(name), flags=re.UNICODE)
        escaped = dot_text(name)
        assert "\n" not in escaped and not re.search(r'(?<!\\)"', escaped.replace("\\\\", ""))
    assert mermaid_text('say "hi"') == "say #34;hi#34;"
    assert dot_text('a\\b"c\nd&e') == 'a\\\\b\\"c\\nd&amp;e'


def test_hostile_uids_parse_back_from_graphml(capsys: pytest.CaptureFixture[str], hostile_snapshot: Path) -> None:
    _, out, _ = _run(capsys, "--snapshot", str(hostile_snapshot), "--format", "graphml")
    parsed = nx.parse_graphml(out, force_multigraph=True)
    assert {f"subnet-{i}:{n}" for i, n in enumerate(HOSTILE_NAMES)} <= set(parsed.nodes)
    assert {d["kind"] for _, _, d in parsed.edges(data=True)} == {"in_vpc", "uses_route_table"}


def _neighbourhood(graph: nx.MultiDiGraph, centre: str, depth: int) -> set[str]:
    found, frontier = {centre}, {centre}
    for _ in range(depth):
        frontier = {n for u in frontier for n in (*graph.successors(u), *graph.predecessors(u))} - found
        found |= frontier
    return found


@pytest.mark.parametrize("depth", [0, 1, 2])
def test_focus_keeps_resources_within_depth_relations(capsys: pytest.CaptureFixture[str],
                                                      example_graph: nx.MultiDiGraph, depth: int) -> None:
    centre = next(n for n, d in example_graph.nodes(data=True) if d["resource"] and d["resource"].name == "orders-db")
    code, out, _ = _run(capsys, "--example", "--format", "json", "--focus", centre, "--depth", str(depth))
    assert code == 0
    kept = {n["uid"] for n in json.loads(out)["nodes"]}
    assert kept == _neighbourhood(example_graph, centre, depth)
    if depth == 1:
        names = {n["name"] for n in json.loads(out)["nodes"]}
        assert {"orders-db-replica", "orders-db-subnets", "db-sg", "orders-db-cpu-high"} <= names
        assert "web-alb" not in names
    edges = json.loads(out)["edges"]
    assert all(e["src"] in kept and e["dst"] in kept for e in edges)


def test_focus_by_unique_name_and_errors(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, by_name, _ = _run(capsys, "--example", "--format", "json", "--focus", "web-alb")
    assert code == 0 and "web-tg" in by_name and "orders-db" not in by_name
    code, _, err = _run(capsys, "--example", "--focus", "no-such-thing")
    assert code == 2 and "--focus: no resource with uid or name 'no-such-thing'" in err
    code, _, err = _run(capsys, "--example", "--focus", "web-alb", "--depth", "-1")
    assert code == 2 and "--depth must be 0 or more" in err
    code, _, err = _run(capsys, "--example", "--depth", "2")
    assert code == 2 and "--depth applies with --focus only" in err
    code, _, err = _run(capsys, "--example", "--format", "png")
    assert code == 2 and "invalid choice: 'png'" in err
    code, _, err = _run(capsys, "--snapshot", str(tmp_path / "missing.json"))
    assert code == 2 and "missing.json" in err and "Traceback" not in err


def test_iac_input_and_output_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "net.graphml"
    code, stdout, _ = _run(capsys, "--iac", str(NETWORK_TEMPLATE), "--region", "us-east-1", "--format", "graphml",
                           "--output", str(out))
    assert code == 0 and stdout == ""
    parsed = nx.read_graphml(out, force_multigraph=True)
    names = {d.get("name") for _, d in parsed.nodes(data=True)}
    assert {"Vpc", "PublicA", "Nat", "Database"} <= names
    zones = {d.get("availability_zones") for _, d in parsed.nodes(data=True) if d.get("name") == "PublicA"}
    assert zones == {"us-east-1a"}
    code, _, err = _run(capsys, "--iac", str(NETWORK_TEMPLATE), "--region", "us-east-1", "--region", "eu-west-1")
    assert code == 2 and "at most one --region" in err
    code, _, err = _run(capsys, "--example", "--param", "A=1")
    assert code == 2 and "apply with --iac only" in err
