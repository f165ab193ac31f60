"""The pack as documentation: the README's policy table and parameter table, generated so they cannot go stale."""

from __future__ import annotations

import json
from typing import Any

from .pack import Pack

PACK_START, PACK_END = "<!-- pack-table:start -->", "<!-- pack-table:end -->"


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _value(value: Any) -> str:
    return f"`{json.dumps(value)}`"


def pack_markdown(pack: Pack) -> str:
    """The policy table (id, severity, theme, source, title) and the parameter table (name, default, policies)."""
    policies = pack.ordered()
    lines = [PACK_START, "", f"{len(policies)} policies.", "",
             "| id | severity | theme | runs on | asserts |", "|---|---|---|---|---|"]
    for loaded in policies:
        policy = loaded.policy
        where = "live" if policy.live_only else "live, IaC"
        lines.append(f"| `{policy.id}` | {policy.severity.value} | {loaded.theme} | {where} | {_cell(policy.title)} |")
    params: dict[str, dict[str, Any]] = {}
    for loaded in policies:
        for name, default in loaded.policy.params.items():
            entry = params.setdefault(name, {"defaults": [], "policies": []})
            if default not in entry["defaults"]:
                entry["defaults"].append(default)
            entry["policies"].append(loaded.id)
    lines += ["", "Parameters (set them for every policy in a config file's `params:`, or per policy):", "",
              "| parameter | default | policies |", "|---|---|---|"]
    for name in sorted(params):
        entry = params[name]
        defaults = ", ".join(_value(d) for d in entry["defaults"])
        lines.append(f"| `{name}` | {defaults} | {', '.join(f'`{p}`' for p in entry['policies'])} |")
    lines += ["", PACK_END]
    return "\n".join(lines) + "\n"


__all__ = ["PACK_END", "PACK_START", "pack_markdown"]
