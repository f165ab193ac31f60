"""CloudFormation stacks: which deployed resource each logical id of a stack became (for IaC drift)."""


from typing import ClassVar

from ._base import Attributes, Item
from ._fields import Live, attr

_LIVE_ONLY = "a deployed stack is what the template became: live only (the template is the IaC side)"


class StackResource(Item):
    """One resource of a stack (``ListStackResources``)."""

    logical_id: str = attr(..., "`LogicalResourceId`: the key under `Resources` in the template.",
                           live="LogicalResourceId")
    physical_id: str | None = attr(None, "`PhysicalResourceId`: the name or id AWS gave it.",
                                   live="PhysicalResourceId")
    cfn_type: str = attr("", "`ResourceType` (`AWS::RDS::DBInstance`...).", live="ResourceType")
    status: str | None = attr(None, "`ResourceStatus` (`CREATE_COMPLETE`...).", live="ResourceStatus")


class Stack(Attributes):
    """A deployed CloudFormation stack and its resources.

    The collector hands over the ``DescribeStacks`` item with ``Resources``: the
    ``ListStackResources`` summaries (an ``Unknown`` when they could not be listed).
    """

    type_name: ClassVar[str] = "aws.cloudformation.stack"
    cfn_types: ClassVar[tuple[str, ...]] = ("AWS::CloudFormation::Stack",)
    tf_types: ClassVar[tuple[str, ...]] = ("aws_cloudformation_stack",)
    live: ClassVar[Live] = Live("cloudformation:DescribeStacks", "arn:aws:cloudformation:{region}:{account}:stack/{id}",
                                id="StackName", arn_path="StackId", name="StackName")

    status: str | None = attr(None, "`StackStatus`.", live="StackStatus", why=_LIVE_ONLY)
    resources: list[StackResource] = attr([], "The stack's resources.", live="Resources", why=_LIVE_ONLY)


MODELS: tuple[type[Attributes], ...] = (Stack,)
