"""Every path the tool touches goes through here: one safe read, one map of OS errors.

A path from a user can name anything: a FIFO that never ends, `/dev/zero` (size 0 and
endless), a symlink loop, a name too long for the file system, a NUL byte. Reading through
`read_limited` and wrapping path operations in `path_errors` turns each of those into an
`InputError` that names the path, instead of a hang, an exhausted memory or a traceback.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from brainflops.errors import InputError

MAX_FILE_BYTES = 5 * 1024 * 1024
"""The largest file read: a scenario, a machines file, a data table or a report file."""

_HINTS = {
    errno.ELOOP: "Too many levels of symbolic links (a symlink loop?)",
    errno.ENAMETOOLONG: "File name too long (255 bytes a name at most)",
}


def describe_os_error(exc: BaseException) -> str:
    """A short, stable description of an OS error (no path: the caller names it)."""
    if isinstance(exc, OSError):
        return _HINTS.get(exc.errno or 0) or exc.strerror or exc.__class__.__name__
    if isinstance(exc, ValueError) and "null" in str(exc).lower():
        return "a path may not contain a NUL byte"
    if isinstance(exc, RuntimeError) and "symlink loop" in str(exc).lower():
        return _HINTS[errno.ELOOP]
    return str(exc) or exc.__class__.__name__


@contextmanager
def path_errors(display: str, doing: str = "") -> Iterator[None]:
    """Turn OSError, a NUL byte (ValueError) and a symlink loop (RuntimeError) into input errors.

    `doing` prefixes the message ("cannot write the report: ...").
    """
    try:
        yield
    except InputError:
        raise
    except (OSError, ValueError, RuntimeError) as exc:
        if isinstance(exc, ValueError | RuntimeError) and describe_os_error(exc) == str(exc):
            raise  # not a path problem: a bug, for the last-resort handler
        prefix = f"{doing}: " if doing else ""
        raise InputError.at(display, prefix + describe_os_error(exc)) from None


def read_limited(
    path: Path,
    display: str | None = None,
    limit: int = MAX_FILE_BYTES,
    *,
    follow_symlinks: bool = True,
) -> bytes:
    """The bytes of a regular file of at most `limit` bytes.

    Opens without blocking (a FIFO would wait for a writer), refuses anything but a regular
    file, and reads at most `limit + 1` bytes whatever the file claims its size is.
    """
    shown = display or str(path)
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    if not follow_symlinks:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    with path_errors(shown):
        fd = os.open(path, flags)
        try:
            info = os.fstat(fd)
            if stat.S_ISDIR(info.st_mode):
                raise InputError.at(shown, "is a directory, expected a file")
            if not stat.S_ISREG(info.st_mode):
                raise InputError.at(
                    shown, "is not a regular file (a device, FIFO or socket); refused"
                )
            if info.st_size > limit:
                raise InputError.at(
                    shown, f"file is {info.st_size:,} bytes; the limit is {limit:,} bytes"
                )
            os.set_blocking(fd, True)
            chunks: list[bytes] = []
            remaining = limit + 1
            while remaining > 0:
                chunk = os.read(fd, min(remaining, 1 << 20))
                if not chunk:
                    break
                chunks.append(chunk)
                remaining -= len(chunk)
        finally:
            os.close(fd)
    data = b"".join(chunks)
    if len(data) > limit:
        raise InputError.at(shown, f"file is over the limit of {limit:,} bytes")
    return data


def write_own_file(path: Path, text: str, ours: Callable[[str], bool], what: str) -> None:
    """Write `text` to `path`: a new file, or one brainflops wrote before (`ours`), never
    anything else of the user's. Written to a temporary file, then renamed into place."""
    shown = str(path)
    with path_errors(shown):
        if path.is_symlink():
            message = "is a symbolic link: brainflops never writes through one; nothing was changed"
            raise InputError.at(shown, message)
        if path.exists():
            old = read_limited(path, shown, follow_symlinks=False).decode("utf-8", "replace")
            if not ours(old):
                raise InputError.at(
                    shown, f"exists and is not a {what} brainflops wrote; nothing was changed"
                )
        replace_atomically(path, text.encode("utf-8"))


def replace_atomically(path: Path, data: bytes) -> None:
    """Write `data` to a fresh temporary file beside `path`, then rename it into place: a
    reader (another process starting) sees the old file or the new one, never half of one.
    OSError if it cannot; the temporary file is gone either way."""
    tmp = (path.parent or Path()) / f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp"
    # O_EXCL on a fresh name; mode 0o666 less the umask, as any file the user creates
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        tmp.replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


__all__ = [
    "MAX_FILE_BYTES",
    "describe_os_error",
    "path_errors",
    "read_limited",
    "replace_atomically",
    "write_own_file",
]
