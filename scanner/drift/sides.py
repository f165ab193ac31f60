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
    findings: list[Finding]
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
        return _run_side(spec, evaluation, store())
    from ..model import load_snapshot

    snapshot = load_snapshot(spec)
    findings, derived = evaluate_snapshot(snapshot, evaluation)
    return EvaluatedSide(label=spec, snapshot=snapshot, findings=findings, derived=derived)


def _run_side(spec: str, evaluation: Evaluation, store: HistoryStore) -> EvaluatedSide:
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


__all__ = ["EvaluatedSide", "Evaluation", "Facts", "evaluate_snapshot", "is_run_ref", "load_side"]
