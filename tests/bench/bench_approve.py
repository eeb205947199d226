"""Keypress ``y`` on an edit of a 100 KB file → the file on disk and the pane updated; then the
git commit's own time (it runs off the UI thread).

    uv run python -m tests.bench.bench_approve [--runs 10]

The scripted model plays one agent that reads ``backend/big.py`` (100 KB, committed) and then
edits one line of it again and again; each edit waits for approval. For each one this process
presses ``y`` in tmux, polls the file until the new bytes are in place (a new inode: the apply
is an atomic rename), and reads from the desk's probe the first frame after the proposal block
showed ``applied`` and the time of the ``Committed`` event. The floor is the bare Textual app
doing the same work the cheapest way (``y`` → write 100 KB with fsync and rename → one Static
updated), measured the same way; the commit's floor is ``git add`` + ``git commit`` of the same
change run directly.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path
from typing import Any

from tests.bench.common import BENCH_DIR, Context, log, time_ms
from tests.bench.desk_run import DeskRun, bare_run, desk_run
from tests.bench.fixtures import NAMES, git, make_team_repo
from tests.bench.results import Goal, Row, print_rows

GROUP = "approve"
SIZE = 100 * 1024
AGENT = sorted(NAMES)[0]  # the first pane, on screen at start
TARGET = "backend/big.py"


def big_file(version: int) -> str:
    """100 KB of Python-looking text with a ``VERSION`` line to edit."""
    line = "value = 'some python-looking text to fill a line of the file'  # x\n"
    body = line * (SIZE // len(line) + 1)
    head = f"VERSION = {version}\n"
    return (head + body)[:SIZE]


def scenario(edits: int) -> dict[str, Any]:
    """Read the file once, then one Edit per step."""
    steps: list[dict[str, Any]] = [
        {"blocks": [{"tool_use": {"name": "Read", "input": {"file_path": TARGET}}}]}
    ]
    for n in range(edits):
        edit = {
            "file_path": TARGET,
            "old_string": f"VERSION = {n}\n",
            "new_string": f"VERSION = {n + 1}\n",
        }
        steps.append(
            {"blocks": [{"text": f"Edit {n + 1}."}, {"tool_use": {"name": "Edit", "input": edit}}]}
        )
    speed = {"tokens_per_s": 0, "chunk": 4096}
    return {"agents": {AGENT: {"speed": speed, "steps": steps}}}


def wait_new_inode(path: Path, old: int, timeout: float = 10.0) -> float:
    """Poll until ``path`` is a new file (atomic rename); returns the time it was seen."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            info = os.stat(path)
        except FileNotFoundError:
            info = None
        if info is not None and info.st_ino != old and info.st_size > 0:
            return time.monotonic()
        time.sleep(0.001)
    raise TimeoutError(f"{path} was not replaced within {timeout:.0f} s")


def desk_series(run: DeskRun, runs: int) -> dict[str, list[float]]:
    """Approve ``runs`` pending edits; key → disk, key → pane frame, apply → commit."""
    path = run.root / TARGET
    out: dict[str, list[float]] = {"disk": [], "pane": [], "commit": [], "action": []}
    seen: set[str] = set()
    for _ in range(runs):
        pending = run.wait(
            lambda e: (
                e["ev"] == "proposal_frame" and e["state"] == "pending" and e["id"] not in seen
            ),
            30,
        )
        pid = pending["id"]
        seen.add(pid)
        time.sleep(0.3)  # the pane settles; the previous commit is done
        old = os.stat(path).st_ino
        pressed = run.tm.send_keys(run.window, "y")
        on_disk = wait_new_inode(path, old)
        shown = run.wait(
            lambda e, p=pid: (
                e["ev"] == "proposal_frame" and e["id"] == p and e["state"] == "applied"
            ),
            10,
        )
        applied = run.wait(lambda e, p=pid: e["ev"] == "proposal_applied" and e["id"] == p, 10)
        committed = run.wait(lambda e, p=pid: e["ev"] == "committed" and e["id"] == p, 30)
        action = run.wait(lambda e, t=pressed: e["ev"] == "approve_action" and e["t"] >= t, 10)
        out["disk"].append((on_disk - pressed) * 1000)
        out["pane"].append((shown["t"] - pressed) * 1000)
        out["commit"].append((committed["t"] - applied["t"]) * 1000)
        out["action"].append((action["t"] - pressed) * 1000)
    return out


def bare_series(run: DeskRun, target: Path, runs: int) -> dict[str, list[float]]:
    """The floor: ``y`` in the bare app → its 100 KB write → its one-line update."""
    out: dict[str, list[float]] = {"disk": [], "pane": []}
    for n in range(1, runs + 1):
        time.sleep(0.3)
        old = os.stat(target).st_ino if target.exists() else -1
        pressed = run.tm.send_keys(run.window, "y")
        on_disk = wait_new_inode(target, old)
        shown = run.wait(lambda e, k=n: e["ev"] == "applied_frame" and e["n"] == k, 10)
        out["disk"].append((on_disk - pressed) * 1000)
        out["pane"].append((shown["t"] - pressed) * 1000)
    return out


def commit_floor(root: Path, runs: int) -> list[float]:
    """``git add`` + ``git commit`` of a one-line change to the 100 KB file, run directly."""
    path = root / TARGET
    state = {"n": 10_000}

    def one() -> None:
        state["n"] += 1
        path.write_text(big_file(state["n"]), encoding="utf-8")
        git(root, "add", "--", TARGET)
        git(root, "commit", "-q", "-m", "floor", "--", TARGET)

    return time_ms(one, runs)


def prepare_repo() -> Path:
    """A fresh copy of the team repository with the 100 KB file committed."""
    root = make_team_repo(BENCH_DIR / "repos" / "approve", fresh=True)
    (root / TARGET).write_text(big_file(0), encoding="utf-8")
    git(root, "add", TARGET)
    git(root, "commit", "-q", "-m", "the 100 KB file")
    return root


def run(ctx: Context, runs: int | None = None) -> list[Row]:
    """The approval rows."""
    runs = runs or (5 if ctx.quick else 10)
    root = prepare_repo()
    log(f"approve: {runs} edits of a 100 KB file, y in tmux")
    with desk_run("approve", root=root, scenario=scenario(runs + 2), tasks=[AGENT]) as desk:
        found = desk_series(desk, runs)
    floor_target = BENCH_DIR / "bare-approve.bin"
    with bare_run("approve-bare", "--approve", str(floor_target), root=root) as bare:
        floor = bare_series(bare, floor_target, runs)
    commit = commit_floor(root, runs)
    action = sorted(found["action"])[len(found["action"]) // 2]
    goal = Goal("median < 50 ms", "below", 50.0)
    return [
        Row(
            "y → file on disk (100 KB edit)",
            "ms",
            found["disk"],
            floor["disk"],
            "bare app write",
            goal,
            note=f"the key reaches the desk's approve action {action:.0f} ms after tmux sends it",
            group=GROUP,
        ),
        Row(
            "y → pane updated (applied)",
            "ms",
            found["pane"],
            floor["pane"],
            "bare app update",
            goal,
            group=GROUP,
        ),
        Row(
            "git commit after apply (off the UI thread)",
            "ms",
            found["commit"],
            commit,
            "git add + commit",
            group=GROUP,
        ),
    ]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=10)
    print_rows(run(Context(), parser.parse_args().runs))
