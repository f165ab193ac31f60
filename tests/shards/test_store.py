"""The shard store: atomic shard files, a manifest, resume rules and a saved set read back."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from scanner.errors import InputError
from scanner.model import CoverageGap, Resource, Snapshot, Source
from scanner.shards.evaluate import load_unit
from scanner.shards.store import MANIFEST, ShardSet, ShardStore, decode_snapshot, encode_snapshot

A, B = "111111111111", "222222222222"
REGIONS = ["us-east-1", "eu-west-1"]
KEYS = [(a, r) for a in (A, B) for r in REGIONS]


def _store(directory: Path, resume: bool = False, fingerprint: str = "f1") -> ShardStore:
    return ShardStore.open(directory, resume=resume, fingerprint=fingerprint, haguard_version="0", caller_account=A,
                           accounts=[A, B], regions=REGIONS, shard_keys=KEYS, scope_api_calls=3)


def _shard(account: str, region: str) -> bytes:
    vpc = Resource(uid=f"arn:aws:ec2:{region}:{account}:vpc/vpc-1", type="aws.ec2.vpc", name="vpc-1",
                   account=account, region=region, attributes={"cidr_block": "10.0.0.0/16"})
    return encode_snapshot(Snapshot(source=Source(kind="aws", accounts=[account], regions=[region]),
                                    resources=[vpc]))


def test_shards_and_manifest_are_written_and_read_back(tmp_path: Path) -> None:
    store = _store(tmp_path / "set")
    store.save(A, "us-east-1", _shard(A, "us-east-1"), 7, 1, [])
    gap = CoverageGap(account=B, region="eu-west-1", service="sts", operation="AssumeRole", error="AccessDenied",
                      resource_types=["aws.ec2.vpc"])
    store.save(B, "eu-west-1", None, 1, 0, [gap])
    store.flush()
    assert store.complete_keys() == {f"{A}/us-east-1"}
    saved = ShardSet.load(tmp_path / "set")
    assert saved.api_calls() == 3 + 7 + 1
    units = {u.account: u for u in saved.units()}
    assert [p.name for p in units[A].files] == [f"{A}-us-east-1.json.gz"]
    # the missing shard of A and both of B: gaps, never silence
    assert [(g.region, g.operation) for g in units[A].gaps] == [("eu-west-1", "CollectShard")]
    assert "rerun with --resume" in units[A].gaps[0].error
    assert [(g.region, g.operation, g.error) for g in units[B].gaps] == [
        ("us-east-1", "CollectShard", units[B].gaps[0].error), ("eu-west-1", "AssumeRole", "AccessDenied")]
    snapshot = load_unit(units[A])
    assert [r.uid for r in snapshot.resources] == [f"arn:aws:ec2:us-east-1:{A}:vpc/vpc-1"]


def test_a_new_set_needs_an_empty_directory(tmp_path: Path) -> None:
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "notes.txt").write_text("x")
    with pytest.raises(InputError, match=r"not empty .*--resume"):
        _store(tmp_path / "busy")
    (tmp_path / "file").write_text("x")
    with pytest.raises(InputError, match="is a file"):
        _store(tmp_path / "file")


def test_resume_keeps_shard_files_even_when_the_manifest_missed_them(tmp_path: Path) -> None:
    store = _store(tmp_path / "set")
    store.save(A, "us-east-1", _shard(A, "us-east-1"), 7, 1, [])
    store.flush()
    # killed after writing a shard file but before the manifest said so
    (tmp_path / "set" / "shards" / f"{B}-us-east-1.json.gz").write_bytes(_shard(B, "us-east-1"))
    resumed = _store(tmp_path / "set", resume=True)
    assert resumed.complete_keys() == {f"{A}/us-east-1", f"{B}/us-east-1"}
    manifest = json.loads((tmp_path / "set" / MANIFEST).read_text())
    assert {(s["account"], s["region"], s["status"]) for s in manifest["shards"]} == {
        (A, "us-east-1", "complete"), (B, "us-east-1", "complete"), (A, "eu-west-1", "pending"),
        (B, "eu-west-1", "pending")}
    assert [s["api_calls"] for s in manifest["shards"] if s["account"] == A and s["region"] == "us-east-1"] == [7]


def test_resume_refuses_a_set_written_with_other_collectors(tmp_path: Path) -> None:
    _store(tmp_path / "set")
    with pytest.raises(InputError, match="other collectors"):
        _store(tmp_path / "set", resume=True, fingerprint="f2")


@pytest.mark.parametrize(("content", "fragment"), [
    ("{not json", "invalid JSON"),
    (json.dumps({"schema": "haguard.shards/9"}), "schema"),
])
def test_a_bad_manifest_is_one_line_naming_the_file(tmp_path: Path, content: str, fragment: str) -> None:
    (tmp_path / MANIFEST).write_text(content)
    with pytest.raises(InputError, match=fragment) as info:
        ShardSet.load(tmp_path)
    assert info.value.file == str(tmp_path / MANIFEST) and "\n" not in str(info.value)


def test_a_manifest_cannot_point_outside_its_directory(tmp_path: Path) -> None:
    _store(tmp_path / "set")
    path = tmp_path / "set" / MANIFEST
    data = json.loads(path.read_text())
    data["shards"][0]["account"] = "../../etc"
    path.write_text(json.dumps(data))
    with pytest.raises(InputError, match=r"shards\.0\.account"):
        ShardSet.load(tmp_path / "set")


def test_a_corrupt_shard_file_is_a_gap_naming_it(tmp_path: Path) -> None:
    store = _store(tmp_path / "set")
    store.save(A, "us-east-1", _shard(A, "us-east-1"), 1, 1, [])
    store.save(A, "eu-west-1", gzip.compress(b"{broken"), 1, 1, [])
    store.flush()
    unit = next(u for u in ShardSet.load(tmp_path / "set").units() if u.account == A)
    snapshot = load_unit(unit)
    assert len(snapshot.resources) == 1  # the good shard still counts
    [gap] = snapshot.coverage
    assert (gap.account, gap.region, gap.operation) == (A, "eu-west-1", "LoadShard")
    assert f"{A}-eu-west-1.json.gz" in gap.error and "corrupt shard file" in gap.error


def test_encoding_round_trips(tmp_path: Path) -> None:
    data = _shard(A, "us-east-1")
    assert data[:2] == b"\x1f\x8b"
    assert decode_snapshot(data, "x") == decode_snapshot(_shard(A, "us-east-1"), "y")
    with pytest.raises(InputError, match="corrupt shard file"):
        decode_snapshot(b"not gzip", "x.json.gz")
