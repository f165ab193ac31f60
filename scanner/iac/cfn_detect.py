"""Is this file a CloudFormation template? Decided by its structure, not its formatting.

A template is a JSON or YAML mapping with ``AWSTemplateFormatVersion``, or with a ``Resources``
mapping whose entries carry ``Type: AWS::...`` or ``Custom::...`` (or are ``Fn::ForEach`` loops),
wherever that sits in the file and whatever the BOM, key order or line layout (one-line JSON).
A file that mentions both but does not parse still counts when it looks like one, so that its
syntax error is reported instead of the file being skipped.
"""

from __future__ import annotations

import json
import mmap
import os
import re
import stat
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..limits import MAX_TEMPLATE_BYTES

TEMPLATE_SUFFIXES = (".yaml", ".yml", ".json", ".template")
_RESOURCE_TYPE = re.compile(r"^(AWS|Custom)::")
_LOOSE_RESOURCES = re.compile(r"""["']?\bResources["']?\s*:""")
_LOOSE_TYPE = re.compile(r"""["']?\bType["']?\s*:\s*["']?(AWS|Custom)::""")
_LOOSE_VERSION = re.compile(r"""["']?\bAWSTemplateFormatVersion["']?\s*:""")
_BLOCK_RESOURCES = re.compile(r"""^["']?Resources["']?[ \t]*:[ \t]*(#.*)?$""", re.MULTILINE)
_BLOCK_VERSION = re.compile(r"""^["']?AWSTemplateFormatVersion["']?[ \t]*:""", re.MULTILINE)


def looks_like_cloudformation(path: str | Path) -> bool:
    """True for a template file (see the module docstring); never blocks on a FIFO or device."""
    path = Path(path)
    if path.suffix.lower() not in TEMPLATE_SUFFIXES:
        return False
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode) or info.st_size == 0:
            return False
        if info.st_size > MAX_TEMPLATE_BYTES.value():
            return _mentions_template(path)  # too large to parse: loading it says so
        data = path.read_bytes()
    except OSError:
        return False
    if not _mentions(data):
        return False
    text = data.decode("utf-8-sig", errors="replace")
    if _BLOCK_VERSION.search(text) or (_BLOCK_RESOURCES.search(text) and _LOOSE_TYPE.search(text)):
        return True  # block-style YAML: a top-level key starts a line, no need to parse it
    try:
        template = _parse(text, str(path))
    except (InputError, ValueError, RecursionError):
        return bool(_LOOSE_VERSION.search(text) or (_LOOSE_RESOURCES.search(text) and _LOOSE_TYPE.search(text)))
    return is_template(template)


def _parse(text: str, file: str) -> Any:
    if text.lstrip().startswith("{"):
        try:
            return json.loads(text)  # the fast path; the loader checks duplicate keys
        except ValueError:
            if file.lower().endswith(".json"):
                raise
    from .cfn_yaml import parse_template

    return parse_template(text, file, [])


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
