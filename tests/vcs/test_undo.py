"""T31: undo reverts only agentdesk's own, unpushed, non-merge change whose files are untouched."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agents.vcs import BASH_NOTE, CommitInfo, GitWriter
from tests.vcs.conftest import git


def _agent_commit(w: GitWriter, repo: Path, rel: str, text: str, agent: str = "a") -> CommitInfo:
    (repo / rel).parent.mkdir(parents=True, exist_ok=True)
    (repo / rel).write_text(text)
    return w.commit_paths([rel], agent=agent, proposal_id=f"p-{agent}-{rel}-{len(text)}",
                          summary=f"write {rel}")  # fmt: skip


def _forge_record(repo: Path, sha: str, agent: str, proposal_id: str, paths: list[str]) -> None:
    (repo / ".agentdesk").mkdir(exist_ok=True)
    with open(repo / ".agentdesk" / "commits.jsonl", "a") as fh:
        record = {"sha": sha, "agent": agent, "proposal_id": proposal_id, "paths": paths}
        fh.write(json.dumps(record) + "\n")


def test_undo_head_restores_previous_content(repo: Path, writer: GitWriter) -> None:
    head = git(repo, "rev-parse", "HEAD")
    (repo / "b.py").write_text("person WIP\n")
    (repo / "s.py").write_text("staged\n")
    git(repo, "add", "s.py")
    info = _agent_commit(writer, repo, "a.py", "a = 'agent'\n")
    result = writer.undo_last("a")
    assert result.ok and result.reverted == CommitInfo(info.sha, "a", info.proposal_id, ("a.py",))
    assert result.message.endswith(BASH_NOTE) and "Bash" in result.message
    assert info.sha[:10] in result.message and "removed the commit" in result.message
    assert git(repo, "rev-parse", "HEAD") == head
    assert (repo / "a.py").read_text() == "a = 1\n"
    assert sorted(git(repo, "status", "--porcelain").splitlines()) == [" M b.py", "A  s.py"]


def test_undo_below_other_commits_makes_a_revert_commit(repo: Path, writer: GitWriter) -> None:
    mine = _agent_commit(writer, repo, "a.py", "a = 'agent a'\n", agent="a")
    theirs = _agent_commit(writer, repo, "b.py", "b = 'agent b'\n", agent="b")
    result = writer.undo_last("a")
    assert result.ok, result.message
    assert "new commit" in result.message
    assert (repo / "a.py").read_text() == "a = 1\n"
    assert (repo / "b.py").read_text() == "b = 'agent b'\n"
    assert git(repo, "rev-parse", "HEAD~1").strip() == theirs.sha
    trailers = git(repo, "log", "-1", "--format=%(trailers:only,unfold)")
    assert f"Agentdesk-Undo: {mine.sha}" in trailers
    assert git(repo, "show", "--name-only", "--format=", "HEAD").split() == ["a.py"]
    assert git(repo, "status", "--porcelain") == ""


def test_undo_new_file_removes_it_and_deleted_file_comes_back(
    repo: Path, writer: GitWriter
) -> None:
    (repo / "pkg").mkdir()
    (repo / "pkg" / "new.py").write_text("new\n")
    (repo / "b.py").unlink()
    writer.commit_paths(["pkg/new.py", "b.py"], agent="a", proposal_id="p-1", summary="s")
    assert writer.undo_last().ok
    assert not (repo / "pkg" / "new.py").exists()
    assert (repo / "b.py").read_text() == "b = 1\n"
    assert git(repo, "status", "--porcelain") == ""


def test_undo_walks_back_one_change_at_a_time(repo: Path, writer: GitWriter) -> None:
    _agent_commit(writer, repo, "a.py", "v2\n")
    _agent_commit(writer, repo, "a.py", "v3-longer\n")
    assert writer.undo_last("a").ok
    assert (repo / "a.py").read_text() == "v2\n"
    assert writer.undo_last("a").ok
    assert (repo / "a.py").read_text() == "a = 1\n"
    result = writer.undo_last("a")
    assert not result.ok and result.message.startswith("Nothing to undo: ")


def test_undo_picks_the_named_agent(repo: Path, writer: GitWriter) -> None:
    _agent_commit(writer, repo, "a.py", "by a\n", agent="a")
    _agent_commit(writer, repo, "b.py", "by b\n", agent="b")
    assert writer.undo_last("a").ok
    assert (repo / "a.py").read_text() == "a = 1\n" and (repo / "b.py").read_text() == "by b\n"
    result = writer.undo_last("c")
    assert not result.ok
    assert result.message == f"Nothing to undo: agentdesk recorded no change by c. {BASH_NOTE}"


def test_not_ours_is_refused(repo: Path, writer: GitWriter) -> None:
    assert writer.undo_last().message == (
        f"Nothing to undo: agentdesk recorded no change by any agent. {BASH_NOTE}"
    )
    (repo / "a.py").write_text("person\n")
    git(repo, "commit", "-qam", "the person's own commit")
    sha = git(repo, "rev-parse", "HEAD").strip()
    _forge_record(repo, sha, "a", "p-forged", ["a.py"])
    result = writer.undo_last("a")
    assert not result.ok
    assert result.message == (
        f"Cannot undo {sha[:10]} by a (p-forged): it was not made by agentdesk "
        f"(no matching Agentdesk-Proposal trailer). {BASH_NOTE}"
    )
    assert git(repo, "rev-parse", "HEAD").strip() == sha
    assert (repo / "a.py").read_text() == "person\n"


def test_pushed_is_refused(repo: Path, writer: GitWriter, tmp_path: Path) -> None:
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    git(repo, "remote", "add", "origin", str(remote))
    info = _agent_commit(writer, repo, "a.py", "pushed\n")
    git(repo, "push", "-q", "origin", "main")
    result = writer.undo_last("a")
    assert not result.ok
    assert "it has already been pushed (origin/main)" in result.message
    assert result.message.endswith(BASH_NOTE)
    assert git(repo, "rev-parse", "HEAD").strip() == info.sha
    assert (repo / "a.py").read_text() == "pushed\n"


def test_merge_is_refused(repo: Path, writer: GitWriter) -> None:
    git(repo, "checkout", "-qb", "side")
    (repo / "side.py").write_text("side\n")
    git(repo, "add", "side.py")
    git(repo, "commit", "-qm", "side")
    git(repo, "checkout", "-q", "main")
    git(repo, "merge", "-q", "--no-ff", "side", "-m", "merge\n\nAgentdesk-Proposal: p-m")
    sha = git(repo, "rev-parse", "HEAD").strip()
    _forge_record(repo, sha, "a", "p-m", ["side.py"])
    result = writer.undo_last()
    assert not result.ok and ": it is a merge commit. " in result.message
    assert git(repo, "rev-parse", "HEAD").strip() == sha


def test_first_commit_is_refused(tmp_path: Path) -> None:
    repo = tmp_path / "fresh"
    repo.mkdir()
    git(repo, "init", "-q")
    git(repo, "config", "user.name", "P")
    git(repo, "config", "user.email", "p@e")
    (repo / "x.txt").write_text("x\n")
    with GitWriter(repo) as w:
        w.commit_paths(["x.txt"], agent="a", proposal_id="p-1", summary="s")
        result = w.undo_last()
    assert not result.ok and "it is the repository's first commit" in result.message
    assert (repo / "x.txt").exists()


def test_dirty_since_is_refused(repo: Path, writer: GitWriter) -> None:
    info = _agent_commit(writer, repo, "a.py", "agent\n")
    (repo / "a.py").write_text("agent\nplus the person's edit\n")
    result = writer.undo_last("a")
    assert not result.ok
    assert result.message == (
        f"Cannot undo {info.sha[:10]} by a ({info.proposal_id}): "
        f"a.py has uncommitted changes since. {BASH_NOTE}"
    )
    assert (repo / "a.py").read_text() == "agent\nplus the person's edit\n"
    assert git(repo, "rev-parse", "HEAD").strip() == info.sha


def test_staged_since_is_refused(repo: Path, writer: GitWriter) -> None:
    _agent_commit(writer, repo, "a.py", "agent\n")
    (repo / "a.py").write_text("staged by person\n")
    git(repo, "add", "a.py")
    (repo / "a.py").write_text("agent\n")
    result = writer.undo_last("a")
    assert not result.ok and "a.py has uncommitted changes since" in result.message
    assert git(repo, "show", ":a.py") == "staged by person\n"


def test_changed_by_a_later_commit_is_refused(repo: Path, writer: GitWriter) -> None:
    _agent_commit(writer, repo, "a.py", "agent\n")
    (repo / "a.py").write_text("person builds on it\n")
    git(repo, "commit", "-qam", "person")
    later = git(repo, "rev-parse", "--short", "HEAD").strip()
    result = writer.undo_last("a")
    assert not result.ok
    assert f"a.py was changed since by commit {later}" in result.message
    assert (repo / "a.py").read_text() == "person builds on it\n"


def test_not_on_the_current_branch_is_refused(repo: Path, writer: GitWriter) -> None:
    git(repo, "checkout", "-qb", "feature")
    _agent_commit(writer, repo, "a.py", "on feature\n")
    git(repo, "checkout", "-q", "main")
    result = writer.undo_last("a")
    assert not result.ok and "it is not on the current branch" in result.message


def test_vanished_commit_is_refused(repo: Path, writer: GitWriter) -> None:
    _forge_record(repo, "0" * 40, "a", "p-x", ["a.py"])
    result = writer.undo_last("a")
    assert not result.ok and "no longer exists" in result.message


@pytest.mark.parametrize("damage", ["not json\n", "[1, 2]\n", '{"undo": null}\n'])
def test_damaged_ledger_lines_are_skipped(repo: Path, writer: GitWriter, damage: str) -> None:
    _agent_commit(writer, repo, "a.py", "agent\n")
    with open(repo / ".agentdesk" / "commits.jsonl", "a") as fh:
        fh.write(damage)
    assert writer.undo_last("a").ok


def test_failed_revert_commit_puts_the_files_back(repo: Path) -> None:
    hook = repo / ".git" / "hooks" / "pre-commit"
    with GitWriter(repo, run_hooks=True) as w:
        _agent_commit(w, repo, "a.py", "by a\n", agent="a")
        _agent_commit(w, repo, "b.py", "by b\n", agent="b")
        head = git(repo, "rev-parse", "HEAD")
        hook.write_text("#!/bin/sh\necho 'no reverts today' >&2\nexit 1\n")
        hook.chmod(0o755)
        result = w.undo_last("a")
        assert not result.ok
        assert "git failed" in result.message and "no reverts today" in result.message
        assert result.message.endswith(BASH_NOTE)
        assert git(repo, "rev-parse", "HEAD") == head
        assert (repo / "a.py").read_text() == "by a\n"
        assert git(repo, "status", "--porcelain") == ""
        hook.unlink()
        assert w.undo_last("a").ok
    assert git(repo, "log", "-1", "--format=%s").strip() == 'Undo "a: write a.py"'


def test_record_that_does_not_match_the_commit_is_refused(repo: Path, writer: GitWriter) -> None:
    info = _agent_commit(writer, repo, "a.py", "agent\n")
    _forge_record(repo, info.sha, "a", info.proposal_id, ["b.py"])
    result = writer.undo_last("a")
    assert not result.ok and "its files differ from what agentdesk recorded" in result.message
    assert (repo / "a.py").read_text() == "agent\n" and (repo / "b.py").read_text() == "b = 1\n"


def test_per_turn_commit_with_many_proposals_can_be_undone(repo: Path, writer: GitWriter) -> None:
    ids = ",".join(f"p-{i:010x}" for i in range(30))
    (repo / "a.py").write_text("turn\n")
    (repo / "t.py").write_text("turn\n")
    info = writer.commit_paths(["a.py", "t.py"], agent="a", proposal_id=ids, summary="30 changes")
    trailers = git(repo, "log", "-1", "--format=%(trailers:key=Agentdesk-Proposal,valueonly)")
    assert trailers.strip() == ids
    result = writer.undo_last("a")
    assert result.ok, result.message
    assert result.reverted is not None and result.reverted.sha == info.sha
    assert not (repo / "t.py").exists() and (repo / "a.py").read_text() == "a = 1\n"
