"""What the subcommands share: exit codes, usage errors, evaluation options, evaluate-and-report."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    from ..graph import Graph
    from ..model import CoverageGap, Finding, Snapshot, Source
    from ..policy import Config, Pack
    from ..reports import Report

SEVERITIES = ("critical", "high", "medium", "low", "info")
FORMATS = ("rich", "json", "sarif", "junit", "markdown", "html")
EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """A command-line mistake (exit 2)."""


class Parser(argparse.ArgumentParser):
    """An argument parser whose errors are ``UsageError`` (one line, exit 2) instead of ``SystemExit``."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message}")


def csv(value: str) -> set[str]:
    """``a,b, c`` as a set of its non-empty parts."""
    return {part.strip() for part in value.split(",") if part.strip()}


def output_path(value: str) -> Path:
    """``--output FILE``: a path naming a file (``''`` would silently mean the current directory)."""
    if not value.strip():
        raise argparse.ArgumentTypeError("an empty path names no file")
    return Path(value)


def add_evaluation_options(parser: argparse.ArgumentParser) -> None:
    """The policy-selection and report options of ``scan`` and ``iac``."""
    group = parser.add_argument_group("policies and output")
    group.add_argument("--policies", action="append", type=Path, default=[], metavar="PATH",
                       help="extra policy file or directory (repeatable)")
    group.add_argument("--no-builtin", action="store_true", help="do not load the bundled policy pack")
    group.add_argument("--config", type=Path, help="config file (params, per-policy settings, waivers)")
    group.add_argument("--only", type=csv, default=set(), metavar="ID,...", help="run only these policies")
    group.add_argument("--skip", type=csv, default=set(), metavar="ID,...", help="skip these policies")
    group.add_argument("--format", choices=FORMATS, default="rich", help="report format (default: rich)")
    group.add_argument("--output", "-o", type=output_path, metavar="FILE",
                       help="write the report to FILE (atomically; a symlink, FIFO or device is written through)")
    group.add_argument("--fail-on", choices=SEVERITIES, default="low",
                       help="exit 1 when a finding at or above this severity fails (default: low)")
    group.add_argument("--allow-unknown", action="store_true",
                       help="do not count unknown/error findings (incomplete data) as failures")
    group.add_argument("--fail-on-unevaluated", type=csv, default=set(), metavar="TYPE,...",
                       help="fail when resources of these source types (AWS::Lambda::Function, aws_lambda_function...) "
                       "are present, which haguard does not model")
    group.add_argument("--show-passed", action="store_true", help="list passing findings in the rich report")
    group.add_argument("--verbose", "-v", action="store_true",
                       help="full evidence: every item in the rich report, passing findings' full evidence in "
                       "JSON, whole evidence lines plus structured evidence in SARIF")


_LIVE_ONLY = {"regions": [], "profile": None, "accounts": None, "org": False, "role_arn": None,
              "external_id": None, "workers": 8, "lag_window": "7d", "budget": "20/100", "session_duration": "1h",
              "refresh_margin": "15m"}
"""Live-scan option destinations and their defaults (``scanner.live.cli_args``)."""


def check_option_conflicts(args: argparse.Namespace) -> None:
    """Options that contradict each other, or that would run nothing, are usage errors."""
    only, skip = getattr(args, "only", set()) or set(), getattr(args, "skip", set()) or set()
    both = sorted(only & skip)
    if both:
        raise UsageError(f"haguard: --only and --skip both name {', '.join(both)}")
    if getattr(args, "no_builtin", False) and not getattr(args, "policies", None):
        raise UsageError("haguard: --no-builtin needs --policies (otherwise no policy would run)")
    offline = getattr(args, "snapshot", None) or getattr(args, "example", False)
    if offline:
        shard_set = isinstance(offline, Path) and offline.is_dir()  # --workers: evaluation threads per process
        given = [name for name, default in _LIVE_ONLY.items()
                 if getattr(args, name, default) != default and not (shard_set and name == "workers")]
        if given:
            option = "--" + given[0].replace("_", "-").replace("regions", "region")
            source = "--snapshot" if getattr(args, "snapshot", None) else "--example"
            raise UsageError(f"haguard scan: {option} applies to live scans only, not with {source}")
    output, save = getattr(args, "output", None), getattr(args, "save", None)
    if output is not None and save is not None and _same_file(output, save):
        raise UsageError("haguard scan: --output and --save name the same file")


def _identity(path: str | os.PathLike[str]) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    return info.st_dev, info.st_ino


