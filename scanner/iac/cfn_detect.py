"""Is this file a CloudFormation template? Decided by its structure, not its formatting.

A template is a JSON or YAML mapping with ``AWSTemplateFormatVersion``, or with a ``Resources``
mapping whose entries carry ``Type: AWS::...`` or ``Custom::...`` (or are ``Fn::ForEach`` loops),
wherever that sits in the file and whatever the BOM, key order or line layout (one-line JSON).
A file that mentions both but does not parse still counts when it looks like one, so that its
syntax error is reported instead of the file being skipped.
"""

from __future__ import annotations

import mmap
import os
import re
import stat
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..input_limits import TEMPLATE_BYTES

TEMPLATE_SUFFIXES = (".yaml", ".yml", ".json", ".template")
_RESOURCE_TYPE = re.compile(r"^(AWS|Custom)::")
_LOOSE_RESOURCES = re.compile(r"""["']?\bResources["']?\s*:""")
_LOOSE_TYPE = re.compile(r"""["']?\bType["']?\s*:\s*["']?(AWS|Custom)::""")
_LOOSE_VERSION = re.compile(r"""["']?\bAWSTemplateFormatVersion["']?\s*:""")


def looks_like_cloudformation(path: str | Path) -> bool:
    """True for a template file (see the module docstring); never blocks on a FIFO or device."""
    path = Path(path)
    if path.suffix.lower() not in TEMPLATE_SUFFIXES:
        return False
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode) or info.st_size == 0:
            return False
        if info.st_size > TEMPLATE_BYTES.value():
            return _mentions_template(path)  # too large to parse: loading it says so
        data = path.read_bytes()
    except OSError:
        return False
    if not _mentions(data):
        return False
    text = data.decode("utf-8-sig", errors="replace")
    from .cfn_yaml import parse_template

    try:
        template = parse_template(text, str(path), [])
    except InputError:
        return bool(_LOOSE_VERSION.search(text) or (_LOOSE_RESOURCES.search(text) and _LOOSE_TYPE.search(text)))
    return is_template(template)


def is_template(template: Any) -> bool:
    """True for parsed data shaped like a CloudFormation template."""
    if not isinstance(template, dict):
        return False
    if "AWSTemplateFormatVersion" in template:
        return True
    resources = template.get("Resources")
    if not isinstance(resources, dict):
        return False
    for key, body in resources.items():
        if isinstance(key, str) and key.startswith("Fn::ForEach::"):
            return True
        kind = body.get("Type") if isinstance(body, dict) else None
        if isinstance(kind, str) and _RESOURCE_TYPE.match(kind):
            return True
    return False


def _mentions(data: bytes | mmap.mmap) -> bool:
    """The cheap test before parsing: the version key, or ``Resources`` and a resource type prefix."""
    return data.find(b"AWSTemplateFormatVersion") >= 0 or (
        data.find(b"Resources") >= 0 and (data.find(b"AWS::") >= 0 or data.find(b"Custom::") >= 0))


def _mentions_template(path: Path) -> bool:
    """For files past the size limit: the markers occur somewhere (scanned without reading it all)."""
    with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as view:
        return _mentions(view)


__all__ = ["TEMPLATE_SUFFIXES", "is_template", "looks_like_cloudformation"]
