"""The ``Rules`` section: parameter checks CloudFormation runs before creating a stack.

haguard reads the section's shape (each rule an optional ``RuleCondition`` and a list of
``Assertions``, each with an ``Assert``), so a malformed section is named as AWS would name it, but
does not evaluate it: rules only accept or refuse parameter values, which ``--param`` sets.
Its functions (``Fn::Contains``, ``Fn::EachMemberEquals``, ``Fn::EachMemberIn``, ``Fn::RefAll``,
``Fn::ValueOf``, ``Fn::ValueOfAll``) are read by the YAML loader in their short forms too.
"""

from __future__ import annotations

from typing import Any

from ..errors import InputError
from .cfn_yaml import LDict, UnknownTag, node_line


def check_rules(template: LDict, file: str) -> int:
    """Check the shape of ``Rules`` (when present); return the number of rules, which are not evaluated."""
    rules = template.get("Rules")
    if rules is None or isinstance(rules, UnknownTag):
        return 0
    line = template.key_lines.get("Rules")
    if not isinstance(rules, dict):
        raise InputError("Rules must be a mapping of rule names to rules", file, line)
    for name, rule in rules.items():
        where = getattr(rules, "key_lines", {}).get(name, line)
        if isinstance(rule, UnknownTag):
            continue
        if not isinstance(rule, dict):
            raise InputError(f"rule {name} must be a mapping with Assertions", file, where)
        unknown = sorted(set(rule) - {"RuleCondition", "Assertions"})
        if unknown:
            raise InputError(f"rule {name}: unknown key {unknown[0]!r} (expected RuleCondition, Assertions)",
                             file, rule.key_lines.get(unknown[0], where) if isinstance(rule, LDict) else where)
        assertions: Any = rule.get("Assertions")
        if not isinstance(assertions, list) or not assertions:
            raise InputError(f"rule {name}: Assertions must be a list", file, node_line(assertions) or where)
        for assertion in assertions:
            at = node_line(assertion) or node_line(assertions) or where
            if not isinstance(assertion, dict) or "Assert" not in assertion:
                raise InputError(f"rule {name}: each assertion needs an Assert", file, at)
    return len(rules)


__all__ = ["check_rules"]
