"""IaC-to-live drift: match every declared resource, compare the matched ones, list the rest."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from ...model import Resource, Snapshot
from ..model import ResourceRef
from ..values import IgnoreRules
from .compare import compare_attributes, compare_relations
from .inputs import TerraformState, read_plan_prior_state, read_state, template_physical_names
from .match import (
    MAIN_ROUTE_TABLE,
    STACK,
    STACK_TAG,
    Candidate,
    LiveIndex,
    cfn_candidates,
    choose_stack,
    logical_id,
    tf_candidates,
)
from .model import IacDriftReport, IacDriftSummary, IacRef, Matched, Missing, Unverifiable


@dataclass
class IacInputs:
    """The IaC snapshots and what helps to match them."""

    snapshots: list[Snapshot]
    stacks: dict[str, str] = field(default_factory=dict)
    """``--stack TEMPLATE=STACK``."""
    extra_states: list[Path] = field(default_factory=list)
    """State files for Terraform directories without their own ``terraform.tfstate``."""


@dataclass
class _Found:
    live: Resource
    how: str


def _iac_ref(resource: Resource) -> IacRef:
    return IacRef(uid=resource.uid, type=resource.type, name=resource.name, location=resource.location)


def _live_ref(resource: Resource) -> ResourceRef:
    return ResourceRef(uid=resource.uid, type=resource.type, name=resource.name, account=resource.account,
                       region=resource.region)


def _state_for(snapshot: Snapshot, extra: list[Path], notes: list[str]) -> TerraformState | None:
    kind, files = snapshot.source.kind, snapshot.source.files
    state = TerraformState()
    if kind == "terraform-plan" and files:
        read_plan_prior_state(Path(files[0]), state)
    elif files:
        own = Path(files[0]).parent / "terraform.tfstate"
        if own.is_file():
            read_state(own, state)
    if not state.entries:
        for path in extra:
            read_state(path, state)
    if not state.entries:
        notes.append(f"{', '.join(files) or kind}: no Terraform state (terraform.tfstate, --tfstate or a plan's "
                     "prior_state): its resources cannot be matched")
        return None
    notes.append(f"{files[0] if files else kind}: ids from {', '.join(dict.fromkeys(state.files))}")
    return state


def _why_not_found(resource: Resource, candidates: list[Candidate], live: Snapshot) -> tuple[str, bool]:
    """(reason, missing?): missing when it should have been seen, not comparable otherwise."""
    best = candidates[0]
    regions = set(live.source.regions)
    if best.region and regions and best.region not in regions:
        return f"{best.how}: in {best.region}, outside the scanned Regions", False
    for gap in live.coverage:
        if resource.type in gap.resource_types and gap.region in (None, best.region or gap.region):
            return f"{best.how}: collection failed ({gap.service}:{gap.operation} {gap.error})", False
    return f"{best.how}: {best.ids[0]} is not in the live scan (deleted or replaced outside the IaC)", True


def iac_drift(inputs: IacInputs, live: Snapshot, *, live_label: str, ignore: IgnoreRules | None = None
              ) -> IacDriftReport:
    """The drift of ``live`` from the IaC."""
    ignore = ignore or IgnoreRules()
    index = LiveIndex(live)
    notes: list[str] = []
    found: dict[str, _Found] = {}
    missing: list[Missing] = []
    not_comparable: list[Missing] = []
    declared: list[Resource] = []
    for snapshot in inputs.snapshots:
        kind, files = snapshot.source.kind, snapshot.source.files
        resources = [r for r in snapshot.resources]
        declared.extend(resources)
        if kind == "cloudformation" and files:
            stack, note = choose_stack(files[0], resources, index, inputs.stacks)
            notes.append(note)
            names = template_physical_names(Path(files[0]))
            for resource in resources:
                lid = logical_id(resource)
                if lid is None:
                    continue
                candidates = cfn_candidates(resource, stack, names)
                match: tuple[Resource, str] | None = None
                for candidate in candidates:
                    hit = index.find(resource.type, candidate)
                    if hit is not None:
                        match = (hit, candidate.how)
                        break
                if match is None and stack is not None:
                    tagged = [r for r in index.tagged.get((stack.name, lid), []) if r.type == resource.type]
                    if len(tagged) == 1:
                        match = (tagged[0], f"{STACK_TAG} {stack.name} logical id {lid} tags")
                if match is not None:
                    found[resource.uid] = _Found(match[0], match[1])
                elif candidates:
                    reason, is_missing = _why_not_found(resource, candidates, live)
                    (missing if is_missing else not_comparable).append(Missing(iac=_iac_ref(resource), reason=reason))
                elif stack is not None and stack.listed:
                    missing.append(Missing(iac=_iac_ref(resource),
                                           reason=f"not in stack {stack.name} (not deployed, or removed from it)"))
                else:
                    not_comparable.append(Missing(iac=_iac_ref(resource),
                                                  reason="no deployed stack lists it and the template sets no "
                                                         "physical name to match on"))
        else:
            state = _state_for(snapshot, inputs.extra_states, notes)
            for resource in resources:
                if resource.uid.endswith(MAIN_ROUTE_TABLE):
                    continue
                if state is None:
                    not_comparable.append(Missing(iac=_iac_ref(resource), reason="no Terraform state to match on"))
                    continue
                candidates = tf_candidates(resource, state)
                live_resource = index.find(resource.type, candidates[0]) if candidates else None
                if live_resource is not None:
                    found[resource.uid] = _Found(live_resource, candidates[0].how)
                elif candidates:
                    reason, is_missing = _why_not_found(resource, candidates, live)
                    (missing if is_missing else not_comparable).append(Missing(iac=_iac_ref(resource), reason=reason))
                else:
                    missing.append(Missing(iac=_iac_ref(resource), reason="not in the Terraform state (not applied)"))
    for resource in declared:  # AWS's implicit main route table of a matched VPC
        if resource.uid.endswith(MAIN_ROUTE_TABLE):
            vpc = found.get(resource.uid[: -len(MAIN_ROUTE_TABLE)])
            table = index.main_route_table(vpc.live.uid) if vpc is not None else None
            if table is not None:
                found[resource.uid] = _Found(table, "main route table of the matched VPC")
    return _report(inputs, live, live_label, declared, found, missing, not_comparable, index, notes, ignore)


def _report(inputs: IacInputs, live: Snapshot, live_label: str, declared: list[Resource], found: dict[str, _Found],
            missing: list[Missing], not_comparable: list[Missing], index: LiveIndex, notes: list[str],
            ignore: IgnoreRules) -> IacDriftReport:
    mapping = {uid: f.live.uid for uid, f in found.items()}
    iac_uids = {r.uid for r in declared}
    iac_edges: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for snapshot in inputs.snapshots:
        for relation in snapshot.relations:
            iac_edges[relation.src][relation.kind].add(relation.dst)
    drifted: list[Matched] = []
    in_sync: list[Matched] = []
    unverifiable: list[Unverifiable] = []
    for resource in declared:
        match = found.get(resource.uid)
        if match is None:
            continue
        changes, unsure = compare_attributes(resource, match.live, mapping, iac_uids, ignore)
        more, unsure_relations = compare_relations(resource, match.live, iac_edges.get(resource.uid, {}),
                                                   index.edges, mapping, ignore)
        unverifiable.extend([*unsure, *unsure_relations])
        entry = Matched(iac=_iac_ref(resource), live=_live_ref(match.live), matched_by=match.how,
                        changes=[*changes, *more])
        (drifted if entry.changes else in_sync).append(entry)
    managed = set(mapping.values())
    unmanaged: dict[str, list[ResourceRef]] = defaultdict(list)
    for resource in live.resources:
        if resource.type != STACK and resource.uid not in managed:
            unmanaged[resource.type].append(_live_ref(resource))
    summary = IacDriftSummary(
        declared=len(declared), matched=len(found), drifted_resources=len(drifted),
        changed_attributes=sum(len(m.changes) for m in drifted), missing=len(missing),
        not_comparable=len(not_comparable), unmanaged=sum(len(v) for v in unmanaged.values()),
        unverifiable_attributes=len(unverifiable), drifted=bool(drifted or missing))
    files = sorted({f for s in inputs.snapshots for f in s.source.files})
    return IacDriftReport(iac_files=files, live=live.source, live_label=live_label, notes=notes,
                          ignored=ignore.globs, drifted=drifted, in_sync=in_sync, missing=missing,
                          not_comparable=not_comparable, unmanaged=dict(sorted(unmanaged.items())),
                          unverifiable=unverifiable, summary=summary)
