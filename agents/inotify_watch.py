"""Wait for changes to one file through Linux inotify, driven by the asyncio event loop.

The file's **directory** is watched (not recursively) and events are filtered to the file's
name, so saves that replace the inode (write a temp file, rename over) and delete+create are
seen like in-place writes. The inotify descriptor is non-blocking and read in a
``loop.add_reader`` callback: while nothing changes nothing runs (no thread, no timer, no
polling step). A debounce timer is armed only after a change.
"""

from __future__ import annotations

import asyncio
import ctypes
import errno
import functools
import os
import struct
import sys
from pathlib import Path
from typing import NamedTuple

IN_MODIFY = 0x00000002
IN_ATTRIB = 0x00000004
IN_CLOSE_WRITE = 0x00000008
IN_MOVED_FROM = 0x00000040
IN_MOVED_TO = 0x00000080
IN_CREATE = 0x00000100
IN_DELETE = 0x00000200
IN_DELETE_SELF = 0x00000400
IN_MOVE_SELF = 0x00000800
IN_UNMOUNT = 0x00002000
IN_Q_OVERFLOW = 0x00004000
IN_IGNORED = 0x00008000
IN_ONLYDIR = 0x01000000
#: inotify_init1's flags are the open(2) ones (IN_NONBLOCK == O_NONBLOCK on every arch).
IN_NONBLOCK = os.O_NONBLOCK
IN_CLOEXEC = os.O_CLOEXEC

#: Events about the file (by name) that mean its content may differ. IN_ATTRIB covers a
#: chmod that makes it unreadable.
FILE_EVENTS = (
    IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO
)
#: Events about the watched directory itself: it is gone or no longer at its path.
#: (The kernel always sends IN_IGNORED and IN_UNMOUNT; they need no mask bit.)
GONE_EVENTS = IN_DELETE_SELF | IN_MOVE_SELF | IN_UNMOUNT | IN_IGNORED
WATCH_MASK = FILE_EVENTS | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR

_HEADER = struct.Struct("iIII")  # struct inotify_event: wd, mask, cookie, len; then name[len]
_READ_SIZE = 64 * 1024
_ENOENT = os.strerror(errno.ENOENT)


class InotifyUnavailable(RuntimeError):
    """inotify cannot be used here (not Linux, no libc symbol, or no instance left)."""


class InotifyEvent(NamedTuple):
    """One ``struct inotify_event``; ``name`` is empty for events about the directory."""

    wd: int
    mask: int
    cookie: int
    name: str


def parse_events(data: bytes) -> list[InotifyEvent]:
    """Split a buffer read from an inotify descriptor into its events (NUL padding dropped)."""
    events: list[InotifyEvent] = []
    offset = 0
    while offset + _HEADER.size <= len(data):
        wd, mask, cookie, length = _HEADER.unpack_from(data, offset)
        offset += _HEADER.size
        raw = data[offset : offset + length]
        offset += length
        events.append(InotifyEvent(wd, mask, cookie, os.fsdecode(raw.split(b"\0", 1)[0])))
    return events


@functools.cache
def _libc() -> ctypes.CDLL:
    if not sys.platform.startswith("linux"):
        raise InotifyUnavailable(f"no inotify on {sys.platform}")
    libc = ctypes.CDLL(None, use_errno=True)
    try:
        libc.inotify_init1.argtypes = [ctypes.c_int]
        libc.inotify_init1.restype = ctypes.c_int
        libc.inotify_add_watch.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_uint32]
        libc.inotify_add_watch.restype = ctypes.c_int
    except AttributeError as exc:
        raise InotifyUnavailable("libc has no inotify") from exc
    return libc


class InotifyWatcher:
    """Changes to the file at ``path``, seen through an inotify watch on its directory.

    Create it inside a running event loop; :meth:`close` it when done (or use ``with``).
    Raises :class:`InotifyUnavailable` when inotify cannot be used at all, and ``OSError``
    when the directory cannot be watched (missing, not a directory, no permission).
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path).absolute()
        #: How many times the descriptor woke the event loop (0 while nothing happens).
        self.callbacks = 0
        #: How many debounce timers were armed (one per batch of changes, none while idle).
        self.debounces = 0
        self._changes = 0
        self._gone: OSError | None = None
        self._wake = asyncio.Event()
        self._loop = asyncio.get_running_loop()
        libc = _libc()
        fd = int(libc.inotify_init1(IN_NONBLOCK | IN_CLOEXEC))
        if fd < 0:
            raise InotifyUnavailable(f"inotify_init1: {os.strerror(ctypes.get_errno())}")
        self._fd = fd
        try:
            self._wd = int(libc.inotify_add_watch(fd, os.fsencode(self.path.parent), WATCH_MASK))
            if self._wd < 0:
                code = ctypes.get_errno()
                raise OSError(code, os.strerror(code), str(self.path.parent))
            try:
                self._loop.add_reader(fd, self._on_readable)
            except NotImplementedError as exc:
                raise InotifyUnavailable("this event loop cannot watch descriptors") from exc
        except BaseException:
            os.close(fd)
            self._fd = -1
            raise

    def fileno(self) -> int:
        """The inotify descriptor (-1 once closed)."""
        return self._fd

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` has released the descriptor."""
        return self._fd < 0

    def _on_readable(self) -> None:
        self.callbacks += 1
        try:
            while data := os.read(self._fd, _READ_SIZE):
                for event in parse_events(data):
                    if event.mask & IN_Q_OVERFLOW:  # events were lost: assume the file changed
                        self._changes += 1
                    elif event.wd == self._wd and event.mask & GONE_EVENTS:
                        self._gone = FileNotFoundError(errno.ENOENT, _ENOENT, str(self.path.parent))
                    elif event.name == self.path.name and event.mask & FILE_EVENTS:
                        self._changes += 1
        except BlockingIOError:
            pass
        except OSError as exc:
            self._gone = exc
        if self._gone is not None:  # nothing more will come; never spin on an error
            self._loop.remove_reader(self._fd)
        if self._changes or self._gone is not None:
            self._wake.set()

    async def wait(self, debounce_ms: int = 30, quiet_ms: int | None = None) -> int:
        """Wait for the next batch of changes to the file; return how many events it had.

        After the first change the batch stays open to collect the rest of the save: until
        ``quiet_ms`` pass without a new event (default: the whole window), and at most
        ``debounce_ms``. Raises ``OSError`` once the directory is deleted, moved or unmounted
        (or after :meth:`close`).
        """
        while not self._changes and self._gone is None and not self.closed:
            self._wake.clear()
            await self._wake.wait()
        if self._gone is None and not self.closed and debounce_ms > 0:
            self.debounces += 1
            loop = asyncio.get_running_loop()
            end = loop.time() + debounce_ms / 1000
            quiet = debounce_ms if quiet_ms is None else max(1, min(quiet_ms, debounce_ms))
            while self._gone is None and not self.closed:
                seen = self._changes
                left = end - loop.time()
                if left <= 0:
                    break
                await asyncio.sleep(min(quiet / 1000, left))
                if self._changes == seen:
                    break
        if self._gone is not None:
            raise self._gone
        if self.closed:
            raise OSError(errno.EBADF, "inotify watcher closed", str(self.path.parent))
        count, self._changes = self._changes, 0
        return count

    def close(self) -> None:
        """Stop watching: remove the reader and close the descriptor (idempotent)."""
        if self.closed:
            return
        fd, self._fd = self._fd, -1
        try:
            self._loop.remove_reader(fd)
        finally:
            os.close(fd)
            self._wake.set()

    def __enter__(self) -> InotifyWatcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
