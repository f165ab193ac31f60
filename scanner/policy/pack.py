"""Loading policy packs: YAML files -> validated, checked, compiled policies."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..errors import InputError, decode_text, read_bytes
from ..model import PolicyInfo
from .evaluate import Compiled, compile_condition, compile_where
from .language import Policy
from .pack_cache import CachedPolicy, digest, open_cache
from .yaml_lines import data_path, line_for, read_yaml_with_lines

CASE_SUFFIX = ".test.yaml"


@dataclass
class LoadedPolicy:
    """A policy ready to evaluate: the model, where it came from, and its compiled conditions."""

    policy: Policy
    path: Path
    theme: str
    where: Compiled | None
    assertion: Compiled
    param_roles: dict[str, frozenset[str]] = field(default_factory=dict)
    """The operators each param is an operand of (a config override must suit them)."""

    @property
    def id(self) -> str:
        """The policy id."""
        return self.policy.id

    def info(self) -> PolicyInfo:
        """The report's view of the policy."""
        p = self.policy
        return PolicyInfo(id=p.id, title=p.title, theme=self.theme, severity=p.severity,
                          resource_types=p.resource_types, description=p.description,
                          remediation=p.remediation, references=dict(p.references))


@dataclass
class Pack:
    """The policies of one run, by id."""

    policies: dict[str, LoadedPolicy] = field(default_factory=dict)

    def ordered(self) -> list[LoadedPolicy]:
        """Policies sorted by id."""
        return [self.policies[k] for k in sorted(self.policies)]

    def add(self, loaded: LoadedPolicy, lines: dict[tuple[Any, ...], int] | None = None) -> None:
        """Add a policy; a second policy with the same id is an input error."""
        existing = self.policies.get(loaded.id)
        if existing is not None:
            raise InputError(f"duplicate policy id {loaded.id!r} (also defined in {existing.path})",
                             str(loaded.path), (lines or {}).get(("id",)))
        self.policies[loaded.id] = loaded


def builtin_policy_dir() -> Path:
    """The directory of the bundled pack.

    The wheel ships ``policies/`` as package data of ``scanner`` (``scanner/policies``), found with
    ``importlib.resources``; a source checkout keeps it at the top of the tree.
    """
    from importlib.resources import files

    packaged = Path(str(files("scanner").joinpath("policies")))
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "policies"


def policy_files(path: Path) -> list[Path]:
    """Policy files under ``path`` (a file or a directory), excluding ``*.test.yaml`` case files."""
    if path.is_dir():
        return sorted(p for p in path.rglob("*.yaml") if not p.name.endswith(CASE_SUFFIX))
    if not path.exists():
        raise InputError("no such policy file or directory", str(path))
    return [path]  # a FIFO or device is refused by the reader, without blocking


def load_policy(path: Path, text: str | None = None) -> tuple[LoadedPolicy, dict[tuple[Any, ...], int]]:
    """Parse, validate, check and compile one policy file (``text``: its content, already read)."""
    from .checks import PolicyCheckError, check_policy  # only when no cached result serves

    data, lines = read_yaml_with_lines(path, text)
    if not isinstance(data, dict):
        raise InputError("a policy must be a YAML mapping", str(path), lines.get(()))
    try:
        policy = Policy.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        at = data_path(err["loc"], data)
        message = err["msg"].removeprefix("Value error, ")
        key = ""
        if err["type"] in ("extra_forbidden", "missing"):
            key = str(err["loc"][-1]).rstrip("_")
            message = f"unknown key {key!r}" if err["type"] == "extra_forbidden" else f"missing required key {key!r}"
            at = at[:-1] if at and at[-1] == key else at
        where = ".".join(map(str, at))
        prefix = f"{where}: " if where else ""
        line = lines.get((*at, key)) if err["type"] == "extra_forbidden" else None
        raise InputError(f"{prefix}{message}", str(path), line or line_for(err["loc"], data, lines)) from None
    try:
        param_roles = check_policy(policy)
    except PolicyCheckError as exc:
        raise InputError(str(exc), str(path), line_for(exc.path, data, lines)) from None
    return compiled_policy(policy, path, param_roles), lines


def compiled_policy(policy: Policy, path: Path, param_roles: dict[str, frozenset[str]]) -> LoadedPolicy:
    """A validated, checked policy with its conditions compiled."""
    return LoadedPolicy(policy=policy, path=path, theme=policy.theme or path.parent.name,
                        where=compile_where(policy.where) if policy.where is not None else None,
                        assertion=compile_condition(policy.assert_), param_roles=param_roles)


def load_pack(extra: list[Path] | tuple[Path, ...] = (), *, replace: bool = False) -> Pack:
    """The bundled pack plus ``extra`` policy files/directories (``replace`` drops the bundled pack).

    Validated policies come from the per-user cache (``pack_cache``) when a file's content is unchanged.
    """
    pack = Pack()
    sources = ([] if replace else [builtin_policy_dir()]) + [Path(p) for p in extra]
    for source in sources:
        files = policy_files(source)
        cache = open_cache(source)
        for path in files:
            if cache is None:
                loaded, lines = load_policy(path)
                pack.add(loaded, lines)
                continue
            data = read_bytes(path)
            key = digest(data)
            hit = cache.get(key)
            if hit is not None:
                pack.add(compiled_policy(hit.policy, path, hit.param_roles),
                         {("id",): hit.id_line} if hit.id_line is not None else None)
                continue
            loaded, lines = load_policy(path, decode_text(data, path))
            cache.put(key, CachedPolicy(loaded.policy, loaded.param_roles, lines.get(("id",))))
            pack.add(loaded, lines)
        if cache is not None:
            cache.save()
    return pack
