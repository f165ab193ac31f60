"""What runs on a template before CloudFormation evaluates it: transforms, macros, preprocessor tags.

``prepare`` turns a parsed template into the resource bodies haguard evaluates:
- ``AWS::LanguageExtensions``: ``Fn::ForEach`` loops are expanded (``cfn_language_extensions``);
- ``AWS::Serverless-2016-10-31`` (SAM): ``AWS::Serverless::*`` resources are listed as not evaluated;
- any other transform (a macro), an unknown YAML tag (``!Rain::Embed``) or ``Fn::Transform``: the
  template is evaluated as written, the values they give and the names they may add are unknown,
  and a one-line notice names the construct.
Nothing is dropped silently: every resource not evaluated is an ``Unevaluated`` with the reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..errors import InputError
from ..limits import AWS_TEMPLATE_RESOURCES, MAX_TEMPLATE_RESOURCES
from .cfn_language_extensions import FOREACH, ForEachExpander, has_foreach
from .cfn_yaml import LDict, UnknownTag

LANGUAGE_EXTENSIONS = "AWS::LanguageExtensions"
SERVERLESS = "AWS::Serverless-2016-10-31"
SAM_PREFIX = "AWS::Serverless::"


@dataclass(frozen=True)
class Unevaluated:
    """A resource (or a loop that would make resources) that haguard does not evaluate, and why."""

    logical_id: str
    type: str | None
    line: int | None
    reason: str


@dataclass(frozen=True)
class Notice:
    """A one-line warning about a construct evaluated as unknown."""

    line: int | None
    text: str

    def format(self, file: str) -> str:
        return f"{file}:{self.line}: warning: {self.text}" if self.line else f"{file}: warning: {self.text}"


@dataclass
class Prepared:
    """The template after its transforms, ready for the resolver."""

    template: LDict
    bodies: dict[str, LDict] = field(default_factory=dict)
    unevaluated: list[Unevaluated] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    generators: list[str] = field(default_factory=list)
    opaque_ids: dict[str, str] = field(default_factory=dict)
    resource_lines: dict[str, int] = field(default_factory=dict)


def transform_names(template: LDict, file: str) -> list[str]:
    """The names in the ``Transform`` section (a name, a list of names, or ``{Name, Parameters}``)."""
    value = template.get("Transform")
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    names: list[str] = []
    for item in items:
        name = item.get("Name") if isinstance(item, dict) else item
        if isinstance(name, UnknownTag):
            names.append(name.tag)
        elif isinstance(name, str) and name:
            names.append(name)
        else:
            raise InputError("Transform must be a transform name or a list of them", file,
                             template.key_lines.get("Transform"))
    return names


def prepare(template: LDict, file: str, unknown_tags: list[UnknownTag],
            resolve_collection: Callable[[LDict, list[str]], Callable[[Any, int | None], Any]]) -> Prepared:
    """Apply what haguard can of the template's transforms; list what it cannot.

    ``resolve_collection(template, generators)`` gives the function that evaluates a loop's collection.
    """
    prepared = Prepared(template)
    transform_line = template.key_lines.get("Transform")
    names = transform_names(template, file)
    for name in names:
        if name in (LANGUAGE_EXTENSIONS, SERVERLESS):
            if name == SERVERLESS:
                prepared.generators.append(f"the {name} transform")
            continue
        prepared.generators.append(f"the {name} transform")
        prepared.notices.append(Notice(transform_line, f"Transform {name}: a macro haguard cannot run; the "
                                       "template is evaluated as written and the names it adds are unknown"))
    _tag_notices(prepared, unknown_tags)
    resources = template.get("Resources")
    if isinstance(resources, UnknownTag):
        prepared.notices.append(Notice(resources.line, f"Resources is given by {resources.tag}: not evaluated"))
        prepared.unevaluated.append(Unevaluated("Resources", None, resources.line, f"given by {resources.tag}"))
        return prepared
    if not isinstance(resources, LDict) or not resources:
        raise InputError("template has no Resources mapping", file, template.key_lines.get("Resources", 1))
    if LANGUAGE_EXTENSIONS in names:
        resources = _expand(prepared, file, resources, resolve_collection)
    elif has_foreach(resources) or has_foreach(template.get("Conditions")):
        line = next(resources.key_lines.get(k) for k in resources if k.startswith(FOREACH)) \
            if has_foreach(resources) else template.key_lines.get("Conditions")
        raise InputError(f"Fn::ForEach needs 'Transform: {LANGUAGE_EXTENSIONS}'", file, line)
    _check_count(prepared, file, resources, template.key_lines.get("Resources"))
    _bodies(prepared, file, resources)
    return prepared


def _tag_notices(prepared: Prepared, tags: list[UnknownTag]) -> None:
    by_tag: dict[str, list[int]] = {}
    for tag in tags:
        by_tag.setdefault(tag.tag, []).append(tag.line)
    for tag, lines in by_tag.items():
        uses = f" ({len(lines)} uses)" if len(lines) > 1 else ""
        prepared.generators.append(f"the {tag} preprocessor tag")
        prepared.notices.append(Notice(lines[0], f"{tag}{uses} is no CloudFormation function (a preprocessor's?): "
                                       "evaluated with the values it gives unknown"))


def _expand(prepared: Prepared, file: str, resources: LDict,
            resolve_collection: Callable[[LDict, list[str]], Callable[[Any, int | None], Any]]) -> LDict:
    template = prepared.template
    expander = ForEachExpander(file, resolve_collection(template, prepared.generators))
    expanded = LDict(template, line=template.line)
    expanded.key_lines = dict(template.key_lines)
    if has_foreach(template.get("Conditions")):
        expanded["Conditions"] = expander.section(template["Conditions"], "Conditions")
    resources = expander.section(resources, "Resources")
    for logical_id, body in list(resources.items()):
        resources[logical_id] = expander.nested(body, "Resources", logical_id)
    expanded["Resources"] = resources
    prepared.template = expanded
    for loop in expander.unexpanded:
        where = f"in the properties of {loop.owner}" if loop.owner else f"in {loop.section}"
        prepared.notices.append(Notice(loop.line, f"{loop.loop} {where} is not expanded: {loop.reason}"))
        if loop.owner:
            prepared.opaque_ids[loop.owner] = f"{loop.loop} in its properties is not expanded ({loop.reason})"
        else:
            prepared.generators.append(f"{loop.loop}, not expanded")
            if loop.section == "Resources":
                prepared.unevaluated.append(Unevaluated(loop.loop, None, loop.line,
                                                        f"the resources it makes are unknown: {loop.reason}"))
    return resources


def _check_count(prepared: Prepared, file: str, resources: LDict, line: int | None) -> None:
    count = sum(1 for key in resources if not key.startswith("Fn::"))
    if count > MAX_TEMPLATE_RESOURCES.value():
        raise MAX_TEMPLATE_RESOURCES.exceeded(f"template has {count:,} resources", file, line,
                                       "AWS itself refuses more than 500")
    if count > AWS_TEMPLATE_RESOURCES:
        prepared.notices.append(Notice(line, f"template has {count:,} resources, more than the "
                                       f"{AWS_TEMPLATE_RESOURCES} AWS accepts in one stack; evaluated anyway"))


def _bodies(prepared: Prepared, file: str, resources: LDict) -> None:
    """The resource bodies to evaluate; the others become ``Unevaluated`` (and opaque to references)."""
    for logical_id, body in resources.items():
        line = resources.key_lines.get(logical_id)
        prepared.resource_lines[logical_id] = line  # type: ignore[assignment]
        if logical_id in prepared.opaque_ids:
            reason = prepared.opaque_ids[logical_id]
            kind = body.get("Type") if isinstance(body, dict) and isinstance(body.get("Type"), str) else None
            prepared.unevaluated.append(Unevaluated(logical_id, kind, line, reason))
            continue
        if logical_id.startswith("Fn::"):
            prepared.unevaluated.append(Unevaluated(logical_id, None, line, "a macro's input, expanded at deploy time"))
            prepared.notices.append(Notice(line, f"{logical_id} in Resources: not evaluated (a macro's input)"))
            continue
        if isinstance(body, UnknownTag):
            _opaque(prepared, logical_id, None, line, f"its body is given by {body.tag}")
            continue
        if not isinstance(body, dict):
            raise InputError(f"resource {logical_id} must be a mapping", file, line)
        kind = body.get("Type")
        if isinstance(kind, UnknownTag):
            _opaque(prepared, logical_id, None, line, f"its Type is given by {kind.tag}")
            continue
        if not isinstance(kind, str):
            raise InputError(f"resource {logical_id} has no Type", file, line)
        properties = body.get("Properties")
        if isinstance(properties, UnknownTag) or (isinstance(properties, dict) and "Fn::Transform" in properties):
            given = properties.tag if isinstance(properties, UnknownTag) else "Fn::Transform (a macro)"
            _opaque(prepared, logical_id, kind, line, f"its Properties are given by {given}")
            continue
        if kind.startswith(SAM_PREFIX):
            prepared.unevaluated.append(Unevaluated(logical_id, kind, line, "a SAM resource: haguard does not "
                                                    f"expand the {SERVERLESS} transform"))
            continue
        prepared.bodies[logical_id] = body


def _opaque(prepared: Prepared, logical_id: str, kind: str | None, line: int | None, reason: str) -> None:
    prepared.opaque_ids[logical_id] = reason
    prepared.unevaluated.append(Unevaluated(logical_id, kind, line, reason))


__all__ = ["LANGUAGE_EXTENSIONS", "SAM_PREFIX", "SERVERLESS", "Notice", "Prepared", "Unevaluated", "prepare",
           "transform_names"]
