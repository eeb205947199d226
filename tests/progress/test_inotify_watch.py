"""The inotify change source: event parsing, saves of all kinds, a vanished folder, idleness."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import struct
import sys
import threading
from pathlib import Path

import pytest

from agents import progress_watch
from agents.inotify_watch import (
    IN_CREATE,
    IN_IGNORED,
    IN_MODIFY,
    IN_MOVED_TO,
    IN_Q_OVERFLOW,
    InotifyEvent,
    InotifyWatcher,
    parse_events,
)
from agents.progress import ProgressDoc
from agents.progress_watch import WATCHER_ENV, watch_progress

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify is Linux's")

NAME = "PROGRESS.md"


def _record(wd: int, mask: int, cookie: int, name: bytes, padded: int = 0) -> bytes:
    raw = name + b"\0" * padded
    return struct.pack("iIII", wd, mask, cookie, len(raw)) + raw


def test_parse_several_packed_records() -> None:
    data = (
        _record(1, IN_MODIFY, 0, b"PROGRESS.md", padded=5)
        + _record(1, IN_MOVED_TO, 42, b".swp", padded=12)
        + _record(1, IN_IGNORED, 0, b"")
        + _record(-1, IN_Q_OVERFLOW, 0, b"")
        + _record(2, IN_CREATE, 0, "caf\u00e9.md".encode(), padded=2)
    )
    assert parse_events(data) == [
        InotifyEvent(1, IN_MODIFY, 0, "PROGRESS.md"),
        InotifyEvent(1, IN_MOVED_TO, 42, ".swp"),
        InotifyEvent(1, IN_IGNORED, 0, ""),
        InotifyEvent(-1, IN_Q_OVERFLOW, 0, ""),
        InotifyEvent(2, IN_CREATE, 0, "caf\u00e9.md"),
    ]
    assert parse_events(b"") == []
    assert parse_events(data[:10]) == []  # a partial header is not an event


async def _next(watcher: InotifyWatcher, debounce_ms: int = 20) -> int:
    return await asyncio.wait_for(watcher.wait(debounce_ms), 5)


@linux_only
async def test_in_place_write_is_one_debounced_batch(tmp_path: Path) -> None:
    path = tmp_path / NAME
    with InotifyWatcher(path) as watcher:
        path.write_text("one")
        with open(path, "a") as handle:
            handle.write(" two")
        assert await _next(watcher) >= 3  # create, modify, close-write... in one batch
        assert watcher.debounces == 1


@linux_only
async def test_a_batch_ends_after_a_quiet_gap_not_the_whole_window(tmp_path: Path) -> None:
    path = tmp_path / NAME
    with InotifyWatcher(path) as watcher:
        path.write_text("one")
        # A 60 s window: only the 5 ms quiet gap can end this batch within the 5 s timeout.
        count = await asyncio.wait_for(watcher.wait(60_000, quiet_ms=5), 5)
        assert count >= 1 and watcher.debounces == 1


@linux_only
async def test_events_inside_the_quiet_gap_join_the_batch(tmp_path: Path) -> None:
    path = tmp_path / NAME
    with InotifyWatcher(path) as watcher:
        path.write_text("0")

        async def keep_writing() -> None:
            for i in range(5):
                await asyncio.sleep(0.002)
                path.write_text(str(i))

        writer = asyncio.ensure_future(keep_writing())
        count = await asyncio.wait_for(watcher.wait(60_000, quiet_ms=200), 5)
        await writer
        assert count >= 6  # every write arrived inside a 200 ms gap: one batch
        assert watcher.debounces == 1


@linux_only
async def test_sibling_files_are_ignored(tmp_path: Path) -> None:
    path = tmp_path / NAME
    with InotifyWatcher(path) as watcher:
        (tmp_path / "OTHER.md").write_text("noise")
        (tmp_path / "sub").mkdir()
        waiting = asyncio.ensure_future(watcher.wait(0))
        for _ in range(20):
            await asyncio.sleep(0)
        assert watcher.callbacks >= 1 and not waiting.done()
        path.write_text("mine")
        assert await asyncio.wait_for(waiting, 5) >= 1


@linux_only
async def test_rename_over_the_file(tmp_path: Path) -> None:
    path = tmp_path / NAME
    path.write_text("old")
    with InotifyWatcher(path) as watcher:
        waiting = asyncio.ensure_future(watcher.wait(20))
        tmp = tmp_path / ".PROGRESS.md.swp"
        tmp.write_text("new")
        await asyncio.sleep(0.05)
        assert not waiting.done() and watcher.debounces == 0  # the temp file is no change
        os.replace(tmp, path)
        assert await asyncio.wait_for(waiting, 5) == 1  # IN_MOVED_TO for the name


@linux_only
async def test_delete_then_create(tmp_path: Path) -> None:
    path = tmp_path / NAME
    path.write_text("old")
    with InotifyWatcher(path) as watcher:
        path.unlink()
        assert await _next(watcher) == 1
        path.write_text("new")
        assert await _next(watcher) >= 2  # IN_CREATE, IN_MODIFY, IN_CLOSE_WRITE


@linux_only
async def test_removed_directory_raises_oserror(tmp_path: Path) -> None:
    folder = tmp_path / "repo"
    folder.mkdir()
    (folder / NAME).write_text("x")
    with InotifyWatcher(folder / NAME) as watcher:
        waiting = asyncio.ensure_future(watcher.wait(20))
        await asyncio.sleep(0)
        shutil.rmtree(folder)
        with pytest.raises(OSError) as info:
            await asyncio.wait_for(waiting, 5)
        assert info.value.strerror == os.strerror(info.value.errno)
        with pytest.raises(OSError):  # and it stays gone
            await _next(watcher)


@linux_only
async def test_moved_directory_raises_oserror(tmp_path: Path) -> None:
    folder = tmp_path / "repo"
    folder.mkdir()
    with InotifyWatcher(folder / NAME) as watcher:
        folder.rename(tmp_path / "elsewhere")
        with pytest.raises(OSError):
            await _next(watcher)


@linux_only
async def test_missing_directory_is_an_oserror_at_start(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        InotifyWatcher(tmp_path / "nope" / NAME)
    (tmp_path / "file").write_text("")
    with pytest.raises(OSError):
        InotifyWatcher(tmp_path / "file" / NAME)


def _inotify_fds() -> set[int]:
    found = set()
    for name in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):  # the descriptor listdir itself used
            if "inotify" in os.readlink(f"/proc/self/fd/{name}"):
                found.add(int(name))
    return found


@linux_only
async def test_close_releases_the_descriptor(tmp_path: Path) -> None:
    before = _inotify_fds()
    watcher = InotifyWatcher(tmp_path / NAME)
    fd = watcher.fileno()
    assert _inotify_fds() - before == {fd}
    waiting = asyncio.ensure_future(watcher.wait(20))
    await asyncio.sleep(0)
    watcher.close()
    watcher.close()  # idempotent
    assert watcher.closed and watcher.fileno() == -1
    assert _inotify_fds() == before
    with pytest.raises(OSError):
        os.fstat(fd)
    with pytest.raises(OSError):
        await asyncio.wait_for(waiting, 5)  # a waiter is woken, not left hanging
    (tmp_path / NAME).write_text("after close")  # no reader left to call
    await asyncio.sleep(0.05)
    assert watcher.callbacks == 0


@linux_only
async def test_an_idle_watcher_never_wakes(tmp_path: Path) -> None:
    path = tmp_path / NAME
    path.write_text("x")
    threads = threading.active_count()
    with InotifyWatcher(path) as watcher:
        waiting = asyncio.ensure_future(watcher.wait(20))
        await asyncio.sleep(0.5)
        assert (watcher.callbacks, watcher.debounces) == (0, 0)
        assert not waiting.done()
        assert threading.active_count() == threads
        path.write_text("y")
        await asyncio.wait_for(waiting, 5)
        assert (watcher.callbacks >= 1, watcher.debounces) == (True, 1)


@linux_only
async def test_an_idle_desk_watcher_does_no_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """watch_progress itself, after its first delivery: nothing runs until the file changes."""
    opened: list[InotifyWatcher] = []

    class Counted(InotifyWatcher):
        def __init__(self, path: Path) -> None:
            super().__init__(path)
            opened.append(self)

    monkeypatch.delenv(WATCHER_ENV, raising=False)
    monkeypatch.setattr(progress_watch, "InotifyWatcher", Counted)
    path = tmp_path / NAME
    path.write_text("## Phase 1\n- [ ] @a\n")
    docs: list[ProgressDoc] = []
    stop = asyncio.Event()
    task = asyncio.create_task(watch_progress(path, docs.append, stop=stop))
    while not docs:
        await asyncio.sleep(0.01)
    (watcher,) = opened
    await asyncio.sleep(0.5)
    assert (watcher.callbacks, watcher.debounces, len(docs)) == (0, 0, 1)
    path.write_text("## Phase 1\n- [x] @a\n")
    while len(docs) < 2:
        await asyncio.sleep(0.01)
    assert watcher.debounces == 1
    stop.set()
    await asyncio.wait_for(task, 5)
    assert watcher.closed


@linux_only
async def test_watch_progress_reports_a_removed_folder(tmp_path: Path) -> None:
    folder = tmp_path / "repo"
    folder.mkdir()
    (folder / NAME).write_text("## Phase 1\n- [ ] @a\n")
    docs: list[ProgressDoc] = []
    stop = asyncio.Event()
    task = asyncio.create_task(watch_progress(folder / NAME, docs.append, stop=stop))
    while not docs:
        await asyncio.sleep(0.01)
    shutil.rmtree(folder)
    for _ in range(500):
        if any("cannot watch its folder" in w for d in docs for w in d.warnings):
            break
        await asyncio.sleep(0.01)
    assert docs[-1].warnings == (
        "PROGRESS.md: cannot watch its folder (No such file or directory)",
    )
    assert not task.done()  # it waits for stop
    stop.set()
    await asyncio.wait_for(task, 5)
