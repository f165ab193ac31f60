"""The two sides of a snapshot drift: snapshot files or history runs, evaluated with the normal engine."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..history import HistoryStore, RunInfo
    from ..model import Finding, Snapshot
    from ..policy import Config, Pack
    from .findings import Verdict

RUN_WORDS = frozenset({"last", "latest", "previous"})


@dataclass
class Evaluation:
    """What the engine needs: the pack, config and policy selection of this run."""

    pack: Pack
    config: Config | None = None
    only: set[str] = field(default_factory=set)
    skip: set[str] = field(default_factory=set)


@dataclass
class Facts:
    """The graph's derived facts (``is_public``, ``availability_zones``...) per uid, and why some are unknown."""

    known: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    unknown: Mapping[str, Mapping[str, str]] = field(default_factory=dict)


@dataclass
class EvaluatedSide:
    """A snapshot with its findings and derived facts."""

    label: str
    snapshot: Snapshot
    findings: list[Finding] | list[Verdict]
    derived: Facts = field(default_factory=Facts)
    run: RunInfo | None = None


def is_run_ref(spec: str) -> bool:
    """``7``, ``last``, ``latest`` or ``previous``: a history run rather than a file."""
    text = spec.strip().lower()
    return text.isdigit() or text in RUN_WORDS


def evaluate_snapshot(snapshot: Snapshot, evaluation: Evaluation | None) -> tuple[list[Finding], Facts]:
    """Findings of the pack over the snapshot (none without an evaluation), and its graph's derived facts."""
    from ..graph import build_graph
    from ..policy import evaluate

    graph = build_graph(snapshot)
    findings = [] if evaluation is None else evaluate(evaluation.pack, graph, evaluation.config,
                                                      only=evaluation.only or None, skip=evaluation.skip or None)
    facts = Facts(known={uid: f for uid, f in graph.derived.items() if f},
                  unknown={uid: f for uid, f in graph.derived_unknown.items() if f})
    return findings, facts


def load_side(spec: str, evaluation: Evaluation, store: Callable[[], HistoryStore]) -> EvaluatedSide:
    """A side from a snapshot file, or from a history run (``store`` opens the history on demand).

    A run's stored findings are reused when its pack and settings hashes equal this run's; otherwise
    its snapshot is evaluated again, so both sides are always judged by the same policies.
    """
    if is_run_ref(spec) and not Path(spec).exists():
        return run_side(spec, evaluation, store())
    from ..model import load_snapshot

    snapshot = load_snapshot(spec)
    findings, derived = evaluate_snapshot(snapshot, evaluation)
    return EvaluatedSide(label=spec, snapshot=snapshot, findings=findings, derived=derived)


def load_sides(before: str, after: str, evaluation: Evaluation, store: Callable[[], HistoryStore]
               ) -> tuple[EvaluatedSide, EvaluatedSide]:
    """Both sides. A large ``after`` file is evaluated in a forked child meanwhile (see ``parallel``) and,
    when ``before`` is a file too, loaded relative to it (see ``incremental``)."""
    from .parallel import ForkedEvaluation, worth_forking

    if (is_run_ref(after) and not Path(after).exists()) or not worth_forking(Path(after)):
        return load_side(before, evaluation, store), load_side(after, evaluation, store)
    forked = ForkedEvaluation(Path(after), evaluation)  # before the parent opens any database
    try:
        raw_before = None
        if is_run_ref(before) and not Path(before).exists():
            old = run_side(before, evaluation, store())
        else:
            from ..model import snapshot_from_json
            from .incremental import read_snapshot_json

            raw_before = read_snapshot_json(Path(before))
            old_snapshot = snapshot_from_json(raw_before, before)
            findings, facts = evaluate_snapshot(old_snapshot, evaluation)
            old = EvaluatedSide(label=before, snapshot=old_snapshot, findings=findings, derived=facts)
        new_findings, new_facts = forked.result()  # raises the child's InputError for a bad file
    except BaseException:
        forked.cancel()
        raise
    from .incremental import load_relative, read_snapshot_json

    if raw_before is None:
        from ..model import load_snapshot

        snapshot = load_snapshot(after)
    else:
        snapshot = load_relative(read_snapshot_json(Path(after)), raw_before, old.snapshot, after)
    return old, EvaluatedSide(label=after, snapshot=snapshot, findings=new_findings, derived=new_facts)


def run_side(spec: str, evaluation: Evaluation, store: HistoryStore) -> EvaluatedSide:
    from ..history import resolve_run

    info = resolve_run(store, spec)
    snapshot = store.snapshot(info.id)
    if _same_policies(info, evaluation):
        findings = list(store.report(info.id).findings)
        derived = evaluate_snapshot(snapshot, None)[1]
    else:
        findings, derived = evaluate_snapshot(snapshot, evaluation)
    return EvaluatedSide(label=f"run {info.id}", snapshot=snapshot, findings=findings, derived=derived, run=info)


def _same_policies(info: RunInfo, evaluation: Evaluation) -> bool:
    from ..history import pack_hash, settings_hash

    return (info.pack_hash == pack_hash(evaluation.pack)
            and info.settings_hash == settings_hash(evaluation.config, evaluation.only, evaluation.skip))


__all__ = ["EvaluatedSide", "Evaluation", "Facts", "evaluate_snapshot", "is_run_ref", "load_side", "load_sides",
           "run_side"]
