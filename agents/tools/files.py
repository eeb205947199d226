"""Path checks and file access shared by the file tools.

Every path the model names goes through the guard first; the reason of a refusal becomes the
:class:`~agents.tools.base.ToolError` message. Reads then walk from the root one component at a
time with ``O_NOFOLLOW`` (the same discipline as :mod:`agents.safe_write`), so a folder swapped
for a symlink after the check is refused rather than followed.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path

from agents.domain import PathRejected, Verdict, split_rel
from agents.safe_write import read_nofollow, sha256_bytes
from agents.tools.base import PathDenied, ToolContext, ToolError

_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_READ_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
CHUNK = 1 << 20


def real_root(ctx: ToolContext) -> Path:
    """The symlink-free project root every descriptor walk starts from."""
    return Path(os.path.realpath(ctx.root))


def check_read(ctx: ToolContext, path: str) -> str:
    """The symlink-free relative path to read for ``path``, or :class:`ToolError` saying why."""
    verdict = ctx.guard.check_read(path)
    if not verdict.allowed or verdict.rel is None:
        raise PathDenied(verdict.reason)
    return verdict.resolved if verdict.resolved is not None else verdict.rel


def check_write(ctx: ToolContext, path: str) -> Verdict:
    """The guard's write verdict for ``path``; a refusal raises :class:`ToolError`."""
    verdict = ctx.guard.check_write(path)
    if not verdict.allowed or verdict.rel is None:
        raise PathDenied(verdict.reason)
    return verdict


def kind_of(ctx: ToolContext, rel: str) -> str:
    """``"file"``, ``"dir"``, ``"missing"`` or ``"other"`` for ``rel`` (never follows links)."""
    if rel == ".":
        return "dir"
    try:
        st = os.lstat(real_root(ctx) / rel)
    except FileNotFoundError:
        return "missing"
    except OSError:
        return "other"
    if stat.S_ISREG(st.st_mode):
        return "file"
    if stat.S_ISDIR(st.st_mode):
        return "dir"
    return "other"


def existing_bytes(ctx: ToolContext, rel: str, *, max_bytes: int) -> bytes | None:
    """The current bytes of ``rel`` for a write tool, or ``None`` if it does not exist."""
    try:
        return read_nofollow(real_root(ctx), rel, max_bytes=max_bytes)
    except FileNotFoundError:
        return None
    except PathRejected as exc:
        raise ToolError(exc.reason) from None
    except OSError as exc:
        raise ToolError(f"{rel} cannot be read ({exc.strerror})") from None


def file_mode(ctx: ToolContext, rel: str) -> int | None:
    """The permission bits of ``rel`` (``None`` when it does not exist)."""
    try:
        return stat.S_IMODE(os.lstat(real_root(ctx) / rel).st_mode)
    except OSError:
        return None


def require_fresh_read(ctx: ToolContext, rel: str, data: bytes, tool: str) -> str:
    """The sha256 of ``data``, after checking the agent has read exactly these bytes (T14).

    Bytes the agent itself proposed count as read: after its own Edit is applied, it may edit
    the file again without another Read.
    """
    digest = sha256_bytes(data)
    known = ctx.read_hashes.get(rel)
    if known is None:
        raise ToolError(
            f"{rel} already exists and you have not read it in this session; "
            f"Read it first, then call {tool} again"
        )
    if known != digest and digest not in ctx.proposed_hashes.get(rel, set()):
        raise ToolError(
            f"{rel} has changed since you last read it (by the person, a command or another "
            f"agent); Read it again, then call {tool} again"
        )
    return digest


def _open_file(root: Path, rel: str) -> int:
    parts = split_rel(rel)
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        for part in parts[:-1]:
            nfd = os.open(part, _DIR_FLAGS, dir_fd=fd)
            os.close(fd)
            fd = nfd
        return os.open(parts[-1], _READ_FLAGS, dir_fd=fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def open_chunks(ctx: ToolContext, rel: str) -> Iterator[tuple[int, Iterator[bytes]]]:
    """``(size, chunks)`` of the regular file ``rel``, opened without following any link."""
    try:
        fd = _open_file(real_root(ctx), rel)
    except FileNotFoundError:
        raise ToolError(f"File does not exist: {rel}") from None
    except PathRejected as exc:
        raise ToolError(exc.reason) from None
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENOTDIR):
            raise ToolError(f"{rel} goes through a symbolic link and cannot be read") from None
        if exc.errno == errno.EISDIR:
            raise ToolError(f"{rel} is a directory; use Glob to list its files") from None
        raise ToolError(f"{rel} cannot be read ({exc.strerror})") from None
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise ToolError(f"{rel} is a directory; use Glob to list its files")
        if not stat.S_ISREG(st.st_mode):
            raise ToolError(f"{rel} is not a regular file (a FIFO, socket or device)")

        def chunks() -> Iterator[bytes]:
            while True:
                chunk = os.read(fd, CHUNK)
                if not chunk:
                    return
                yield chunk

        yield st.st_size, chunks()
    finally:
        os.close(fd)
