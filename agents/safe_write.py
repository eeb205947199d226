"""The one writer: atomic, compare-and-swap, never through a symlink, never outside the root.

Every file operation walks from a descriptor on the project root one component at a time with
``O_NOFOLLOW | O_DIRECTORY`` (:mod:`agents.fdwalk`), so a folder swapped for a symlink after the
guard's check is refused at apply time (T5). Writes go to a temp file created with
``O_CREAT | O_EXCL | O_NOFOLLOW`` in the same folder, are fsynced, get the old file's mode
bits and owner, replace the target by ``rename`` (a new inode, so a hard link to an outside
file is left alone, T6), or are linked into place for a new file (which fails if one
appeared), and the folder is fsynced (T18). The pre-image is compared by sha256 first (T11)
under a per-path lock (T20).
:func:`sweep_temp_files` removes the temp files a crash leaves behind.

This module is the desk's writer, not a permission check: it keeps every write inside the root
and off symlinks, but whether an *agent* may write a path is :class:`agents.domain.PathGuard`'s
question, which apply asks again at apply time.

The per-path lock serialises writers inside this process. Another process (an editor, a second
desk) can still change the file between the hash and the rename; the writer re-checks the
target's identity right before the rename, which narrows that window to microseconds.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from pathlib import Path

from agents.fdwalk import (
    current_sha256,
    hash_now,
    open_parent,
    path_lock,
    read_nofollow,
    read_target,
    sha256_bytes,
    stat_target,
)
from agents.pathsyntax import PathRejected, split_rel
from agents.temp_sweep import TEMP_RE, sweep_temp_files

__all__ = [
    "PathRejected",
    "StaleFile",
    "atomic_delete",
    "atomic_write",
    "current_sha256",
    "path_lock",
    "read_nofollow",
    "sha256_bytes",
    "sweep_temp_files",
]

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


# -- writing ---------------------------------------------------------------------------------


def _temp_name(name: str) -> str:
    tmp = f".{name[:200]}.agentdesk-{secrets.token_hex(6)}.tmp"
    assert TEMP_RE.match(tmp)  # the sweep must recognise every temp file we create
    return tmp


def _create_temp(dir_fd: int, name: str) -> tuple[str, int]:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    for _ in range(5):
        tmp = _temp_name(name)
        try:
            return tmp, os.open(tmp, flags, 0o600, dir_fd=dir_fd)
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "could not create a unique temp file", name)


def _fsync_dir(dir_fd: int) -> None:
    # Some file systems (network mounts, FUSE) refuse fsync on a folder; the rename has
    # happened by then, so the write stands and only durability is best-effort there.
    try:
        os.fsync(dir_fd)
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EBADF):
            raise


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
        dir_fd = open_parent(Path(root), parts, create=False)
        if dir_fd is None:
            if expected_sha256 is not None:
                raise StaleFile(rel, expected_sha256, None)
            if not create_dirs:
                raise FileNotFoundError(errno.ENOENT, "folder does not exist", rel)
            dir_fd = open_parent(Path(root), parts, create=True)
            assert dir_fd is not None
        try:
            _write_in_dir(dir_fd, name, rel, data, expected_sha256, mode)
        finally:
            os.close(dir_fd)


def _write_in_dir(
    dir_fd: int, name: str, rel: str, data: bytes, expected: str | None, mode: int | None
) -> None:
    before = stat_target(dir_fd, name, rel)
    actual = None if before is None else sha256_bytes(read_target(dir_fd, name, rel))
    if actual != expected:
        raise StaleFile(rel, expected, actual)
    if mode is None:
        mode = DEFAULT_MODE if before is None else stat.S_IMODE(before.st_mode)
    else:
        mode &= 0o777  # a proposal may set rwx bits, never setuid, setgid or sticky
    tmp, tfd = _create_temp(dir_fd, name)
    try:
        try:
            view = memoryview(data)
            while view:
                written = os.write(tfd, view)
                view = view[written:]
            if before is not None and (before.st_uid, before.st_gid) != (
                os.geteuid(),
                os.getegid(),
            ):
                with contextlib.suppress(OSError):
                    os.fchown(tfd, before.st_uid, before.st_gid)
            os.fchmod(tfd, mode)
            os.fsync(tfd)
        finally:
            os.close(tfd)
        if _identity(dir_fd, name, rel) != _identity_of(before):
            raise StaleFile(rel, expected, hash_now(dir_fd, name, rel))
        if before is None and _link_new(dir_fd, tmp, name, rel, expected):
            os.unlink(tmp, dir_fd=dir_fd)
        else:
            os.replace(tmp, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp, dir_fd=dir_fd)
        raise
    _fsync_dir(dir_fd)


def _link_new(dir_fd: int, tmp: str, name: str, rel: str, expected: str | None) -> bool:
    """Create ``name`` as a second link to ``tmp``: atomic, and fails if ``name`` appeared.

    Returns False where the file system has no hard links (the caller then renames).
    """
    try:
        os.link(tmp, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd, follow_symlinks=False)
    except FileExistsError as exc:
        raise StaleFile(rel, expected, hash_now(dir_fd, name, rel)) from exc
    except OSError as exc:
        if exc.errno in (errno.EPERM, errno.ENOTSUP, errno.EMLINK, errno.EOPNOTSUPP):
            return False
        raise
    return True


def _identity_of(st: os.stat_result | None) -> tuple[int, int, int, int] | None:
    if st is None:
        return None
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


def _identity(dir_fd: int, name: str, rel: str) -> tuple[int, int, int, int] | None:
    return _identity_of(stat_target(dir_fd, name, rel))


def atomic_delete(root: Path, rel: str, *, expected_sha256: str) -> None:
    """Remove the regular file ``rel`` if its content still hashes to ``expected_sha256``.

    Raises :class:`StaleFile` when it changed or is gone, :class:`PathRejected` for symlinks
    and non-regular files. The folder is fsynced after the unlink.
    """
    parts = split_rel(rel)
    name = parts[-1]
    with path_lock(root, rel):
        dir_fd = open_parent(Path(root), parts, create=False)
        if dir_fd is None:
            raise StaleFile(rel, expected_sha256, None)
        try:
            before = stat_target(dir_fd, name, rel)
            actual = None if before is None else sha256_bytes(read_target(dir_fd, name, rel))
            if actual != expected_sha256:
                raise StaleFile(rel, expected_sha256, actual)
            os.unlink(name, dir_fd=dir_fd)
            _fsync_dir(dir_fd)
        finally:
            os.close(dir_fd)
