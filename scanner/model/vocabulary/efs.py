"""EFS file systems.

The live collector hands over the ``DescribeFileSystems`` item with ``MountTargets`` (each with its
``SecurityGroups``) and ``LifecyclePolicies`` (an ``Unknown`` where a per-file-system call failed).
"""


from typing import ClassVar

from .. import normalise
from ._base import PLACED, RECOVERY, Attributes, Item
from ._fields import Hook, Live, attr, rel
from .backup import BACKUP_FACT_ITEMS, BACKUP_FACTS

FILE_SYSTEM = "aws.efs.file_system"


class FileSystem(Attributes):
    """An EFS file system; ``in_subnet`` the subnet of each mount target."""

    type_name: ClassVar[str] = FILE_SYSTEM
    cfn_types: ClassVar[tuple[str, ...]] = ("AWS::EFS::FileSystem",)
    tf_types: ClassVar[tuple[str, ...]] = ("aws_efs_file_system",)
    live: ClassVar[Live] = Live("efs:DescribeFileSystems",
                                "arn:aws:elasticfilesystem:{region}:{account}:file-system/{id}",
                                id="FileSystemId", arn_path="FileSystemArn", name="Name|FileSystemId")
    relations = (
        rel("in_subnet", "aws.ec2.subnet", cfn=Hook("mount_targets"), tf=Hook("mount_targets"),
            live="MountTargets[*].SubnetId"),
        rel("uses_security_group", "aws.ec2.security_group", cfn=Hook("mount_targets"),
            tf=Hook("mount_targets"), live="MountTargets[*].SecurityGroups"),
    )
    derived: ClassVar[dict[str, str]] = {**PLACED, **RECOVERY, **BACKUP_FACTS}
    derived_items: ClassVar[dict[str, type[Item]]] = dict(BACKUP_FACT_ITEMS)

    tags: dict[str, str] = attr({}, "Resource tags. Default: none.", cfn="FileSystemTags", tf="tags", live="Tags")
    one_zone_availability_zone: str | None = attr(
        None, "`AvailabilityZoneName`: set for One Zone file systems; None = Regional.",
        cfn="AvailabilityZoneName", tf="availability_zone_name", live="AvailabilityZoneName")
    encrypted: bool = attr(False, "`Encrypted`.", cfn="Encrypted", tf="encrypted", live="Encrypted")
    lifecycle_transition_to_ia: str | None = attr(
        None, "`TransitionToIA`, e.g. AFTER_30_DAYS (Infrequent Access tier).",
        cfn="LifecyclePolicies[TransitionToIA].TransitionToIA",
        tf="lifecycle_policy[transition_to_ia].transition_to_ia",
        live="LifecyclePolicies[TransitionToIA].TransitionToIA")
    transition_to_ia_days: int | None = attr(
        None, "Days without access before files move to Infrequent Access (`TransitionToIA` as a number).",
        cfn="LifecyclePolicies[TransitionToIA].TransitionToIA",
        tf="lifecycle_policy[transition_to_ia].transition_to_ia",
        live="LifecyclePolicies[TransitionToIA].TransitionToIA", conv=normalise.after_days)
    lifecycle_transition_to_archive: str | None = attr(
        None, "`TransitionToArchive`, e.g. AFTER_90_DAYS (Archive tier).",
        cfn="LifecyclePolicies[TransitionToArchive].TransitionToArchive",
        tf="lifecycle_policy[transition_to_archive].transition_to_archive",
        live="LifecyclePolicies[TransitionToArchive].TransitionToArchive")
    throughput_mode: str = attr("bursting", "`ThroughputMode`; default bursting.", cfn="ThroughputMode",
                                tf="throughput_mode", live="ThroughputMode")


MODELS: tuple[type[Attributes], ...] = (FileSystem,)
