"""Benchmark: 10,000 Domain checks of each kind, against a naive floor measured in the same run.

Run on demand: ``uv run python tests/bench/bench_domain.py``. Prints a table of medians over
five rounds (per check, in microseconds, and per 10,000 checks, in milliseconds). Never part of
``uv run pytest`` and never asserts times.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from agents.domain import Domain, PathGuard

N = 10_000
ROUNDS = 5
SEED_DOMAIN = ["backend/", "server/", "api/", "src/api/", "src/services/", "src/models/"]
NAMES = ["app.py", "models.py", "index.ts", "config", "README.md", "x.tsx"]
DIRS = [
    "backend",
    "backend/routes",
    "backend_evil",
    "src/api",
    "src/web",
    "frontend/components",
    ".git/hooks",
    ".GIT",
    "docs",
    "backend/link_out",
]


def make_paths(rng: random.Random) -> list[str]:
    """10,000 distinct paths (no two alike, so caches do not flatter the numbers)."""
    paths = []
    for i in range(N):
        folder = rng.choice(DIRS)
        sub = f"d{rng.randrange(1000)}/" if rng.random() < 0.5 else ""
        paths.append(f"{folder}/{sub}{i}_{rng.choice(NAMES)}")
    return paths


def make_tree(root: Path) -> None:
    for folder in DIRS:
        if folder == "backend/link_out":
            continue
        (root / folder).mkdir(parents=True, exist_ok=True)
        for name in NAMES[:3]:
            (root / folder / name).write_bytes(b"x\n")
    os.symlink("/tmp", root / "backend" / "link_out")


def timed(fn: Callable[[str], object], paths: list[str]) -> float:
    start = time.perf_counter()
    for path in paths:
        fn(path)
    return time.perf_counter() - start


def main() -> None:
    rng = random.Random(42)
    paths = make_paths(rng)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        make_tree(root)
        guard = PathGuard(root, SEED_DOMAIN, agent="backend-architect")
        domain = Domain(SEED_DOMAIN)
        prefixes = tuple(p.rstrip("/") for p in SEED_DOMAIN)
        # fold_name caches per component name, as a real session would after its first reads;
        # the first round pays the misses, the median shows the steady state.
        cases: list[tuple[str, Callable[[str], object]]] = [
            ("floor: str.startswith (unsafe)", lambda p: p.startswith(prefixes)),
            ("Domain.matches", domain.matches),
            ("Domain.may_contain (folder)", lambda p: domain.may_contain(p.rsplit("/", 1)[0])),
            ("PathGuard.normalise", guard.normalise),
            ("PathGuard.is_protected", guard.is_protected),
            ("PathGuard.is_deny_read", guard.is_deny_read),
            ("PathGuard.check_write (lstat walk)", guard.check_write),
            ("PathGuard.check_read (realpath)", guard.check_read),
        ]
        allowed = sum(guard.check_write(p).allowed for p in paths)
        rows = []
        for label, fn in cases:
            runs = [timed(fn, paths) for _ in range(ROUNDS)]
            med = statistics.median(runs)
            rows.append((label, med / N * 1e6, med * 1e3))
    width = max(len(r[0]) for r in rows)
    print(f"{N:,} paths, {ROUNDS} rounds, median; {allowed:,} writes allowed")
    print(f"{'check':<{width}}  {'µs/check':>9}  {'ms/10k':>8}")
    print(f"{'-' * width}  {'-' * 9}  {'-' * 8}")
    for label, per, total in rows:
        print(f"{label:<{width}}  {per:>9.2f}  {total:>8.1f}")


if __name__ == "__main__":
    main()
