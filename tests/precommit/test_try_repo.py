"""The pre-commit hooks, through the real ``pre-commit`` framework, refuse a violating commit.

pre-commit builds its own virtualenv and installs haguard into it (from the package registry's wheels
for the dependencies), which takes a minute. So that the module builds it once, its tests share one
``PRE_COMMIT_HOME`` and one hook repository: a clone of this checkout, working-tree changes included,
committed at a fixed revision, which the tests' ``.pre-commit-config.yaml`` names as users do.
``pre-commit try-repo`` (which always builds in a fresh store) runs once, for the acceptance case of a
repository holding a preprocessor template and a one-line JSON template.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRE_COMMIT = Path(sys.executable).parent / "pre-commit"
TIMEOUT = 900

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

VIOLATING_TF = """\
resource "aws_db_instance" "orders" {
  engine         = "postgres"
  instance_class = "db.t3.micro"
  multi_az       = false
}
"""

PREPROCESSED = """\
Resources:
  Site:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Rain::Embed bucket-name.txt
  Sessions:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      TableName: !Rain::Embed table-name.txt
      AttributeDefinitions: [{AttributeName: pk, AttributeType: S}]
      KeySchema: [{AttributeName: pk, KeyType: HASH}]
      PointInTimeRecoverySpecification: {PointInTimeRecoveryEnabled: true}
