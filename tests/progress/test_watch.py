"""The live watcher: latency, deletes, renames and torn writes (T40), on both change sources."""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from agents import progress_watch
from agents.inotify_watch import InotifyUnavailable, InotifyWatcher
from agents.progress import ProgressDoc, ProgressFile
from agents.progress_watch import WATCHER_ENV, watch_progress

SETTLE = 40  # ms; with 1 ms and slower byte writes this test catches torn states
V1 = "## Phase 1: Development\n- [ ] @backend-architect\n"
V2 = "## Phase 1: Development\n- [x] @backend-architect - COMPLETE (2026-01-06 14:23)\n"


def _inotify_works() -> bool:
    async def probe() -> None:
        InotifyWatcher(Path.cwd() / "probe").close()

    try:
        asyncio.run(probe())
    except (InotifyUnavailable, OSError):
        return False
    return True


HAS_INOTIFY = _inotify_works()


@pytest.fixture(autouse=True, params=["inotify", "watchfiles"])
def backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Run every test once per change source, and check that source is the one used."""
    opened: list[InotifyWatcher] = []

    class Counted(InotifyWatcher):
        def __init__(self, path: Path) -> None:
            super().__init__(path)
            opened.append(self)

    if request.param == "watchfiles":
        monkeypatch.setenv(WATCHER_ENV, "watchfiles")
    elif not HAS_INOTIFY:
        pytest.skip("no inotify here")
    else:
        monkeypatch.delenv(WATCHER_ENV, raising=False)
    monkeypatch.setattr(progress_watch, "InotifyWatcher", Counted)
    yield request.param
    if request.param == "watchfiles":
        assert opened == []
    else:
        assert opened and all(watcher.closed for watcher in opened)


class Collector:
    """Records delivered docs and lets a test wait for one that matches."""

    def __init__(self) -> None:
        self.docs: list[ProgressDoc] = []
        self.changed = asyncio.Event()

    def __call__(self, doc: ProgressDoc) -> None:
        self.docs.append(doc)
        self.changed.set()

    async def wait_for(self, check, timeout: float = 5.0) -> ProgressDoc:  # type: ignore[no-untyped-def]
        deadline = time.monotonic() + timeout
        while True:
            for doc in self.docs:
                if check(doc):
                    return doc
            self.changed.clear()
            left = deadline - time.monotonic()
            assert left > 0, f"no matching doc; got {[d.text[:40] for d in self.docs]}"
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.changed.wait(), left)


async def _start(path: Path, **kw: int) -> tuple[Collector, asyncio.Event, asyncio.Task[None]]:
    seen, stop = Collector(), asyncio.Event()
    task = asyncio.create_task(watch_progress(path, seen, stop=stop, **kw))
    await seen.wait_for(lambda d: True)
    return seen, stop, task


async def _stop(stop: asyncio.Event, task: asyncio.Task[None]) -> None:
    stop.set()
    await asyncio.wait_for(task, 5)


async def test_initial_state_then_changes(tmp_path: Path) -> None:
    path = tmp_path / "PROGRESS.md"
    path.write_text(V1)
    seen, stop, task = await _start(path)
    assert seen.docs[0].text == V1
    path.write_text(V2)
    doc = await seen.wait_for(lambda d: d.text == V2)
    assert doc.agent_done("backend-architect") is True
    await _stop(stop, task)


async def test_the_callers_progress_file_is_kept_current(tmp_path: Path) -> None:
    path = tmp_path / "PROGRESS.md"
    path.write_text(V1)
    shared = ProgressFile(path)
    seen, stop = Collector(), asyncio.Event()
    task = asyncio.create_task(watch_progress(path, seen, stop=stop, progress_file=shared))
    await seen.wait_for(lambda d: d.text == V1)
    assert shared.current is seen.docs[-1]
    path.write_bytes(b"\0binary")
    bad = await seen.wait_for(lambda d: not d.usable)
    assert shared.current is bad and bad.text == V1  # the last good state, shared
    await _stop(stop, task)


async def test_delete_then_recreate_recovers(tmp_path: Path) -> None:
    path = tmp_path / "PROGRESS.md"
    path.write_text(V1)
    seen, stop, task = await _start(path)
    path.unlink()
    gone = await seen.wait_for(lambda d: not d.exists)
    assert gone.warnings == ("PROGRESS.md missing",)
    path.write_text(V2)
    back = await seen.wait_for(lambda d: d.exists and d.text == V2)
    assert back.warnings == ()
    await _stop(stop, task)


async def test_rename_save_and_sibling_files_ignored(tmp_path: Path) -> None:
    path = tmp_path / "PROGRESS.md"
    path.write_text(V1)
    seen, stop, task = await _start(path)
    (tmp_path / "OTHER.md").write_text("noise")
    tmp = tmp_path / ".PROGRESS.md.swp"
    tmp.write_text(V2)
    os.replace(tmp, path)
    await seen.wait_for(lambda d: d.text == V2)
    assert all(d.text in (V1, V2) for d in seen.docs)
    await _stop(stop, task)


async def test_missing_file_and_missing_folder_at_start(tmp_path: Path) -> None:
    seen, stop, task = await _start(tmp_path / "PROGRESS.md")
    assert seen.docs[0].exists is False
    (tmp_path / "PROGRESS.md").write_text(V1)
    await seen.wait_for(lambda d: d.text == V1)
    await _stop(stop, task)
    seen, stop, task = await _start(tmp_path / "nope" / "PROGRESS.md")
    assert seen.docs[0].warnings == ("PROGRESS.md missing",)
    await _stop(stop, task)


async def test_unchanged_content_is_not_delivered_twice(tmp_path: Path) -> None:
    path = tmp_path / "PROGRESS.md"
    path.write_text(V1)
    seen, stop, task = await _start(path)
    path.write_text(V1)
    path.touch()
    path.write_text(V2)
    await seen.wait_for(lambda d: d.text == V2)
    assert [d.text for d in seen.docs] == [V1, V2]
    await _stop(stop, task)


async def test_a_failing_listener_does_not_stop_the_watcher(tmp_path: Path) -> None:
    path = tmp_path / "PROGRESS.md"
    path.write_text(V1)
    calls: list[str] = []
    stop = asyncio.Event()

    def listener(doc: ProgressDoc) -> None:
        calls.append(doc.text)
        raise RuntimeError("broken front end")

    task = asyncio.create_task(watch_progress(path, listener, stop=stop))
    await asyncio.sleep(0.2)
    path.write_text(V2)
    for _ in range(100):
        if V2 in calls:
            break
        await asyncio.sleep(0.02)
    assert calls == [V1, V2]
    await _stop(stop, task)


def _versions(count: int) -> list[bytes]:
    return [
        (
            f"# Progress {n}\n\n## Phase 1: Development\n- [ ] @agent-{n}\n  - note {n}\n\n"
            f"## Blockers\n- @agent-{n}: waiting on {n}\n"
        ).encode()
        for n in range(count)
    ]


async def test_torn_writes_are_never_delivered(tmp_path: Path) -> None:
    """T40: byte-at-a-time truncate+write saves and rename saves while the watcher runs."""
    path = tmp_path / "PROGRESS.md"
    versions = _versions(8)
    path.write_bytes(versions[0])
    seen, stop, task = await _start(path, settle_ms=SETTLE)
    done = threading.Event()

    def writer() -> None:
        for n, data in enumerate(versions[1:], 1):
            if n % 2:
                with open(path, "wb", buffering=0) as handle:  # truncate, then 1 byte at a time
                    for i in range(len(data)):
                        handle.write(data[i : i + 1])
                        time.sleep(0.0002)
            else:
                tmp = tmp_path / f".tmp{n}"
                tmp.write_bytes(data)
                os.replace(tmp, path)
            time.sleep(0.15)
        done.set()

    thread = threading.Thread(target=writer)
    thread.start()
    while not done.is_set():
        await asyncio.sleep(0.01)
    thread.join()
    final = versions[-1].decode()
    await seen.wait_for(lambda d: d.text == final)
    await _stop(stop, task)
    allowed = {v.decode() for v in versions}
    assert all(doc.text in allowed for doc in seen.docs), [d.text for d in seen.docs]
    assert len(seen.docs) >= 4
