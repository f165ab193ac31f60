"""Policy test cases (``<id>.test.yaml`` beside each policy): tiny snapshots with expected verdicts."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import InputError
from ..graph import build_graph
from ..model import Relation, Resource, Snapshot, Source
from .engine import evaluate_policy
from .pack import CASE_SUFFIX, LoadedPolicy
from .settings import resolve_params
from .yaml_lines import line_for, read_yaml_with_lines

Expected = Literal["pass", "fail", "unknown", "error", "suppressed", "none"]


class Case(BaseModel):
    """One case: resources, relations as ``[src, kind, dst]`` triples, and the expected verdict per uid."""

    model_config = ConfigDict(extra="forbid")

    name: str
    params: dict[str, Any] = Field(default_factory=dict)
    resources: list[Resource]
    relations: list[tuple[str, str, str]] = Field(default_factory=list)
    expect: dict[str, Expected] = Field(min_length=1, description="uid -> verdict (`none`: not evaluated).")


class CaseFile(BaseModel):
    """A ``.test.yaml`` file."""

    model_config = ConfigDict(extra="forbid")

    cases: list[Case] = Field(min_length=1)


@dataclass
class CaseResult:
    """The outcome of one case: mismatches as ``(uid, expected, got)``."""

    policy_id: str
    case: str
    mismatches: list[tuple[str, str, str]]

    @property
    def ok(self) -> bool:
        """True when every verdict matched."""
        return not self.mismatches


def case_path(loaded: LoadedPolicy) -> Path:
    """Where the policy's cases live."""
    return loaded.path.with_name(loaded.path.name.removesuffix(".yaml") + CASE_SUFFIX)


def load_cases(path: Path) -> CaseFile:
    """Read and validate a case file."""
    data, lines = read_yaml_with_lines(path)
    try:
        return CaseFile.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise InputError(f"{where}: {err['msg']}", str(path), line_for(err["loc"], data, lines)) from None


def run_case(loaded: LoadedPolicy, case: Case, path: Path) -> CaseResult:
    """Evaluate the policy over the case's snapshot and compare verdicts."""
    try:
        snapshot = Snapshot(source=Source(kind="synthetic", files=[str(path)]), resources=case.resources,
                            relations=[Relation(src=s, kind=k, dst=d) for s, k, d in case.relations])
    except ValidationError as exc:
        raise InputError(f"case {case.name!r}: {exc.errors()[0]['msg']}", str(path)) from None
    params = resolve_params(loaded, None)
    params.update(case.params)
    findings = evaluate_policy(loaded, build_graph(snapshot), params, loaded.policy.severity)
    got = {f.resource_uid: f.status.value for f in findings}
    mismatches = [(uid, want, got.get(uid, "none")) for uid, want in case.expect.items()
                  if got.get(uid, "none") != want]
    return CaseResult(loaded.id, case.name, mismatches)


def run_policy_cases(loaded: LoadedPolicy) -> list[CaseResult]:
    """Run every case of a policy (an empty list when it has none)."""
    path = case_path(loaded)
    if not path.exists():
        return []
    return [run_case(loaded, case, path) for case in load_cases(path).cases]
