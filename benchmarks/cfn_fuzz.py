"""Run the CloudFormation template fuzzing of ``tests/iac/test_cfn_fuzz.py`` at scale (run on demand).

    python benchmarks/cfn_fuzz.py [--examples 10000]

Splits the examples over the module's three tests (JSON, short-form YAML, long-form YAML) and prints
how many ran, the wall time, and whether any exception other than a one-line ``InputError`` escaped.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TESTS = 3


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=10_000, help="examples in all (default 10000)")
    args = parser.parse_args()
    per_test = -(-args.examples // TESTS)
    env = {**os.environ, "HAGUARD_FUZZ_EXAMPLES": str(per_test), "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                             "tests/iac/test_cfn_fuzz.py"], cwd=ROOT, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    verdict = "no exception escaped" if result.returncode == 0 else "FAILED (see below)"
    print(f"{per_test * TESTS} generated templates in {elapsed:.1f} s: {verdict}")
    if result.returncode:
        print(result.stdout[-4000:])
    return result.returncode


if __name__ == "__main__":
    raise SystemExit(main())
