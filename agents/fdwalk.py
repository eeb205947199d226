"""Reading by descriptor walk: reach a file under the root without following any symlink.

Every operation starts from a descriptor on the project root and opens one component at a time
with ``O_NOFOLLOW | O_DIRECTORY``, the emulation of ``openat2(RESOLVE_BENEATH)`` that THREATS
A12 describes (CPython has no ``openat2``). Targets must be regular files; FIFOs and devices
are refused after an ``lstat`` and opened, if at all, only with ``O_NONBLOCK`` (T21). The
per-path lock that serialises writers (T20) lives here too, so readers of a pre-image and the
writer share it.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

from agents.pathsyntax import PathRejected, split_rel

__all__ = [
    "current_sha256",
    "hash_now",
    "open_parent",
    "path_lock",
    "read_nofollow",
    "read_target",
    "sha256_bytes",
    "stat_target",
]

DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_READ_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC


def sha256_bytes(data: bytes) -> str:
    """Hex sha256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


# -- locks -----------------------------------------------------------------------------------

_locks_guard = threading.Lock()
_locks: dict[tuple[str, str], tuple[threading.RLock, int]] = {}


@contextlib.contextmanager
def path_lock(root: Path, rel: str) -> Iterator[None]:
    """Hold the in-process lock of one file (re-entrant; keyed by real root and folded path).

    :func:`atomic_write` and :func:`atomic_delete` take it themselves; a caller that checks a
    pre-image and then writes (apply) holds it around both so no other writer slips in between.
    """
    key = (os.path.realpath(root), rel.casefold())
    with _locks_guard:
        lock, users = _locks.get(key, (threading.RLock(), 0))
        _locks[key] = (lock, users + 1)
    try:
        with lock:
            yield
    finally:
        with _locks_guard:
            lock, users = _locks[key]
            if users <= 1:
                del _locks[key]
            else:
                _locks[key] = (lock, users - 1)


# -- the descriptor walk ---------------------------------------------------------------------


def _symlink(shown: str) -> PathRejected:
    return PathRejected(
        f"{shown} is a symbolic link; agentdesk never writes or reads through links",
        "symlink",
        shown,
    )


def _classify(
    dir_fd: int, name: str, shown: str, exc: OSError | None = None, *, folder: bool = False
) -> PathRejected:
    """Why ``name`` could not be used. ``folder``: it was wanted as a folder on the way."""
    if exc is not None and exc.errno in (errno.ELOOP, errno.EMLINK):
        return _symlink(shown)  # O_NOFOLLOW met a symlink (EMLINK on FreeBSD)
    try:
        st = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    except OSError as err:
        return PathRejected(f"{shown} cannot be opened ({err.strerror})", "changed", shown)
    if stat.S_ISLNK(st.st_mode):
        return _symlink(shown)
    if stat.S_ISDIR(st.st_mode):
        if folder:  # it was something else a moment ago: someone is swapping it
            return PathRejected(f"{shown} changed while being opened; try again", "changed", shown)
        return PathRejected(f"{shown} is a directory, not a file", "invalid", shown)
    if stat.S_ISREG(st.st_mode):
        if not folder:
            return PathRejected(f"{shown} changed while being opened; try again", "changed", shown)
        return PathRejected(f"{shown} is a file, not a folder", "invalid", shown)
    return PathRejected(
        f"{shown} is not a regular file (a FIFO, socket or device)", "invalid", shown
    )


def open_parent(root: Path, parts: list[str], *, create: bool) -> int | None:
    """A descriptor of the folder holding ``parts[-1]``; ``None`` if a folder is missing.

    Each folder on the way is opened relative to the previous one with ``O_NOFOLLOW``, so a
    symlink anywhere raises :class:`PathRejected` (``kind="symlink"``). With ``create``,
    missing folders are made (0o755 before umask) and re-opened the same way. The caller owns
    the returned descriptor and must close it.
    """
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        for i, part in enumerate(parts[:-1]):
            shown = "/".join(parts[: i + 1])
            try:
                nfd = os.open(part, DIR_FLAGS, dir_fd=fd)
            except FileNotFoundError:
                if not create:
                    os.close(fd)
                    return None
                with contextlib.suppress(FileExistsError):
                    os.mkdir(part, 0o755, dir_fd=fd)
                try:
                    nfd = os.open(part, DIR_FLAGS, dir_fd=fd)
                except OSError as exc:
                    raise _classify(fd, part, shown, exc, folder=True) from exc
            except OSError as exc:
                if exc.errno in (errno.ELOOP, errno.ENOTDIR, errno.EMLINK):
                    raise _classify(fd, part, shown, exc, folder=True) from exc
                raise
            os.close(fd)
            fd = nfd
    except BaseException:
        os.close(fd)
        raise
    return fd


def stat_target(dir_fd: int, name: str, rel: str) -> os.stat_result | None:
    """``lstat`` of ``name`` in ``dir_fd``: ``None`` if absent, :class:`PathRejected` unless a
    regular file (symlinks, folders, FIFOs and devices are never opened)."""
    try:
        st = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    except FileNotFoundError:
        return None
    if not stat.S_ISREG(st.st_mode):
        raise _classify(dir_fd, name, rel)
    return st


def read_target(dir_fd: int, name: str, rel: str, max_bytes: int | None = None) -> bytes:
    """All bytes of the regular file ``name`` in ``dir_fd``, opened ``O_NOFOLLOW|O_NONBLOCK``
    (a FIFO swapped in after :func:`stat_target` cannot hang the read) and checked with
    ``fstat``. ``rel`` is only used in messages."""
    try:
        fd = os.open(name, _READ_FLAGS, dir_fd=dir_fd)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.EMLINK, errno.ENXIO, errno.EISDIR, errno.EAGAIN):
            raise _classify(dir_fd, name, rel, exc) from exc
        raise
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise _classify(dir_fd, name, rel)
        if max_bytes is not None and st.st_size > max_bytes:
            raise PathRejected(
                f"{rel} is {st.st_size:,} bytes, over the {max_bytes:,}-byte limit",
                "too_large",
                rel,
            )
        chunks: list[bytes] = []
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


# -- reading ---------------------------------------------------------------------------------


def read_nofollow(root: Path, rel: str, *, max_bytes: int | None = None) -> bytes:
    """The bytes of the regular file ``rel``, reached without following any symlink.

    Raises :class:`FileNotFoundError` when it (or a folder on the way) is missing, and
    :class:`PathRejected` for symlinks, non-regular files (never opened blocking) and files
    larger than ``max_bytes`` (``kind="too_large"``).
    """
    parts = split_rel(rel)
    dir_fd = open_parent(Path(root), parts, create=False)
    if dir_fd is None:
        raise FileNotFoundError(errno.ENOENT, "No such file or directory", rel)
    try:
        if stat_target(dir_fd, parts[-1], rel) is None:
            raise FileNotFoundError(errno.ENOENT, "No such file or directory", rel)
        return read_target(dir_fd, parts[-1], rel, max_bytes)
    finally:
        os.close(dir_fd)


def current_sha256(root: Path, rel: str) -> str | None:
    """The sha256 of ``rel`` now, or ``None`` when it does not exist (no symlinks followed)."""
    try:
        return sha256_bytes(read_nofollow(root, rel))
    except FileNotFoundError:
        return None


def hash_now(dir_fd: int, name: str, rel: str) -> str | None:
    """The sha256 of ``name`` in ``dir_fd`` now; ``None`` when gone or not a regular file."""
    try:
        return sha256_bytes(read_target(dir_fd, name, rel))
    except (FileNotFoundError, PathRejected):
        return None
