"""Regular expressions whose matching time is bounded: RE2, never a backtracking engine.

RE2 matches in time linear in the input, whatever the pattern, so ``(a+)+$`` over any value costs
microseconds; it has no backreferences and no lookaround, and refuses patterns whose compiled program
would exceed its memory budget (``a{1000}{1000}``). Such patterns are rejected when a policy or a
config loads (``PatternError``), so no pattern can hang an evaluation.

A deadline on a backtracking engine (the ``regex`` package's ``timeout``) was the alternative; it
bounds time but not determinism: the same policy would pass on a fast machine and time out on a loaded
one, and a timeout mid-evaluation could only become an ``unknown`` finding.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

_UNSUPPORTED = ("invalid perl operator", "invalid escape sequence", "invalid named capture group")


class PatternError(ValueError):
    """A pattern RE2 cannot run in bounded time (or that is not a valid regular expression)."""


def _options() -> Any:
    import re2

    options = re2.Options()
    options.log_errors = False  # errors are reported by haguard, not printed to stderr by the C library
    return options


@lru_cache(maxsize=1)
def _engine() -> tuple[Any, Any]:
    import re2

    return re2, _options()


def _shown(pattern: str) -> str:
    return repr(pattern) if len(pattern) <= 60 else repr(pattern[:57]) + "…"


@lru_cache(maxsize=4096)
def compile_pattern(pattern: str) -> Any:
    """The compiled RE2 pattern (cached); ``PatternError`` with a readable reason otherwise."""
    re2, options = _engine()
    try:
        return re2.compile(pattern, options)
    except re2.error as exc:
        reason = exc.args[0] if exc.args else str(exc)
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", "replace")
        reason = reason if len(reason) <= 100 else reason[:97] + "…"
        hint = ""
        if str(reason).startswith(_UNSUPPORTED):
            hint = " (patterns run on RE2, which has no lookaround or backreferences, so matching stays linear-time)"
        raise PatternError(f"invalid regular expression {_shown(pattern)}: {reason}{hint}") from None
    except (TypeError, ValueError) as exc:  # e.g. a NUL byte the C++ layer refuses
        raise PatternError(f"invalid regular expression {_shown(pattern)}: {exc}") from None


def search(pattern: str, value: str) -> bool:
    """True when ``pattern`` matches anywhere in ``value`` (``re.search`` semantics)."""
    return compile_pattern(pattern).search(value) is not None
