"""PROGRESS.md written by another process → the desk's view re-rendered and on screen.

    uv run python -m tests.bench.bench_progress_view [--writes 15]

This process writes the file (in place, as an editor or an agent's tool would); the probed
desk timestamps the first frame after its PROGRESS.md view showed that revision. Measured for a
200-line and a 5,000-line file, with the desk idle and with its four agents streaming at
200 tokens/s each. The floor is the bare Textual app showing the raw file in a Log on each
watchfiles event (same debounce and step as the desk's watcher), written to the same way, in
the same run.
Goal: median under 100 ms.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from tests.bench.common import Context, log
from tests.bench.desk_run import DeskRun, bare_run, desk_run, streaming_scenario
from tests.bench.fixtures import NAMES, progress_doc
from tests.bench.results import Goal, Row, print_rows

GROUP = "PROGRESS.md"
SIZES = (200, 5000)
GOAL = Goal("median < 100 ms", "below", 100.0)


def write_series(run: DeskRun, path: Path, lines: int, revisions: range) -> tuple[list[float], int]:
    """Write each revision, wait for its frame; latencies in ms and how many never showed."""
    texts = {rev: progress_doc(lines, rev) for rev in revisions}
    out: list[float] = []
    missed = 0
    for rev in revisions:
        start = time.monotonic()
        path.write_text(texts[rev], encoding="utf-8")
        try:
            event = run.wait(lambda e, r=rev: e["ev"] == "progress_frame" and e.get("rev") == r, 10)
        except TimeoutError:
            missed += 1
            continue
        out.append((event["t"] - start) * 1000)
        time.sleep(0.08)  # let the watcher go quiet, so each write is its own change
    return out, missed


def measure(run: DeskRun, writes: int, base: int) -> dict[int, tuple[list[float], int]]:
    """Both sizes on one running app (half the writes for 5,000 lines, which are slow to
    show); revisions start at ``base``."""
    path = run.root / "PROGRESS.md"
    results = {}
    for k, lines in enumerate(SIZES):
        first = base + k * 1000
        count = writes if lines <= 200 else max(3, writes // 2)
        results[lines] = write_series(run, path, lines, range(first, first + count))
    path.write_text(progress_doc(200, 0), encoding="utf-8")
    return results


def run(ctx: Context, writes: int | None = None) -> list[Row]:
    """The four PROGRESS.md rows (idle and streaming, 200 and 5,000 lines)."""
    writes = writes or (8 if ctx.quick else 15)
    stream_s = 90.0  # longer than the writes take; the desk quits when they are done
    found: dict[str, dict[int, tuple[list[float], int]]] = {}
    log(f"PROGRESS.md → view: {writes} writes per size, desk idle")
    with desk_run("progress-idle") as desk:
        time.sleep(1.5)  # the engine starts after the first frame
        found["desk idle"] = measure(desk, writes, 1)
    with bare_run("progress-bare-idle", "--watch", "PROGRESS.md") as bare:
        time.sleep(0.5)
        found["bare idle"] = measure(bare, writes, 1)
    log("PROGRESS.md → view: four agents streaming")
    scenario = streaming_scenario(int(stream_s * 200))
    with desk_run("progress-stream", scenario=scenario, tasks=NAMES) as desk:
        desk.wait(lambda e: e["ev"] == "stream_start", 30)
        time.sleep(1.0)
        found["desk streaming"] = measure(desk, writes, 1)
    args = ("--watch", "PROGRESS.md", "--stream", str(stream_s))
    with bare_run("progress-bare-stream", *args) as bare:
        time.sleep(1.0)
        found["bare streaming"] = measure(bare, writes, 1)
    rows = []
    for state in ("idle", "streaming"):
        for lines in SIZES:
            samples, missed = found[f"desk {state}"][lines]
            floor, floor_missed = found[f"bare {state}"][lines]
            note = ""
            if missed or floor_missed:
                note = f"not shown within 10 s: desk {missed}, floor {floor_missed}"
            rows.append(
                Row(
                    f"PROGRESS.md → view, {lines:,} lines, desk {state}",
                    "ms",
                    samples,
                    floor,
                    "bare app, Log of the text",
                    GOAL,
                    note=note,
                    group=GROUP,
                )
            )
    return rows


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--writes", type=int, default=15)
    print_rows(run(Context(), parser.parse_args().writes))