def _same_file(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> bool:
    """Same existing file (inode), or the same path once symlinks are resolved."""
    ids = _identity(a), _identity(b)
    return (ids[0] is not None and ids[0] == ids[1]) or os.path.realpath(a) == os.path.realpath(b)


def check_output_not_input(args: argparse.Namespace, inputs: Iterable[str | os.PathLike[str]]) -> None:
    """``--output`` and ``--save`` must not name a file this run reads (by inode: links and hard links count)."""
    inputs = [item for item in inputs if os.path.isfile(item)]
    for option in ("output", "save"):
        target = getattr(args, option, None)
        if target is None:
            continue
        for item in inputs:
            if _same_file(target, item):
                raise UsageError(f"haguard: --{option} {target} would overwrite the input {item}")


def run_inputs(args: argparse.Namespace, pack: Pack | None = None, config: Config | None = None,
               snapshots: Iterable[Snapshot] = ()) -> list[str]:
    """Every file the run reads: policies, config, snapshot, IaC paths and the files behind each snapshot."""
    inputs: list[str] = [str(p) for p in getattr(args, "policies", None) or []]
    inputs += [str(p) for p in getattr(args, "paths", None) or []]
    for name in ("snapshot", "config"):
        if getattr(args, name, None):
            inputs.append(str(getattr(args, name)))
    if pack is not None:
        inputs += [str(loaded.path) for loaded in pack.policies.values()]
    if config is not None and config.path:
        inputs.append(config.path)
    inputs += [file for snapshot in snapshots for file in snapshot.source.files]
    return inputs


def load_pack_and_config(args: argparse.Namespace) -> tuple[Pack, Config | None]:
    """The policy pack and config the options name; unknown ``--only``/``--skip`` ids and conflicts are usage errors."""
    from ..policy import check_config, load_config, load_pack

    check_option_conflicts(args)
    check_output_not_input(args, run_inputs(args))
    pack = load_pack(args.policies, replace=args.no_builtin)
    for name in ("only", "skip"):
        unknown = sorted(getattr(args, name, set()) - set(pack.policies))
        if unknown:
            from ..policy.checks import did_you_mean

            raise UsageError(f"haguard: --{name}: unknown policy id {', '.join(unknown)}"
                             f"{did_you_mean(unknown[0], pack.policies)}")
    config = load_config(args.config) if getattr(args, "config", None) else None
    if config is not None:
        check_config(pack, config)
    selected = [loaded.id for loaded in pack.ordered() if _selected(args, loaded.id, config)]
    if not selected:
        raise UsageError("haguard: no policy left to run (check --only, --skip, --policies and the config's "
                         "enabled: false settings)")
    return pack, config


def _selected(args: argparse.Namespace, policy_id: str, config: Config | None) -> bool:
    only, skip = getattr(args, "only", set()), getattr(args, "skip", set())
    settings = config.policies.get(policy_id) if config is not None else None
    return (not only or policy_id in only) and policy_id not in skip and (settings is None or settings.enabled)


def evidence_detail(args: argparse.Namespace) -> str:
    """``full`` with ``--verbose``, else ``compact`` (passing findings keep compact evidence)."""
    return "full" if getattr(args, "verbose", False) else "compact"


def evaluation_selection(args: argparse.Namespace) -> dict[str, Any]:
    """The keyword arguments of ``scanner.policy.evaluate`` for the options given (only, skip, evidence)."""
    return {"only": args.only or None, "skip": args.skip or None, "evidence": evidence_detail(args)}


def evaluate_and_report(args: argparse.Namespace, pack: Pack, config: Config | None,
                        snapshots: list[Snapshot], source: Source,
                        on_report: Callable[[Report, int], None] | None = None) -> int:
    """Evaluate ``pack`` over each snapshot, write the report, return the exit code.

    ``on_report(report, exit_code)`` runs before the report is written (``scan --history`` records there).
    """
    graphs: list[Any] | None = [] if args.format == "html" else None  # the HTML topology picture only
    report, code = evaluate_snapshots(args, pack, config, snapshots, source, graphs=graphs)
    if on_report is not None:
        on_report(report, code)
    check_output_not_input(args, run_inputs(args, pack, config, snapshots))
    write_report(args, report, graphs=graphs or [])
    return code


def evaluate_snapshots(args: argparse.Namespace, pack: Pack, config: Config | None, snapshots: list[Snapshot],
                       source: Source, *, graphs: list[Any] | None = None) -> tuple[Report, int]:
    """The report of ``pack`` over the snapshots and its exit code (0 or 1); ``graphs`` collects the graphs."""
    from ..graph import build_graph
    from ..policy import evaluate

    findings: list[Finding] = []
    coverage = []
    resilience = []
    targets = recovery_targets(pack, config)
    for snapshot in snapshots:
        graph = build_graph(snapshot)
        findings.extend(evaluate(pack, graph, config, **evaluation_selection(args)))
        coverage.extend(snapshot.coverage)
        resilience.extend(resilience_of(graph, targets))
        if graphs is not None:
            graphs.append(graph)
        del graph
    result = build_run_report(args, pack, findings, coverage, source,
                              resources=sum(len(s.resources) for s in snapshots),
                              unevaluated=[u for s in snapshots for u in s.unevaluated], resilience=resilience)
    del findings
    return result


def selected_policies(args: argparse.Namespace, pack: Pack) -> set[str]:
    """The ids of the policies ``--only``/``--skip`` select."""
    return {p for p in pack.policies if (not args.only or p in args.only) and p not in args.skip}


def build_run_report(args: argparse.Namespace, pack: Pack, findings: list[Finding], coverage: list[CoverageGap],
                     source: Source, *, resources: int | None, unevaluated: list[Any], resilience: Sequence[Any]
                     ) -> tuple[Report, int]:
    """The report of ``findings`` and its exit code (0 or 1; coverage gaps count as incomplete)."""
    from ..model import Severity
    from ..reports import build_report

    selected = selected_policies(args, pack)
    policies = [p.info() for p in pack.ordered() if p.id in selected]
    report = build_report(findings, policies, source, fail_on=Severity(args.fail_on),
                          allow_unknown=args.allow_unknown, coverage=coverage, resources=resources,
                          unevaluated=unevaluated, fail_on_unevaluated=getattr(args, "fail_on_unevaluated", set()),
                          resilience=resilience, passing_evidence=evidence_detail(args))  # type: ignore[arg-type]
    incomplete = bool(coverage) and not args.allow_unknown  # a partial scan never exits clean
    return report, EXIT_FAIL if report.summary.failing or incomplete else EXIT_OK


def build_scan_report(args: argparse.Namespace, pack: Pack, findings: list[Finding], coverage: list[Any],
                      source: Source, snapshots: Sequence[Snapshot] = (), resilience: Sequence[Any] = ()) -> Report:
    """The ``Report`` of ``findings`` over ``snapshots`` for the selected policies and the report options."""
    report, _ = build_run_report(args, pack, findings, coverage, source,
                                 resources=sum(len(s.resources) for s in snapshots) if snapshots else None,
                                 unevaluated=[u for s in snapshots for u in s.unevaluated], resilience=resilience)
    return report


RPO_POLICY, RTO_POLICY = "rpo-estimate-meets-target", "rto-estimate-meets-target"


def recovery_targets(pack: Pack, config: Config | None) -> dict[str, Any]:
    """The RPO/RTO targets and workload tag of the pack's estimate policies (with the config's overrides)."""
    from ..policy.engine import resolve_params

    found: dict[str, Any] = {"workload_tag": "workload"}
    for policy_id, name in ((RPO_POLICY, "rpo_target_seconds"), (RTO_POLICY, "rto_target_seconds")):
        loaded = pack.policies.get(policy_id)
        if loaded is not None:
            params = resolve_params(loaded, config)
            found[name] = params.get(name)
            found["workload_tag"] = params.get("workload_tag", found["workload_tag"])
    return found


def resilience_of(graph: Any, targets: dict[str, Any]) -> list[Any]:
    """The resilience-by-workload rows of one graph, against the targets."""
    from ..graph.recovery import resilience_rows
    from ..reports.resilience import ResilienceRow

    promised = {"rpo_seconds": targets.get("rpo_target_seconds"), "rto_seconds": targets.get("rto_target_seconds")}
    return [ResilienceRow.model_validate({**row, "targets": promised})
            for row in resilience_rows(graph, str(targets["workload_tag"]))]


def write_report(args: argparse.Namespace, report: Any, *, graphs: Sequence[Graph] = ()) -> None:
    """Render ``report`` in ``--format`` to ``--output`` (atomically) or stdout, as a stream of chunks;
    ``graphs`` feed the HTML report's topology picture. A write error is an ``InputError``."""
    from ..reports import stream

    chunks: Iterable[bytes]
    if args.format == "rich":
        import io

        from rich.console import Console

        from ..redact import redact_text
        from ..reports.rich_report import render_rich

        buffer = io.StringIO()
        if args.output:
            console = Console(file=buffer, force_terminal=False, width=120, no_color=True)
        else:
            terminal = Console()  # the terminal's width and colours, rendered to a buffer: write errors are ours
            console = Console(file=buffer, width=terminal.width, color_system=terminal.color_system,
                              force_terminal=terminal.is_terminal, no_color=terminal.no_color)
        render_rich(report, console, show_passed=args.show_passed, verbose=args.verbose)
        chunks = [redact_text(buffer.getvalue()).encode()]
    else:
        chunks = stream(report, args.format, verbose=args.verbose, graphs=graphs)
    if args.output:
        from ..model import write_atomically

        write_atomically(args.output, chunks)
    else:
        with _stdout_errors():
            binary = getattr(sys.stdout, "buffer", None)
            sys.stdout.flush()
            for chunk in chunks:
                if binary is None:
                    sys.stdout.write(chunk.decode())
                else:  # UTF-8 whatever the locale's encoding, so that no character can fail the write
                    binary.write(chunk)
            if binary is not None:
                binary.flush()


@contextmanager
def _stdout_errors() -> Iterator[None]:
    """Turn a failed write to stdout (a full device, a closed pipe) into one ``InputError`` line."""
    from ..errors import InputError

    try:
        yield
        sys.stdout.flush()
    except OSError as exc:
        _discard_stdout()
        raise InputError(f"cannot write the report to standard output: {exc.strerror or exc}") from None


def _discard_stdout() -> None:
    """Point stdout at /dev/null so that the interpreter's final flush does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass
