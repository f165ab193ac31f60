"""Fuzzing profile: hypothesis examples of every input kind through the public loaders, nothing may escape.

    PYTHONPATH=. python -m benchmarks.fuzz                     # 10,000 examples over all kinds
    PYTHONPATH=. python -m benchmarks.fuzz --examples 600 --kinds snapshot,policy

Kinds: CloudFormation templates, Terraform plans, Terraform HCL modules, snapshots, configs and policies
(``benchmarks.fuzz_inputs``). Each input is written to a file and fed to what the CLI calls
(``load_iac``, ``load_snapshot``, ``load_config`` + ``check_config``, ``load_policy``); what loads is
evaluated against the bundled pack and rendered in every report format. The only acceptable failure
is ``InputError`` with a one-line message. Prints per kind: examples, accepted, refused, escaped
exceptions and seconds; exits 1 when anything escaped (one traceback per distinct failure goes to stderr).
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from benchmarks import fuzz_inputs as inputs
from scanner.errors import InputError
from scanner.graph import Graph, build_graph
from scanner.model import Severity, Snapshot, load_snapshot
from scanner.policy import Config, Pack, check_config, evaluate, load_config, load_pack, load_policy

KINDS = ("cloudformation", "plan", "hcl", "snapshot", "config", "policy")
FORMATS = ("json", "sarif", "junit", "markdown", "html")


@dataclass
class Context:
    """What every example shares: the bundled pack, the example's graph, a scratch directory, the counts."""

    directory: Path
    pack: Pack = field(default_factory=load_pack)
    formats: tuple[str, ...] = FORMATS
    rich: bool = True
    graph: Graph | None = None
    counts: Counter[str] = field(default_factory=Counter)

    def example_graph(self) -> Graph:
        """The bundled example's graph (a bit of every type), built once."""
        if self.graph is None:
            from scanner.examples import EXAMPLE_PATH

            self.graph = build_graph(load_snapshot(EXAMPLE_PATH))
        return self.graph


def _refused(error: InputError) -> str:
    message = str(error)
    if "\n" in message or not message.strip():
        raise AssertionError(f"InputError is not one line: {message!r}")
    return "refused"


def report_all(ctx: Context, snapshots: list[Snapshot], pack: Pack | None = None, config: Config | None = None,
               graph: Graph | None = None) -> None:
    """Evaluate and render in every format, as ``evaluate_and_report`` does."""
    from rich.console import Console

    from scanner.reports import build_report, render
    from scanner.reports.rich_report import render_rich

    pack = pack or ctx.pack
    findings = []
    graphs = [graph] if graph is not None else [build_graph(s) for s in snapshots]
    for each in graphs:
        findings.extend(evaluate(pack, each, config))
    source = snapshots[0].source if snapshots else graphs[0].source
    report = build_report(findings, [p.info() for p in pack.ordered()], source, fail_on=Severity.LOW,
                          allow_unknown=False, coverage=[gap for each in graphs for gap in each.coverage])
    for fmt in ctx.formats:
        render(report, fmt)
    if ctx.rich:
        render_rich(report, Console(file=io.StringIO(), width=100), show_passed=True, verbose=True)


def _iac(ctx: Context, path: Path, kind: str) -> str:
    from scanner.iac.detect import load_iac

    try:
        snapshots = load_iac([path], kind=kind)
    except InputError as error:
        return _refused(error)
    if snapshots:
        report_all(ctx, snapshots)
    return "accepted"


def feed_cloudformation(ctx: Context, data: bytes) -> str:
    """A template through ``load_iac`` (detection included)."""
    path = ctx.directory / ("template.json" if data.lstrip()[:1] == b"{" else "template.yaml")
    path.write_bytes(data)
    return _iac(ctx, path, "auto")


def feed_plan(ctx: Context, data: bytes) -> str:
    """A plan JSON through ``load_iac`` as a Terraform plan."""
    path = ctx.directory / "plan.json"
    path.write_bytes(data)
    return _iac(ctx, path, "terraform-plan")


def feed_hcl(ctx: Context, data: bytes) -> str:
    """A one-file module directory through ``load_iac`` as Terraform."""
    module = ctx.directory / "module"
    module.mkdir(exist_ok=True)
    (module / "main.tf").write_bytes(data)
    return _iac(ctx, module, "terraform")


