"""Errors that reach the user as one ``FILE:LINE: message`` line and exit code 2."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO


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


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "not a regular file"


def require_regular_file(path: str | Path, what: str = "file") -> None:
    """``InputError`` unless ``path`` is a regular file (or a symlink to one); never opens it."""
    name = str(path)
    try:
        info = os.stat(name)
    except OSError as exc:
        raise InputError(f"cannot read {what}: {exc.strerror}", name) from None
    if not stat.S_ISREG(info.st_mode):
        raise InputError(f"cannot read {what}: {_kind(info.st_mode)}, not a regular file", name)


def open_input(path: str | Path, what: str = "file") -> BinaryIO:
    """Open an input for reading in binary; only regular files (symlinks to them included) are accepted.

    A FIFO, device, socket or directory is refused before it is opened (``os.stat``), and the open
    itself is non-blocking and re-checked (``os.fstat``), so a file swapped for a FIFO meanwhile
    cannot block either.
    """
    name = str(path)
    require_regular_file(name, what)
    try:
        fd = os.open(name, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise InputError(f"cannot read {what}: {exc.strerror}", name) from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise InputError(f"cannot read {what}: {_kind(info.st_mode)}, not a regular file", name)
    return os.fdopen(fd, "rb")


def read_bytes(path: str | Path, what: str = "file") -> bytes:
    """The bytes of a regular file, refused past ``HAGUARD_MAX_INPUT_BYTES`` (see ``scanner.limits``)."""
    from .limits import MAX_INPUT_BYTES

    limit = MAX_INPUT_BYTES.value()
    with open_input(path, what) as handle:
        try:
            # Sized by the file (reading ``limit + 1`` at once would allocate that much first), then
            # whatever it has grown by meanwhile, up to the limit.
            size = os.fstat(handle.fileno()).st_size
            data = handle.read(min(size, limit) + 1)
            if size < len(data) <= limit:
                data += handle.read(limit + 1 - len(data))
        except OSError as exc:
            raise InputError(f"cannot read {what}: {exc.strerror}", str(path)) from None
    if len(data) > limit:
        raise MAX_INPUT_BYTES.exceeded(f"{what} too large", str(path))
    return data


def read_text(path: str | Path, what: str = "file", encoding: str = "utf-8") -> str:
    """The text of ``path`` with universal newlines, or an ``InputError`` naming it.

    Unreadable, not a regular file, too large (``read_bytes``), or not UTF-8 (``encoding`` may be
    ``utf-8-sig`` to drop a byte-order mark).
    """
    return decode_text(read_bytes(path, what), path, what, encoding)


def decode_text(data: bytes, path: str | Path, what: str = "file", encoding: str = "utf-8") -> str:
    """``data`` (the bytes of ``path``) as text with universal newlines; not UTF-8 is an ``InputError``."""
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(f"{what} is not UTF-8 text (invalid byte at offset {exc.start})", str(path)) from None
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text
