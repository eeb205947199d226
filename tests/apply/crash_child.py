"""Child process for the crash tests: applies proposals and dies where AGENTDESK_FAULT says.

Usage: python crash_child.py <mode> <root>
  three   apply one 3-file proposal (two edits, one new file) through the ledger
  one     apply one single-file proposal through the ledger
  loop    apply 2-file proposals flipping between all-A and all-B forever (killed by the parent)
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from agents.apply import Applier
from agents.ledger import ToolLedger
from agents.proposal import Decision, FileChange, Proposal
from agents.state_dir import state_dir
from tests.apply.helpers import AGENT, guard, proposal, sha

THREE = {
    "backend/a.py": b"new a\n" * 50,
    "backend/b.py": b"new b\n" * 50,
    "backend/sub/c.py": b"new c\n",
}
PROMISED = "Applied: write backend/a.py, backend/b.py, backend/sub/c.py"


def three(root: Path) -> None:
    sd = state_dir(root)
    ledger = ToolLedger(sd)
    prop = proposal(root, THREE, tool_use_id="toolu_three")
    prop.id = "p-three00001"
    result = {"type": "tool_result", "tool_use_id": "toolu_three", "content": PROMISED}
    ledger.mark_applying(AGENT, "toolu_three", prop.id, paths=prop.paths, result=result)
    Applier(root, sd).apply(prop, Decision("approve"), guard(root))
    ledger.record(AGENT, "toolu_three", {**result, "is_error": False})


ONE = {"backend/a.py": b"new a only\n"}
PROMISED_ONE = "Applied: write backend/a.py"


def one(root: Path) -> None:
    sd = state_dir(root)
    ledger = ToolLedger(sd)
    prop = proposal(root, ONE, tool_use_id="toolu_one")
    prop.id = "p-one0000001"
    result = {"type": "tool_result", "tool_use_id": "toolu_one", "content": PROMISED_ONE}
    ledger.mark_applying(AGENT, "toolu_one", prop.id, paths=prop.paths, result=result)
    Applier(root, sd).apply(prop, Decision("approve"), guard(root))
    ledger.record(AGENT, "toolu_one", {**result, "is_error": False})


def flip(root: Path, size: int, tick: Callable[[], object] = lambda: None) -> None:
    """Apply 2-file proposals flipping ``backend/{x,y}.bin`` between all-A and all-B, forever."""
    sd = state_dir(root)
    applier = Applier(root, sd)
    g = guard(root)
    blobs = {b"A": b"A" * size, b"B": b"B" * size}
    hashes = {k: sha(v) for k, v in blobs.items()}
    n = 0
    while True:
        old = (root / "backend/x.bin").read_bytes()[:1]
        new = b"B" if old == b"A" else b"A"
        changes = [
            FileChange(rel, hashes[old], blobs[new]) for rel in ("backend/x.bin", "backend/y.bin")
        ]
        n += 1
        prop = Proposal(AGENT, "Write", f"t{n}", {}, "flip", changes=changes)
        applier.apply(prop, Decision("approve"), g)
        tick()


def loop(root: Path) -> None:
    """``flip`` with the size from argv, printing a line per apply."""
    size = int(sys.argv[3]) if len(sys.argv) > 3 else 2 << 20
    flip(root, size, lambda: print("applied", flush=True))


if __name__ == "__main__":
    {"three": three, "one": one, "loop": loop}[sys.argv[1]](Path(sys.argv[2]))
