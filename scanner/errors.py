"""Errors that reach the user as one ``FILE:LINE: message`` line and exit code 2."""

from __future__ import annotations

from pathlib import Path


class InputError(Exception):
    """Bad user input: a malformed file, argument or config value.

    ``str()`` gives the single line the CLI prints: ``FILE:LINE: message`` (the parts that are
    known). The CLI turns every ``InputError`` into exit code 2 without a traceback.
    """

    def __init__(self, message: str, file: str | None = None, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line

    def __str__(self) -> str:
        prefix = ""
        if self.file:
            prefix = f"{self.file}:{self.line}: " if self.line else f"{self.file}: "
        return prefix + " ".join(self.message.split())


def read_text(path: Path, what: str = "file", encoding: str = "utf-8") -> str:
    """The text of ``path``, or an ``InputError`` naming it (unreadable, or not UTF-8)."""
    try:
        return path.read_text(encoding=encoding)
    except OSError as exc:
        raise InputError(f"cannot read {what}: {exc.strerror}", str(path)) from None
    except UnicodeDecodeError:
        raise InputError(f"{what} is not UTF-8 text", str(path)) from None
