"""JSON report: the ``Report`` model as stable, indented JSON, written as a stream, secrets redacted.

The text is what ``json.dumps(report_data(report), indent=2, sort_keys=True, ensure_ascii=False)``
gives, produced by orjson one finding at a time (``json_chunks``), so a report of a million findings
is never held in memory as one text.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson

from scanner.model import Finding, Status, compact_evidence, needs_redaction
from scanner.redact import redact_text, redact_value

from .report import Report

_OPTIONS = orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS
_PLACEHOLDER = b'\n  "findings": []'
_ITEM_INDENT = b"\n    "


def _default(value: Any) -> Any:
    """JSON for what orjson does not know: sets as sorted lists, models as their JSON form, the rest as text."""
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=str)
    dump = getattr(value, "model_dump", None)
    if callable(dump):
        return dump(mode="json")
    return str(value)


def finding_data(finding: Finding, passing_evidence: str = "full") -> dict[str, Any]:
    """One finding as JSON-ready data: redacted unless the engine built it from a redacted snapshot, and
    with compact evidence when it passes and ``passing_evidence`` is ``compact``."""
    data = dict(finding.__dict__)
    location = data.get("location")
    if location is not None:
        data["location"] = {"file": location.file, "line": location.line}
    if needs_redaction(finding):
        data["evidence"] = redact_value(data["evidence"])
        for name in ("message", "suppression", "resource_name", "presumed"):
            if isinstance(data.get(name), str):
                data[name] = redact_text(data[name])
    if passing_evidence == "compact" and finding.status is Status.PASS:
        data["evidence"] = compact_evidence(data["evidence"], finding.resource_uid)
    return data


def _head(report: Report) -> dict[str, Any]:
    data = report.model_dump(mode="json", by_alias=True, exclude={"findings"})
    data["findings"] = []
    return redact_value(data)


def report_data(report: Report) -> dict[str, Any]:
    """The whole report as JSON-ready data (aliases applied, secrets redacted): the non-streamed form."""
    data = _head(report)
    data["findings"] = [orjson.loads(orjson.dumps(finding_data(f, report.passing_evidence), default=_default,
                                                  option=orjson.OPT_NON_STR_KEYS)) for f in report.findings]
    return data


def json_chunks(report: Report) -> Iterator[bytes]:
    """The JSON report as UTF-8 chunks (the head, then one chunk per finding, then the tail)."""
    head = orjson.dumps(_head(report), default=_default, option=_OPTIONS)
    before, found, after = head.partition(_PLACEHOLDER)
    if not found:  # pragma: no cover - the placeholder is always there
        raise AssertionError("findings placeholder missing from the report head")
    yield before + b'\n  "findings": ['
    detail = report.passing_evidence
    for index, finding in enumerate(report.findings):
        text = orjson.dumps(finding_data(finding, detail), default=_default, option=_OPTIONS)
        yield (b"," if index else b"") + _ITEM_INDENT + text.replace(b"\n", _ITEM_INDENT)
    yield (b"\n  ]" if report.findings else b"]") + after + b"\n"


def render_json(report: Report) -> str:
    """The report as JSON: indent 2, keys sorted, lists in the report's stable order, trailing newline."""
    return b"".join(json_chunks(report)).decode()
