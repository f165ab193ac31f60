"""Three-valued evaluation of compiled conditions over the graph, with the evidence that decided it.

Truth values are ``True``, ``False`` and ``None`` (unknown), combined with Kleene logic. Every
compiled condition is a function ``(env, subject) -> (value, evidence)``; a subject is a resource uid
or a list item. A value the source could not give, a resource a relation names but the snapshot does
not hold, or an incomplete relation set makes the result unknown, never true.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ..graph import Graph
from ..model.vocabulary import EVIDENCE_CONTEXT, RELATION_KINDS
from .language import (
    PATH_PARAM,
    AllOf,
    AnyOf,
    AttrTest,
    Condition,
    Count,
    CountDistinct,
    Not,
    ParamRef,
    Quantified,
    Range,
    Selector,
    SelfRef,
    path_params,
)
from .operators import ORDERING, Tri, test_value
from .subjects import MISSING, Item, Subject, label_of, lookup, lookup_split

Evidence = list[dict[str, Any]]
MAX_EVIDENCE = 12
@dataclass(slots=True)
class Env:
    """What a condition sees besides its subject: the graph, parameters, the policy's resource."""

    graph: Graph
    params: dict[str, Any]
    self_uid: str
    path: tuple[str, ...] = ()

    def via(self, step: str) -> Env:
        """The same environment one relation step further."""
        return Env(self.graph, self.params, self.self_uid, (*self.path, step))


Compiled = Callable[[Env, Subject], tuple[Tri, Evidence]]


def _with_path(env: Env, entry: dict[str, Any]) -> dict[str, Any]:
    if env.path:
        entry["path"] = list(env.path)
    return entry


def _resolve(env: Env, operand: Any) -> tuple[Any, str | None]:
    if isinstance(operand, ParamRef):
        value = env.params[operand.param]
        if operand.times is not None and isinstance(value, (int, float)) and not isinstance(value, bool):
            value = value * operand.times
        return value, None
    if isinstance(operand, SelfRef):
        return lookup(env.graph, env.self_uid, operand.self_)
    return operand, None


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, list) and len(value) > 4:
        return "[" + ", ".join(map(str, value[:4])) + ", …]"
    return str(value) if not isinstance(value, str) else value


def compile_condition(cond: Condition) -> Compiled:
    """A fast evaluation function for a validated condition."""
    if isinstance(cond, AttrTest):
        return _compile_attr(cond)
    if isinstance(cond, AllOf):
        return _compile_all([compile_condition(c) for c in cond.all])
    if isinstance(cond, AnyOf):
        guards = [_is_type_guard(c) for c in cond.any]
        return _compile_any([compile_condition(c) for c in cond.any], guards)
    if isinstance(cond, Not):
        if isinstance(cond.not_, AttrTest):  # the common case, compiled as one test (no evidence copied)
            return _compile_attr(cond.not_, negated=True)
        return _negate(compile_condition(cond.not_))
    if isinstance(cond, Quantified):
        return _compile_quantified(cond)
    if isinstance(cond, Count):
        return _compile_count(cond.count, None, cond.comparator, getattr(cond, cond.comparator))
    if isinstance(cond, CountDistinct):
        sel = cond.count_distinct
        return _compile_count(sel, sel.attr or "", cond.comparator, getattr(cond, cond.comparator))
    if isinstance(cond, Range):
        return _compile_range(cond)
    raise TypeError(f"not a condition: {cond!r}")


def _negate(inner: Compiled) -> Compiled:
    def negate(env: Env, subject: Subject) -> tuple[Tri, Evidence]:
        value, evidence = inner(env, subject)
        negated = [{**entry, "test": f"not {entry['test']}"} if "test" in entry else entry for entry in evidence]
        return (None if value is None else not value), negated

    return negate


