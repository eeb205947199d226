"""The person's work: dirty flags, HEAD's version, snapshots that survive an agent, status."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from agents.vcs import GitError, GitWriter
from tests.vcs.conftest import git


def test_is_dirty_and_dirty_paths(repo: Path, writer: GitWriter) -> None:
    (repo / ".gitignore").write_text("*.log\n")
    git(repo, "add", ".gitignore")
    git(repo, "commit", "-qm", "ignore logs")
    (repo / "a.py").write_text("changed\n")
    (repo / "new.py").write_text("untracked\n")
    (repo / "x.log").write_text("ignored\n")
    (repo / "s.py").write_text("staged\n")
    git(repo, "add", "s.py")
    assert writer.is_dirty("a.py") and writer.is_dirty("new.py") and writer.is_dirty("s.py")
    assert not writer.is_dirty("b.py")
    assert not writer.is_dirty("x.log")
    assert not writer.is_dirty("missing.py")
    assert writer.dirty_paths(["a.py", "b.py", "new.py", "x.log"]) == {"a.py", "new.py"}
    assert writer.dirty_paths([]) == set()
    (repo / "b.py").unlink()
    assert writer.is_dirty("b.py")


def test_head_bytes(repo: Path, writer: GitWriter) -> None:
    (repo / "a.py").write_text("changed\n")
    (repo / "crlf.txt").write_bytes(b"x\r\ny\r\n\x00")
    git(repo, "add", "crlf.txt")
    git(repo, "commit", "-qm", "crlf")
    assert writer.head_bytes("a.py") == b"a = 1\n"
    assert writer.head_bytes("crlf.txt") == b"x\r\ny\r\n\x00"
    assert writer.head_bytes("nope.py") is None


def test_snapshot_keeps_the_persons_version_recoverable(repo: Path, writer: GitWriter) -> None:
    mine = b"a = 'the person, unsaved to git'\r\n\xff"
    (repo / "a.py").write_bytes(mine)
    sha = writer.snapshot_dirty("a.py")
    assert sha is not None
    # the agent's change lands and is committed; the person's bytes are still there
    (repo / "a.py").write_text("a = 'agent'\n")
    writer.commit_paths(["a.py"], agent="x", proposal_id="p-1", summary="s")
    assert writer.read_blob(sha) == mine
    assert git(repo, "cat-file", "-t", sha).strip() == "blob"
    # pinned by a ref, so gc cannot prune it
    assert git(repo, "rev-parse", f"refs/agentdesk/snapshots/{sha}").strip() == sha
    subprocess.run(["git", "gc", "-q", "--prune=now"], cwd=repo, check=True)
    assert writer.read_blob(sha) == mine
    (entry,) = writer.snapshots("a.py")
    assert entry["sha"] == sha and entry["source"] == "worktree"
    lines = (repo / ".agentdesk" / "snapshots.jsonl").read_text().splitlines()
    assert json.loads(lines[0])["path"] == "a.py"


def test_snapshot_of_a_clean_or_missing_file_is_none(repo: Path, writer: GitWriter) -> None:
    assert writer.snapshot_dirty("a.py") is None
    assert writer.snapshot_dirty("missing.py") is None
    assert writer.snapshots() == []


def test_staged_version_is_pinned_before_an_agent_commit_replaces_it(
    repo: Path, writer: GitWriter
) -> None:
    (repo / "a.py").write_text("staged by the person\n")
    git(repo, "add", "a.py")
    staged = git(repo, "rev-parse", ":a.py").strip()
    (repo / "a.py").write_text("agent\n")
    writer.commit_paths(["a.py"], agent="x", proposal_id="p-1", summary="s")
    assert [s["sha"] for s in writer.snapshots("a.py") if s["source"] == "index"] == [staged]
    assert writer.read_blob(staged) == b"staged by the person\n"


def test_file_status_states(repo: Path, writer: GitWriter) -> None:
    (repo / "a.py").write_text("modified\n")
    (repo / "b.py").unlink()
    (repo / "new dir").mkdir()
    (repo / "new dir" / "u.py").write_text("untracked\n")
    (repo / "moved.txt").write_text("some long content that survives a rename\n" * 5)
    git(repo, "add", "moved.txt")
    git(repo, "commit", "-qm", "moved")
    git(repo, "mv", "moved.txt", "renamed.txt")
    (repo / "add.py").write_text("added\n")
    git(repo, "add", "add.py")
    assert writer.file_status() == {
        "a.py": "modified",
        "b.py": "deleted",
        "new dir/u.py": "untracked",
        "add.py": "added",
        "renamed.txt": "renamed",
    }


def test_file_status_conflicted(repo: Path, writer: GitWriter) -> None:
    git(repo, "checkout", "-qb", "side")
    (repo / "a.py").write_text("side\n")
    git(repo, "commit", "-qam", "side")
    git(repo, "checkout", "-q", "main")
    (repo / "a.py").write_text("main\n")
    git(repo, "commit", "-qam", "main")
    git(repo, "merge", "-q", "side", check=False)
    assert writer.file_status() == {"a.py": "conflicted"}


def test_file_status_takes_no_index_lock(repo: Path, writer: GitWriter) -> None:
    lock = repo / ".git" / "index.lock"
    lock.write_text("")
    (repo / "a.py").write_text("modified\n")
    assert writer.file_status() == {"a.py": "modified"}
    assert writer.is_dirty("a.py")
    assert lock.exists()


def test_git_failures_name_the_command_and_the_reason(repo: Path, writer: GitWriter) -> None:
    with pytest.raises(GitError, match=r"^git cat-file failed: .+"):
        writer.read_blob("0" * 40)
