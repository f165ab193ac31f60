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


VIOLATING_TF = """\
resource "aws_db_instance" "orders" {
  engine         = "postgres"
  instance_class = "db.t3.micro"
  multi_az       = false
}
"""


def _try_repo(repo: Path, hook: str, files: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(PRE_COMMIT), "try-repo", str(ROOT), hook, "--files", *files], cwd=repo, env=env,
                          capture_output=True, text=True, timeout=900)


def test_terraform_and_policy_hooks(tmp_path: Path, pre_commit_home: Path) -> None:
    repo = tmp_path / "infra"
    (repo / "db").mkdir(parents=True)
    env = {**os.environ, "PRE_COMMIT_HOME": str(pre_commit_home), "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    env.pop("VIRTUAL_ENV", None)
    assert _git(repo, "init", "-q", env=env).returncode == 0
    (repo / "db" / "main.tf").write_text(VIOLATING_TF)
    result = _try_repo(repo, "haguard-terraform", ["db/main.tf"], env)
    assert result.returncode != 0 and "rds-instance-multi-az" in result.stdout + result.stderr
    assert "main.tf:1" in result.stdout + result.stderr
    (repo / "db" / "main.tf").write_text(VIOLATING_TF.replace(
        "multi_az       = false", "multi_az       = true # haguard:skip=rds-backup-retention restored nightly")
        .replace('resource "aws_db_instance"', '# haguard:skip=db-replica-other-region single-region service\n'
                 'resource "aws_db_instance"'))
    fixed = _try_repo(repo, "haguard-terraform", ["db/main.tf"], env)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr  # the other findings are suppressed inline

    (repo / "policies" / "custom").mkdir(parents=True)
    broken = repo / "policies" / "custom" / "broken.yaml"
    broken.write_text("id: broken\ntitle: x\nseverity: high\nresource: aws.rds.db_instance\n"
                      "assert: {attr: multi_zone, equals: true}\nremediation: x\n")
    result = _try_repo(repo, "haguard-policies", ["policies/custom/broken.yaml"], env)
    assert result.returncode != 0
    assert "broken.yaml:5: unknown attribute 'multi_zone'" in result.stdout + result.stderr