def compile_where(cond: Condition) -> Compiled:
    """``compile_condition`` for a filter (a policy's ``where``, a selector's ``where``), whose evidence is
    used only when it is unknown: ``all`` stops at its first false part and ``any`` at its first true one.

    A false filter drops the resource or member and a true one keeps it, so the evidence of the parts
    not evaluated would never be read; the value is Kleene's (one false part makes ``all`` false, one
    true part makes ``any`` true), and an unknown result has evaluated every part, as before.
    """
    if isinstance(cond, Not) and not isinstance(cond.not_, AttrTest):
        return _negate(compile_where(cond.not_))
    if not isinstance(cond, (AllOf, AnyOf)) or len(cond.all if isinstance(cond, AllOf) else cond.any) < 2:
        return compile_condition(cond)
    deciding = isinstance(cond, AnyOf)  # the value that stops the evaluation: True for any, False for all
    parts = [compile_where(c) for c in (cond.any if deciding else cond.all)]

    def filtered(env: Env, subject: Subject) -> tuple[Tri, Evidence]:
        results = []
        for part in parts:
            result = part(env, subject)
            if result[0] is deciding:
                return result
            results.append(result)
        if any(v is None for v, _ in results):
            return None, [e for v, ev in results if v is None for e in ev][:MAX_EVIDENCE]
        return (not deciding), [e for _, ev in results for e in ev][:MAX_EVIDENCE]

    return filtered


_CONTEXT_ATTRS = frozenset(attr for per_type in EVIDENCE_CONTEXT.values() for attr in per_type)


def _context(graph: Graph, subject: Subject, attr: str) -> dict[str, Any] | None:
    """Companion attributes to show beside ``attr`` (``lag_window_seconds`` beside a lag maximum)."""
    resource = graph.resources.get(subject) if isinstance(subject, str) else None
    names = EVIDENCE_CONTEXT.get(resource.type, {}).get(attr) if resource is not None else None
    if not names:
        return None
    context: dict[str, Any] = {}
    for name in names:
        if name in RELATION_KINDS:  # a relation: the resources it joins, when there are any
            joined = [uid for uid, _ in graph.neighbours(resource.uid, name)]
            if joined:
                context[name] = joined
        else:
            context[name] = resource.attributes.get(name)
    return context


def _path_keys(attr: str) -> Callable[[Env], tuple[str, Sequence[str] | None]]:
    """The path as evaluated: ``{NAME}`` parts replaced by param values (the shown path, and its keys)."""
    if not path_params(attr):
        return lambda env: (attr, None)
    parts = attr.split(".")
    names = [match.group(1) if (match := PATH_PARAM.match(part)) else None for part in parts]

    def resolve(env: Env) -> tuple[str, Sequence[str] | None]:
        resolved = [str(env.params[name]) if name is not None else part
                    for part, name in zip(parts, names, strict=True)]
        return ".".join(resolved), resolved[1:]

    return resolve


def _compile_attr(cond: AttrTest, negated: bool = False) -> Compiled:
    """One attribute test; ``negated`` compiles ``not`` of it (the value inverted, each test described "not ...")."""
    op, operand = cond.operator, cond.operand
    with_context = cond.attr in _CONTEXT_ATTRS
    path_of = _path_keys(cond.attr)
    fixed_path = not path_params(cond.attr)
    head, _, rest = cond.attr.partition(".")
    constant = not isinstance(operand, (ParamRef, SelfRef))
    negation = "not " if negated else ""
    fixed_description = f"{negation}{op} {_show(operand)}" if constant else None
    described: list[Any] = [None, None]  # (params dict, description) of the last ParamRef resolution

    def test(env: Env, subject: Subject) -> tuple[Tri, Evidence]:
        attr, keys = (cond.attr, None) if fixed_path else path_of(env)
        if constant:
            expected, description = operand, fixed_description
        else:
            expected, reason = _resolve(env, operand)
            if reason is not None:
                return None, [_with_path(env, {"resource": label_of(subject), "attr": attr,
                                               "test": f"{negation}{op} {operand}",
                                               "unknown": f"compared value unknown: {reason}"})]
            if isinstance(operand, ParamRef) and described[0] is env.params:
                description = described[1]
            else:
                description = f"{negation}{op} {_show(expected)}"
                if isinstance(operand, ParamRef):
                    described[0], described[1] = env.params, description
        value, reason = (lookup_split(env.graph, subject, attr, head, rest) if fixed_path
                         else lookup(env.graph, subject, attr, keys))
        context = _context(env.graph, subject, attr) if with_context else None
        label = subject.label if type(subject) is Item else subject
        if value is MISSING:
            entry: dict[str, Any] = {"resource": label, "attr": attr, "test": description, "unknown": reason}
            if context:
                entry["context"] = context
            if env.path:
                entry["path"] = list(env.path)
            return None, [entry]
        result = test_value(op, value, expected)
        if negated and result is not None:
            result = not result
        entry = {"resource": label, "attr": attr, "value": value, "test": description}
        if context:
            entry["context"] = context
        if result is None:
            entry["unknown"] = ("value not set" if value is None else "not an IP network" if op == "in_networks"
                                else "values not comparable")
        if env.path:
            entry["path"] = list(env.path)
        return result, [entry]

    return test


