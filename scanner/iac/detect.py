"""Find and load IaC inputs: CloudFormation templates, Terraform plan JSON and Terraform directories.

Each template, plan or Terraform root module becomes its own snapshot (one stack, one plan, one
module), the way the pre-commit hook receives them. Only the loaders a run needs are imported.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InputError, require_regular_file
from ..model import Snapshot
from ..model.snapshot import paused_gc
from .implicit import add_implicit_main_route_tables
from .zones import SYMBOLIC_ZONE, concretise, pinned_region, zone_names

if TYPE_CHECKING:
    from .tf_options import LoadWarning, Options

TEMPLATE_SUFFIXES = (".yaml", ".yml", ".json", ".template")
TERRAFORM_SUFFIXES = (".tf", ".tf.json", ".tfvars", ".tfvars.json")
NOT_IAC = "not a CloudFormation template, Terraform plan JSON or .tf file"
SKIP_DIRS = {".git", ".terraform", "node_modules", "__pycache__", ".venv", "venv", "cdk.out.tmp"}


def _walk(directory: Path) -> Iterable[Path]:
    for path in sorted(directory.iterdir()):
        if path.is_dir():
            if path.name not in SKIP_DIRS and not path.name.startswith("."):
                yield from _walk(path)
        else:
            yield path


def _classify(path: Path) -> str | None:
    """``cloudformation``, ``terraform-plan``, ``terraform`` (a file of a Terraform directory) or ``None``."""
    if path.name.endswith(TERRAFORM_SUFFIXES):
        return "terraform"
    if path.suffix not in TEMPLATE_SUFFIXES:
        return None
    if path.suffix == ".json":
        from .terraform_plan import looks_like_terraform_plan

        if looks_like_terraform_plan(path):
            return "terraform-plan"
    from .cfn_detect import looks_like_cloudformation

    return "cloudformation" if looks_like_cloudformation(path) else None


def _stderr(line: str) -> None:
    print(line, file=sys.stderr)


def discover(paths: Iterable[Path], kind: str = "auto", *, ignore_unrecognised: bool = False,
             notify: Callable[[str], None] = _stderr) -> list[tuple[str, Path]]:
    """``(kind, path)`` inputs: templates and plans as files, Terraform modules as directories.

    Each file skipped as not IaC (a given file under ``ignore_unrecognised``, or a ``.yaml``/``.json``/
    ``.template`` file in a given directory) is named through ``notify`` in one line, so that a
    template detection misses never passes unseen.
    """
    found: list[tuple[str, Path]] = []
    tf_dirs: list[Path] = []
    for path in paths:
        if not path.exists():
            raise InputError("no such file or directory", str(path))
        if not path.is_dir():
            require_regular_file(path, "input")
        if kind == "terraform":
            directory = path if path.is_dir() else path.parent
            if directory not in tf_dirs:
                tf_dirs.append(directory)
            continue
        candidates = list(_walk(path)) if path.is_dir() else [path]
        for candidate in candidates:
            if not candidate.is_file():  # a FIFO, socket or device is no template (and could block a read)
                if candidate.name.endswith(TEMPLATE_SUFFIXES + TERRAFORM_SUFFIXES):
                    notify(f"{candidate}: skipped: not a regular file")
                continue
            detected = kind if (kind != "auto" and path.is_file()) else _classify(candidate)
            if kind not in ("auto", detected) and path.is_dir():
                continue
            if detected == "terraform":
                if candidate.parent not in tf_dirs:
                    tf_dirs.append(candidate.parent)
            elif detected is not None:
                found.append((detected, candidate))
            elif path.is_file() and not ignore_unrecognised:
                raise InputError(NOT_IAC + " (use --type to force one)", str(candidate))
            elif path.is_file() or candidate.suffix.lower() in TEMPLATE_SUFFIXES:
                notify(f"{candidate}: skipped: {NOT_IAC}")
    found.extend(("terraform", d) for d in terraform_roots(tf_dirs))
    return found


def terraform_roots(directories: list[Path]) -> list[Path]:
    """The directories that are root modules: those no other given directory calls as a local module
    (directly or through other modules), so that a called module is loaded once, by its caller, with
    the caller's inputs and instances. Directories only reachable through a cycle stay roots."""
    given = {d.resolve(): d for d in directories}
    callees = {key: _called_from(key) for key in given}
    called = {key for key in given if any(key in callees[other] for other in given if other != key)}
    covered = {c for key in given if key not in called for c in callees[key]}
    return [d for key, d in given.items() if key not in called or key not in covered]


