"""Terraform HCL directories -> Snapshot (source kind ``terraform-hcl``), without running Terraform.

The root module's ``*.tf``/``*.tf.json`` files (overrides merged, ``tf_config``), its variables from
tfvars files and ``--var`` (``tf_inputs``) and its local child modules are evaluated the way
Terraform plans them (``tf_module``, ``hcl_eval``, ``hcl_functions``): ``count``/``for_each`` and
``dynamic`` blocks expand, functions evaluate. What only apply can know (resource ids, data
sources, remote modules) is a reference or ``Unknown`` with the reason, never a guess; each
construct evaluated with unknowns, or not evaluated, is a ``LoadWarning`` (``FILE:LINE``).
``data.aws_availability_zones.X.names[i]`` becomes the symbolic zone ``{region}#az<i+1>``, as
CloudFormation's ``!GetAZs``.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from ..errors import InputError
from ..model import Location, Snapshot, Unevaluated
from .tf_config import block_lines, config_files
from .tf_inputs import root_inputs
from .tf_mapping import build_snapshot, resource_type_of
from .tf_module import Loader, LoadWarning, ModuleInstance, Options

SOURCE_KIND = "terraform-hcl"
_SKIP_RE = re.compile(r"(?:#|//)\s*haguard:skip=([A-Za-z0-9_.-]+)\s*(.*)$")
_COMMENT_RE = re.compile(r"^\s*(?:#|//)")
_RECURSION_LIMIT = 20_000

__all__ = ["SOURCE_KIND", "LoadWarning", "Options", "block_lines", "find_declaration", "load_terraform_hcl"]


def find_declaration(lines: list[str], tf_type: str, name: str) -> tuple[int, dict[str, str]] | None:
    """(1-based line of ``resource "T" "N" {``, inline suppressions) or None when not declared here.

    A ``# haguard:skip=<policy-id> <reason>`` comment counts on the declaration line, on the
    contiguous comment lines directly above it, or on any line inside the block.
    """
    pattern = re.compile(rf'^\s*resource\s+(?:"{re.escape(tf_type)}"|{re.escape(tf_type)})\s+'
                         rf'(?:"{re.escape(name)}"|{re.escape(name)})\s*\{{')
    for index, line in enumerate(lines):
        if not pattern.match(line):
            continue
        scan = []
        above = index - 1
        while above >= 0 and _COMMENT_RE.match(lines[above]):
            scan.append(lines[above])
            above -= 1
        scan.extend(block_lines(lines, index + 1))
        suppressions: dict[str, str] = {}
        for text in scan:
            match = _SKIP_RE.search(text)
            if match:
                suppressions[match.group(1)] = match.group(2).strip()
        return index + 1, suppressions
    return None


def load_terraform_hcl(directory: str | Path, *, var_overrides: dict[str, str] | None = None,
                       options: Options | None = None, warnings: list[LoadWarning] | None = None) -> Snapshot:
    """Load the Terraform configuration in ``directory`` (root module and local child modules).

    ``var_overrides`` are ``--var`` values (on top of ``options.variables``); warnings are appended to
    ``warnings`` when given. Bad input, or values Terraform itself rejects, raise ``InputError``.
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise InputError("not a directory of Terraform files", str(directory))
    if not config_files(directory):
        raise InputError("no *.tf files in the directory", str(directory))
    options = options or Options()
    variables = {**options.variables, **(var_overrides or {})}
    loader = Loader(directory, options)
    previous = sys.getrecursionlimit()
    sys.setrecursionlimit(max(previous, _RECURSION_LIMIT))
    try:
        root = ModuleInstance(loader, loader.config(directory), "")
        root.set_root_inputs(root_inputs(directory, options.var_files, variables))
        loader.region = root.region()
        root.expand()
    except RecursionError:
        raise InputError("Terraform expressions nested or chained too deeply to evaluate", str(directory)) from None
    finally:
        sys.setrecursionlimit(previous)
    if warnings is not None:
        warnings.extend(loader.warnings)
    return build_snapshot(SOURCE_KIND, [str(p) for p in loader.files], loader.items, loader.region,
                          unevaluated_of(loader.warnings))


def unevaluated_of(warnings: list[LoadWarning]) -> list[Unevaluated]:
    """The resources of unmodelled types, and the remote modules, as the snapshot's not-evaluated list."""
    found = []
    for warning in warnings:
        if warning.kind not in ("unmodelled", "not-evaluated") or not warning.subject:
            continue
        source_type = resource_type_of(warning.subject) or "module" if warning.kind == "unmodelled" else "module"
        found.append(Unevaluated(uid=warning.subject, source_type=source_type,
                                 location=Location(file=warning.file, line=warning.line) if warning.file else None,
                                 reason=None if warning.kind == "unmodelled" else warning.message))
    return found
