"""Evidence for humans: a compact one-line form per item, secrets redacted by ``scanner.redact``.

Evidence items are dicts written by the engine. Recognised shapes (anything else prints as
``key = value`` pairs):

- ``{"attr": A, "value": V}`` -> ``A = V`` (``"unknown": reason`` instead of a value -> ``A = ? (reason)``);
  an optional ``"resource"`` other than the finding's own is shown as a prefix;
- ``{"src": S, "kind": K, "dst": D}`` -> ``S -[K]-> D``;
- ``{"path": [n0, k1, n1, k2, n2, ...]}`` (nodes and kinds alternating) or ``{"path": [{src, kind, dst}, ...]}``
  -> ``n0 -[k1]-> n1 -[k2]-> n2``.
"""

from __future__ import annotations

import json
from typing import Any

from scanner.model import Finding, needs_redaction
from scanner.redact import REDACTED, is_secret_key, redact_text, redact_value

redact = redact_value
"""Kept for callers of the former evidence-only redactor: the one redactor of ``scanner.redact``."""
_NAME_KEYS = ("attr", "attribute")


def redacted_evidence(finding: Finding) -> list[dict[str, Any]]:
    """The finding's evidence with secrets redacted: what every renderer must use.

    Findings the engine built from a validated snapshot carry values redacted once per resource; only
    other findings (made by hand, or copied for a suppression) are walked again.
    """
    if not needs_redaction(finding):
        return finding.evidence
    return [redact_value(item) for item in finding.evidence]


def format_value(value: Any, limit: int | None = 120) -> str:
    """Compact text for one value: strings bare, everything else as JSON; cut at ``limit`` characters."""
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True, default=str, ensure_ascii=False)
    text = " ".join(text.split())
    if limit is not None and len(text) > limit:
        text = text[: limit - 1] + "…"
    return text


def _edge(src: Any, kind: Any, dst: Any) -> str:
    return f"{src} -[{kind}]-> {dst}"


def _path(path: list[Any]) -> str | None:
    if path and all(isinstance(p, dict) and {"src", "kind", "dst"} <= p.keys() for p in path):
        text = str(path[0]["src"])
        for edge in path:
            text += f" -[{edge['kind']}]-> {edge['dst']}"
        return text
    if len(path) % 2 == 1 and all(isinstance(p, str) for p in path):
        text = path[0]
        for i in range(1, len(path), 2):
            text += f" -[{path[i]}]-> {path[i + 1]}"
        return text
    return None


def _short(uid: Any) -> str:
    """The last part of an ARN (``subnet-0abc``) or a template address; other values unchanged."""
    text = str(uid)
    if text.startswith("arn:"):
        tail = text.rsplit(":", 1)[-1]
        return tail.rsplit("/", 1)[-1] if "/" in tail else tail
    return text


def _owner(item: dict[str, Any], resource_uid: str | None) -> str:
    owner = item.get("resource")
    if not owner or owner == resource_uid:
        return ""
    if resource_uid and str(owner).startswith(resource_uid + "."):
        return str(owner)[len(resource_uid) + 1:] + ": "
    return _short(owner) + ": "


def _via(item: dict[str, Any]) -> str:
    path = item.get("path")
    if isinstance(path, list) and path and all(isinstance(p, str) and " -[" in p for p in path):
        hops = [" ".join(_short(part) if part.startswith("arn:") else part for part in p.split(" ")) for p in path]
        return "  (via " + ", ".join(hops) + ")"
    return ""


def format_item(item: dict[str, Any], resource_uid: str | None = None, limit: int | None = 120) -> str:
    """One evidence item (already redacted) as one line; ``resource_uid`` is the finding's own resource."""
    name = next((item[k] for k in _NAME_KEYS if k in item), None)
    prefix = _owner(item, resource_uid)
    test = f" (expected {item['test']})" if "test" in item and ".." not in str(name) else ""
    if name is not None and "selector" not in item:
        if "unknown" in item and "value" not in item:
            return f"{prefix}{name} = ? ({format_value(item['unknown'], limit)}){_via(item)}"
        context = "".join(f", {k} = {format_value(v, limit)}" for k, v in (item.get("context") or {}).items())
        return f"{prefix}{name} = {format_value(item.get('value'), limit)}{test}{context}{_via(item)}"
    if "selector" in item:
        if "count" in item:
            values = f" {format_value(item['values'], limit)}" if item.get("values") else ""
            unknown = f" ({item['unknown']})" if "unknown" in item else ""
            return f"{prefix}{item['selector']}: {item['count']}{values}{test}{unknown}{_via(item)}"
        if "unknown" in item:
            return f"{prefix}{item['selector']}: ? ({format_value(item['unknown'], limit)})"
        if "members" in item:
            return f"{prefix}{item['selector']}: {item['members']} member(s){_via(item)}"
    if isinstance(item.get("path"), list):
        text = _path(item["path"])
        if text is not None:
            return text
    if {"src", "kind", "dst"} <= item.keys():
        return _edge(item["src"], item["kind"], item["dst"])
    if "unknown" in item and "resource" in item and len(item) <= 3:
        return f"{prefix}? ({format_value(item['unknown'], limit)}){_via(item)}"
    return ", ".join(f"{k} = {format_value(v, limit)}" for k, v in item.items())


def evidence_lines(finding: Finding, limit: int | None = 120) -> list[str]:
    """The finding's evidence, redacted, one compact line per item."""
    lines = [format_item(item, finding.resource_uid, limit) for item in redacted_evidence(finding)]
    return [redact_text(line) for line in lines] if needs_redaction(finding) else lines


__all__ = ["REDACTED", "evidence_lines", "format_item", "format_value", "is_secret_key", "redact",
           "redacted_evidence"]
