"""How a vocabulary type declares where each source finds each attribute and relation.

An attribute is declared once, with its type, AWS's default, a description and one source path per
source::

    multi_az: bool = attr(False, "`MultiAZ`; AWS default false.",
                          cfn="MultiAZ", tf="multi_az", live="MultiAZ")

- ``cfn`` is a CloudFormation property path, ``tf`` a Terraform attribute path (plan JSON and HCL
  alike), ``live`` a path in the boto3 response item the collector hands over.
- A path is dotted; ``Name[*]`` maps over a list, ``Name[Key=deletion_protection.enabled]`` picks
  the mapping of a ``[{Key, Value}]`` list whose ``Key`` is that value, a number indexes a list, and
  ``A|B`` takes the first alternative present. Terraform's nested blocks (lists of one mapping) are
  entered without an index.
- Where a vocabulary type maps several IaC types, a path may be a dict ``{iac type: path}``.
- ``Hook("name")`` says the named structural hook of that source fills the attribute (routes, rules,
  node groups...). ``None`` says the source cannot give it, and ``why`` must say why.
- The converter comes from the annotation (``bool``, ``int``, ``float``, ``str``, ``list[str]``,
  ``dict[str, str]``, a nested ``Item`` model or a list of them); ``conv`` overrides it with a
  normaliser from ``scanner.model.normalise``. ``ref=True`` marks an attribute that names another
  resource: a reference gives the referenced resource's uid (even ``!GetAtt Bucket.RegionalDomainName``).
  ``required=True`` marks a field AWS always returns, whose absence from a live response makes the
  attribute unknown instead of defaulted.

Relations are declared on the type as ``relations = (Rel(kind, to, cfn=..., tf=..., live=...), ...)``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field

from ..values import MISSING

if TYPE_CHECKING:
    from pydantic import BaseModel

SourceName = Literal["cfn", "tf", "live"]
SOURCES: tuple[SourceName, ...] = ("cfn", "tf", "live")


@dataclass(frozen=True)
class Hook:
    """A named structural hook of a source fills this attribute or relation."""

    name: str


Path = str | Hook | dict[str, "str | Hook | None"] | None


def _for(path: Path, source_type: str) -> str | Hook | None:
    if isinstance(path, dict):
        return path.get(source_type)
    return path


@dataclass(frozen=True)
class From:
    """Where each source finds one attribute, and how its value is converted."""

    cfn: Path = None
    tf: Path = None
    live: Path = None
    conv: Callable[[Any], Any] | None = None
    ref: bool = False
    required: bool = False
    why: str | None = None
    defaults: dict[str, Any] | None = None
    as_set: bool = False
    chosen_by_aws: str | None = None
    volatile: bool = False

    def path(self, source: SourceName, source_type: str = "") -> str | Hook | None:
        """The path (or hook) of ``source`` for the IaC type ``source_type``."""
        return _for(getattr(self, source), source_type)

    def default_for(self, source: SourceName) -> Any:
        """The value a source applies when the setting is omitted, where it differs from AWS's."""
        return (self.defaults or {}).get(source, MISSING)


def attr(default: Any, description: str, *, cfn: Path = None, tf: Path = None, live: Path = None,
         conv: Callable[[Any], Any] | None = None, ref: bool = False, required: bool = False,
         why: str | None = None, defaults: dict[str, Any] | None = None, as_set: bool = False,
         volatile: bool = False, chosen_by_aws: str | None = None) -> Any:
    """A pydantic field with AWS's ``default`` and the source paths of the attribute.

    ``defaults`` gives a source's own default where it differs from AWS's (the Terraform provider's
    ``health_check_grace_period`` is 300 s, the API's 0): ``{"tf": 300}``. ``as_set`` makes a list a
    set: sorted, without duplicates (zones, Regions), so that every source gives the same list.
    ``volatile`` marks a runtime reading that changes between scans by itself (a lag, a PITR gap, a state):
    drift reports do not list it as a change.
    ``chosen_by_aws`` says why an IaC source cannot know a setting it omits: AWS chooses the value
    at creation (an engine version, a zone, a maintenance window), so the attribute is unknown rather
    than defaulted.
    """
    if isinstance(default, list | dict):  # a fresh copy each time (a non-empty default keeps its items)
        info = Field(default_factory=lambda: type(default)(default), description=description)
    else:
        info = Field(default, description=description)
    info.metadata.append(From(cfn=cfn, tf=tf, live=live, conv=conv, ref=ref, required=required, why=why,
                              defaults=defaults, as_set=as_set, volatile=volatile, chosen_by_aws=chosen_by_aws))
    return info


@dataclass(frozen=True)
class Rel:
    """A relation the type's resources have, and where each source finds the referenced ids.

    ``to`` lists the possible target types (a live id is turned into the uid of the first).
    ``reverse`` makes the edge point from the referenced resource to this one (an Auto Scaling
    group's ``TargetGroupARNs`` are target groups that ``targets`` the group).
    """

    kind: str
    to: tuple[str, ...]
    cfn: Path = None
    tf: Path = None
    live: Path = None
    reverse: bool = False
    why: str | None = None

    def path(self, source: SourceName, source_type: str = "") -> str | Hook | None:
        """The path (or hook) of ``source`` for the IaC type ``source_type``."""
        return _for(getattr(self, source), source_type)


def rel(kind: str, to: str | tuple[str, ...], *, cfn: Path = None, tf: Path = None, live: Path = None,
        reverse: bool = False, why: str | None = None) -> Rel:
    """A relation declaration (``to`` may be one type or several)."""
    return Rel(kind, (to,) if isinstance(to, str) else tuple(to), cfn, tf, live, reverse, why)


@dataclass(frozen=True)
class Live:
    """How a live resource of the type is identified in its describe response.

    ``arn`` is the uid template (``{region}``, ``{account}``, ``{id}``); ``id`` is the path to the
    resource id; ``arn_path`` a path to an ARN the response carries (preferred); ``name`` the path to
    its display name (default: the ``Name`` tag, else the id); ``operation`` the call, for messages.
    """

    operation: str
    arn: str
    id: str
    arn_path: str | None = None
    name: str | None = None


@cache
def declarations(model: type[BaseModel]) -> dict[str, From]:
    """Attribute name -> its ``From`` declaration, for every field of ``model`` that has one."""
    result: dict[str, From] = {}
    for name, info in model.model_fields.items():
        found = next((m for m in info.metadata if isinstance(m, From)), None)
        if found is not None:
            result[name] = found
    return result


__all__ = ["SOURCES", "From", "Hook", "Live", "Path", "Rel", "SourceName", "attr", "declarations",
           "rel"]
