"""Benchmark: the tools on a 50,000-file tree and a 50 MB file, against floors from the same run.

Run on demand: ``uv run python tests/bench/bench_tools.py``. Prints medians of three rounds:
Glob and Grep next to a bare ``os.walk`` of the same tree (the floor a walk cannot beat), Read
of a 50 MB file next to ``hashlib`` over the same bytes, and a trivial Bash command next to a
bare ``subprocess.run``. Never part of ``uv run pytest`` and never asserts times.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from agents.domain import PathGuard
from agents.tools import get_tool
from agents.tools.base import ToolContext
from agents.tools.bash import run_command

FILES = 50_000
ROUNDS = 3
IGNORES = "node_modules/\n*.log\nbuild/\n.venv/\n__pycache__/\n*.pyc\ndist/\ncoverage/\n"


def build(root: Path) -> None:
    """``FILES`` small files in 500 folders, one in 100 holding a needle."""
    (root / ".gitignore").write_text(IGNORES)
    for d in range(FILES // 100):
        folder = root / f"pkg{d % 50}" / f"mod{d}"
        folder.mkdir(parents=True)
        for f in range(100):
            ext = "py" if f % 3 else "ts"
            body = f"x = {f}\n# needle {d}\n" if f == 7 else "y = 1\n"
            (folder / f"f{f}.{ext}").write_text(body)
    line = b"0123456789" * 9 + b"\n"
    (root / "huge.log").write_bytes(line * (50 * 1024 * 1024 // len(line)))


def median_ms(fn: Callable[[], Any]) -> float:
    times = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


async def amedian_ms(fn: Callable[[], Awaitable[Any]]) -> float:
    times = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        await fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        build(root)
        ctx = ToolContext(root=root, guard=PathGuard(root, ["pkg0/"]), agent="bench")

        def tool(name: str, raw: dict[str, Any]) -> Callable[[], Awaitable[Any]]:
            t = get_tool(name)
            return lambda: t.run(ctx, t.validate(raw))

        rows = [
            ("floor: os.walk of the tree", median_ms(lambda: sum(1 for _ in os.walk(root)))),
            ("Glob **/*.ts", await amedian_ms(tool("Glob", {"pattern": "**/*.ts"}))),
            ("Grep 'needle 4' (files)", await amedian_ms(tool("Grep", {"pattern": "needle 4"}))),
            (
                "Grep 'needle' content, type py",
                await amedian_ms(
                    tool("Grep", {"pattern": "needle", "output_mode": "content", "type": "py"})
                ),
            ),
            (
                "floor: sha256 of 50 MB",
                median_ms(lambda: hashlib.sha256((root / "huge.log").read_bytes()).hexdigest()),
            ),
            ("Read 50 MB (first page)", await amedian_ms(tool("Read", {"file_path": "huge.log"}))),
            (
                "floor: subprocess.run true",
                median_ms(lambda: subprocess.run(["bash", "-c", "true"], check=True)),
            ),
            ("run_command true", await amedian_ms(lambda: run_command("true", cwd=root))),
        ]
        width = max(len(name) for name, _ in rows)
        print(f"{'what':<{width}}  median ms ({ROUNDS} rounds, {FILES:,} files)")
        for name, ms in rows:
            print(f"{name:<{width}}  {ms:9.1f}")


if __name__ == "__main__":
    asyncio.run(main())
