"""A config's settings checked against the loaded pack, and each policy's params resolved from them.

Everything a config can get wrong is found here, when it loads, with its file and line: unknown
policy ids (in ``policies`` and in waivers) and unknown param names, each with a did-you-mean, and
param values of the wrong type or unfit for the operators the param feeds (a ``matches`` pattern RE2
cannot run, a non-number for ``gte``).
"""

from __future__ import annotations

from typing import Any

from ..errors import InputError
from .config import Config, same_kind
from .pack import LoadedPolicy, Pack

__all__ = ["check_config", "resolve_params"]


_KIND_NAMES = {bool: "a boolean", int: "an integer", float: "a number", str: "a string", list: "a list"}


def _checked(loaded: LoadedPolicy, name: str, value: Any, config: Config, at: tuple[Any, ...]) -> Any:
    from .checks import operand_error  # the checker only with a config (a cached pack never needs it)

    default = loaded.policy.params[name]
    line = config.line(*at, name)
    if not same_kind(default, value):
        raise InputError(f"param {name!r} must be {_KIND_NAMES.get(type(default), type(default).__name__)} "
                         f"(got {value!r})", config.path, line)
    for role in sorted(loaded.param_roles.get(name, ())):
        error = operand_error(role, value)
        if error:
            raise InputError(f"param {name!r} of policy {loaded.id}: {error}", config.path, line)
    return value


def resolve_params(loaded: LoadedPolicy, config: Config | None) -> dict[str, Any]:
    """The policy's params: defaults, then global overrides, then per-policy overrides (type-checked)."""
    params = dict(loaded.policy.params)
    if config is None:
        return params
    for name, value in config.params.items():
        if name in params:
            params[name] = _checked(loaded, name, value, config, ("params",))
    settings = config.policies.get(loaded.id)
    for name, value in (settings.params if settings else {}).items():
        at = ("policies", loaded.id, "params")
        if name not in params:
            from .checks import did_you_mean

            raise InputError(f"unknown parameter {name} of policy {loaded.id}{did_you_mean(name, params)}",
                             config.path, config.line(*at, name))
        params[name] = _checked(loaded, name, value, config, at)
    return params


def check_config(pack: Pack, config: Config) -> None:
    """Reject settings for unknown policies, unknown or mistyped params before anything runs."""
    from .checks import did_you_mean

    for policy_id in config.policies:
        if policy_id not in pack.policies:
            raise InputError(f"unknown policy id {policy_id!r}{did_you_mean(policy_id, pack.policies)}", config.path,
                             config.line("policies", policy_id))
    for index, waiver in enumerate(config.waivers):
        if waiver.id not in pack.policies:
            raise InputError(f"waiver for unknown policy id {waiver.id!r}{did_you_mean(waiver.id, pack.policies)}",
                             config.path, config.line("waivers", index, "id"))
    declared = {name for loaded in pack.policies.values() for name in loaded.policy.params}
    for name in config.params:
        if name not in declared:
            raise InputError(f"unknown parameter {name}{did_you_mean(name, declared)} (no loaded policy declares it)",
                             config.path, config.line("params", name))
    for loaded in pack.policies.values():
        resolve_params(loaded, config)
