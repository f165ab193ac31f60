"""Snapshot validation, defaults and round trip."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from snapshot_factory import snapshot

from scanner.errors import InputError
from scanner.model import load_snapshot, save_snapshot
from scanner.model.vocabulary import RELATIONS, RESOURCE_TYPES, normalise_attributes


def test_omitted_attributes_get_aws_defaults() -> None:
    attrs = normalise_attributes("aws.rds.db_instance", {"engine": "postgres"})
    assert attrs["multi_az"] is False
    assert attrs["backup_retention_days"] == 1


def test_unknown_attributes_are_not_defaulted() -> None:
    attrs = normalise_attributes("aws.rds.db_instance", {}, frozenset({"multi_az"}))
    assert "multi_az" not in attrs


def test_wrong_attribute_type_is_rejected() -> None:
    with pytest.raises(ValueError, match="multi_az"):
        normalise_attributes("aws.rds.db_instance", {"multi_az": "yes"})


def test_invalid_snapshot_names_file_and_json_path(tmp_path) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"schema": "haguard.snapshot/1", "source": {"kind": "x"},
                                "resources": [{"uid": "a", "type": "aws.rds.db_instance",
                                               "attributes": {"multi_az": 3}}]}))
    with pytest.raises(InputError) as info:
        load_snapshot(path)
    assert str(info.value).startswith(f"{path}: $.resources[0]")


def test_truncated_snapshot_reports_line(tmp_path) -> None:
    path = tmp_path / "cut.json"
    path.write_text('{"schema": "haguard.snapshot/1",\n "source": {')
    with pytest.raises(InputError) as info:
        load_snapshot(path)
    assert str(info.value).startswith(f"{path}:2: invalid JSON")


@pytest.mark.parametrize("name", ["snap.json", "snap.json.gz"])
def test_round_trip(tmp_path, name) -> None:
    snap = snapshot([{"uid": "db", "type": "aws.rds.db_instance", "attributes": {"multi_az": True}}])
    save_snapshot(snap, tmp_path / name)
    again = load_snapshot(tmp_path / name)
    assert again.resources[0].attributes == snap.resources[0].attributes


def test_relation_catalogue_names_known_types() -> None:
    for src, _, dst in RELATIONS:
        assert src in RESOURCE_TYPES and dst in RESOURCE_TYPES


def test_core_modules_do_not_import_boto3() -> None:
    code = ("import sys, scanner.model, scanner.graph, scanner.policy, scanner.policy.cases, scanner.iac.detect, "
            "scanner.reports, scanner.reports.json_report, scanner.reports.sarif, scanner.reports.junit, "
            "scanner.reports.markdown, scanner.reports.html; "
            "sys.exit(1 if any(m.split('.')[0] in ('boto3', 'botocore') for m in sys.modules) else 0)")
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
