"""A transcript of 10,000 lines: the time from pressing the pane's key to its last line on
screen (open the pane, scroll to the end), and the desk's memory with it loaded.

    uv run python -m tests.bench.bench_transcript [--runs 3]

The second agent's session holds about 10,000 lines (1,200 entries: Markdown answers, tool
calls and their results) ending in a marker line. Each run launches the desk afresh, lets it
settle, presses ``2`` and ``End`` in tmux and polls until the marker is on screen. The floor is
the bare Textual app whose second pane is a ``Log`` of 10,000 lines, driven the same way.
"""

from __future__ import annotations

import argparse
import time

from tests.bench.common import Context, log, rss_mib
from tests.bench.desk_run import DeskRun, bare_run, desk_run
from tests.bench.fixtures import NAMES, seed_transcript
from tests.bench.results import Goal, Row, print_rows

GROUP = "transcript"
LINES = 10_000
END = "transcript-end-marker"
AGENT = sorted(NAMES)[1]  # pane 2


def open_pane(run: DeskRun) -> float:
    """Press ``2`` and ``End``; ms until the transcript's last line is on screen."""
    pressed = run.tm.send_keys(run.window, "2", "End")
    return run.tm.wait_for(run.window, END, since=pressed, timeout=20) * 1000


def run(ctx: Context, runs: int | None = None) -> list[Row]:
    """The transcript rows."""
    runs = runs or (2 if ctx.quick else 3)
    opened: list[float] = []
    memory: list[float] = []
    floor_opened: list[float] = []
    floor_memory: list[float] = []
    entries = 0

    def seed(root: object) -> None:
        nonlocal entries
        entries = seed_transcript(root, AGENT, LINES, END)  # type: ignore[arg-type]

    log(f"transcript: {LINES:,} lines, open pane 2 and jump to the end, {runs} launches")
    for n in range(runs):
        with desk_run(f"transcript-{n}", prepare=seed) as desk:
            time.sleep(1.5)  # transcripts mount right after the first frame
            opened.append(open_pane(desk))
            time.sleep(0.3)
            memory.append(rss_mib(desk.window.pid))
        with bare_run(f"transcript-bare-{n}", "--log-lines", str(LINES), "--marker", END) as bare:
            time.sleep(1.0)
            floor_opened.append(open_pane(bare))
            time.sleep(0.3)
            floor_memory.append(rss_mib(bare.window.pid))
    return [
        Row(
            f"{LINES:,}-line transcript: open pane, jump to end",
            "ms",
            opened,
            floor_opened,
            "bare app, Log",
            Goal("median < 200 ms", "below", 200.0),
            note=f"{entries:,} entries; tmux key → last line visible",
            group=GROUP,
        ),
        Row(
            f"{LINES:,}-line transcript: desk RSS",
            "MiB",
            memory,
            floor_memory,
            "bare app, Log",
            note="RSS includes anthropic (~45 MiB), imported after the first frame",
            group=GROUP,
        ),
    ]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=3)
    print_rows(run(Context(), parser.parse_args().runs))
