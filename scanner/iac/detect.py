"""Find and load IaC inputs: CloudFormation templates, Terraform plan JSON and Terraform directories.

Each template, plan or Terraform root module becomes its own snapshot (one stack, one plan, one
module), the way the pre-commit hook receives them. Only the loaders a run needs are imported.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..errors import InputError, require_regular_file
from ..model import Snapshot
from .implicit import add_implicit_main_route_tables
from .zones import SYMBOLIC_ZONE, concretise, pinned_region, zone_names

TEMPLATE_SUFFIXES = (".yaml", ".yml", ".json", ".template")
SKIP_DIRS = {".git", ".terraform", "node_modules", "__pycache__", ".venv", "venv", "cdk.out.tmp"}


def _walk(directory: Path) -> Iterable[Path]:
    for path in sorted(directory.iterdir()):
        if path.is_dir():
            if path.name not in SKIP_DIRS and not path.name.startswith("."):
                yield from _walk(path)
        elif path.is_file():  # a FIFO, socket or device in a tree is no template (and could block a read)
            yield path


def _classify(path: Path) -> str | None:
    """``cloudformation``, ``terraform-plan``, ``terraform`` (a .tf file) or ``None``."""
    if path.suffix == ".tf":
        return "terraform"
    if path.suffix not in TEMPLATE_SUFFIXES:
        return None
    if path.suffix == ".json":
        from .terraform_plan import looks_like_terraform_plan

        if looks_like_terraform_plan(path):
            return "terraform-plan"
    from .cloudformation import looks_like_cloudformation

    return "cloudformation" if looks_like_cloudformation(path) else None


def discover(paths: Iterable[Path], kind: str = "auto", *, ignore_unrecognised: bool = False
             ) -> list[tuple[str, Path]]:
    """``(kind, path)`` inputs: templates and plans as files, Terraform modules as directories."""
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
            detected = kind if (kind != "auto" and path.is_file()) else _classify(candidate)
            if kind not in ("auto", detected) and path.is_dir():
                continue
            if detected == "terraform":
                if candidate.parent not in tf_dirs:
                    tf_dirs.append(candidate.parent)
            elif detected is not None:
                found.append((detected, candidate))
            elif path.is_file() and not ignore_unrecognised:
                raise InputError("not a CloudFormation template, Terraform plan JSON or .tf file "
                                 "(use --type to force one)", str(candidate))
    found.extend(("terraform", d) for d in tf_dirs if not _is_child_module(d, tf_dirs))
    return found


def _is_child_module(directory: Path, roots: list[Path]) -> bool:
    """A module directory called from another given root (``modules/x`` under a root) is loaded by it."""
    return any(directory != root and root in directory.parents and (root / "modules") in (directory, *directory.parents)
               for root in roots)


def load_iac(paths: Iterable[Path], *, kind: str = "auto", parameters: dict[str, str] | None = None,
             region: str | None = None, ignore_unrecognised: bool = False) -> list[Snapshot]:
    """One snapshot per template, plan or Terraform root module found under ``paths``."""
    snapshots = []
    paths = list(paths)
    inputs = discover(paths, kind, ignore_unrecognised=ignore_unrecognised)
    if not inputs and not ignore_unrecognised:
        raise InputError("no CloudFormation template, Terraform plan or .tf file found in "
                         + ", ".join(str(p) for p in paths))
    for detected, path in inputs:
        snapshot = add_implicit_main_route_tables(load_one(detected, path, parameters, region))
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


def load_one(kind: str, path: Path, parameters: dict[str, str] | None = None, region: str | None = None
             ) -> Snapshot:
    """Load one template (``cloudformation``), plan (``terraform-plan``) or module directory (``terraform``)."""
    if kind == "cloudformation":
        from .cloudformation import load_cloudformation

        return load_cloudformation(path, parameters=parameters, region=region)
    if kind == "terraform-plan":
        from .terraform_plan import load_terraform_plan

        return load_terraform_plan(path)
    from .terraform_hcl import load_terraform_hcl

    return load_terraform_hcl(path, var_overrides=parameters)
