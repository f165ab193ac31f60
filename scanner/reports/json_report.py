"""JSON report: the ``Report`` model as stable, indented JSON with secrets redacted."""

from __future__ import annotations

import json
from typing import Any

from .evidence import redact
from .report import Report


def report_data(report: Report) -> dict[str, Any]:
    """The report as JSON-ready data (aliases applied, evidence redacted)."""
    data = report.model_dump(mode="json", by_alias=True)
    for finding in data["findings"]:
        finding["evidence"] = redact(finding["evidence"])
    return data


def render_json(report: Report) -> str:
    """The report as JSON: indent 2, keys sorted, lists in the report's stable order, trailing newline."""
    return json.dumps(report_data(report), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
