"""The compiled-pack cache: hits equal cold loads, invalidation, corruption, races, errors, opting out."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from scanner.errors import InputError
from scanner.examples import EXAMPLE_PATH
from scanner.graph import build_graph
from scanner.model import load_snapshot
from scanner.policy import Pack, builtin_policy_dir, evaluate, load_pack, pack_cache
from scanner.policy.pack_cache import SUBDIR, code_fingerprint

ROOT = Path(__file__).resolve().parents[2]
POLICY = """id: cache-probe
title: Cache probe
severity: low
resource: aws.rds.db_instance
params: {min_days: 7}
assert: {attr: backup_retention_days, gte: {param: min_days}}
remediation: keep backups
"""


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh cache directory for the test."""
    directory = tmp_path / "cache"
    monkeypatch.setenv("HAGUARD_CACHE_DIR", str(directory))
    monkeypatch.delenv("HAGUARD_NO_CACHE", raising=False)
    return directory


def _files(cache: Path) -> list[Path]:
    return sorted((cache / SUBDIR).glob("*.pickle")) if (cache / SUBDIR).is_dir() else []


def _summary(pack: Pack) -> list[tuple[Any, ...]]:
    return [(p.id, p.theme, str(p.path), p.policy.model_dump(by_alias=True), p.param_roles) for p in pack.ordered()]


def _findings(pack: Pack) -> list[dict[str, Any]]:
    graph = build_graph(load_snapshot(EXAMPLE_PATH))
    return [f.model_dump(mode="json") for f in evaluate(pack, graph)]


def _custom(tmp_path: Path, text: str = POLICY) -> Path:
    path = tmp_path / "mine" / "backups" / "cache-probe.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_a_hit_gives_the_pack_of_a_cold_load(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HAGUARD_NO_CACHE", "1")
    cold = load_pack()
    monkeypatch.delenv("HAGUARD_NO_CACHE")
    first = load_pack()  # fills the cache
    assert len(_files(cache)) == 1
    stamp = _files(cache)[0].stat().st_mtime_ns
    warm = load_pack()
    assert _files(cache)[0].stat().st_mtime_ns == stamp  # a full hit writes nothing
    assert _summary(warm) == _summary(first) == _summary(cold)
    assert _findings(warm) == _findings(cold)


