"""Time ``haguard iac`` as a whole process on hostile and large CloudFormation inputs (run on demand).

    python benchmarks/cfn_limits.py

Each case prints its exit code and wall time: alias bombs, deep nesting, a huge ``Fn::Cidr`` count,
nested ``Fn::ForEach`` loops up to the default node bound, a template past 10 MB, and templates at
AWS's limits (1 MB, 500 resources) that are evaluated: detection parses a template once more
before loading it, so the last cases show that cost too.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

BUCKET = "Resources:\n  B: {Type: 'AWS::S3::Bucket'}\n"


def _bomb() -> str:
    lines = ["Metadata:", "  a0: &a0 [" + ", ".join(["lol"] * 9) + "]"]
    lines += [f"  a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 9)]
    return BUCKET + "\n".join(lines) + "\n"


def _loops() -> str:
    items = "[" + ", ".join(f"v{i}" for i in range(60)) + "]"
    loops = "".join(f"{'  ' * (2 * d + 1)}Fn::ForEach::L{d}:\n{'  ' * (2 * d + 2)}- I{d}\n"
                    f"{'  ' * (2 * d + 2)}- {items}\n{'  ' * (2 * d + 2)}-\n" for d in range(5))
    return "Transform: AWS::LanguageExtensions\nResources:\n" + loops + "  " * 11 + "R${I0}${I1}${I2}${I3}${I4}: {}\n"


def _resources(count: int, padding: int = 0) -> str:
    body = {f"Db{i}": {"Type": "AWS::RDS::DBInstance", "Properties": {
        "Engine": "postgres", "DBInstanceClass": "db.m6g.large", "MultiAZ": i % 2 == 0}} for i in range(count)}
    return json.dumps({"Description": "x" * padding, "Resources": body}, indent=1)


CASES: list[tuple[str, str, Callable[[], str]]] = [
    ("alias bomb (9^9 nodes)", "bomb.yaml", _bomb),
    ("JSON nested 100,000 deep", "deep.json", lambda: '{"Resources": {"B": {"Type": "AWS::S3::Bucket", "Metadata": '
     + "[" * 100_000 + "]" * 100_000 + "}}}"),
    ("YAML nested 5,000 deep", "deep.yaml", lambda: BUCKET + "Metadata:\n  " + "- " * 5000 + "x\n"),
    ("Fn::Cidr count 10^9", "cidr.yaml", lambda: "Resources:\n  S:\n    Type: AWS::EC2::Subnet\n    Properties:\n"
     "      CidrBlock: !Select [0, !Cidr [10.0.0.0/8, 1000000000, 8]]\n"),
    ("Fn::ForEach 60^5 resources", "loops.yaml", _loops),
    ("Fn::ForEach 60^4 empty loops", "empty-loops.yaml", lambda: _loops().replace(
        "- [" + ", ".join(f"v{i}" for i in range(60)) + "]\n" + "  " * 10 + "-", "- []\n" + "  " * 10 + "-")),
    ("11 MB template (refused)", "huge.json", lambda: _resources(1, padding=11 * 1024 * 1024)),
    ("1.1 MB template (evaluated)", "large.json", lambda: _resources(10, padding=1_100_000)),
    ("500 resources (evaluated)", "many.json", lambda: _resources(500)),
    ("5,000 resources (evaluated)", "most.json", lambda: _resources(5000)),
]


def main() -> int:
    with tempfile.TemporaryDirectory() as directory:
        for label, name, make in CASES:
            path = Path(directory) / name
            path.write_text(make())
            started = time.perf_counter()
            result = subprocess.run([sys.executable, "-m", "scanner.cli", "iac", "--format", "json", str(path)],
                                    capture_output=True, text=True)
            elapsed = time.perf_counter() - started
            message = result.stderr.strip().splitlines()[-1][:110] if result.stderr.strip() else ""
            print(f"{label:<34} exit {result.returncode}  {elapsed:6.2f} s  {message}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
