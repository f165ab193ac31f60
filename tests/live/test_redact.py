"""Secret-looking tag values never reach a live snapshot."""

from __future__ import annotations

import pytest

from scanner.live.redact import REDACTED, redact_resources, redact_tags
from scanner.model import Resource


@pytest.mark.parametrize("key", ["secret", "DB_PASSWORD", "apiToken", "private-key", "MySecretName", "x-TOKEN-y",
                                 "pass"])
def test_secret_keys_are_redacted(key: str) -> None:
    assert redact_tags({key: "hunter2", "team": "orders"}) == {key: REDACTED, "team": "orders"}


@pytest.mark.parametrize("key", ["Name", "env", "owner", "cost-centre", "KeyName", "kms_key_id"])
def test_other_keys_are_kept(key: str) -> None:
    assert redact_tags({key: "value"}) == {key: "value"}


def test_resources_are_copied_not_mutated() -> None:
    original = Resource(uid="a", type="aws.s3.bucket", attributes={"tags": {"Password": "p", "env": "prod"},
                                                                   "versioning": "Enabled"})
    untagged = Resource(uid="b", type="aws.s3.bucket")
    cleaned = redact_resources([original, untagged])
    assert cleaned[0].attributes == {"tags": {"Password": REDACTED, "env": "prod"}, "versioning": "Enabled"}
    assert original.attributes["tags"]["Password"] == "p"
    assert cleaned[1] is untagged
    assert '"p"' not in cleaned[0].model_dump_json()