def _compile_all(parts: list[Compiled]) -> Compiled:
    if len(parts) == 1:
        return parts[0]

    def all_of(env: Env, subject: Subject) -> tuple[Tri, Evidence]:
        results = [part(env, subject) for part in parts]
        values = [v for v, _ in results]
        wanted = False if False in values else None if None in values else True
        return wanted, [e for v, ev in results if v is wanted for e in ev][:MAX_EVIDENCE]

    return all_of


def _is_type_guard(cond: Condition) -> bool:
    """``{not: {attr: type, equals|in: ...}}``: the part of an ``any`` that says "this branch is about other types"."""
    return (isinstance(cond, Not) and isinstance(cond.not_, AttrTest) and cond.not_.attr == "type"
            and cond.not_.operator in ("equals", "in"))


def _compile_any(parts: list[Compiled], guards: list[bool] | None = None) -> Compiled:
    """``any``; a type guard that holds decides it alone: the other parts are about other types, so they are
    not evaluated (the evidence is the guard's)."""
    if len(parts) == 1:
        return parts[0]
    first = [i for i, guard in enumerate(guards or []) if guard]
    if first:
        order = first + [i for i in range(len(parts)) if i not in first]
        guard_at = frozenset(first)

        def guarded_any(env: Env, subject: Subject) -> tuple[Tri, Evidence]:
            results: list[tuple[Tri, Evidence]] = [(None, [])] * len(parts)
            for index in order:
                result = results[index] = parts[index](env, subject)
                if result[0] is True and index in guard_at:
                    return result
            values = [v for v, _ in results]
            wanted = True if True in values else None if None in values else False
            return wanted, [e for v, ev in results if v is wanted for e in ev][:MAX_EVIDENCE]

        return guarded_any

    def any_of(env: Env, subject: Subject) -> tuple[Tri, Evidence]:
        results = [part(env, subject) for part in parts]
        values = [v for v, _ in results]
        wanted = True if True in values else None if None in values else False
        return wanted, [e for v, ev in results if v is wanted for e in ev][:MAX_EVIDENCE]

    return any_of


@dataclass(slots=True)
class _Member:
    subject: Subject
    env: Env
    selected: Tri
    where_evidence: Evidence


def _members(selector: Selector, where: Compiled | None) -> Callable[[Env, Subject], tuple[list[_Member], str | None]]:
    """Members of the selected set and, when the set may be incomplete or unknown, why."""
    types = set(selector.types)

    def related(env: Env, subject: Subject) -> tuple[list[_Member], str | None]:
        assert isinstance(subject, str)
        graph = env.graph
        resource = graph.resources.get(subject)
        if resource is None:
            return [], f"{subject} is not in the snapshot"
        if selector.direction == "out":
            incomplete = resource.unknown_relations.get(selector.related)
            why_incomplete = (f"{selector.related} relations of {subject} incomplete: {incomplete}"
                              if incomplete else None)
        else:
            why_incomplete = graph.incoming_unknown(subject, selector.related)
        members = []
        kind, outgoing = selector.related, selector.direction == "out"
        for other, _ in graph.neighbours(subject, kind, selector.direction):
            other_resource = graph.resources.get(other)
            if types and other_resource is not None and other_resource.type not in types:
                continue
            sub_env = env.via(f"{subject} -[{kind}]-> {other}" if outgoing else f"{other} -[{kind}]-> {subject}")
            selected: Tri = True
            evidence: Evidence = []
            if types and other_resource is None:
                selected = None
                evidence = [_with_path(sub_env, {"resource": other, "unknown": "not in the snapshot"})]
            if where is not None:
                value, where_ev = where(sub_env, other)
                if value is False:
                    continue
                if value is None:
                    selected, evidence = None, where_ev
            members.append(_Member(other, sub_env, selected, evidence))
        return members, why_incomplete

    def items(env: Env, subject: Subject) -> tuple[list[_Member], str | None]:
        values, reason = lookup(env.graph, subject, selector.items)
        if values is MISSING:
            return [], reason
        members = []
        for index, value in enumerate(values or []):
            item = Item(value, f"{label_of(subject)}.{selector.items}[{index}]")
            selected: Tri = True
            evidence: Evidence = []
            if where is not None:
                result, where_ev = where(env, item)
                if result is False:
                    continue
                if result is None:
                    selected, evidence = None, where_ev
            members.append(_Member(item, env, selected, evidence))
        return members, _partial(env.graph, subject, selector.items)

    return related if selector.related is not None else items


