"""JSON Schema of the JSON report. ``python -m scanner.reports.schema`` rewrites ``reports/report.schema.json``
(the published schema, kept at the top of the source tree)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from .report import Report

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "reports" / "report.schema.json"
SCHEMA_ID = "urn:haguard:schema:report:2"


def report_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) generated from ``Report``."""
    generated = Report.model_json_schema(by_alias=True)
    head = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "haguard report (haguard.report/2)",
    }
    return head | {k: v for k, v in generated.items() if k != "title"}


def schema_text() -> str:
    """The schema as the text checked in (indent 2, trailing newline)."""
    return json.dumps(report_json_schema(), indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write the schema file (or the path given as the only argument); print where."""
    args = sys.argv[1:] if argv is None else argv
    target = Path(args[0]) if args else SCHEMA_PATH
    target.write_text(schema_text(), encoding="utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
