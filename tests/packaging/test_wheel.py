"""The wheel installs only the ``scanner`` import package, beside distributions named ``reports`` and ``policies``."""

from __future__ import annotations

import base64
import hashlib
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _dummy_wheel(directory: Path, name: str) -> Path:
    """A minimal wheel of a distribution that owns the top-level package ``name``."""
    dist_info = f"{name}-1.0.dist-info"
    files = {
        f"{name}/__init__.py": f"OWNER = {name!r}\n",
        f"{dist_info}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n",
        f"{dist_info}/WHEEL": "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = [f"{path},sha256={_digest(text)},{len(text.encode())}" for path, text in files.items()]
    files[f"{dist_info}/RECORD"] = "\n".join([*record, f"{dist_info}/RECORD,,"]) + "\n"
    wheel = directory / f"{name}-1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for path, text in files.items():
            archive.writestr(path, text)
    return wheel


def _digest(text: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=").decode()


@pytest.fixture(scope="module")
def haguard_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "--wheel-dir", str(out), str(ROOT)], check=True, capture_output=True)
    return next(out.glob("haguard-*.whl"))


def test_wheel_holds_only_the_scanner_package(haguard_wheel: Path) -> None:
    names = zipfile.ZipFile(haguard_wheel).namelist()
    top = {name.split("/")[0] for name in names}
    assert top == {"scanner", next(t for t in top if t.endswith(".dist-info"))}
    assert any(name.startswith("scanner/policies/") and name.endswith(".yaml") for name in names)
    assert any(name.startswith("scanner/reports/") for name in names)


def test_installs_beside_distributions_named_reports_and_policies(haguard_wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    wheels = [_dummy_wheel(tmp_path, "reports"), _dummy_wheel(tmp_path, "policies"), haguard_wheel]
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", "--target",
                    str(target), *map(str, wheels)], check=True, capture_output=True)
    code = ("import reports, policies, scanner.reports, scanner.policy.pack as pack; "
            "assert reports.OWNER == 'reports' and policies.OWNER == 'policies'; "
            "print(pack.builtin_policy_dir())")
    env = {**os.environ, "PYTHONPATH": str(target), "COLUMNS": "250"}
    shown = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, check=True,
                           capture_output=True, text=True)
    assert Path(shown.stdout.strip()) == target / "scanner" / "policies"
    listed = subprocess.run([sys.executable, "-m", "scanner.cli", "policy", "list"], cwd=tmp_path, env=env,
                            capture_output=True, text=True)
    assert listed.returncode == 0, listed.stderr
    assert "rds-instance-multi-az" in listed.stdout


def test_installed_wheel_renders_the_html_report_from_its_templates(haguard_wheel: Path, tmp_path: Path) -> None:
    names = zipfile.ZipFile(haguard_wheel).namelist()
    assert "scanner/reports/templates/report.html.j2" in names
    assert "scanner/reports/templates/macros/topology.svg.j2" in names
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", "--target",
                    str(target), str(haguard_wheel)], check=True, capture_output=True)
    env = {**os.environ, "PYTHONPATH": str(target)}
    result = subprocess.run([sys.executable, "-m", "scanner.cli", "scan", "--example", "--format", "html"],
                            cwd=tmp_path, env=env, capture_output=True, text=True)
    assert result.returncode == 1, result.stderr
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="topology"' in result.stdout
