"""Git fixtures: isolated from the user's git config and home, one fixed identity per repo."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from agents.vcs import GitWriter


@pytest.fixture(autouse=True)
def _isolated_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", "/dev/null")
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for var in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_AUTHOR_NAME",
                "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL"):  # fmt: skip
        monkeypatch.delenv(var, raising=False)


def git(repo: Path, *args: str, check: bool = True) -> str:
    """Run git in ``repo`` the way the person would, returning stdout."""
    done = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=False)
    if check and done.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed: {done.stderr}")
    return done.stdout


def make_repo(path: Path) -> Path:
    """A repository with one commit holding a.py and b.py, identity Person <person@example.com>."""
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", "main")
    git(path, "config", "user.name", "Person")
    git(path, "config", "user.email", "person@example.com")
    (path / "a.py").write_text("a = 1\n")
    (path / "b.py").write_text("b = 1\n")
    git(path, "add", "a.py", "b.py")
    git(path, "commit", "-q", "-m", "initial")
    return path


@pytest.fixture(scope="session")
def _template_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GIT_CONFIG_GLOBAL", "/dev/null")
        mp.setenv("GIT_CONFIG_NOSYSTEM", "1")
        return make_repo(tmp_path_factory.mktemp("template") / "repo")


@pytest.fixture
def repo(tmp_path: Path, _template_repo: Path) -> Path:
    """A fresh repository (see :func:`make_repo`), copied from a template to save git calls."""
    return Path(shutil.copytree(_template_repo, tmp_path / "repo", symlinks=True))


@pytest.fixture
def writer(repo: Path) -> Iterator[GitWriter]:
    """A GitWriter on :func:`repo` with a short lock budget."""
    w = GitWriter(repo, lock_timeout=0.2)
    yield w
    w.close()
