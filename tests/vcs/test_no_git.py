"""Without git the desk still works; commits, undo and status say they need git."""

from __future__ import annotations

from pathlib import Path

import pytest

from agents.vcs import NO_GIT_MESSAGE, GitUnavailable, GitWriter
from tests.vcs.conftest import git, make_repo


def _calls(w: GitWriter) -> list[object]:
    return [
        lambda: w.commit_paths(["a.py"], agent="x", proposal_id="p", summary="s"),
        lambda: w.undo_last("x"),
        lambda: w.file_status(),
        lambda: w.is_dirty("a.py"),
        lambda: w.dirty_paths(["a.py"]),
        lambda: w.head_bytes("a.py"),
        lambda: w.snapshot_dirty("a.py"),
        lambda: w.read_blob("0" * 40),
    ]


def test_plain_directory(tmp_path: Path) -> None:
    desk = tmp_path / "desk"
    desk.mkdir()
    (desk / "a.py").write_text("x\n")
    w = GitWriter(desk)
    assert not w.available
    for call in _calls(w):
        with pytest.raises(GitUnavailable) as caught:
            call()  # type: ignore[operator]
        assert str(caught.value) == NO_GIT_MESSAGE
    assert NO_GIT_MESSAGE == "not a git repository: commits and undo need git"
    # the writer thread still runs non-git jobs, and nothing was created on disk
    assert w.submit(lambda: 42).result(timeout=10) == 42
    w.close()
    assert sorted(p.name for p in desk.iterdir()) == ["a.py"]


def test_missing_root(tmp_path: Path) -> None:
    assert not GitWriter(tmp_path / "nope").available


def test_git_binary_absent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = make_repo(tmp_path / "r")
    import git as gitpython

    monkeypatch.setattr(gitpython.Git, "GIT_PYTHON_GIT_EXECUTABLE", str(tmp_path / "no-git"))
    w = GitWriter(repo)
    assert not w.available
    with pytest.raises(GitUnavailable):
        w.file_status()


def test_subdirectory_of_a_repository_is_not_the_desk_root(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r")
    (repo / "sub").mkdir()
    w = GitWriter(repo / "sub")
    assert not w.available
    with pytest.raises(GitUnavailable, match="not its top level"):
        w.commit_paths(["x"], agent="x", proposal_id="p", summary="s")
    assert git(repo, "rev-list", "--count", "HEAD").strip() == "1"
