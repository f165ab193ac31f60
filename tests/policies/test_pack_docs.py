"""The README's pack and parameter tables are the generated ones: they cannot go stale."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from scanner.policy import load_pack
from scanner.policy.catalogue import PACK_END, PACK_START, pack_markdown

ROOT = Path(__file__).resolve().parents[2]


def test_readme_pack_table_is_generated() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme[readme.index(PACK_START):readme.index(PACK_END) + len(PACK_END)] + "\n"
    assert block == pack_markdown(load_pack()), "run: haguard policy list --format markdown (and paste into README)"


def test_every_policy_and_parameter_is_listed() -> None:
    pack = load_pack()
    text = pack_markdown(pack)
    for loaded in pack.ordered():
        assert f"| `{loaded.id}` |" in text
        for name in loaded.policy.params:
            assert f"| `{name}` |" in text


def test_cli_prints_the_markdown() -> None:
    out = subprocess.run([sys.executable, "-m", "scanner.cli", "policy", "list", "--format", "markdown"],
                         capture_output=True, text=True, check=True, cwd=ROOT).stdout
    assert out == pack_markdown(load_pack())
