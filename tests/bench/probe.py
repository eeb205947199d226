"""In-process probes for the benchmarks: frame times, the first frame, when ``anthropic`` is
imported, and (for the desk) when the PROGRESS.md view and proposal blocks re-render.

Launch the desk through it exactly as ``agentdesk`` would run, plus the probes::

    python -m tests.bench.probe EVENTS.jsonl [agentdesk arguments...]

Events are JSON lines ``{"ev": name, "t": time.monotonic(), ...}`` (the same clock in every
process on this machine, so the harness can compare them with its own timestamps). Frame times
are kept in memory and written once, at exit. Nothing here changes what the desk does: the
hooks wrap methods and call the originals. The bare app installs :func:`install_frames` only.
"""

from __future__ import annotations

import atexit
import importlib.abc
import json
import re
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

_REVISION = re.compile(r"Revision (\d+)")


class Probe:
    """Writes events to a JSON-lines file; collects frame times."""

    def __init__(self, path: str, *, main_screen: str | None = None) -> None:
        self._fh = open(path, "a", encoding="utf-8", buffering=1)  # noqa: SIM115
        self._lock = threading.Lock()
        self.frames: list[float] = []
        self.first_frame = False
        self.main_screen = main_screen
        self._marks: list[tuple[str, dict[str, Any]]] = []
        self.app: Any = None
        atexit.register(self.close)

    def emit(self, ev: str, **data: Any) -> None:
        """Write one event now."""
        record = {"ev": ev, "t": time.monotonic(), **data}
        line = json.dumps(record, ensure_ascii=False)
        with self._lock:
            if not self._fh.closed:
                self._fh.write(line + "\n")

    def mark(self, ev: str, **data: Any) -> None:
        """Write ``ev`` now and ``ev + '_frame'`` when the next frame reaches the terminal."""
        self.emit(ev, **data)
        self._marks.append((ev, data))

    def on_frame(self, screen: Any) -> None:
        """Called after each frame written to the terminal."""
        now = time.monotonic()
        self.frames.append(now)
        if not self.first_frame and (self.main_screen is None or screen.id == self.main_screen):
            self.first_frame = True
            self.emit("first_frame", anthropic="anthropic" in sys.modules, modules=len(sys.modules))
        if self._marks:
            marks, self._marks = self._marks, []
            for ev, data in marks:
                self.emit(ev + "_frame", **data)

    def close(self) -> None:
        """Write the frame times and the process CPU time; close the file."""
        with self._lock:
            if self._fh.closed:
                return
        self.emit("exit", frames=self.frames, cpu=time.process_time())
        with self._lock:
            self._fh.close()


def install_frames(probe: Probe) -> None:
    """Record every frame Textual writes to the terminal."""
    from textual.app import App

    original = App._display

    def _display(self: App[Any], screen: Any, renderable: Any) -> None:
        writes = (
            renderable is not None
            and not self._batch_count
            and self._running
            and not self._closed
            and not self.is_headless
            and self._driver is not None
        )
        original(self, screen, renderable)
        if writes:
            probe.on_frame(screen)

    App._display = _display  # type: ignore[method-assign]


class _ImportWatch(importlib.abc.MetaPathFinder):
    """Notes when ``anthropic`` is first looked up, and on which thread; finds nothing itself."""

    def __init__(self, probe: Probe) -> None:
        self.probe = probe
        self.seen = False

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> None:
        if fullname == "anthropic" and not self.seen:
            self.seen = True
            self.probe.emit(
                "anthropic_import",
                thread=threading.current_thread().name,
                after_first_frame=self.probe.first_frame,
            )
        return None


def name_threads() -> None:
    """Give every Python thread its name in ``/proc/<pid>/task/<tid>/comm`` (Linux), so the
    harness can tell which thread wakes up; costs one prctl per thread start."""
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return
    original = threading.Thread._bootstrap_inner  # type: ignore[attr-defined]

    def bootstrap(self: threading.Thread) -> None:
        libc.prctl(15, self.name.encode()[:15], 0, 0, 0)  # PR_SET_NAME
        original(self)

    threading.Thread._bootstrap_inner = bootstrap  # type: ignore[attr-defined]