def _partial(graph: Graph, subject: Subject, attr: str) -> str | None:
    """Why a list attribute (or derived list) of a resource may hold more items than the known ones."""
    if isinstance(subject, Item):
        return None
    resource = graph.resources.get(subject)
    partial = resource.partial.get(attr) if resource is not None else None
    if partial:
        return f"{attr} of {subject} known only in part: {partial}"
    derived = graph.derived_partial.get(subject)
    return derived.get(attr) if derived else None


def _describe(selector: Selector) -> str:
    where = selector.where
    suffix = ""
    if isinstance(where, AttrTest):
        operand = where.operand
        shown = operand.param if isinstance(operand, ParamRef) else f"self.{operand.self_}" \
            if isinstance(operand, SelfRef) else _show(operand)
        suffix = f" where {where.attr} {where.operator} {shown}"
    elif where is not None:
        suffix = " where …"
    if selector.related is not None:
        arrow = "->" if selector.direction == "out" else "<-"
        return f"{arrow} {selector.related}" + (f" ({', '.join(selector.types)})" if selector.types else "") + suffix
    return f"items of {selector.items}{suffix}"


def _compile_quantified(cond: Quantified) -> Compiled:
    members_of = _members(cond, compile_where(cond.where) if cond.where else None)
    body = compile_condition(cond.body)
    quantifier = cond.quantifier
    described = f"{quantifier} {_describe(cond)}"

    def quantified(env: Env, subject: Subject) -> tuple[Tri, Evidence]:
        members, gap = members_of(env, subject)
        trues: Evidence = []
        falses: Evidence = []
        unknowns: Evidence = []
        for member in members:
            value, evidence = body(member.env, member.subject)
            if quantifier == "each":
                # An uncertain member only matters when it fails the body.
                value = value if member.selected or value is True else None
            elif not member.selected and value is True:
                value = None  # some/none: a member that may not be selected cannot decide "some"
            (trues if value is True else falses if value is False else unknowns).extend(
                evidence + member.where_evidence)
        if quantifier == "each":
            result: Tri = False if falses else None if unknowns else True
            if result is True and gap is not None:
                result, unknowns = None, [{"resource": label_of(subject), "selector": described, "unknown": gap}]
        else:
            result = True if trues else None if unknowns else False
            if result is False and gap is not None:
                result, unknowns = None, [{"resource": label_of(subject), "selector": described, "unknown": gap}]
            if quantifier == "none" and result is not None:
                result = not result
        summary = {"resource": label_of(subject), "selector": described, "members": len(members)}
        if result is None:
            evidence = unknowns
        elif quantifier in ("each", "some"):
            evidence = trues if result else falses
        else:
            evidence = falses if result else trues
        return result, [_with_path(env, summary), *evidence][:MAX_EVIDENCE]

    return quantified


def _compare_range(op: str, low: float, high: float, n: float) -> Tri:
    if op == "equals":
        return True if low == high == n else False if n < low or n > high else None
    if op == "not_equals":
        inner = _compare_range("equals", low, high, n)
        return None if inner is None else not inner
    check = ORDERING[op]
    if check(low, n) and check(high, n):
        return True
    if not check(low, n) and not check(high, n):
        return False
    return None


