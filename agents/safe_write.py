"""The one writer: atomic, compare-and-swap, never through a symlink, never outside the root.

Every file operation starts from a descriptor on the project root and opens one path component
at a time with ``O_NOFOLLOW | O_DIRECTORY`` (the emulation of ``openat2(RESOLVE_BENEATH)`` that
THREATS A12 describes), so a folder swapped for a symlink after the guard's check is refused at
apply time (T5). Writes go to a temp file created with ``O_CREAT | O_EXCL | O_NOFOLLOW`` in the
same folder, are fsynced, get the old file's mode bits, replace the target with ``rename``
(a new inode, so a hard link to an outside file is left alone, T6) and fsync the folder (T18).
The pre-image is compared by sha256 first (T11) under a per-path lock (T20).
:func:`sweep_temp_files` removes the temp files a crash leaves behind.

The per-path lock serialises writers inside this process. Another process (an editor, a second
desk) can still change the file between the hash and the rename; the writer re-checks the
target's identity right before the rename, which narrows that window to microseconds.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import secrets
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

from agents.domain import PathRejected, split_rel

__all__ = [
    "StaleFile",
    "atomic_delete",
    "atomic_write",
    "current_sha256",
    "path_lock",
    "read_nofollow",
    "sha256_bytes",
    "sweep_temp_files",
]

_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_READ_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
TEMP_RE = re.compile(r"^\..+\.agentdesk-[0-9a-f]{12}\.tmp$")
DEFAULT_MODE = 0o644


class StaleFile(Exception):
    """The file on disk is not the one the proposal was made against; nothing was written."""

    def __init__(self, rel: str, expected: str | None, actual: str | None) -> None:
        if expected is None:
            what = "it now exists"
        elif actual is None:
            what = "it no longer exists"
        else:
            what = "its content changed"
        super().__init__(f"{rel} changed since the change was proposed ({what}); re-read it")
        self.rel = rel
        self.expected = expected
        self.actual = actual


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


def _classify(dir_fd: int, name: str, shown: str) -> PathRejected:
    try:
        st = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    except OSError as exc:
        return PathRejected(f"{shown} cannot be opened ({exc.strerror})", "invalid", shown)
    if stat.S_ISLNK(st.st_mode):
        return PathRejected(
            f"{shown} is a symbolic link; agentdesk never writes or reads through links",
            "symlink",
            shown,
        )
    if stat.S_ISDIR(st.st_mode):
        return PathRejected(f"{shown} is a directory, not a file", "invalid", shown)
    if stat.S_ISREG(st.st_mode):
        return PathRejected(f"{shown} is a file, not a folder", "invalid", shown)
    return PathRejected(
        f"{shown} is not a regular file (a FIFO, socket or device)", "invalid", shown
    )


def _open_parent(root: Path, parts: list[str], *, create: bool) -> int | None:
    """A descriptor of the folder holding ``parts[-1]``; ``None`` if a folder is missing."""
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        for i, part in enumerate(parts[:-1]):
            shown = "/".join(parts[: i + 1])
            try:
                nfd = os.open(part, _DIR_FLAGS, dir_fd=fd)
            except FileNotFoundError:
                if not create:
                    os.close(fd)
                    return None
                with contextlib.suppress(FileExistsError):
                    os.mkdir(part, 0o755, dir_fd=fd)
                try:
                    nfd = os.open(part, _DIR_FLAGS, dir_fd=fd)
                except OSError as exc:
                    raise _classify(fd, part, shown) from exc
            except OSError as exc:
                if exc.errno in (errno.ELOOP, errno.ENOTDIR, errno.EMLINK):
                    raise _classify(fd, part, shown) from exc
                raise
            os.close(fd)
            fd = nfd
    except BaseException:
        os.close(fd)
        raise
    return fd


def _stat_target(dir_fd: int, name: str, rel: str) -> os.stat_result | None:
    try:
        st = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    except FileNotFoundError:
        return None
    if not stat.S_ISREG(st.st_mode):
        raise _classify(dir_fd, name, rel)
    return st


def _read_target(dir_fd: int, name: str, rel: str, max_bytes: int | None = None) -> bytes:
    try:
        fd = os.open(name, _READ_FLAGS, dir_fd=dir_fd)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENXIO, errno.EISDIR, errno.EWOULDBLOCK):
            raise _classify(dir_fd, name, rel) from exc
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
    dir_fd = _open_parent(Path(root), parts, create=False)
    if dir_fd is None:
        raise FileNotFoundError(errno.ENOENT, "No such file or directory", rel)
    try:
        if _stat_target(dir_fd, parts[-1], rel) is None:
            raise FileNotFoundError(errno.ENOENT, "No such file or directory", rel)
        return _read_target(dir_fd, parts[-1], rel, max_bytes)
    finally:
        os.close(dir_fd)


def current_sha256(root: Path, rel: str) -> str | None:
    """The sha256 of ``rel`` now, or ``None`` when it does not exist (no symlinks followed)."""
    try:
        return sha256_bytes(read_nofollow(root, rel))
    except FileNotFoundError:
        return None


# -- writing ---------------------------------------------------------------------------------


def _temp_name(name: str) -> str:
    return f".{name[:200]}.agentdesk-{secrets.token_hex(6)}.tmp"


def atomic_write(
    root: Path,
    rel: str,
    data: bytes,
    *,
    expected_sha256: str | None,
    mode: int | None = None,
    create_dirs: bool = True,
) -> None:
    """Replace (or create) ``rel`` under ``root`` with ``data``, atomically and compare-and-swap.

    ``expected_sha256`` is the pre-image hash; ``None`` means the file must not exist yet. On a
    mismatch :class:`StaleFile` is raised and nothing is written. ``mode`` defaults to the
    existing file's permission bits, or 0o644 for a new file. Missing folders are created
    (``create_dirs``) only when the write will go ahead. Raises :class:`PathRejected` for a
    symlink anywhere on the path, a target that is not a regular file, or a non-canonical path.
    """
    parts = split_rel(rel)
    name = parts[-1]
    with path_lock(root, rel):
        dir_fd = _open_parent(Path(root), parts, create=False)
        if dir_fd is None:
            if expected_sha256 is not None:
                raise StaleFile(rel, expected_sha256, None)
            if not create_dirs:
                raise FileNotFoundError(errno.ENOENT, "folder does not exist", rel)
            dir_fd = _open_parent(Path(root), parts, create=True)
            assert dir_fd is not None
        try:
            _write_in_dir(dir_fd, name, rel, data, expected_sha256, mode)
        finally:
            os.close(dir_fd)


def _write_in_dir(
    dir_fd: int, name: str, rel: str, data: bytes, expected: str | None, mode: int | None
) -> None:
    before = _stat_target(dir_fd, name, rel)
    actual = None if before is None else sha256_bytes(_read_target(dir_fd, name, rel))
    if actual != expected:
        raise StaleFile(rel, expected, actual)
    if mode is None:
        mode = DEFAULT_MODE if before is None else stat.S_IMODE(before.st_mode)
    tmp = _temp_name(name)
    tfd = os.open(
        tmp,
        os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC,
        0o600,
        dir_fd=dir_fd,
    )
    try:
        try:
            view = memoryview(data)
            while view:
                written = os.write(tfd, view)
                view = view[written:]
            os.fchmod(tfd, mode)
            os.fsync(tfd)
        finally:
            os.close(tfd)
        if _identity(dir_fd, name, rel) != _identity_of(before):
            raise StaleFile(rel, expected, _hash_now(dir_fd, name, rel))
        os.replace(tmp, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp, dir_fd=dir_fd)
        raise
    os.fsync(dir_fd)


def _identity_of(st: os.stat_result | None) -> tuple[int, int, int, int] | None:
    if st is None:
        return None
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


def _identity(dir_fd: int, name: str, rel: str) -> tuple[int, int, int, int] | None:
    return _identity_of(_stat_target(dir_fd, name, rel))


def _hash_now(dir_fd: int, name: str, rel: str) -> str | None:
    try:
        return sha256_bytes(_read_target(dir_fd, name, rel))
    except FileNotFoundError:
        return None


def atomic_delete(root: Path, rel: str, *, expected_sha256: str) -> None:
    """Remove the regular file ``rel`` if its content still hashes to ``expected_sha256``.

    Raises :class:`StaleFile` when it changed or is gone, :class:`PathRejected` for symlinks
    and non-regular files. The folder is fsynced after the unlink.
    """
    parts = split_rel(rel)
    name = parts[-1]
    with path_lock(root, rel):
        dir_fd = _open_parent(Path(root), parts, create=False)
        if dir_fd is None:
            raise StaleFile(rel, expected_sha256, None)
        try:
            before = _stat_target(dir_fd, name, rel)
            actual = None if before is None else sha256_bytes(_read_target(dir_fd, name, rel))
            if actual != expected_sha256:
                raise StaleFile(rel, expected_sha256, actual)
            os.unlink(name, dir_fd=dir_fd)
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


# -- the startup sweep -----------------------------------------------------------------------


def sweep_temp_files(
    root: Path, *, max_entries: int = 1_000_000, min_age_seconds: float = 0.0
) -> list[str]:
    """Remove orphaned ``.NAME.agentdesk-XXXXXXXXXXXX.tmp`` files left by a crash.

    Walks folders by descriptor without following symlinks, skips ``.git`` (any case), stops
    after ``max_entries`` directory entries, and only removes regular files at least
    ``min_age_seconds`` old (pass a few seconds if another desk may be writing). Returns the
    removed paths relative to the root, sorted.
    """
    import time

    removed: list[str] = []
    now = time.time()
    budget = max_entries
    stack: list[tuple[int, str]] = [
        (os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC), "")
    ]
    try:
        while stack:
            fd, prefix = stack.pop()
            try:
                with os.scandir(fd) as entries:
                    for entry in entries:
                        budget -= 1
                        if budget < 0:
                            break
                        rel = prefix + entry.name
                        if entry.is_dir(follow_symlinks=False):
                            if entry.name.casefold() == ".git":
                                continue
                            with contextlib.suppress(OSError):
                                stack.append(
                                    (os.open(entry.name, _DIR_FLAGS, dir_fd=fd), rel + "/")
                                )
                        elif TEMP_RE.match(entry.name) and entry.is_file(follow_symlinks=False):
                            with contextlib.suppress(OSError):
                                st = entry.stat(follow_symlinks=False)
                                if now - st.st_mtime >= min_age_seconds:
                                    os.unlink(entry.name, dir_fd=fd)
                                    removed.append(rel)
            finally:
                os.close(fd)
            if budget < 0:
                break
    finally:
        for fd, _ in stack:
            os.close(fd)
    return sorted(removed)
