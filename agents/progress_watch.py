"""Watch PROGRESS.md live, without polling, and deliver parsed docs.

The file's **directory** is watched, filtered to the file's name, so saves that replace the
inode (write a temp file, rename over) and delete+create are seen like in-place writes. On Linux
the change source is an inotify descriptor on the event loop (:mod:`agents.inotify_watch`): a
desk left idle wakes for nothing. Elsewhere, when inotify cannot be set up, or with
``AGENTDESK_WATCHER=watchfiles`` (odd filesystems, tests), it is ``watchfiles.awatch``, whose
Rust loop wakes every ``step_ms`` even when nothing changes.

After each batch of events the file is read again and again, ``settle_ms`` apart, until two
reads give the same bytes: a half-written file (an editor's truncate+write in progress) is never
parsed (T40). Content that hashes the same as the last delivered state is not delivered again.
The debounce is tuned for a live view; watchfiles' default of 1.6 s is far too slow.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
from collections.abc import Callable, Collection
from pathlib import Path

from agents.inotify_watch import InotifyUnavailable, InotifyWatcher
from agents.progress import MAX_BYTES, ProgressDoc, ProgressFile

logger = logging.getLogger(__name__)

#: Set to ``watchfiles`` to use watchfiles instead of inotify.
WATCHER_ENV = "AGENTDESK_WATCHER"
#: Reads larger than this are parsed in a thread so the event loop never stalls on them.
_THREAD_PARSE_BYTES = 256 * 1024
#: A file that is still changing after this many settle intervals is skipped this round;
#: the writes that keep changing it produce events of their own.
_MAX_SETTLE_READS = 40

_Read = tuple[bytes | None, str | None]  # (data, error); (None, None) means missing


async def watch_progress(
    path: Path,
    on_change: Callable[[ProgressDoc], None],
    *,
    stop: asyncio.Event,
    debounce_ms: int = 30,
    step_ms: int = 10,
    settle_ms: int = 15,
    known_agents: Collection[str] | None = None,
    progress_file: ProgressFile | None = None,
) -> None:
    """Call ``on_change`` with the current doc, then with each new state until ``stop`` is set.

    Pass ``progress_file`` to have the watcher keep that :class:`ProgressFile` up to date (its
    ``current`` is the delivered doc, and its last good state is shared); by default the
    watcher keeps a private one for ``path``.

    A missing file gives a doc with ``exists=False`` and the warning ``PROGRESS.md missing``;
    unreadable or binary content gives a warning with the last good state. ``on_change`` is
    called on the event loop's thread; an exception it raises is logged and watching goes on.
    A batch of events ends after ``step_ms`` without a new one, or ``debounce_ms`` after
    its first event.
    """
    target = Path(path).absolute()
    file = progress_file or ProgressFile(target, known_agents=known_agents)
    reader = _Reader(target, file, on_change, settle_ms, stop)
    if not target.parent.is_dir():
        await reader.deliver()
        await stop.wait()
        return
    if os.environ.get(WATCHER_ENV, "").strip().lower() != "watchfiles":
        try:
            watcher = InotifyWatcher(target)
        except InotifyUnavailable as exc:
            logger.debug("inotify unavailable (%s); watching with watchfiles", exc)
        except OSError as exc:  # the directory went away (or cannot be watched) at start
            await reader.deliver()
            await _cannot_watch(reader, stop, exc)
            return
        else:
            with watcher:
                await _follow_inotify(watcher, reader, stop, debounce_ms, step_ms)
            return
    await _follow_watchfiles(target, reader, stop, debounce_ms, step_ms)


async def _cannot_watch(reader: _Reader, stop: asyncio.Event, exc: OSError) -> None:
    reader.deliver_error(f"{reader.path.name}: cannot watch its folder ({exc.strerror})")
    await stop.wait()


async def _follow_inotify(
    watcher: InotifyWatcher,
    reader: _Reader,
    stop: asyncio.Event,
    debounce_ms: int,
    step_ms: int,
) -> None:
    stopping = asyncio.ensure_future(stop.wait())
    pending: asyncio.Future[int] | None = None
    try:
        await reader.deliver()
        while not stop.is_set():
            pending = asyncio.ensure_future(watcher.wait(debounce_ms, quiet_ms=step_ms))
            await asyncio.wait((pending, stopping), return_when=asyncio.FIRST_COMPLETED)
            if not pending.done():
                return
            try:
                pending.result()
            except OSError as exc:  # the directory went away under the watcher
                await _cannot_watch(reader, stop, exc)
                return
            await reader.deliver()
    finally:
        for future in (pending, stopping):
            if future is not None:
                future.cancel()
                with contextlib.suppress(asyncio.CancelledError, OSError):
                    await future


async def _follow_watchfiles(
    target: Path, reader: _Reader, stop: asyncio.Event, debounce_ms: int, step_ms: int
) -> None:
    from watchfiles import Change, awatch  # imported only here: it costs ~35 ms

    name = target.name
    changes = awatch(
        target.parent,
        watch_filter=lambda _change, changed: os.path.basename(changed) == name,
        debounce=debounce_ms,
        step=step_ms,
        stop_event=stop,
        recursive=False,
        force_polling=False,
    )
    pending: asyncio.Future[set[tuple[Change, str]]] = asyncio.ensure_future(anext(changes))
    for _ in range(3):  # let awatch set up its inotify watch before the first read
        await asyncio.sleep(0)
    try:
        await reader.deliver()
        while not stop.is_set():
            try:
                await pending
            except StopAsyncIteration:
                return
            except OSError as exc:  # the directory went away under the watcher
                await _cannot_watch(reader, stop, exc)
                return
            await reader.deliver()
            pending = asyncio.ensure_future(anext(changes))
    finally:
        pending.cancel()
        with contextlib.suppress(asyncio.CancelledError, StopAsyncIteration, OSError):
            await pending
        await changes.aclose()


class _Reader:
    """Stable reads, change detection and delivery for one watched file."""

    def __init__(
        self,
        path: Path,
        file: ProgressFile,
        on_change: Callable[[ProgressDoc], None],
        settle_ms: int,
        stop: asyncio.Event,
    ) -> None:
        self.path = path
        self.file = file
        self.on_change = on_change
        self.settle = max(settle_ms, 1) / 1000
        self.stop = stop
        self.last: tuple[str, str] | None = None

    async def deliver(self) -> None:
        """Read until stable; parse and hand on the result if it differs from the last one."""
        got = await self._stable_read()
        if got is None:
            return
        data, error = got
        if data is None:
            key = ("missing", "") if error is None else ("error", error)
        else:
            key = ("data", hashlib.sha256(data).hexdigest())
        if key == self.last:
            return
        self.last = key
        if data is not None and len(data) > _THREAD_PARSE_BYTES:
            doc = await asyncio.to_thread(self.file.update, data)
        else:
            doc = self.file.update(data, error=error)
        self._call(doc)

    def deliver_error(self, message: str) -> None:
        """Hand on the last good state with ``message`` as its warning."""
        self.last = ("error", message)
        self._call(self.file.update(None, error=message))

    def _call(self, doc: ProgressDoc) -> None:
        try:
            self.on_change(doc)
        except Exception:
            logger.exception("PROGRESS.md listener failed")

    async def _stable_read(self) -> _Read | None:
        previous = self._read()
        for _ in range(_MAX_SETTLE_READS):
            await asyncio.sleep(self.settle)
            if self.stop.is_set():
                return None
            current = self._read()
            if current == previous:
                return current
            previous = current
        return None

    def _read(self) -> _Read:
        try:
            with open(self.path, "rb") as handle:
                return handle.read(MAX_BYTES + 1), None
        except FileNotFoundError:
            return None, None
        except OSError as exc:
            return None, f"{self.path.name} unreadable: {exc.strerror or type(exc).__name__}"
