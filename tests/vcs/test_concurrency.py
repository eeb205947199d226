"""T28: concurrent agents never lose a commit; a held index.lock is reported, never deleted."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from agents.vcs import GitLockError, GitWriter
from tests.vcs.conftest import git

ROOT = Path(__file__).resolve().parents[2]


def _assert_repo_sound(repo: Path, expected_files: set[str]) -> None:
    fsck = subprocess.run(
        ["git", "fsck", "--full"], cwd=repo, capture_output=True, text=True, check=False
    )
    assert fsck.returncode == 0, fsck.stderr
    assert "dangling commit" not in fsck.stdout + fsck.stderr
    tracked = set(git(repo, "ls-files").splitlines())
    assert expected_files <= tracked
    assert git(repo, "status", "--porcelain") == ""


def test_four_threads_twenty_five_commits_each(repo: Path, writer: GitWriter) -> None:
    base = int(git(repo, "rev-list", "--count", "HEAD"))
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def agent(n: int) -> None:
        start.wait()
        try:
            for i in range(25):
                rel = f"agent{n}/f{i}.txt"
                (repo / f"agent{n}").mkdir(exist_ok=True)
                (repo / rel).write_text(f"{n}-{i}\n")
                info = writer.commit_paths(
                    [rel], agent=f"agent{n}", proposal_id=f"p-{n}-{i}", summary=rel
                )
                assert info.paths == (rel,)
        except BaseException as exc:  # surfaced in the main thread below
            errors.append(exc)

    threads = [threading.Thread(target=agent, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    assert int(git(repo, "rev-list", "--count", "HEAD")) == base + 100
    files = {f"agent{n}/f{i}.txt" for n in range(4) for i in range(25)}
    _assert_repo_sound(repo, files)
    # every commit holds exactly its own file
    entries = git(repo, "log", "-100", "--name-only", "--format=@%s").split("@")[1:]
    assert len(entries) == 100
    for entry in entries:
        _agent, subject, *names = entry.split()
        assert names == [subject]  # the summary is the file's own path


def test_async_commits_from_many_threads(repo: Path, writer: GitWriter) -> None:
    futures = []
    for i in range(12):
        (repo / f"x{i}.txt").write_text(str(i))
        futures.append(writer.commit_async([f"x{i}.txt"], agent="a", proposal_id=f"p{i}",
                                           summary=f"x{i}"))  # fmt: skip
    shas = [f.result(timeout=60).sha for f in futures]
    assert len(set(shas)) == 12
    _assert_repo_sound(repo, {f"x{i}.txt" for i in range(12)})


def test_two_processes_share_the_cross_process_lock(repo: Path) -> None:
    script = textwrap.dedent(
        """
        import sys
        from pathlib import Path
        sys.path.insert(0, sys.argv[3])
        from agents.vcs import GitWriter
        repo, tag = Path(sys.argv[1]), sys.argv[2]
        w = GitWriter(repo)
        for i in range(10):
            rel = f"{tag}{i}.txt"
            (repo / rel).write_text(rel)
            w.commit_paths([rel], agent=tag, proposal_id=f"{tag}-{i}", summary=rel)
        """
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", script, str(repo), tag, str(ROOT)])
        for tag in ("one", "two")
    ]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    assert int(git(repo, "rev-list", "--count", "HEAD")) == 21
    _assert_repo_sound(repo, {f"{t}{i}.txt" for t in ("one", "two") for i in range(10)})


def test_held_index_lock_gives_a_clear_error_and_is_never_deleted(
    repo: Path, writer: GitWriter
) -> None:
    lock = repo / ".git" / "index.lock"
    lock.write_text("")
    head = git(repo, "rev-parse", "HEAD")
    (repo / "a.py").write_text("agent's change\n")
    (repo / "new.py").write_text("new\n")
    with pytest.raises(GitLockError) as caught:
        writer.commit_paths(["a.py", "new.py"], agent="a", proposal_id="p-1", summary="x")
    assert str(lock) in str(caught.value)
    assert caught.value.lock_path == str(lock)
    assert "never deletes" in str(caught.value)
    assert lock.exists()
    assert git(repo, "rev-parse", "HEAD") == head
    assert (repo / "a.py").read_text() == "agent's change\n"
    assert (repo / "new.py").read_text() == "new\n"
    # once the person removes the lock, the same commit goes through
    lock.unlink()
    info = writer.commit_paths(["a.py", "new.py"], agent="a", proposal_id="p-1", summary="x")
    assert info.paths == ("a.py", "new.py")


def test_lock_released_during_the_retry_budget_is_waited_for(repo: Path) -> None:
    lock = repo / ".git" / "index.lock"
    lock.write_text("")
    timer = threading.Timer(0.3, lock.unlink)
    timer.start()
    (repo / "a.py").write_text("later\n")
    with GitWriter(repo, lock_timeout=5.0) as w:
        info = w.commit_paths(["a.py"], agent="a", proposal_id="p-1", summary="x")
    timer.join()
    assert info.committed


def test_snapshot_and_undo_also_report_a_held_lock(repo: Path, writer: GitWriter) -> None:
    (repo / "a.py").write_text("v2\n")
    writer.commit_paths(["a.py"], agent="a", proposal_id="p-1", summary="x")
    lock = repo / ".git" / "index.lock"
    lock.write_text("")
    result = writer.undo_last("a")
    assert not result.ok and str(lock) in result.message
    assert (repo / "a.py").read_text() == "v2\n"
    assert lock.exists()


def test_lock_message_says_how_old_the_lock_is(repo: Path, writer: GitWriter) -> None:
    lock = repo / ".git" / "index.lock"
    lock.write_text("")
    old = time.time() - 600
    os.utime(lock, (old, old))
    (repo / "a.py").write_text("x\n")
    with pytest.raises(GitLockError, match=r"index\.lock exists \(for 10 min\)"):
        writer.commit_paths(["a.py"], agent="a", proposal_id="p-1", summary="x")
    assert lock.exists()