def _wrap(cls: Any, name: str, after: Callable[..., None]) -> None:
    original = getattr(cls, name)

    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        result = original(self, *args, **kwargs)
        after(self, *args, **kwargs)
        return result

    setattr(cls, name, wrapper)


def install_desk(probe: Probe) -> None:
    """Desk-specific probes: PROGRESS.md view, proposal blocks, the approve key, engine events
    (stream start and end, proposals, commits) and, on quit, what each pane finally shows."""
    from agents import events as ev
    from tui.app import DeskApp
    from tui.screens.main import MainScreen
    from tui.widgets.entries import AssistantBlock, ProposalBlock
    from tui.widgets.progress_view import ProgressView

    def progress_shown(view: Any, doc: Any, *a: Any, **k: Any) -> None:
        found = _REVISION.search(doc.text[:400]) if doc.exists else None
        probe.mark("progress", rev=int(found.group(1)) if found else -1)

    def proposal_shown(block: Any, summary: str, preview: str, state: str, *a: Any) -> None:
        probe.mark("proposal", id=block.proposal_id, state=state)

    def approved(screen: Any, *a: Any) -> None:
        probe.emit("approve_action")

    _wrap(ProgressView, "show", progress_shown)
    _wrap(ProposalBlock, "show", proposal_shown)
    _wrap(MainScreen, "action_approve", approved)

    deltas: dict[str, list[int]] = {}

    def on_event(event: Any) -> None:
        if isinstance(event, ev.TextDelta):
            if not deltas:
                probe.emit("stream_start", cpu=time.process_time())
            counts = deltas.setdefault(event.agent, [0, 0])
            counts[0] += 1
            counts[1] += len(event.text)
        elif isinstance(event, ev.TurnEnded):
            n, chars = deltas.get(event.agent, [0, 0])
            probe.emit(
                "turn_end", agent=event.agent, deltas=n, chars=chars, cpu=time.process_time()
            )
        elif isinstance(event, ev.ProposalCreated):
            probe.emit("proposal_created", agent=event.agent, id=event.proposal_id)
        elif isinstance(event, ev.ProposalApplied):
            probe.emit("proposal_applied", id=event.proposal_id)
        elif isinstance(event, ev.Committed):
            probe.emit("committed", id=event.proposal_id, sha=event.sha)

    def started(app: Any, workspace: Any = None, *a: Any, **k: Any) -> None:
        probe.app = app
        if workspace is not None:  # else it opens after the first frame: attach_workspace
            workspace.bus.subscribe(on_event)

    def attached(app: Any, workspace: Any, *a: Any, **k: Any) -> None:
        workspace.bus.subscribe(on_event)

    _wrap(DeskApp, "__init__", started)
    _wrap(DeskApp, "attach_workspace", attached)

    def final_state(app: Any, *a: Any, **k: Any) -> None:
        main = getattr(app, "_main", None)
        if main is None:
            return
        for i, rt in enumerate(app.workspace.runtimes):
            engine = [e.text for e in rt.entries if e.kind == "assistant"]
            blocks = list(main.pane(i).transcript.query(AssistantBlock))
            ui = [b.text for b in blocks if not b.streaming]
            probe.emit(
                "final",
                agent=rt.name,
                engine=engine[-1] if engine else "",
                ui=ui[-1] if ui else "",
                entries=len(rt.entries),
            )

    original_exit = DeskApp.exit

    def exit_(app: Any, *args: Any, **kwargs: Any) -> None:
        try:
            final_state(app)
        except Exception as exc:  # a probe must never break the desk's quit
            probe.emit("probe_error", error=repr(exc))
        original_exit(app, *args, **kwargs)

    DeskApp.exit = exit_  # type: ignore[method-assign,assignment]


def main(argv: list[str]) -> int:
    """Run ``agentdesk`` with every probe installed."""
    if not argv:
        print(
            "usage: python -m tests.bench.probe EVENTS.jsonl [agentdesk args...]", file=sys.stderr
        )
        return 2
    probe = Probe(argv[0], main_screen="main")
    sys.meta_path.insert(0, _ImportWatch(probe))
    probe.emit("start", cpu=time.process_time())
    name_threads()
    install_frames(probe)
    install_desk(probe)
    from tui.cli import main as agentdesk

    return agentdesk(argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
