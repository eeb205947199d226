"""Benchmark agentdesk's git layer on a 10,000-file repository; prints a table.

Run on demand (never part of ``uv run pytest``)::

    uv run python tests/bench/bench_git.py [--files 10000] [--runs 20]

PERF.md's floor: file status for a 10k-file repository under 200 ms, off the UI thread; a
commit through the git binary (``repo.git.*``), not GitPython's index writer.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from agents.vcs import GitWriter


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def build_repo(root: Path, files: int) -> Path:
    """A repository with ``files`` committed files in 100 directories, some changed after."""
    repo = root / "repo"
    repo.mkdir()
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "config", "user.name", "Bench")
    _git(repo, "config", "user.email", "bench@example.com")
    for i in range(files):
        d = repo / f"pkg{i % 100:02d}"
        d.mkdir(exist_ok=True)
        (d / f"mod{i}.py").write_text(f"value = {i}\n")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "initial")
    for i in range(0, files, files // 50 or 1):  # ~50 modified, ~50 untracked
        (repo / f"pkg{i % 100:02d}" / f"mod{i}.py").write_text("changed\n")
        (repo / f"pkg{i % 100:02d}" / f"new{i}.py").write_text("new\n")
    return repo


def timed(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    """Median and max wall time in milliseconds over ``runs`` calls (after one warm-up)."""
    fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), max(samples)


def main() -> int:
    """Build the repository, time each operation, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    os.environ.setdefault("GIT_CONFIG_GLOBAL", os.devnull)
    os.environ.setdefault("GIT_CONFIG_NOSYSTEM", "1")
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        repo = build_repo(Path(tmp), args.files)
        setup = time.perf_counter() - start
        writer = GitWriter(repo)
        counter = iter(range(10**9))

        def commit_one() -> object:
            n = next(counter)
            rel = f"pkg{n % 100:02d}/agent{n}.py"
            (repo / rel).write_text(f"agent = {n}\n")
            return writer.commit_paths([rel], agent="bench", proposal_id=f"p-{n}", summary=rel)

        def commit_async_one() -> object:
            n = next(counter)
            rel = f"pkg{n % 100:02d}/async{n}.py"
            (repo / rel).write_text(f"agent = {n}\n")
            future = writer.commit_async([rel], agent="b", proposal_id=f"a-{n}", summary=rel)
            return future.result()

        status_entries = len(writer.file_status())
        rows = [
            (
                "git status --porcelain (subprocess)",
                timed(
                    lambda: subprocess.run(
                        ["git", "status", "--porcelain=v1", "-z", "-uall"],
                        cwd=repo,
                        capture_output=True,
                        check=True,
                    ),
                    args.runs,
                ),
            ),
            (
                f"GitWriter.file_status ({status_entries} entries)",
                timed(writer.file_status, args.runs),
            ),
            (
                "GitWriter.is_dirty (one path)",
                timed(lambda: writer.is_dirty("pkg00/mod0.py"), args.runs),
            ),
            (
                "GitWriter.head_bytes (one path)",
                timed(lambda: writer.head_bytes("pkg01/mod1.py"), args.runs),
            ),
            ("GitWriter.commit_paths (one new file)", timed(commit_one, args.runs)),
            ("GitWriter.commit_async + result()", timed(commit_async_one, args.runs)),
            (
                "GitWriter.snapshot_dirty (one path)",
                timed(lambda: writer.snapshot_dirty("pkg00/mod0.py"), args.runs),
            ),
        ]
        writer.close()
    print(f"git layer, {args.files} tracked files (setup {setup:.1f} s), {args.runs} runs each")
    print(f"{'operation':<48} {'median ms':>10} {'max ms':>10}")
    for name, (median, worst) in rows:
        print(f"{name:<48} {median:>10.1f} {worst:>10.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
