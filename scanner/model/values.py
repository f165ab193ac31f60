"""Values every source hands the vocabulary's mapping engine besides plain JSON-like data.

``Unknown`` is a value the source could not know (an unresolved ``!Ref`` to a parameter, a
Terraform value known after apply, a per-resource API call that failed), with the reason.
``Reference`` names other resources by uid (a CloudFormation ``!Ref``/``!GetAtt``, a Terraform
reference); its literal value is known only sometimes. ``MISSING`` marks an absent path.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final


@dataclass(frozen=True, slots=True)
class Unknown:
    """A value the source cannot know, and why."""

    reason: str


@dataclass(frozen=True, slots=True)
class Reference:
    """A reference to resources by uid.

    ``value`` is the literal value when ``known``; ``identity`` is False when the reference reads an
    attribute that is not the resource's id, ARN or name (``!GetAtt Db.Endpoint.Address``): it still
    names the resource (a relation), but it does not stand for it as a value.
    """

    targets: tuple[str, ...]
    value: Any = None
    known: bool = False
    identity: bool = True
    note: str | None = None
    """Why the value is not known, where the source says better than ``refers to ...``."""

    def describe(self) -> str:
        """``refers to a, b`` (or the source's own note) for messages."""
        return self.note or f"refers to {', '.join(self.targets)}"


class _Missing:
    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING: Final[Any] = _Missing()
"""An absent property or attribute (the vocabulary's default applies)."""


__all__ = ["MISSING", "Reference", "Unknown"]