def test_a_hit_reads_no_yaml(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    load_pack()
    from scanner.policy import pack as pack_module

    def fail(*args: object, **kwargs: object) -> None:
        raise AssertionError("a cache hit parsed YAML")

    monkeypatch.setattr(pack_module, "read_yaml_with_lines", fail)
    assert len(load_pack().policies) > 50


def test_user_policies_are_cached_by_content(cache: Path, tmp_path: Path) -> None:
    path = _custom(tmp_path)
    pack = load_pack([path.parent.parent], replace=True)
    assert pack.policies["cache-probe"].param_roles == {"min_days": frozenset({"gte"})}
    assert pack.policies["cache-probe"].theme == "backups"
    assert len(_files(cache)) == 1
    path.write_text(POLICY.replace("min_days: 7", "min_days: 14"))  # same path, new content
    again = load_pack([path.parent.parent], replace=True)
    assert again.policies["cache-probe"].policy.params == {"min_days": 14}
    assert len(_files(cache)) == 1  # rewritten, not added to


def test_a_changed_file_invalidates_only_itself(cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pack_dir = tmp_path / "pack"
    shutil.copytree(builtin_policy_dir(), pack_dir)
    load_pack([pack_dir], replace=True)
    target = next(p for p in sorted(pack_dir.rglob("*.yaml")) if not p.name.endswith(".test.yaml"))
    target.write_text(target.read_text().replace("title:", "title: Edited", 1))
    from scanner.policy import pack as pack_module

    parsed: list[Path] = []
    real = pack_module.read_yaml_with_lines
    monkeypatch.setattr(pack_module, "read_yaml_with_lines",
                        lambda path, text=None: parsed.append(path) or real(path, text))
    pack = load_pack([pack_dir], replace=True)
    assert parsed == [target]
    assert any(p.policy.title.startswith("Edited") for p in pack.policies.values())


def test_a_code_change_invalidates(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = code_fingerprint()
    monkeypatch.setenv("HAGUARD_MAX_NESTING", "50")
    assert code_fingerprint() != before
    monkeypatch.delenv("HAGUARD_MAX_NESTING")
    monkeypatch.setattr(pack_cache, "_CODE", [])
    vocabulary = ROOT / "scanner" / "model" / "vocabulary" / "rds.py"
    real_stat = os.stat

    def edited(path: Any, *args: Any, **kwargs: Any) -> os.stat_result:
        info = real_stat(path, *args, **kwargs)
        if Path(path) == vocabulary:
            fields = list(info)
            fields[6] += 1  # st_size
            return os.stat_result(fields)
        return info

    monkeypatch.setattr(os, "stat", edited)
    assert code_fingerprint() != before


def test_two_installations_share_the_directory(cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    custom = _custom(tmp_path)
    for fingerprint in ("a" * 64, "b" * 64, "a" * 64):  # a hook's haguard, a development tree's, the hook's
        monkeypatch.setattr(pack_cache, "code_fingerprint", lambda value=fingerprint: value)
        load_pack([custom], replace=True)
    assert len(_files(cache)) == 2
    writes = {f.name: f.stat().st_mtime_ns for f in _files(cache)}
    load_pack([custom], replace=True)  # a hit for "a": nothing rewritten, "b" kept
    assert {f.name: f.stat().st_mtime_ns for f in _files(cache)} == writes
    for n in range(pack_cache.KEEP + 2):  # code edited again and again: only the newest KEEP stay
        monkeypatch.setattr(pack_cache, "code_fingerprint", lambda value=f"{n:02d}" * 32: value)
        load_pack([custom], replace=True)
    assert len(_files(cache)) == pack_cache.KEEP


def test_a_corrupt_cache_is_ignored_and_rebuilt(cache: Path) -> None:
    expected = _summary(load_pack())
    (file,) = _files(cache)
    for damage in (b"", b"not a pickle", file.read_bytes()[: file.stat().st_size // 2]):
        file.write_bytes(damage)
        assert _summary(load_pack()) == expected
        assert file.stat().st_size > 1000  # rewritten whole


def test_a_foreign_or_writable_cache_file_is_not_loaded(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    load_pack()
    (file,) = _files(cache)
    file.chmod(0o666)
    loads: list[object] = []
    monkeypatch.setattr(pack_cache.pickle, "load", lambda handle: loads.append(handle))
    load_pack()
    assert loads == []  # refused before unpickling (then rewritten with mode 0600)
    assert (cache / SUBDIR).stat().st_mode & 0o777 == 0o700


def test_a_shared_cache_directory_is_not_used(cache: Path) -> None:
    (cache / SUBDIR).mkdir(parents=True, mode=0o700)
    (cache / SUBDIR).chmod(0o777)
    assert len(load_pack().policies) > 50
    assert _files(cache) == []


_RACER = """
import sys
from scanner.policy import load_pack
for _ in range(3):
    pack = load_pack([sys.argv[1]])
print(len(pack.policies))
"""


def test_two_processes_racing_both_succeed(cache: Path, tmp_path: Path) -> None:
    custom = _custom(tmp_path)
    env = {**os.environ, "HAGUARD_CACHE_DIR": str(cache)}
    racers = [subprocess.Popen([sys.executable, "-c", _RACER, str(custom)], env=env, cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [racer.communicate(timeout=120) for racer in racers]
    counts = {out.strip() for out, _ in outputs}
    assert all(racer.returncode == 0 for racer in racers), [err for _, err in outputs]
    assert len(counts) == 1
    assert len(_files(cache)) == 2  # the bundled pack and the custom file
    assert not list((cache / SUBDIR).glob(".tmp-*"))
    assert len(load_pack([custom]).policies) == int(counts.pop())


def test_a_bad_policy_keeps_its_error_with_the_cache_warm(cache: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    path = _custom(tmp_path)
    load_pack([path])
    bad = POLICY.replace("gte: {param: min_days}", "gte: {param: max_days}")
    path.write_text(bad)
    errors = []
    for disabled in ("", "1", ""):
        monkeypatch.setenv("HAGUARD_NO_CACHE", disabled)
        with pytest.raises(InputError) as caught:
            load_pack([path])
        errors.append(str(caught.value))
    assert len(set(errors)) == 1
    assert errors[0].startswith(f"{path}:6: ") and "undeclared param 'max_days'" in errors[0]


def test_a_duplicate_id_names_its_line_with_the_cache_warm(cache: Path, tmp_path: Path) -> None:
    first = _custom(tmp_path)
    second = first.with_name("copy.yaml")
    second.write_text("# a copy\n" + POLICY)
    load_pack([first], replace=True)
    load_pack([second], replace=True)
    with pytest.raises(InputError) as caught:
        load_pack([first, second], replace=True)
    assert str(caught.value).startswith(f"{second}:2: duplicate policy id 'cache-probe'")


def test_no_cache_writes_nothing(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HAGUARD_NO_CACHE", "1")
    assert len(load_pack().policies) > 50
    assert not cache.exists()


def test_a_cache_path_that_is_a_file_works(cache: Path) -> None:
    cache.write_text("not a directory")
    assert len(load_pack().policies) > 50
    assert cache.read_text() == "not a directory"


@pytest.mark.parametrize("failing", ["mkstemp", "replace"])
def test_a_failing_write_is_silent(cache: Path, monkeypatch: pytest.MonkeyPatch, failing: str) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(pack_cache.tempfile if failing == "mkstemp" else pack_cache.os, failing, refuse)
    assert len(load_pack().policies) > 50
    assert _files(cache) == []
    assert not list((cache / SUBDIR).iterdir())  # no temporary file left behind


def test_the_cache_location(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from scanner.paths import cache_dir

    monkeypatch.delenv("HAGUARD_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "xdg" / "haguard"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_dir() == tmp_path / "home" / ".cache" / "haguard"
    monkeypatch.setenv("HAGUARD_CACHE_DIR", str(tmp_path / "given"))
    assert cache_dir() == tmp_path / "given"


def test_the_suite_never_uses_the_users_cache() -> None:
    from scanner.paths import cache_dir

    assert not cache_dir().resolve().is_relative_to((Path.home() / ".cache").resolve())


def test_a_warm_run_imports_no_policy_checker(tmp_path: Path) -> None:
    template = tmp_path / "t.yaml"
    template.write_text("Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties: {CidrBlock: 10.0.0.0/16}\n")
    code = ("import sys; from scanner.cli import main; "
            f"main(['iac', {str(template)!r}, '--format', 'json', '-o', {str(tmp_path / 'r.json')!r}]); "
            "print('scanner.policy.checks' in sys.modules)")
    env = {**os.environ, "HAGUARD_CACHE_DIR": str(tmp_path / "cache")}  # cold, then warm
    runs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120,
                           env=env) for _ in range(2)]
    assert [run.stdout.strip() for run in runs] == ["True", "False"], [run.stderr for run in runs]
