"""commit_paths: exactly the proposal's paths, the agent as author, trailers, what is left out."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from agents.vcs import GitError, GitWriter
from tests.vcs.conftest import git


def _files_in(repo: Path, rev: str = "HEAD") -> list[str]:
    out = git(repo, "show", "--name-only", "--format=", rev)
    return sorted(line for line in out.splitlines() if line)


def test_commit_contains_only_the_proposal_paths_t29(repo: Path, writer: GitWriter) -> None:
    (repo / "a.py").write_text("a = 2\n")
    (repo / "b.py").write_text("b = 'person WIP'\n")
    info = writer.commit_paths(["a.py"], agent="backend", proposal_id="p-1", summary="edit a")
    assert info.committed and info.paths == ("a.py",)
    assert _files_in(repo) == ["a.py"]
    assert git(repo, "rev-parse", "HEAD").strip() == info.sha
    assert git(repo, "status", "--porcelain").splitlines() == [" M b.py"]
    assert (repo / "b.py").read_text() == "b = 'person WIP'\n"


def test_person_staged_file_stays_staged_and_out_of_the_commit(
    repo: Path, writer: GitWriter
) -> None:
    (repo / "b.py").write_text("b = 'staged'\n")
    git(repo, "add", "b.py")
    (repo / "s.py").write_text("new staged file\n")
    git(repo, "add", "s.py")
    (repo / "a.py").write_text("a = 3\n")
    writer.commit_paths(["a.py"], agent="backend", proposal_id="p-2", summary="edit a")
    assert _files_in(repo) == ["a.py"]
    status = sorted(git(repo, "status", "--porcelain").splitlines())
    assert status == ["A  s.py", "M  b.py"]
    assert git(repo, "show", ":b.py") == "b = 'staged'\n"


def test_author_is_the_agent_committer_the_person_and_trailers(
    repo: Path, writer: GitWriter
) -> None:
    (repo / "a.py").write_text("a = 4\n")
    writer.commit_paths(
        ["a.py"], agent="backend-architect", proposal_id="p-abc", summary="Add users route",
        body="Because the spec says so.\n# not a comment to strip",
    )  # fmt: skip
    out = git(repo, "log", "-1", "--format=%an%n%ae%n%cn%n%ce%n%B")
    assert out.splitlines()[:4] == [
        "backend-architect", "backend-architect@agentdesk.local", "Person", "person@example.com",
    ]  # fmt: skip
    message = out.split("\n", 4)[4]
    assert message.startswith("backend-architect: Add users route\n\nBecause the spec says so.\n")
    assert "# not a comment to strip" in message
    trailers = git(repo, "log", "-1", "--format=%(trailers:only,unfold)")
    assert "Agentdesk-Agent: backend-architect" in trailers
    assert "Agentdesk-Proposal: p-abc" in trailers


def test_summary_newlines_cannot_forge_trailers(repo: Path, writer: GitWriter) -> None:
    (repo / "a.py").write_text("a = 5\n")
    writer.commit_paths(
        ["a.py"], agent="x", proposal_id="p-1", summary="s\n\nAgentdesk-Proposal: p-evil"
    )
    subject = git(repo, "log", "-1", "--format=%s").strip()
    assert subject == "x: s Agentdesk-Proposal: p-evil"
    trailers = git(repo, "log", "-1", "--format=%(trailers:key=Agentdesk-Proposal,valueonly)")
    assert trailers.split() == ["p-1"]


def test_configurable_email_domain_and_committer_fallback(tmp_path: Path) -> None:
    repo = tmp_path / "anon"
    repo.mkdir()
    git(repo, "init", "-q")
    git(repo, "config", "user.useConfigOnly", "true")
    (repo / "x.txt").write_text("x\n")
    w = GitWriter(repo, author_email_domain="team.example")
    info = w.commit_paths(["x.txt"], agent="qa", proposal_id="p-9", summary="first")
    assert info.committed
    assert git(repo, "log", "-1", "--format=%an <%ae>|%cn <%ce>").strip() == (
        "qa <qa@team.example>|qa <qa@team.example>"
    )


def test_new_deleted_and_nested_files(repo: Path, writer: GitWriter) -> None:
    (repo / "pkg" / "sub").mkdir(parents=True)
    (repo / "pkg" / "sub" / "n.py").write_text("n\n")
    (repo / "b.py").unlink()
    info = writer.commit_paths(
        ["pkg/sub/n.py", "./b.py"], agent="a", proposal_id="p-3", summary="move"
    )
    assert info.paths == ("pkg/sub/n.py", "b.py")
    assert git(repo, "show", "--name-status", "--format=", "HEAD").split() == [
        "D", "b.py", "A", "pkg/sub/n.py",
    ]  # fmt: skip
    assert git(repo, "status", "--porcelain") == ""


def test_glob_characters_are_literal(repo: Path, writer: GitWriter) -> None:
    (repo / "c*.py").write_text("star\n")
    (repo / "cx.py").write_text("must stay untracked\n")
    writer.commit_paths(["c*.py"], agent="a", proposal_id="p-4", summary="star")
    assert _files_in(repo) == ["c*.py"]
    assert git(repo, "status", "--porcelain").splitlines() == ["?? cx.py"]


def test_ignored_secret_unchanged_and_directory_paths_are_left_out(
    repo: Path, writer: GitWriter
) -> None:
    (repo / ".gitignore").write_text("build/\n*.log\n")
    git(repo, "add", ".gitignore")
    git(repo, "commit", "-q", "-m", "ignore")
    (repo / "build").mkdir()
    (repo / "build" / "out.js").write_text("x\n")
    (repo / "debug.log").write_text("log\n")
    (repo / ".env").write_text("KEY=secret\n")
    (repo / "id_rsa").write_text("-----BEGIN\n")
    (repo / "dir").mkdir()
    (repo / "dir" / "inner.py").write_text("i\n")
    (repo / "a.py").write_text("a = 6\n")
    paths = ["build/out.js", "debug.log", ".env", "id_rsa", "b.py", "dir", "a.py"]
    info = writer.commit_paths(paths, agent="a", proposal_id="p-5", summary="mixed")
    assert info.paths == ("a.py",)
    reasons = dict(info.skipped)
    assert set(reasons) == {"build/out.js", "debug.log", ".env", "id_rsa", "b.py", "dir"}
    assert "ignored" in reasons["build/out.js"] and "ignored" in reasons["debug.log"]
    assert "secret" in reasons[".env"] and "secret" in reasons["id_rsa"]
    assert "no change" in reasons["b.py"] and "directory" in reasons["dir"]
    assert _files_in(repo) == ["a.py"]
    status = git(repo, "status", "--porcelain", "-uall").splitlines()
    assert "?? .env" in status and "?? dir/inner.py" in status


def test_tracked_file_matching_gitignore_is_still_committed(repo: Path, writer: GitWriter) -> None:
    (repo / ".gitignore").write_text("*.py\n")
    (repo / "a.py").write_text("a = 7\n")
    info = writer.commit_paths(["a.py"], agent="a", proposal_id="p-6", summary="tracked")
    assert info.paths == ("a.py",)


def test_nothing_to_commit_makes_no_commit(repo: Path, writer: GitWriter) -> None:
    head = git(repo, "rev-parse", "HEAD")
    info = writer.commit_paths(["a.py"], agent="a", proposal_id="p-7", summary="noop")
    assert not info.committed and info.sha == "" and info.paths == ()
    assert git(repo, "rev-parse", "HEAD") == head
    assert not (repo / ".agentdesk" / "commits.jsonl").exists()


@pytest.mark.parametrize(
    "bad", ["../x", "/etc/passwd", "a/../../x", ".git/config", ".GIT/x", "sub/.Git/hooks/x", ""]
)
def test_paths_outside_the_work_tree_are_refused(repo: Path, writer: GitWriter, bad: str) -> None:
    head = git(repo, "rev-parse", "HEAD")
    with pytest.raises(ValueError):
        writer.commit_paths([bad], agent="a", proposal_id="p-8", summary="bad")
    assert git(repo, "rev-parse", "HEAD") == head


def test_commit_during_a_merge_fails_clearly_and_changes_nothing(
    repo: Path, writer: GitWriter
) -> None:
    head = git(repo, "rev-parse", "HEAD").strip()
    (repo / ".git" / "MERGE_HEAD").write_text(head + "\n")
    (repo / "new.py").write_text("n\n")
    with pytest.raises(GitError, match="partial commit during a merge"):
        writer.commit_paths(["new.py"], agent="a", proposal_id="p-9", summary="x")
    assert git(repo, "rev-parse", "HEAD").strip() == head
    assert git(repo, "status", "--porcelain", "--", "new.py") == "?? new.py\n"


def test_first_commit_in_an_empty_repository(tmp_path: Path) -> None:
    repo = tmp_path / "empty"
    repo.mkdir()
    git(repo, "init", "-q")
    git(repo, "config", "user.name", "P")
    git(repo, "config", "user.email", "p@e")
    (repo / "x.txt").write_text("x\n")
    (repo / "y.txt").write_text("y\n")
    with GitWriter(repo) as w:
        info = w.commit_paths(["x.txt"], agent="a", proposal_id="p-1", summary="start")
    assert git(repo, "ls-files").split() == ["x.txt"]
    assert info.committed
    rec = json.loads((repo / ".agentdesk" / "commits.jsonl").read_text())
    assert rec["parent"] is None and rec["pre"] == {}


def test_record_and_find_commit(repo: Path, writer: GitWriter) -> None:
    (repo / "a.py").write_text("a = 8\n")
    (repo / "z.py").write_text("z\n")
    info = writer.commit_paths(["a.py", "z.py"], agent="a", proposal_id="p-10", summary="r")
    rec = json.loads((repo / ".agentdesk" / "commits.jsonl").read_text().splitlines()[-1])
    assert rec["sha"] == info.sha and rec["paths"] == ["a.py", "z.py"]
    assert rec["pre"]["a.py"] == git(repo, "rev-parse", "HEAD~1:a.py").strip()
    assert rec["pre"]["z.py"] is None
    found = writer.find_commit("p-10")
    assert found is not None and found.sha == info.sha and found.paths == info.paths
    assert writer.find_commit("p-none") is None
    # agentdesk's state never shows up as the person's untracked work
    assert ".agentdesk" not in git(repo, "status", "--porcelain", "--untracked-files=all")


def test_commit_async_runs_on_the_writer_thread(repo: Path, writer: GitWriter) -> None:
    (repo / "a.py").write_text("a = 9\n")
    names: list[str] = []
    future = writer.submit(lambda: names.append(__import__("threading").current_thread().name))
    future.result(timeout=10)
    info = writer.commit_async(["a.py"], agent="a", proposal_id="p-11", summary="async").result(
        timeout=30
    )
    assert info.committed and names[0].startswith("agentdesk-git")
    writer.close()
    with pytest.raises(RuntimeError):
        writer.submit(lambda: None)


def test_mode_bits_are_committed(repo: Path, writer: GitWriter) -> None:
    script = repo / "run.sh"
    script.write_text("#!/bin/sh\n")
    os.chmod(script, 0o755)
    writer.commit_paths(["run.sh"], agent="a", proposal_id="p-12", summary="script")
    assert git(repo, "ls-files", "-s", "run.sh").startswith("100755")


def test_author_template_from_config(repo: Path) -> None:
    def author(agent: str) -> tuple[str, str]:
        return f"{agent} <bot>\n", f"bot+{agent} @example.org"

    (repo / "a.py").write_text("templated\n")
    with GitWriter(repo, author=author) as w:
        w.commit_paths(["a.py"], agent="qa", proposal_id="p-1", summary="s")
    assert git(repo, "log", "-1", "--format=%an|%ae|%cn").strip() == (
        "qa bot|bot+qa@example.org|Person"
    )