def feed_snapshot(ctx: Context, data: bytes) -> str:
    """A snapshot file through ``load_snapshot``, then the whole pack and every report format."""
    path = ctx.directory / "snapshot.json"
    path.write_bytes(data)
    try:
        snapshot = load_snapshot(path)
    except InputError as error:
        return _refused(error)
    report_all(ctx, [snapshot])
    return "accepted"


def feed_config(ctx: Context, data: bytes) -> str:
    """A config through ``load_config`` and ``check_config``, then the pack over the example with it."""
    path = ctx.directory / "haguard.yaml"
    path.write_bytes(data)
    try:
        config = load_config(path)
        check_config(ctx.pack, config)
    except InputError as error:
        return _refused(error)
    report_all(ctx, [], config=config, graph=ctx.example_graph())
    return "accepted"


def feed_policy(ctx: Context, data: bytes) -> str:
    """A policy file through ``load_policy``, then evaluated over the example."""
    path = ctx.directory / "policies" / "fuzz" / "policy.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    try:
        loaded, _ = load_policy(path)
    except InputError as error:
        return _refused(error)
    report_all(ctx, [], pack=Pack({loaded.id: loaded}), graph=ctx.example_graph())
    return "accepted"


def strategy(kind: str, ctx: Context) -> st.SearchStrategy[bytes]:
    """The input strategy of a kind (configs name the pack's real policy ids and params)."""
    if kind == "config":
        ids = sorted(ctx.pack.policies)
        params = sorted({name for p in ctx.pack.policies.values() for name in p.policy.params})
        return inputs.config_files(ids, params)
    return {"cloudformation": inputs.cloudformation_files(), "plan": inputs.plan_files(), "hcl": inputs.hcl_files(),
            "snapshot": inputs.snapshot_files(), "policy": inputs.policy_files()}[kind]


FEEDERS: dict[str, Callable[[Context, bytes], str]] = {
    "cloudformation": feed_cloudformation, "plan": feed_plan, "hcl": feed_hcl, "snapshot": feed_snapshot,
    "config": feed_config, "policy": feed_policy,
}


def run_kind(kind: str, examples: int, ctx: Context, seed: int) -> tuple[Counter[str], list[str], float]:
    """Run ``examples`` examples of ``kind``; return the outcome counts, one traceback per distinct failure, seconds."""
    counts: Counter[str] = Counter()
    escaped: list[str] = []
    seen: set[str] = set()
    feeder = FEEDERS[kind]

    @settings(max_examples=examples, deadline=None, database=None, derandomize=False, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(strategy(kind, ctx))
    def one(data: bytes) -> None:
        try:
            counts[feeder(ctx, data)] += 1
        except Exception as error:  # what the fuzzer is here to find
            counts["escaped"] += 1
            where = traceback.extract_tb(error.__traceback__)[-1]
            signature = f"{type(error).__name__} at {Path(where.filename).name}:{where.lineno}"
            if signature not in seen:
                seen.add(signature)
                escaped.append(traceback.format_exc(limit=-6))

    start = time.perf_counter()
    from hypothesis import seed as fixed_seed

    fixed_seed(seed)(one)()
    return counts, escaped, time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=10_000, help="total examples, split over the kinds")
    parser.add_argument("--kinds", default=",".join(KINDS), help="comma-separated kinds (default: all)")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args(argv)
    kinds = [k.strip() for k in args.kinds.split(",") if k.strip()]
    per_kind = max(1, args.examples // len(kinds))
    total_escaped = 0
    with tempfile.TemporaryDirectory(prefix="haguard-fuzz-") as directory:
        ctx = Context(Path(directory))
        print(f"{'kind':<15}{'examples':>9}{'accepted':>10}{'refused':>9}{'escaped':>9}{'seconds':>9}")
        for kind in kinds:
            counts, escaped, seconds = run_kind(kind, per_kind, ctx, args.seed)
            runs = sum(counts.values())
            print(f"{kind:<15}{runs:>9}{counts['accepted']:>10}{counts['refused']:>9}{counts['escaped']:>9}"
                  f"{seconds:>9.1f}", flush=True)
            total_escaped += counts["escaped"]
            for text in escaped:
                print(text, file=sys.stderr)
    print("no exception escaped" if not total_escaped else f"{total_escaped} exceptions escaped")
    return 1 if total_escaped else 0


if __name__ == "__main__":
    sys.exit(main())
