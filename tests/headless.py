"""Headless Debian Chromium and the npm Mermaid bundle for the browser tests (no network at run time).

``.ci/run`` installs both: ``apt-get install chromium`` and ``npm install mermaid`` into
``$HOME/.cache/haguard-test`` (``HAGUARD_MERMAID_DIR`` names another directory, ``HAGUARD_MERMAID_JS``
the bundle itself). A missing one fails the
test that needs it with the command that installs it: these tests never skip.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("HAGUARD_CHROMIUM", "/usr/bin/chromium"))
MERMAID_DIR = Path(os.environ.get("HAGUARD_MERMAID_DIR", Path.home() / ".cache" / "haguard-test"))
MERMAID_JS = Path(os.environ.get(
    "HAGUARD_MERMAID_JS", MERMAID_DIR / "node_modules" / "mermaid" / "dist" / "mermaid.min.js"))
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-extensions", "--hide-scrollbars", "--mute-audio")


def chromium() -> Path:
    """The Chromium binary, or a failed test saying how to install it."""
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} not found: install Debian's chromium (apt-get install -y chromium; .ci/run does)")
    return CHROMIUM


def mermaid_js() -> Path:
    """The Mermaid browser bundle from its npm package, or a failed test saying how to install it."""
    if not MERMAID_JS.is_file():
        pytest.fail(f"{MERMAID_JS} not found: npm install --prefix ~/.cache/haguard-test mermaid (.ci/run does), "
                    "or set HAGUARD_MERMAID_JS")
    return MERMAID_JS


def run_chromium(page: Path, *extra: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Chromium on ``page`` (a local file) with a fresh profile and ``extra`` flags."""
    with tempfile.TemporaryDirectory(prefix="haguard-chromium-") as profile:
        env = {**os.environ, "XDG_CACHE_HOME": str(Path(profile) / "cache")}  # its dconf file, not ~/.cache
        result = subprocess.run([str(chromium()), *FLAGS, f"--user-data-dir={profile}", *extra, page.as_uri()],
                                capture_output=True, text=True, timeout=timeout, check=False, env=env)
    if result.returncode != 0:
        pytest.fail(f"chromium exited {result.returncode}: {result.stderr[-2000:]}")
    return result


def screenshot(page: Path, png: Path, width: int = 1280, height: int = 2400, scale: float = 1.0) -> None:
    """A PNG screenshot of ``page`` in a ``width`` x ``height`` window, at ``scale`` device pixels per CSS pixel."""
    run_chromium(page, f"--screenshot={png}", f"--window-size={width},{height}", f"--force-device-scale-factor={scale}")
    if not png.is_file():
        pytest.fail(f"chromium wrote no screenshot to {png}")


def dump_dom(page: Path, budget_ms: int = 0) -> str:
    """The DOM of ``page`` after load (and after ``budget_ms`` of virtual time for asynchronous scripts)."""
    extra = [f"--virtual-time-budget={budget_ms}"] if budget_ms else []
    return run_chromium(page, *extra, "--dump-dom").stdout


def mermaid_page(source: str, directory: Path) -> Path:
    """A page that renders ``source`` with the local Mermaid bundle and writes ``OK`` or ``ERROR: msg``
    into ``<pre id="result">``."""
    literal = json.dumps(source).replace("<", "\\u003c")
    page = directory / "mermaid.html"
    page.write_text(f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><script src="{mermaid_js().as_uri()}"></script></head>
<body><pre id="result">PENDING</pre><div id="out"></div>
<script>
const result = document.getElementById("result");
mermaid.initialize({{startOnLoad: false, securityLevel: "strict"}});
mermaid.render("diagram", {literal}).then(
  (r) => {{ document.getElementById("out").innerHTML = r.svg; result.textContent = "OK"; }},
  (e) => {{ result.textContent = "ERROR: " + (e && e.message ? e.message : String(e)); }});
</script></body></html>
""", encoding="utf-8")
    return page
