"""The one redactor: every string that leaves haguard (reports, stderr, saved snapshots, history) goes through it.

Two kinds of match, both replacing the secret by ``***``:

- **keys**: the value of a key that names a secret (``password``, ``passwd``, ``pwd``, ``pass``, ``secret``,
  ``token``, ``api key``, ``access key``, ``credential``, ``auth``, ``private key``, ``connection string``,
  ``dsn``, ``user data``), whatever its case, separators or camelCase (``ApiKey``, ``DB_PASS``, ``Credentials``).
  Keys whose last word says they hold metadata about a secret (``secret_arn``, ``auth_type``,
  ``password_length``…) are kept, and so are booleans and numbers (``auth_token_enabled: true``). A
  ``{"name"|"key"|"attr": SECRET_KEY, "value": V}`` pair (CloudFormation tags, container environments,
  evidence items) has ``V`` redacted; so do the values inside an ``environment``/``variables`` mapping or list.
- **value shapes**, in any string: AWS secret access keys, AKIA/ASIA access key ids, PEM blocks, JWTs, the
  user-info of URIs (``scheme://user:pass@host`` -> ``scheme://***@host``), ``KEY=VALUE`` / ``KEY: VALUE``
  text whose key names a secret, and every value registered with ``register_secret`` (CloudFormation
  ``NoEcho`` parameters), wherever it ended up.

Ordinary identifiers (``KeySchema``, ``kms_key_id``, ``key_name``, ``availability_zone``) are not touched.
The walkers return their input object unchanged when nothing in it is secret, so redacting clean data
costs no copies. Public API: ``redact_value``, ``redact_text``, ``redact_identifier``, ``is_secret_key``,
``register_secret``, ``Secret``, ``REDACTED``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from itertools import pairwise
from typing import Any

REDACTED = "***"

_SUBSTRING_WORDS = ("password", "passwd", "passphrase", "secret", "token", "credential", "privatekey", "apikey",
                    "accesskey", "connectionstring", "connstr", "userdata", "authorization")
"""Secret words that may sit inside a longer word (``masterpassword``, ``AuthToken``)."""
_WHOLE_WORDS = frozenset({"pwd", "pass", "pw", "auth", "dsn", "psk"})
"""Short secret words that count only as whole words (``DB_PASS`` but not ``bypass``)."""
_WORD_PAIRS = frozenset({("api", "key"), ("access", "key"), ("private", "key"), ("connection", "string"),
                         ("conn", "str"), ("user", "data"), ("secret", "key"), ("signing", "key")})
_METADATA_SUFFIXES = frozenset({"arn", "arns", "type", "types", "mode", "method", "enabled", "status", "state",
                                "required", "length", "count", "version", "rotation", "policy", "expiry",
                                "expiration", "expires", "age", "ttl", "used", "date", "time", "set", "configured",
                                "present", "exists", "format", "algorithm", "source", "kind", "ref"})
"""A last word that makes the key describe a secret rather than hold it (``secret_arn``, ``auth_type``)."""
_CONTAINER_WORDS = frozenset({("environment",), ("environment", "variables"), ("env",), ("env", "vars"),
                              ("variables",), ("env", "variables")})
"""Keys whose mapping or list holds environment variables: every value inside is redacted, names kept."""
_PAIR_NAME_KEYS = ("name", "Name", "key", "Key", "attr", "attribute", "ParameterKey", "OptionName")
_PAIR_VALUE_KEYS = ("value", "Value", "values", "ParameterValue", "OptionValue", "expected", "actual")

_WORD_SPLIT = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")


class Secret(str):
    """A string known to be secret (a CloudFormation ``NoEcho`` parameter's value).

    It behaves as its text in comparisons and joins, but ``repr`` and ``format`` show ``***``, so an
    error message that quotes it (``got {value!r}``) prints the mask. ``redact_value`` replaces it.
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return repr(REDACTED)

    def __format__(self, spec: str) -> str:
        return format(REDACTED, spec)


def key_words(key: str) -> list[str]:
    """The lower-case words of a key: ``DBPassword`` -> ``[db, password]``, ``api-key`` -> ``[api, key]``."""
    return [word.lower() for word in _WORD_SPLIT.findall(key)]


def _words_are_secret(words: list[str]) -> bool:
    if not words or words[-1] in _METADATA_SUFFIXES:
        return False
    joined = "".join(words)
    if any(word in joined for word in _SUBSTRING_WORDS):
        return True
    if any(word in _WHOLE_WORDS for word in words):
        return True
    return any(pair in _WORD_PAIRS for pair in pairwise(words))


_PLAIN, _SECRET, _CONTAINER = 0, 1, 2
_KEY_CACHE: dict[str, int] = {}
_CACHE_MAX = 100_000


def _key_class(key: str) -> int:
    """``_SECRET``, ``_CONTAINER`` (an environment mapping) or ``_PLAIN``, memoised (keys repeat)."""
    cached = _KEY_CACHE.get(key)
    if cached is not None:
        return cached
    last = key.rsplit(".", 1)[-1] if "." in key else key
    words = key_words(last)
    result = _SECRET if _words_are_secret(words) else _CONTAINER if tuple(words) in _CONTAINER_WORDS else _PLAIN
    if len(_KEY_CACHE) < _CACHE_MAX:
        _KEY_CACHE[key] = result
    return result


def is_secret_key(key: object) -> bool:
    """True when a key (a tag key, attribute name or dotted path) names a secret value.

    For a dotted path (``tags.DB_PASS``) the last part decides.
    """
    return isinstance(key, str) and _key_class(key) == _SECRET


# -- registered secrets ------------------------------------------------------------------------

_REGISTERED: set[str] = set()
_REGISTERED_PATTERN: re.Pattern[str] | None = None
_MIN_SUBSTRING = 6
"""Registered secrets at least this long are also masked inside longer text; shorter ones only whole."""


def register_secret(value: str) -> None:
    """Remember ``value`` as secret for the rest of the process: every later redaction masks it."""
    global _REGISTERED_PATTERN
    text = str.__str__(value) if isinstance(value, str) else str(value)
    if not text.strip() or text in _REGISTERED:
        return
    _REGISTERED.add(text)
    _TEXT_CACHE.clear()
    long_ones = sorted((s for s in _REGISTERED if len(s) >= _MIN_SUBSTRING), key=len, reverse=True)
    _REGISTERED_PATTERN = re.compile("|".join(map(re.escape, long_ones))) if long_ones else None


def _mask_registered(text: str) -> str:
    if text in _REGISTERED:
        return REDACTED
    if _REGISTERED_PATTERN is not None:
        return _REGISTERED_PATTERN.sub(REDACTED, text)
    return text


# -- value shapes ------------------------------------------------------------------------------

_PEM = re.compile(r"-----BEGIN[A-Z0-9 ]*-----.*?(?:-----END[A-Z0-9 ]*-----|\Z)", re.DOTALL)
_JWT = re.compile(r"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*")
_ACCESS_KEY_ID = re.compile(r"(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16}(?![A-Z0-9])")
_SECRET_ACCESS_KEY = re.compile(r"(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])")
_URI_USERINFO = re.compile(r"\b([A-Za-z][A-Za-z0-9+.-]*://)[^\s/?#@\"'<>]+@")
_KEY_VALUE = re.compile(
    r"""(?P<key>[A-Za-z_][\w.-]*)(?P<sep>["']?\s*=\s*|["']?\s*:\s+|["']\s*:\s*)"""
    r"""(?:(?P<quote>["'])(?P<quoted>[^"'\n]*)(?P=quote)|(?P<value>[^\s"',;&}\]]+))""")
_KEY_VALUE_HINTS = ("pass", "pw", "secret", "token", "credential", "key", "auth", "dsn", "conn", "userdata", "psk")
"""Lower-case fragments one of which every secret key contains (a cheap test before the key=value pattern)."""
_NOT_SECRET_VALUE = re.compile(r"(?:true|false|null|none|\*\*\*)?", re.IGNORECASE)


def _mask_secret_access_key(match: re.Match[str]) -> str:
    text = match.group(0)
    mixed = any(c.isupper() for c in text) and any(c.islower() for c in text) and any(c.isdigit() for c in text)
    return REDACTED if mixed else text


_MIN_UNQUOTED_SECRET = 3
"""An unquoted ``KEY: VALUE`` value shorter than this is prose (``Secret: a NoEcho parameter``), not a secret."""


def _mask_key_value(match: re.Match[str]) -> str:
    quote = match.group("quote")
    value = match.group("quoted") if quote else match.group("value")
    if not is_secret_key(match.group("key")) or _NOT_SECRET_VALUE.fullmatch(value) or (
            not quote and len(value) < _MIN_UNQUOTED_SECRET):
        return match.group(0)
    return match.group("key") + match.group("sep") + (f"{quote}{REDACTED}{quote}" if quote else REDACTED)


_TEXT_CACHE: dict[str, str] = {}
_CACHED_TEXT_MAX = 120
"""Texts up to this long have their redaction memoised: zones, engines and CIDRs repeat across resources."""


def redact_text(text: str) -> str:
    """``text`` with every secret-shaped part replaced by ``***`` (the same object when there is none)."""
    if type(text) is not str:
        return REDACTED if isinstance(text, Secret) else _redact_text(str.__str__(text))
    if len(text) > _CACHED_TEXT_MAX:
        return _redact_text(text)
    cached = _TEXT_CACHE.get(text)
    if cached is not None:
        return text if cached is text or cached == text else cached
    result = _redact_text(text)
    if len(_TEXT_CACHE) < _CACHE_MAX:
        _TEXT_CACHE[text] = result
    return result


def _redact_text(text: str) -> str:
    if _REGISTERED:
        text = _mask_registered(text)
    if len(text) < 5:
        return text
    original = text
    if "-----BEGIN" in text:
        text = _PEM.sub(REDACTED, text)
    if "eyJ" in text:
        text = _JWT.sub(REDACTED, text)
    if "://" in text and "@" in text:
        text = _URI_USERINFO.sub(r"\1" + REDACTED + "@", text)
    if len(text) >= 20:
        if "A" in text:
            text = _ACCESS_KEY_ID.sub(REDACTED, text)
        if len(text) >= 40:
            text = _SECRET_ACCESS_KEY.sub(_mask_secret_access_key, text)
    if "=" in text or ":" in text:
        lowered = text.lower()
        if any(hint in lowered for hint in _KEY_VALUE_HINTS):
            text = _KEY_VALUE.sub(_mask_key_value, text)
    return original if text == original else text


def redact_identifier(text: str) -> str:
    """An identifier (uid, relation endpoint) with credentials in URIs and registered secrets masked.

    Cheaper than ``redact_text``: identifiers are ARNs and template addresses, where only a URI with
    user-info, a PEM block, a JWT or a ``NoEcho`` value could hide (a Terraform ``for_each`` key, say).
    """
    if isinstance(text, Secret):
        return REDACTED
    if _REGISTERED:
        text = _mask_registered(text)
    if ("://" in text and "@" in text) or "-----BEGIN" in text or "eyJ" in text:
        return redact_text(text)
    return text


# -- structures --------------------------------------------------------------------------------

_ATOMS = (bool, int, float, type(None))


def _blank(value: Any) -> Any:
    """``value`` with every string inside replaced by ``***`` (booleans and numbers kept)."""
    if isinstance(value, str):
        return REDACTED
    if isinstance(value, dict):
        return {k: _blank(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_blank(v) for v in value]
    return value


def _blank_environment(value: Any) -> Any:
    """An environment mapping or list with its values redacted and its variable names kept."""
    if isinstance(value, dict):
        if any(k in value for k in _PAIR_NAME_KEYS) and any(k in value for k in _PAIR_VALUE_KEYS):
            return {k: v if k in _PAIR_NAME_KEYS else _blank(v) for k, v in value.items()}
        return {k: _blank(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_blank_environment(v) for v in value]
    return _blank(value)


def _pair_class(item: dict[Any, Any]) -> int:
    """How the ``value`` of a ``{"name"|"key"|"attr": NAME, "value": ...}`` pair is treated, from NAME."""
    for key in _PAIR_NAME_KEYS:
        name = item.get(key)
        if type(name) is str:
            klass = _key_class(name)
            if klass != _PLAIN:
                return klass
    return _PLAIN


_PAIR_VALUE_SET = frozenset(_PAIR_VALUE_KEYS)


def _redact_dict(value: dict[Any, Any]) -> dict[Any, Any]:
    changed: dict[Any, Any] | None = None
    pair: int | None = None
    for key, item in value.items():
        kind = type(item)
        if kind is bool or kind is int or kind is float or item is None or (not item and kind is not str):
            continue
        klass = _key_class(key) if type(key) is str else _PLAIN
        if klass == _PLAIN and key in _PAIR_VALUE_SET:
            if pair is None:
                pair = _pair_class(value)
            klass = pair
        if klass == _SECRET:
            new = _blank(item)
        elif kind is str:
            new = redact_text(item)
        elif klass == _CONTAINER:
            new = _blank_environment(item)
        else:
            new = redact_value(item)
        if new is not item:
            if changed is None:
                changed = dict(value)
            changed[key] = new
    return value if changed is None else changed


def redact_value(value: Any) -> Any:
    """``value`` (JSON-like data) with every secret masked; the same object when nothing is secret."""
    kind = type(value)
    if kind is str:
        return redact_text(value)
    if kind is dict:
        return _redact_dict(value)
    if kind is list or kind is tuple:
        changed: list[Any] | None = None
        for index, item in enumerate(value):
            if type(item) in _ATOMS:
                continue
            new = redact_value(item)
            if new is not item:
                if changed is None:
                    changed = list(value)
                changed[index] = new
        return value if changed is None else changed
    if isinstance(value, Secret):
        return REDACTED
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, dict):
        return _redact_dict(value)
    return value


def redact_mapping_values(mapping: dict[str, str]) -> dict[str, str]:
    """A ``{name: reason}`` mapping (unknown reasons, suppressions) with its texts redacted."""
    changed: dict[str, str] | None = None
    for key, text in mapping.items():
        new = redact_text(text) if isinstance(text, str) else text
        if new is not text:
            if changed is None:
                changed = dict(mapping)
            changed[key] = new
    return mapping if changed is None else changed


def contains_secret(value: Any) -> bool:
    """True when ``value`` holds a ``Secret`` anywhere."""
    if isinstance(value, Secret):
        return True
    if isinstance(value, dict):
        return any(contains_secret(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(contains_secret(v) for v in value)
    return False


def secrets_seen() -> bool:
    """True once a ``Secret`` was registered in this process (snapshot validation then looks for them)."""
    return bool(_REGISTERED)


def mask_like(raw: Any, normalised: Any) -> Any:
    """``normalised`` with ``***`` wherever ``raw`` (the same data before type coercion) held a ``Secret``."""
    if isinstance(raw, Secret):
        return REDACTED
    if isinstance(raw, dict) and isinstance(normalised, dict):
        return {k: mask_like(raw[k], v) if k in raw else v for k, v in normalised.items()}
    if isinstance(raw, (list, tuple)) and isinstance(normalised, list) and len(raw) == len(normalised):
        return [mask_like(r, n) for r, n in zip(raw, normalised, strict=True)]
    return _blank(normalised) if contains_secret(raw) else normalised


TextFilter = Callable[[str], str]

__all__ = [
    "REDACTED",
    "Secret",
    "contains_secret",
    "is_secret_key",
    "key_words",
    "mask_like",
    "redact_identifier",
    "redact_mapping_values",
    "redact_text",
    "redact_value",
    "register_secret",
    "secrets_seen",
]