def _called_from(start: Path) -> set[Path]:
    """Every local module directory ``start`` calls, transitively (``start`` itself excluded)."""
    from .tf_config import local_module_sources

    seen: set[Path] = set()
    stack = local_module_sources(start)
    while stack:
        current = stack.pop()
        if current in seen or current == start:
            continue
        seen.add(current)
        stack.extend(local_module_sources(current))
    return seen


def load_iac(paths: Iterable[Path], *, kind: str = "auto", parameters: dict[str, str] | None = None,
             region: str | None = None, ignore_unrecognised: bool = False, terraform: Options | None = None,
             warnings: list[LoadWarning] | None = None) -> list[Snapshot]:
    """One snapshot per template, plan or Terraform root module found under ``paths``.

    ``terraform`` holds the Terraform options (``--var-file``, ``--max-instances``); the Terraform
    loaders' warnings (values evaluated as unknown, remote modules not evaluated) go to ``warnings``.
    """
    snapshots = []
    paths = list(paths)
    inputs = discover(paths, kind, ignore_unrecognised=ignore_unrecognised)
    if not inputs and not ignore_unrecognised:
        raise InputError("no CloudFormation template, Terraform plan or .tf file found in "
                         + ", ".join(str(p) for p in paths))
    for detected, path in inputs:
        # a plan or template is a tree of long-lived, acyclic objects: no cyclic collection rescans it while it
        # is mapped (five full collections on a 10k-resource plan, none collecting anything)
        with paused_gc() if detected != "terraform" else nullcontext():
            snapshot = add_implicit_main_route_tables(load_one(detected, path, parameters, region,
                                                               terraform=terraform, warnings=warnings))
        snapshots.append(pin_symbolic_zones(snapshot))
    return snapshots


def pin_symbolic_zones(snapshot: Snapshot) -> Snapshot:
    """Make symbolic zones concrete when literal zone names pin the stack to one Region.

    A stack that names ``us-east-1a`` somewhere deploys to us-east-1, so its ``!GetAZs`` index 0 is
    us-east-1a too; leaving it symbolic would count the two as different AZs.
    """
    symbolic = any(SYMBOLIC_ZONE.match(zone) for r in snapshot.resources for zone in zone_names(r.attributes))
    region = pinned_region([r.attributes for r in snapshot.resources]) if symbolic else None
    if region is None:
        return snapshot
    resources = [r.model_copy(update={"attributes": concretise(r.attributes, region)}) for r in snapshot.resources]
    return snapshot.model_copy(update={"resources": resources})


def load_one(kind: str, path: Path, parameters: dict[str, str] | None = None, region: str | None = None, *,
             terraform: Options | None = None, warnings: list[LoadWarning] | None = None) -> Snapshot:
    """Load one template (``cloudformation``), plan (``terraform-plan``) or module directory (``terraform``)."""
    if kind == "cloudformation":
        from .cloudformation import load_template

        loaded = load_template(path, parameters=parameters, region=region)
        for warning in loaded.warnings:
            _stderr(warning)
        return loaded.snapshot
    if kind == "terraform-plan":
        from .terraform_plan import load_terraform_plan

        return load_terraform_plan(path)
    from .terraform_hcl import load_terraform_hcl

    return load_terraform_hcl(path, var_overrides=parameters, options=terraform, warnings=warnings)
