"""T30: agentdesk's git calls never run repository-controlled code; secrets never reach git."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from agents.vcs import GitError, GitWriter
from tests.vcs.conftest import git


def _hook(repo: Path, name: str, body: str) -> None:
    hook = repo / ".git" / "hooks" / name
    hook.parent.mkdir(parents=True, exist_ok=True)
    hook.write_text("#!/bin/sh\n" + body + "\n")
    hook.chmod(hook.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)


@pytest.fixture
def hostile(repo: Path, tmp_path: Path) -> Path:
    """The repo with an fsmonitor command, hooks and a clean filter that each drop a marker."""
    marks = tmp_path / "marks"
    marks.mkdir()
    git(repo, "config", "core.fsmonitor", f"touch {marks}/pwned-fsmonitor; false")
    for name in (
        "pre-commit",
        "commit-msg",
        "post-commit",
        "post-checkout",
        "reference-transaction",
    ):
        _hook(repo, name, f"touch {marks}/hook-{name}")
    git(repo, "config", "filter.evil.clean", f"touch {marks}/pwned-filter; cat")
    git(repo, "config", "filter.evil.smudge", f"touch {marks}/pwned-smudge; cat")
    git(repo, "config", "filter.evil.required", "true")
    (repo / ".gitattributes").write_text("*.py filter=evil\n")
    return marks


def test_no_repository_code_runs_t30(repo: Path, hostile: Path) -> None:
    (repo / "a.py").write_text("a = 'agent'\n")
    (repo / "b.py").write_text("b = 'person'\n")
    with GitWriter(repo) as w:
        assert w.file_status()["a.py"] == "modified"
        assert w.is_dirty("b.py")
        assert w.snapshot_dirty("b.py")
        assert w.head_bytes("a.py") == b"a = 1\n"
        info = w.commit_paths(["a.py"], agent="x", proposal_id="p-1", summary="s")
        assert info.committed
        assert w.undo_last("x").ok
    assert sorted(os.listdir(hostile)) == []
    assert (repo / "a.py").read_text() == "a = 1\n"
    # control: the same repository does run its code under plain git
    (repo / "a.py").write_text("a = 'person'\n")
    git(repo, "commit", "-q", "-am", "person")
    assert {"pwned-fsmonitor", "pwned-filter", "hook-pre-commit"} <= set(os.listdir(hostile))


def test_run_hooks_true_runs_the_hooks(repo: Path, hostile: Path) -> None:
    (repo / "a.py").write_text("a = 'agent'\n")
    with GitWriter(repo, run_hooks=True) as w:
        w.commit_paths(["a.py"], agent="x", proposal_id="p-1", summary="s")
    made = set(os.listdir(hostile))
    assert {"hook-pre-commit", "hook-commit-msg", "hook-post-commit"} <= made
    # fsmonitor stays off even when the person trusts the repository's hooks
    assert "pwned-fsmonitor" not in made


def test_rejecting_hook_fails_the_commit_and_unstages_new_files(repo: Path) -> None:
    _hook(repo, "pre-commit", "echo 'lint failed' >&2; exit 1")
    (repo / "new.py").write_text("n\n")
    head = git(repo, "rev-parse", "HEAD")
    with (
        GitWriter(repo, run_hooks=True) as w,
        pytest.raises(GitError, match="lint failed"),
    ):
        w.commit_paths(["new.py"], agent="x", proposal_id="p-1", summary="s")
    assert git(repo, "rev-parse", "HEAD") == head
    assert git(repo, "status", "--porcelain") == "?? new.py\n"


def test_hooks_in_a_hooks_path_are_also_skipped(repo: Path, tmp_path: Path) -> None:
    hooks = repo / "githooks"
    hooks.mkdir()
    (hooks / "pre-commit").write_text(f"#!/bin/sh\ntouch {tmp_path}/pwned\n")
    (hooks / "pre-commit").chmod(0o755)
    git(repo, "config", "core.hooksPath", "githooks")
    (repo / "a.py").write_text("x\n")
    with GitWriter(repo) as w:
        w.commit_paths(["a.py"], agent="x", proposal_id="p-1", summary="s")
    assert not (tmp_path / "pwned").exists()


def test_git_never_sees_the_api_key(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    canary = "sk-ant-canary-0123456789"
    monkeypatch.setenv("ANTHROPIC_API_KEY", canary)
    dump = tmp_path / "env.txt"
    _hook(repo, "pre-commit", f"env > {dump}")
    (repo / "a.py").write_text("x\n")
    with GitWriter(repo, run_hooks=True) as w:
        w.commit_paths(["a.py"], agent="x", proposal_id="p-1", summary="s")
    text = dump.read_text()
    assert "GIT_AUTHOR_NAME=x" in text  # the hook really ran with git's environment
    assert canary not in text


def test_gpg_signing_config_does_not_block_commits(repo: Path) -> None:
    git(repo, "config", "commit.gpgsign", "true")
    git(repo, "config", "gpg.program", "/nonexistent/gpg")
    (repo / "a.py").write_text("x\n")
    with GitWriter(repo) as w:
        assert w.commit_paths(["a.py"], agent="x", proposal_id="p-1", summary="s").committed


def test_hung_hook_is_stopped_without_leaving_a_lock(repo: Path) -> None:
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.parent.mkdir(exist_ok=True)
    hook.write_text("#!/bin/sh\nexec sleep 30\n")
    hook.chmod(0o755)
    (repo / "a.py").write_text("x\n")
    with GitWriter(repo, run_hooks=True) as w:
        w.command_timeout = 0.5
        with pytest.raises(GitError, match=r"did not finish in 0\.5 s"):
            w.commit_paths(["a.py"], agent="a", proposal_id="p-1", summary="s")
        # git was stopped cleanly: no lock left behind, so the next commit just works
        assert not (repo / ".git" / "index.lock").exists()
        hook.unlink()
        assert w.commit_paths(["a.py"], agent="a", proposal_id="p-1", summary="s").committed
