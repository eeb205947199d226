"""The floor for the desk's terminal figures: a bare Textual app with the desk's widget set and
none of its engine. Header and agent strip (Static), a DirectoryTree, four panes (header,
scrolling transcript, Input) in a ContentSwitcher, a PROGRESS.md Static in a VerticalScroll, an
OptionList of blockers and a Footer, all composed on the first frame.

    python -m tests.bench.bare_app [--names a,b,c,d] [--tree DIR] [--probe EVENTS.jsonl]
        [--stream SECONDS --rate TOKENS_PER_S --chunk CHARS] [--approve FILE]
        [--watch PROGRESS.md] [--log-lines N --marker TEXT]

Each option adds the least work a feature needs, done the cheapest plain way: ``--stream``
appends synthetic deltas to four buffers and shows each pane's tail in a Static; ``--approve``
binds ``y`` to an atomic 100 KB write plus a one-line Static update; ``--watch`` shows the raw
text of a file in a ``Log`` (which renders only the visible lines) on every watchfiles event
(same debounce and step as the desk's watcher);
``--log-lines`` fills the second pane with a ``Log`` widget of N lines.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from pathlib import Path
from typing import Any, ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import ContentSwitcher, DirectoryTree, Footer, Input, Log, OptionList, Static

APPROVE_SIZE = 100 * 1024

CSS = """
#strip, #header { height: 1; background: $surface; padding: 0 1; }
#body { height: 1fr; }
#tree { width: 32; }
#panes { width: 1fr; }
#side { width: 42; }
#progress { height: 1fr; border: round $panel; }
#blockers { height: auto; max-height: 14; border: round $panel; }
.pane { height: 1fr; }
.pane-header { height: 1; }
.transcript { height: 1fr; }
"""


class BareApp(App[None]):
    """The desk's widgets, no engine."""

    CSS = CSS
    BINDINGS: ClassVar = [
        Binding("ctrl+q", "quit", "Quit"),
        Binding("y", "approve", "Approve"),
        Binding("1", "pane(0)", "Pane 1"),
        Binding("2", "pane(1)", "Pane 2"),
    ]

    def __init__(self, args: argparse.Namespace, probe: Any = None) -> None:
        super().__init__()
        self.args = args
        self.names = args.names.split(",")
        self.probe = probe
        self.buffers = ["" for _ in self.names]
        self.approved = 0

    def compose(self) -> ComposeResult:
        """Everything at once: the floor has no skeleton and no deferred mounting."""
        yield Static("agentdesk · bare floor", id="header", markup=False)
        yield Static(
            " │ ".join(f"{i} {n} ○ idle" for i, n in enumerate(self.names, 1)),
            id="strip",
            markup=False,
        )
        with Horizontal(id="body"):
            yield DirectoryTree(self.args.tree, id="tree")
            with ContentSwitcher(id="panes", initial="pane-0"):
                for i, name in enumerate(self.names):
                    with Vertical(id=f"pane-{i}", classes="pane"):
                        yield Static(
                            f"● {name} · model · default · ○ idle",
                            classes="pane-header",
                            markup=False,
                        )
                        if i == 1 and self.args.log_lines:
                            yield Log(id="log", classes="transcript")
                        else:
                            with VerticalScroll(classes="transcript"):
                                yield Static("", id=f"text-{i}", markup=False)
                        yield Input(placeholder=f"message {name}…")
            with Vertical(id="side"):
                if self.args.watch:
                    yield Log(id="progress")
                else:
                    with VerticalScroll(id="progress"):
                        yield Static("PROGRESS.md", id="progress-body", markup=False)
                yield OptionList("● @agent-1: waiting on 0", id="blockers")
        yield Footer()

    def on_mount(self) -> None:
        """Start whichever feature was asked for."""
        if self.args.log_lines:
            lines = [
                f"{n:6} a line of transcript text for the floor"
                for n in range(self.args.log_lines - 1)
            ]
            self.query_one(Log).write_lines([*lines, self.args.marker])
        if self.args.stream:
            self.run_worker(self._stream(), exclusive=False)
        if self.args.watch:
            self.run_worker(self._watch(Path(self.args.watch)), exclusive=False)

    def action_pane(self, index: int) -> None:
        """Show pane ``index`` and focus its transcript."""
        self.query_one(ContentSwitcher).current = f"pane-{index}"
        self.query_one(f"#pane-{index} .transcript").focus()

    def action_approve(self) -> None:
        """The floor of approving: write 100 KB atomically, then say so in the pane."""
        if not self.args.approve:
            return
        self.approved += 1
        target = Path(self.args.approve)
        data = (f"approved {self.approved} ".encode() * APPROVE_SIZE)[:APPROVE_SIZE]
        tmp = target.with_name(f".{target.name}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            os.write(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, target)
        self.query_one("#text-0", Static).update(Content(f"applied {self.approved}"))
        if self.probe is not None:
            self.probe.mark("applied", n=self.approved)

    async def _stream(self) -> None:
        """Deltas for every pane at ``rate`` a second each, as they come due (5 ms ticks)."""
        rate, chunk, seconds = self.args.rate, self.args.chunk, self.args.stream
        word = "words of streamed text " * (chunk // 8 + 1)
        statics = [self.query_one(f"#text-{i}", Static) for i in range(len(self.names))]
        sent = [0] * len(self.names)
        if self.probe is not None:
            self.probe.emit("stream_start", cpu=time.process_time())
        start = time.monotonic()
        while (elapsed := time.monotonic() - start) < seconds:
            due = int(elapsed * rate)
            for i, static in enumerate(statics):
                while sent[i] < due:
                    piece = word[(sent[i] * chunk) % 8 :][:chunk]
                    sent[i] += 1
                    self.buffers[i] += "\n" if sent[i] % 16 == 0 else piece
                    static.update(Content(_tail(self.buffers[i], 40)))
            await asyncio.sleep(0.005)
        if self.probe is not None:
            self.probe.emit("stream_end", deltas=sum(sent), cpu=time.process_time())

    async def _watch(self, path: Path) -> None:
        """Show the file's text on each change (watchfiles, debounce 30 ms, step 5 ms)."""
        import re

        from watchfiles import awatch

        view = self.query_one("#progress", Log)
        revision = re.compile(r"Revision (\d+)")
        async for _changes in awatch(
            path.parent,
            watch_filter=lambda _c, p: os.path.basename(p) == path.name,
            debounce=30,
            step=5,
            recursive=False,
        ):
            text = path.read_text(encoding="utf-8", errors="replace")
            view.clear()
            view.write_lines(text.splitlines())
            if self.probe is not None:
                found = revision.search(text[:400])
                self.probe.mark("progress", rev=int(found.group(1)) if found else -1)


def _tail(text: str, lines: int) -> str:
    """The last ``lines`` lines of ``text`` (scans back from the end only)."""
    end = len(text)
    for _ in range(lines):
        end = text.rfind("\n", 0, end)
        if end < 0:
            return text
    return text[end + 1 :]


def parse_args(argv: list[str]) -> argparse.Namespace:
    """The bare app's options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--names", default="agent-1,agent-2,agent-3,agent-4")
    parser.add_argument("--tree", default=".")
    parser.add_argument("--probe", default=os.environ.get("AGENTDESK_BENCH_PROBE", ""))
    parser.add_argument("--stream", type=float, default=0.0, metavar="SECONDS")
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--chunk", type=int, default=4)
    parser.add_argument("--approve", default="")
    parser.add_argument("--watch", default="")
    parser.add_argument("--log-lines", type=int, default=0)
    parser.add_argument("--marker", default="end-of-transcript")
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    """Run the bare app (with the frame probe when asked)."""
    args = parse_args(argv)
    probe = None
    if args.probe:
        from tests.bench.probe import Probe, install_frames

        probe = Probe(args.probe)
        install_frames(probe)
    BareApp(args, probe).run()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
