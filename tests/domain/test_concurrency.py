"""T20: concurrent writers on one file; CAS plus the per-path lock means no lost update."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from agents.safe_write import (
    StaleFile,
    atomic_write,
    path_lock,
    read_nofollow,
    sha256_bytes,
)

THREADS = 8


def test_t20_same_pre_image_exactly_one_wins(tmp_path: Path) -> None:
    (tmp_path / "shared.py").write_bytes(b"v0\n")
    h0 = sha256_bytes(b"v0\n")
    barrier = threading.Barrier(THREADS)
    results: dict[int, str] = {}

    def apply(i: int) -> None:
        barrier.wait()
        try:
            atomic_write(tmp_path, "shared.py", f"agent {i}\n".encode(), expected_sha256=h0)
            results[i] = "applied"
        except StaleFile:
            results[i] = "stale"

    threads = [threading.Thread(target=apply, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    winners = [i for i, r in results.items() if r == "applied"]
    assert len(results) == THREADS
    assert len(winners) == 1
    assert (tmp_path / "shared.py").read_bytes() == f"agent {winners[0]}\n".encode()
    assert not list(tmp_path.glob(".*.tmp"))


@pytest.mark.timeout(30)
def test_t20_read_modify_write_loops_lose_nothing(tmp_path: Path) -> None:
    """Each thread appends its lines with CAS, retrying when stale: the result is a serial order."""
    (tmp_path / "log.txt").write_bytes(b"")
    per_thread = 6
    stale = [0] * THREADS

    def appender(i: int) -> None:
        for n in range(per_thread):
            while True:
                before = read_nofollow(tmp_path, "log.txt")
                after = before + f"{i}:{n}\n".encode()
                try:
                    atomic_write(tmp_path, "log.txt", after, expected_sha256=sha256_bytes(before))
                    break
                except StaleFile:
                    stale[i] += 1

    threads = [threading.Thread(target=appender, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    lines = (tmp_path / "log.txt").read_bytes().decode().splitlines()
    assert sorted(lines) == sorted(f"{i}:{n}" for i in range(THREADS) for n in range(per_thread))
    for i in range(THREADS):  # each thread's own lines stay in its order
        assert [ln for ln in lines if ln.startswith(f"{i}:")] == [
            f"{i}:{n}" for n in range(per_thread)
        ]


def test_t20_holding_path_lock_makes_check_and_write_one_step(tmp_path: Path) -> None:
    """apply holds path_lock around its pre-image check and write: nobody gets stale."""
    (tmp_path / "n.txt").write_bytes(b"0")
    barrier = threading.Barrier(THREADS)
    stale: list[int] = []

    def increment(i: int) -> None:
        barrier.wait()
        for _ in range(5):
            with path_lock(tmp_path, "n.txt"):
                before = read_nofollow(tmp_path, "n.txt")
                try:
                    atomic_write(
                        tmp_path,
                        "n.txt",
                        str(int(before) + 1).encode(),
                        expected_sha256=sha256_bytes(before),
                    )
                except StaleFile:
                    stale.append(i)

    threads = [threading.Thread(target=increment, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert stale == []
    assert (tmp_path / "n.txt").read_bytes() == str(THREADS * 5).encode()


def test_path_lock_is_per_path_and_reentrant(tmp_path: Path) -> None:
    entered = threading.Event()
    with path_lock(tmp_path, "a.txt"), path_lock(tmp_path, "a.txt"):

        def other() -> None:
            with path_lock(tmp_path, "b.txt"):
                entered.set()

        t = threading.Thread(target=other)
        t.start()
        assert entered.wait(5)  # b.txt is not blocked by a.txt
        t.join()
        blocked = threading.Event()

        def same() -> None:
            with path_lock(tmp_path, "A.TXT"):  # folded: the same lock as a.txt
                blocked.set()

        t2 = threading.Thread(target=same)
        t2.start()
        assert not blocked.wait(0.2)
    assert blocked.wait(5)
    t2.join()
