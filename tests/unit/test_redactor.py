"""The one redactor: secret keys, secret value shapes, registered NoEcho values; ordinary identifiers kept."""

from __future__ import annotations

import pytest

from scanner.redact import (
    REDACTED,
    Secret,
    is_secret_key,
    mask_like,
    redact_identifier,
    redact_text,
    redact_value,
    register_secret,
)


@pytest.mark.parametrize("key", [
    "password", "Password", "DB_PASS", "db-pass", "ApiKey", "APIKey", "api_key", "x-api-key", "Credentials",
    "pwd", "PWD", "secret", "ClientSecret", "MySecretName", "AuthToken", "auth", "OAuth", "Authorization",
    "access_key", "AccessKey", "AWS_SECRET_ACCESS_KEY", "private_key", "PrivateKey", "privatekey",
    "connectionString", "CONNECTION_STRING", "conn_str", "dsn", "SENTRY_DSN", "passphrase", "masterpassword",
    "user_data", "UserData", "tags.DB_PASS", "NextToken",
])
def test_secret_keys(key: str) -> None:
    assert is_secret_key(key)


@pytest.mark.parametrize("key", [
    "KeySchema", "kms_key_id", "key_name", "KeyName", "availability_zone", "Name", "team", "env", "Environment",
    "bypass", "author", "compass", "secret_arn", "auth_type", "auth_token_enabled", "password_length",
    "multi_az", "tags.Owner", "passport_office_id", "key", 3, None,
])
def test_ordinary_keys(key: object) -> None:
    assert not is_secret_key(key)


@pytest.mark.parametrize(("text", "expected"), [
    ("postgres://admin:hunter2@db.example.com:5432/app", "postgres://***@db.example.com:5432/app"),
    ("redis://:tok3n@cache:6379", "redis://***@cache:6379"),
    ("key AKIAIOSFODNN7EXAMPLE in text", "key *** in text"),
    ("ASIAY34FZKBOKMUTVV7A", "***"),
    ("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "***"),
    ("a\n-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----\nb", "a\n***\nb"),
    ("-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn (cut)", "***"),
    ("Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl", "Bearer ***"),
    ("export DB_PASSWORD=hunter2 && run", "export DB_PASSWORD=*** && run"),
    ("Server=db;Password=abc;Database=x", "Server=db;Password=***;Database=x"),
    ("{'password': 'two words', 'team': 'x'}", "{'password': '***', 'team': 'x'}"),
    ('"api_key": "k-123"', '"api_key": "***"'),
    ("secret: s3cr3t", "secret: ***"),
])
def test_secret_shapes_are_masked(text: str, expected: str) -> None:
    assert redact_text(text) == expected


@pytest.mark.parametrize("text", [
    "arn:aws:secretsmanager:us-east-1:111122223333:secret:db-pass-AbC",  # an ARN naming a secret, not one
    "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.MultiAZ.html",
    "0123456789abcdef0123456789abcdef01234567",  # a hash: one case, no mixed alphabet
    "subnet-00000002prv0", "us-east-1a", "10.0.0.0/16", "auth_token_enabled = true", "tags.password = ***",
    "KeySchema: HASH", "alias/aws/rds", "", "!Ref Secret: a NoEcho parameter, whose value haguard does not read",
])
def test_ordinary_text_is_kept(text: str) -> None:
    assert redact_text(text) == text


def test_structures_mask_by_key_pair_and_environment() -> None:
    value = {
        "tags": {"DB_PASS": "x", "Owner": "me", "ApiKey": "k"},
        "Tags": [{"Key": "Credentials", "Value": "c"}, {"Key": "Name", "Value": "n"}],
        "environment": [{"name": "MODE", "value": "prod"}, {"name": "DB_PASSWORD", "value": "p"}],
        "auth_token_enabled": True, "port": 5432, "kms_key_id": "alias/app",
        "nested": {"connection": "mysql://u:pw@h/db"}, "password": {"current": "a", "length": 8},
    }
    assert redact_value(value) == {
        "tags": {"DB_PASS": REDACTED, "Owner": "me", "ApiKey": REDACTED},
        "Tags": [{"Key": "Credentials", "Value": REDACTED}, {"Key": "Name", "Value": "n"}],
        "environment": [{"name": "MODE", "value": REDACTED}, {"name": "DB_PASSWORD", "value": REDACTED}],
        "auth_token_enabled": True, "port": 5432, "kms_key_id": "alias/app",
        "nested": {"connection": "mysql://***@h/db"}, "password": {"current": REDACTED, "length": 8},
    }


def test_evidence_items_mask_the_value_of_a_secret_attribute() -> None:
    assert redact_value({"attr": "master_password", "value": "hunter2"}) == {"attr": "master_password",
                                                                             "value": REDACTED}
    assert redact_value({"attr": "multi_az", "value": False}) == {"attr": "multi_az", "value": False}


def test_clean_data_is_returned_unchanged_and_input_never_mutated() -> None:
    clean = {"a": ["b", {"c": "d"}], "e": 1}
    assert redact_value(clean) is clean
    dirty = {"tags": {"token": "t"}, "other": {"x": "y"}}
    cleaned = redact_value(dirty)
    assert dirty["tags"]["token"] == "t"
    assert cleaned["other"] is dirty["other"]


def test_secret_text_masks_in_repr_and_format() -> None:
    secret = Secret("hunter2")
    assert f"got {secret!r}" == "got '***'" and f"{secret}" == "***"
    assert secret == "hunter2"  # still usable as its value in comparisons
    assert redact_text(secret) == REDACTED and redact_value([secret]) == [REDACTED]
    assert mask_like({"tags": {"a": secret, "b": "x"}, "port": Secret("5432")},
                     {"tags": {"a": "hunter2", "b": "x"}, "port": 5432}) == {"tags": {"a": REDACTED, "b": "x"},
                                                                            "port": REDACTED}


def test_registered_secrets_are_masked_wherever_they_went() -> None:
    register_secret(Secret("reg1stered-v4lue"))
    assert redact_text("prefix-reg1stered-v4lue-suffix") == "prefix-***-suffix"
    assert redact_identifier("aws_db_instance.db[\"reg1stered-v4lue\"]") == 'aws_db_instance.db["***"]'
    assert redact_value({"name": "x reg1stered-v4lue"}) == {"name": "x ***"}


def test_identifiers_keep_arns_and_mask_uri_credentials() -> None:
    arn = "arn:aws:rds:us-east-1:111122223333:db:orders"
    assert redact_identifier(arn) is arn
    assert redact_identifier('module.db["postgres://u:p@h"]') == 'module.db["postgres://***@h"]'