def _hashable(value: Any) -> Any:
    """A hashable stand-in for a value counted as distinct (lists and mappings included)."""
    if isinstance(value, list):
        return tuple(_hashable(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted(((str(k), _hashable(v)) for k, v in value.items()), key=lambda kv: kv[0]))
    return value


def _compile_count(selector: Selector, attr: str | None, comparator: str, operand: Any) -> Compiled:
    members_of = _members(selector, compile_where(selector.where) if selector.where else None)
    distinct = attr is not None
    described = ("count_distinct " + (f"{attr} of " if attr else "") if distinct else "count ") + _describe(selector)

    def count(env: Env, subject: Subject) -> tuple[Tri, Evidence]:
        expected, reason = _resolve(env, operand)
        members, gap = members_of(env, subject)
        entry: dict[str, Any] = {"resource": label_of(subject), "selector": described,
                                 "test": f"{comparator} {_show(expected)}"}
        uncertain: Evidence = []
        if distinct:
            definite: set[Any] = set()
            possible: set[Any] = set()
            unknown_values = 0
            for member in members:
                if attr:
                    value, why = lookup(env.graph, member.subject, attr)
                else:
                    value, why = (member.subject.value if isinstance(member.subject, Item) else member.subject), None
                if value is MISSING or value is None:
                    unknown_values += 1
                    uncertain.append(_with_path(member.env, {"resource": label_of(member.subject), "attr": attr,
                                                             "unknown": why or "value not set"}))
                    continue
                key = _hashable(value)
                (definite if member.selected else possible).add(key)
                uncertain.extend(member.where_evidence)
            low = len(definite)
            high = len(definite | possible) + unknown_values
            entry["values"] = sorted(map(str, definite))
        else:
            low = sum(1 for m in members if m.selected)
            high = len(members)
            uncertain.extend(e for m in members if not m.selected for e in m.where_evidence)
            entry["members"] = [label_of(m.subject) for m in members][:MAX_EVIDENCE]
        if gap is not None:
            high = math.inf
            uncertain.insert(0, {"resource": label_of(subject), "selector": described, "unknown": gap})
        entry["count"] = low if low == high else f"{low}..{'?' if high == math.inf else high}"
        if reason is not None:
            entry["unknown"] = f"compared value unknown: {reason}"
            return None, [_with_path(env, entry)]
        try:
            result = _compare_range(comparator, low, high, expected)
        except TypeError:
            result = None
        evidence = [_with_path(env, entry)]
        if result is None:
            evidence.extend(uncertain)
        return result, evidence[:MAX_EVIDENCE]

    return count


def _item_context(subject: Subject, shown: tuple[str, str]) -> str:
    """The other fields of a list item that a range hit belongs to (``protocol tcp, rules [0, 1]``)."""
    if not isinstance(subject, Item) or not isinstance(subject.value, dict):
        return ""
    parts = [f"{key} {_show(value)}" for key, value in subject.value.items()
             if key not in shown and key != "description" and value is not None and not isinstance(value, dict)]
    return "; " + ", ".join(parts[:5]) if parts else ""


def _compile_range(cond: Range) -> Compiled:
    low_attr, high_attr = cond.range
    within = cond.test == "within"

    def in_range(env: Env, subject: Subject) -> tuple[Tri, Evidence]:
        values, reason = _resolve(env, cond.values)
        low, why_low = lookup(env.graph, subject, low_attr)
        high, why_high = lookup(env.graph, subject, high_attr)
        entry: dict[str, Any] = {"resource": label_of(subject), "attr": f"{low_attr}..{high_attr}",
                                 "test": f"{'within' if within else 'includes any of'} {_show(values)}"}
        why = reason or why_low or why_high
        if why or low is None or high is None:
            entry["unknown"] = why or "range not set"
            return None, [_with_path(env, entry)]
        if not all(isinstance(bound, int) and not isinstance(bound, bool) for bound in (low, high)) or low > high:
            entry["unknown"] = f"not a range: {low!r}..{high!r}"  # an inverted or non-numeric range says nothing
            return None, [_with_path(env, entry)]
        if within:
            allowed = {v for v in values if isinstance(v, int) and not isinstance(v, bool)}
            # at most len(allowed) + 1 steps: the first port of the range that is not allowed
            outside = next((port for port in range(low, high + 1) if port not in allowed), None)
            entry["value"] = f"{low}-{high}" + (f" ({outside} is not allowed)" if outside is not None else "")
            return outside is None, [_with_path(env, entry)]
        hits = [v for v in values if isinstance(v, (int, float)) and low <= v <= high]
        entry["value"] = f"{low}-{high}" + (f" (covers {_show(hits)}{_item_context(subject, cond.range)})"
                                            if hits else "")
        return bool(hits), [_with_path(env, entry)]

    return in_range
