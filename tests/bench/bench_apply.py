"""Benchmark: proposal created → file applied on disk, for a 100 KB file (goal: < 20 ms).

Run on demand: ``uv run python tests/bench/bench_apply.py [runs]``. Prints medians and p90s of
each stage next to a floor measured in the same run (a bare temp + fsync + rename of the same
bytes). Never part of ``uv run pytest``; asserts nothing about wall-clock time.
"""

from __future__ import annotations

import hashlib
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from agents.apply import Applier
from agents.audit import AuditLog
from agents.domain import PathGuard
from agents.ledger import ToolLedger
from agents.proposal import Decision, FileChange, Proposal
from agents.queue import ApprovalQueue
from agents.state_dir import state_dir

SIZE = 100 * 1024


def _content(n: int) -> bytes:
    line = f"value_{n} = 'some python-looking text to fill a line of code'\n".encode()
    return (line * (SIZE // len(line) + 1))[:SIZE]


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _floor(root: Path, data: bytes) -> float:
    start = time.perf_counter()
    tmp = root / "floor.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.write(fd, data)
    os.fsync(fd)
    os.close(fd)
    os.replace(tmp, root / "floor.bin")
    dfd = os.open(root, os.O_RDONLY)
    os.fsync(dfd)
    os.close(dfd)
    return time.perf_counter() - start


def _stats(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p90 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))]
    return statistics.median(ordered) * 1000, p90 * 1000


def run(runs: int, files: int) -> dict[str, list[float]]:
    """Time ``runs`` proposals of ``files`` 100 KB files each through the whole path."""
    times: dict[str, list[float]] = {
        "floor": [],
        "queue.add": [],
        "apply": [],
        "to disk": [],
        "total": [],
    }
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "backend").mkdir()
        rels = [f"backend/mod{i}.py" for i in range(files)]
        for rel in rels:
            (root / rel).write_bytes(_content(0))
        sd = state_dir(root)
        queue, applier = ApprovalQueue(sd), Applier(root, sd, fault="")
        ledger, audit = ToolLedger(sd), AuditLog(sd)
        guard = PathGuard(root, ["backend/"], agent="bench")
        for n in range(1, runs + 1):
            times["floor"].append(_floor(root, _content(n)))
            changes = []
            for rel in rels:
                old = (root / rel).read_bytes()
                new = _content(n)
                changes.append(FileChange(rel, _sha(old), new, old.decode(), new.decode()))
            start = time.perf_counter()
            prop = Proposal("bench", "Write", f"t{n}", {}, "bench write", changes=changes)
            queue.add(prop)
            added = time.perf_counter()
            decision = Decision("approve")
            ledger.mark_applying("bench", prop.tool_use_id, prop.id, paths=prop.paths)
            applier.apply(prop, decision, guard)
            applied = time.perf_counter()
            ledger.record("bench", prop.tool_use_id, {"content": "Applied", "is_error": False})
            queue.set_state(prop.id, "applied")
            audit.record_decision(prop, decision, rule="bench")
            done = time.perf_counter()
            times["queue.add"].append(added - start)
            times["apply"].append(applied - added)
            times["to disk"].append(applied - start)
            times["total"].append(done - start)
            queue.forget_decided()
    return times


def main() -> None:
    """Print the table."""
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 60
    rows: list[tuple[str, Callable[[], dict[str, list[float]]]]] = [
        ("1 file, 100 KB", lambda: run(runs, 1)),
        ("3 files, 100 KB each", lambda: run(runs, 3)),
    ]
    print(f"proposal → applied, {runs} runs each (ms; median / p90)")
    heads = ("floor write", "queue.add", "apply", "to disk", "whole path", "disk/floor")
    print(f"{'case':<22} " + " ".join(f"{h:>14}" for h in heads))
    for name, fn in rows:
        t = fn()
        cells = [
            "{:.2f} / {:.2f}".format(*_stats(t[k]))
            for k in ("floor", "queue.add", "apply", "to disk", "total")
        ]
        ratio = statistics.median(t["to disk"]) / statistics.median(t["floor"])
        cells.append(f"{ratio:.1f}x")
        print(f"{name:<22} " + " ".join(f"{c:>14}" for c in cells))
    print("floor write = temp + write + fsync + rename + fsync(dir) of the same bytes, same run")
    print("to disk = Proposal built → queue.add (persisted) → ledger mark → apply (file on disk)")
    print("whole path = to disk + ledger result + set_state + audit record")
    print("goal: to disk < 20 ms for the 1-file case")


if __name__ == "__main__":
    main()
