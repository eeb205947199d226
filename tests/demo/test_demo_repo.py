"""The demo repository: its files, its first commit, its agents and its PROGRESS.md."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from agents.demo import (
    DEMO_AUTHOR,
    DEMO_KEY,
    DEMO_MODEL,
    DemoError,
    DemoWorkspace,
    demo_env,
    is_demo,
    prepare_demo,
)
from agents.demo_files import FILES
from agents.progress import parse_progress


def git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=root, capture_output=True, text=True, check=True
    ).stdout


def test_creates_and_commits_every_file(tmp_path: Path) -> None:
    root = tmp_path / "demo"
    assert prepare_demo(root) is True
    for rel, text in FILES.items():
        assert (root / rel).read_text(encoding="utf-8") == text, rel
    assert git(root, "status", "--porcelain") == ""
    assert git(root, "ls-files").split() == sorted(FILES)
    log = git(root, "log", "--format=%an|%ae|%cn|%ce").splitlines()
    name, email = DEMO_AUTHOR
    assert log == [f"{name}|{email}|{name}|{email}"]
    assert git(root, "rev-parse", "--abbrev-ref", "HEAD").strip() == "main"
    assert is_demo(root)


def test_never_reads_or_writes_the_persons_git_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "gitconfig"
    config.write_text("[user]\n\tname = The Person\n\temail = person@example.invalid\n")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Leaked Author")
    before = config.read_bytes()
    root = tmp_path / "demo"
    prepare_demo(root)
    assert git(root, "log", "--format=%an").strip() == DEMO_AUTHOR[0]
    assert config.read_bytes() == before
    assert "The Person" not in (root / ".git" / "config").read_text()


def test_an_empty_folder_is_used_and_a_demo_is_reopened_untouched(tmp_path: Path) -> None:
    root = tmp_path / "empty"
    root.mkdir()
    assert prepare_demo(root) is True
    (root / "backend" / "app.py").write_text("changed by the person\n")
    head = git(root, "rev-parse", "HEAD")
    assert prepare_demo(root) is False
    assert (root / "backend" / "app.py").read_text() == "changed by the person\n"
    assert git(root, "rev-parse", "HEAD") == head


def test_refuses_a_folder_with_other_things_in_it(tmp_path: Path) -> None:
    root = tmp_path / "project"
    root.mkdir()
    (root / "notes.txt").write_text("mine\n")
    with pytest.raises(DemoError, match="not empty and does not hold an agentdesk demo"):
        prepare_demo(root)
    assert [p.name for p in root.iterdir()] == ["notes.txt"]
    file = tmp_path / "a-file"
    file.write_text("x")
    with pytest.raises(DemoError, match="not a folder"):
        prepare_demo(file)


def test_a_git_repository_without_the_marker_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    with pytest.raises(DemoError):
        prepare_demo(root)


def test_without_git_it_says_so_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty_bin = tmp_path / "bin"
    empty_bin.mkdir()
    monkeypatch.setenv("PATH", str(empty_bin))
    new = tmp_path / "new"
    with pytest.raises(DemoError, match="needs git"):
        prepare_demo(new)
    assert not new.exists()
    existing = tmp_path / "existing"
    existing.mkdir()
    with pytest.raises(DemoError, match="needs git"):
        prepare_demo(existing)
    assert existing.is_dir() and list(existing.iterdir()) == []


def test_progress_is_in_the_seed_format(tmp_path: Path) -> None:
    doc = parse_progress(FILES["PROGRESS.md"])
    assert not doc.warnings
    assert [p.title for p in doc.phases] == ["Phase 1: Development", "Phase 2: Integration"]
    items = [(i.agent, i.done) for p in doc.phases for i in p.items]
    assert items == [
        ("backend-architect", False),
        ("frontend-architect", False),
        ("delivery-lead", False),
    ]
    assert "## Blockers" in FILES["PROGRESS.md"] and not doc.blockers


def test_the_backend_tests_pass_as_shipped(tmp_path: Path) -> None:
    root = tmp_path / "demo"
    prepare_demo(root)
    done = subprocess.run(
        [sys.executable, "-B", "-m", "unittest", "discover", "-s", "backend", "-q"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "Ran 3 tests" in done.stderr


def test_the_three_agents_load_with_their_domains(tmp_path: Path) -> None:
    root = tmp_path / "demo"
    prepare_demo(root)
    ws = DemoWorkspace.open(root, env=demo_env("http://127.0.0.1:9", os.environ))
    assert [rt.name for rt in ws.runtimes] == [
        "backend-architect",
        "frontend-architect",
        "delivery-lead",
    ]
    assert not ws.errors
    assert ws.warnings == []
    assert ws.domain_for("backend-architect").patterns == ("backend/",)
    assert ws.domain_for("frontend-architect").patterns == ("frontend/", "*.tsx")
    assert ws.domain_for("delivery-lead").patterns == ("scripts/",)
    assert ws.domain_for("delivery-lead").matches("scripts/check.sh")
    assert not ws.domain_for("backend-architect").matches("frontend/src/health.ts")
    assert {rt.model_id for rt in ws.runtimes} == {DEMO_MODEL}
    assert {rt.effective_mode for rt in ws.runtimes} == {"default"}
    assert "Bash" not in ws.runtime("frontend-architect").definition.effective_tools()
    assert ws.has_credentials


def test_demo_env_drops_every_real_credential() -> None:
    env = demo_env(
        "http://127.0.0.1:5",
        {
            "ANTHROPIC_API_KEY": "sk-ant-real-0123",
            "ANTHROPIC_AUTH_TOKEN": "tok-real",
            "ANTHROPIC_BASE_URL": "https://api.anthropic.com",
            "PATH": "/usr/bin",
        },
    )
    assert env == {
        "ANTHROPIC_BASE_URL": "http://127.0.0.1:5",
        "ANTHROPIC_API_KEY": DEMO_KEY,
        "PATH": "/usr/bin",
    }
