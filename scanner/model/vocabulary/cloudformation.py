"""CloudFormation stacks: which deployed resource each logical id of a stack became (for IaC drift)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from ._base import Attributes, Item


class StackResource(Item):
    """One resource of a stack (``ListStackResources``)."""

    logical_id: str = Field(description="`LogicalResourceId`: the key under `Resources` in the template.")
    physical_id: str | None = Field(None, description="`PhysicalResourceId`: the name or id AWS gave it.")
    cfn_type: str = Field(description="`ResourceType` (`AWS::RDS::DBInstance`...).")
    status: str | None = Field(None, description="`ResourceStatus` (`CREATE_COMPLETE`...).")


class Stack(Attributes):
    """A deployed CloudFormation stack and its resources (live only; templates are the IaC side)."""

    type_name: ClassVar[str] = "aws.cloudformation.stack"

    status: str | None = Field(None, description="`StackStatus`.")
    resources: list[StackResource] = Field(default_factory=list, description="The stack's resources.")


MODELS: tuple[type[Attributes], ...] = (Stack,)