"""
ONE_LINE = json.dumps({"Resources": {"Ledger": {"Type": "AWS::RDS::DBInstance", "Properties": {
    "Engine": "postgres", "DBInstanceClass": "db.m6g.large", "MultiAZ": False}}}})


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=TIMEOUT)


def _git(repo: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return _run(["git", *args], repo, env)


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    assert PRE_COMMIT.exists() and shutil.which("git"), "the test extra installs pre-commit; git is required"
    caches = tmp_path_factory.mktemp("user-cache")  # virtualenv's app data and pip's cache, not ~/.cache
    values = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path_factory.mktemp("pre-commit-home")),
              "XDG_CACHE_HOME": str(caches), "VIRTUALENV_OVERRIDE_APP_DATA": str(caches / "virtualenv"),
              "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@x", "GIT_COMMITTER_NAME": "t",
              "GIT_COMMITTER_EMAIL": "t@x", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    values.pop("VIRTUAL_ENV", None)
    return values


@pytest.fixture(scope="module")
def hooks_config(tmp_path_factory: pytest.TempPathFactory, env: dict[str, str]) -> str:
    """A ``.pre-commit-config.yaml`` naming a fixed-revision copy of this checkout (changes included)."""
    shadow = tmp_path_factory.mktemp("hooks") / "haguard"
    assert _run(["git", "clone", "-q", str(ROOT), str(shadow)], ROOT, env).returncode == 0
    listed = _git(ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard", env=env).stdout
    for name in filter(None, listed.split("\0")):
        source, target = ROOT / name, shadow / name
        if source.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
        elif target.exists():
            target.unlink()
    _git(shadow, "add", "-A", env=env)
    _git(shadow, "commit", "-q", "--allow-empty", "-m", "working tree", env=env)
    rev = _git(shadow, "rev-parse", "HEAD", env=env).stdout.strip()
    # A team gates commits on the policies it chose; these are the ones the tests exercise (the whole pack's
    # verdicts are tested elsewhere, and its growth must not change what these hooks' tests mean).
    gated = ("        args: [--only, 'dynamodb-pitr,rds-instance-multi-az,rds-backup-retention,"
             "db-replica-other-region']\n")
    hooks = "".join(f"      - id: {hook}\n{gated if hook != 'haguard-policies' else ''}"
                    for hook in ("haguard-cloudformation", "haguard-terraform", "haguard-policies"))
    return f"repos:\n  - repo: {shadow}\n    rev: {rev}\n    hooks:\n{hooks}"


def _repo(path: Path, config: str, env: dict[str, str]) -> Path:
    path.mkdir(parents=True)
    assert _git(path, "init", "-q", env=env).returncode == 0
    (path / ".pre-commit-config.yaml").write_text(config)
    _git(path, "add", ".pre-commit-config.yaml", env=env)  # pre-commit refuses an unstaged config
    return path


def _hook(repo: Path, hook: str, files: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return _run([str(PRE_COMMIT), "run", hook, "--files", *files], repo, env)


def test_violating_template_is_refused_and_the_fixed_one_commits(tmp_path: Path, env: dict[str, str],
                                                                 hooks_config: str) -> None:
    repo = _repo(tmp_path / "infra", hooks_config, env)
    assert _run([str(PRE_COMMIT), "install"], repo, env).returncode == 0
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


def test_terraform_and_policy_hooks(tmp_path: Path, env: dict[str, str], hooks_config: str) -> None:
    repo = _repo(tmp_path / "infra", hooks_config, env)
    (repo / "db").mkdir()
    (repo / "db" / "main.tf").write_text(VIOLATING_TF)
    result = _hook(repo, "haguard-terraform", ["db/main.tf"], env)
    assert result.returncode != 0 and "rds-instance-multi-az" in result.stdout + result.stderr
    assert "main.tf:1" in result.stdout + result.stderr
    (repo / "db" / "main.tf").write_text(VIOLATING_TF.replace(
        "multi_az       = false", "multi_az       = true # haguard:skip=rds-backup-retention restored nightly")
        .replace('resource "aws_db_instance"', '# haguard:skip=db-replica-other-region single-region service\n'
                 'resource "aws_db_instance"'))
    fixed = _hook(repo, "haguard-terraform", ["db/main.tf"], env)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr  # the other findings are suppressed inline

    (repo / "policies" / "custom").mkdir(parents=True)
    broken = repo / "policies" / "custom" / "broken.yaml"
    broken.write_text("id: broken\ntitle: x\nseverity: high\nresource: aws.rds.db_instance\n"
                      "assert: {attr: multi_zone, equals: true}\nremediation: x\n")
    result = _hook(repo, "haguard-policies", ["policies/custom/broken.yaml"], env)
    assert result.returncode != 0
    assert "broken.yaml:5: unknown attribute 'multi_zone'" in result.stdout + result.stderr


def test_preprocessor_template_alone_is_evaluated_not_refused(tmp_path: Path, env: dict[str, str],
                                                             hooks_config: str) -> None:
    repo = _repo(tmp_path / "infra", hooks_config, env)
    (repo / "site.yaml").write_text(PREPROCESSED)
    result = _run([str(PRE_COMMIT), "run", "haguard-cloudformation", "--verbose", "--files", "site.yaml"], repo, env)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output  # compliant once its tags are unknown: PITR is on
    assert "site.yaml:5: warning: !Rain::Embed (2 uses)" in output, output


def test_try_repo_over_a_preprocessor_and_a_one_line_json_template(tmp_path: Path, env: dict[str, str]) -> None:
    repo = tmp_path / "infra"
    repo.mkdir()
    assert _git(repo, "init", "-q", env=env).returncode == 0
    (repo / "site.yaml").write_text(PREPROCESSED.replace("      PointInTimeRecoverySpecification: "
                                                         "{PointInTimeRecoveryEnabled: true}\n", ""))
    (repo / "ledger.json").write_text(ONE_LINE)
    result = _run([str(PRE_COMMIT), "try-repo", str(ROOT), "haguard-cloudformation", "--files", "site.yaml",
                   "ledger.json"], repo, env)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    # the preprocessor template: evaluated (its own finding), with one warning naming file, line and tag
    assert "site.yaml:5: warning: !Rain::Embed (2 uses) is no CloudFormation function" in output, output
    assert "dynamodb-pitr" in output and "site.yaml:6" in output, output
    # the one-line JSON template: detected under --ignore-unrecognised and failing on its violation
    assert "rds-instance-multi-az" in output and "ledger.json:1" in output, output
    assert "skipped" not in output, output
