"""The pre-commit hooks, through the real ``pre-commit`` framework, refuse a violating commit.

A temporary git repository gets a ``pre-commit`` git hook that runs this checkout's
``haguard-cloudformation`` hook with ``pre-commit try-repo`` on the staged files. pre-commit builds
its own virtualenv and installs haguard into it (from the package registry's wheels for the
dependencies), so this test takes a while the first time.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRE_COMMIT = Path(sys.executable).parent / "pre-commit"

VIOLATING = """\
AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Orders:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{AttributeName: pk, AttributeType: S}]
      KeySchema: [{AttributeName: pk, KeyType: HASH}]
"""

FIXED = VIOLATING + """\
      PointInTimeRecoverySpecification:
        PointInTimeRecoveryEnabled: true
"""


def _git(repo: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


def test_violating_template_is_refused_and_the_fixed_one_commits(tmp_path: Path, pre_commit_home: Path) -> None:
    assert PRE_COMMIT.exists() and shutil.which("git"), "the test extra installs pre-commit; git is required"
    repo = tmp_path / "infra"
    repo.mkdir()
    env = {**os.environ, "PRE_COMMIT_HOME": str(pre_commit_home), "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@x",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@x", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    env.pop("VIRTUAL_ENV", None)
    assert _git(repo, "init", "-q", env=env).returncode == 0
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.write_text(f"#!/bin/sh\nexec '{PRE_COMMIT}' try-repo '{ROOT}' haguard-cloudformation\n")
    hook.chmod(0o755)

    template = repo / "orders.yaml"
    template.write_text(VIOLATING)
    _git(repo, "add", "orders.yaml", env=env)
    refused = _git(repo, "commit", "-q", "-m", "add orders table", env=env)
    output = refused.stdout + refused.stderr
    assert refused.returncode != 0, output
    assert "dynamodb-pitr" in output
    assert "orders.yaml:3" in output, output
    assert _git(repo, "log", "--oneline", env=env).stdout == ""

    template.write_text(FIXED)
    _git(repo, "add", "orders.yaml", env=env)
    accepted = _git(repo, "commit", "-q", "-m", "add orders table with PITR", env=env)
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert "add orders table with PITR" in _git(repo, "log", "--oneline", env=env).stdout
