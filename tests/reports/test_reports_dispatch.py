"""Format dispatch and import hygiene of the reports package."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from reports_factory import sample_report
from rich.console import Console

from scanner.errors import InputError
from scanner.reports import FORMATS, render

ROOT = Path(__file__).resolve().parents[2]


def test_every_file_format_renders_text() -> None:
    report = sample_report()
    for fmt in FORMATS:
        if fmt == "rich":
            continue
        text = render(report, fmt)
        assert isinstance(text, str) and text.endswith("\n") and "rds-multi-az" in text
    assert json.loads(render(report, "json") or "")["summary"]["failing"] == 3


def test_rich_prints_to_the_console() -> None:
    out = io.StringIO()
    assert render(sample_report(), "rich", console=Console(file=out, force_terminal=False)) is None
    assert "FAILED: 3 findings at or above high" in out.getvalue()


def test_unknown_format_is_an_input_error() -> None:
    with pytest.raises(InputError, match="unknown report format 'pdf'"):
        render(sample_report(), "pdf")


def test_file_formats_import_neither_rich_nor_the_pipeline() -> None:
    code = (
        "import sys\n"
        "sys.path.insert(0, 'tests/reports')\n"
        "from reports_factory import sample_report\n"
        "from scanner.reports import render\n"
        "for fmt in ('json', 'sarif', 'junit', 'markdown', 'html'):\n"
        "    render(sample_report(), fmt)\n"
        "banned = [m for m in sys.modules if m.split('.')[0] in ('rich', 'boto3', 'botocore', 'networkx')\n"
        "          or m.startswith(('scanner.graph', 'scanner.policy', 'scanner.collectors', 'scanner.iac'))]\n"
        "print(banned)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
