"""Idle cost: CPU of the desk with four idle agents, and its wake-ups, against the bare Textual
app idling beside it over the same window (goal: under 1% of a core; nothing may poll).

    uv run python -m tests.bench.bench_idle [--seconds 15]

Both run side by side in tmux (the desk through the probe, which names its threads in
``/proc`` and costs nothing while idle); after they have settled (the desk's engine started,
``anthropic`` imported, PROGRESS.md watched), CPU time and voluntary context switches (each
one a sleep that ended: a timer, a poll, an event) of every thread are read from ``/proc`` at
the start and the end of the window. PERF.md's figure is over 60 s; the harness uses 15 s by default
(``--seconds 60`` for the full figure). The note names the threads that woke most.
"""

from __future__ import annotations

import argparse
import os
import time
from collections import Counter

from tests.bench.bench_first_frame import IDLE_URL, bare_launch
from tests.bench.common import (
    BENCH_DIR,
    Context,
    Launch,
    context_switches,
    cpu_seconds,
    log,
    tmux_session,
)
from tests.bench.desk_run import desk_env, python_argv, with_repo_path
from tests.bench.fixtures import MARKER, reset_state, team_repo
from tests.bench.results import Goal, Row, print_rows

GROUP = "idle"
SETTLE = 5.0
SHORT = " (PERF: 60 s; run_all --idle-seconds 60)"


def thread_wakeups(pid: int) -> Counter[str]:
    """Voluntary context switches per thread name of ``pid``."""
    out: Counter[str] = Counter()
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/comm", encoding="utf-8") as fh:
                name = fh.read().strip()
            with open(f"/proc/{pid}/task/{task}/status", encoding="ascii") as fh:
                for line in fh:
                    if line.startswith("voluntary_ctxt_switches:"):
                        out[name] += int(line.split()[1])
        except FileNotFoundError:
            continue
    return out


def run(ctx: Context, seconds: float | None = None) -> list[Row]:
    """The idle rows (one window of ``seconds``, both apps at once)."""
    seconds = seconds or ctx.idle_seconds
    root = team_repo()
    reset_state(root)
    log(f"idle: desk and bare app side by side, {seconds:.0f} s after {SETTLE:.0f} s to settle")
    with tmux_session() as tm:
        events = BENCH_DIR / "probe-idle.jsonl"
        argv = python_argv("tests.bench.probe", str(events), str(root))
        desk_l = Launch(argv, with_repo_path(desk_env(base_url=IDLE_URL)), root, MARKER)
        bare_l = bare_launch(root)
        desk = tm.spawn(desk_l.argv, env=desk_l.env, cwd=desk_l.cwd)
        bare = tm.spawn(bare_l.argv, env=bare_l.env, cwd=bare_l.cwd)
        tm.wait_for(desk, desk_l.marker)
        tm.wait_for(bare, bare_l.marker)
        time.sleep(SETTLE)
        pids = {"desk": desk.pid, "bare": bare.pid}
        start = time.monotonic()
        cpu0 = {k: cpu_seconds(p) for k, p in pids.items()}
        wake0 = {k: context_switches(p) for k, p in pids.items()}
        threads0 = thread_wakeups(desk.pid)
        time.sleep(seconds)
        wall = time.monotonic() - start
        cpu = {k: (cpu_seconds(p) - cpu0[k]) / wall * 100 for k, p in pids.items()}
        wake = {k: (context_switches(p) - wake0[k]) / wall for k, p in pids.items()}
        threads = thread_wakeups(desk.pid)
        threads.subtract(threads0)
        tm.close_window(desk, quit_keys=["C-q"])
        tm.close_window(bare, quit_keys=["C-q"])
    busiest = ", ".join(f"{name} {n / wall:.1f}/s" for name, n in threads.most_common(3) if n > 0)
    return [
        Row(
            "idle CPU: desk, four idle agents",
            "%",
            [cpu["desk"]],
            [cpu["bare"]],
            "bare Textual app",
            Goal("< 1% of a core", "below", 1.0),
            note=f"{wall:.0f} s window{SHORT if seconds < 60 else ''}; CPU ticks are 10 ms",
            group=GROUP,
        ),
        Row(
            "idle wake-ups/s: desk",
            "/s",
            [wake["desk"]],
            [wake["bare"]],
            "bare Textual app",
            Goal("≤ 1.5× floor (no polling)", "ratio", 1.5),
            note=f"desk threads that woke most: {busiest or 'none'}",
            group=GROUP,
        ),
    ]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, default=15.0)
    print_rows(run(Context(), parser.parse_args().seconds))
