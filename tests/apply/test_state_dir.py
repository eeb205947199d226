"""The private state directory: permissions, git exclude, atomic JSON and JSON lines."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

import pytest

from agents.state_dir import (
    StateDirError,
    append_jsonl,
    read_jsonl,
    redact,
    state_dir,
    write_json_atomic,
)


def _git_init(path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(path)], check=True)


def test_state_dir_is_private(tmp_path: Path) -> None:
    d = state_dir(tmp_path)
    assert d == tmp_path / ".agentdesk"
    assert stat.S_IMODE(d.stat().st_mode) == 0o700


def test_state_dir_tightens_existing_mode(tmp_path: Path) -> None:
    (tmp_path / ".agentdesk").mkdir(mode=0o755)
    os.chmod(tmp_path / ".agentdesk", 0o755)
    d = state_dir(tmp_path)
    assert stat.S_IMODE(d.stat().st_mode) == 0o700


def test_state_dir_refuses_symlink(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "repo").mkdir()
    (tmp_path / "repo" / ".agentdesk").symlink_to(elsewhere)
    with pytest.raises(StateDirError, match="not a plain directory"):
        state_dir(tmp_path / "repo")


def test_git_exclude_added_once_and_gitignore_untouched(tmp_path: Path) -> None:
    _git_init(tmp_path)
    (tmp_path / ".gitignore").write_bytes(b"node_modules/\n")
    exclude = tmp_path / ".git" / "info" / "exclude"
    exclude.write_bytes(b"# my excludes\n*.log")  # no trailing newline
    state_dir(tmp_path)
    state_dir(tmp_path)
    lines = exclude.read_text().splitlines()
    assert lines == ["# my excludes", "*.log", ".agentdesk/"]
    assert (tmp_path / ".gitignore").read_bytes() == b"node_modules/\n"
    (tmp_path / ".agentdesk" / "queue.json").write_text("{}")
    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert ".agentdesk" not in status


def test_git_exclude_respects_existing_equivalent_line(tmp_path: Path) -> None:
    _git_init(tmp_path)
    exclude = tmp_path / ".git" / "info" / "exclude"
    exclude.write_text("/.agentdesk\n")
    state_dir(tmp_path)
    assert exclude.read_text() == "/.agentdesk\n"


def test_git_worktree_file_uses_common_dir(tmp_path: Path) -> None:
    main = tmp_path / "main"
    _git_init(main)
    subprocess.run(
        ["git", "-C", str(main), "commit", "-q", "--allow-empty", "-m", "x"],
        check=True,
        env={
            **os.environ,
            "GIT_AUTHOR_NAME": "t",
            "GIT_AUTHOR_EMAIL": "t@t",
            "GIT_COMMITTER_NAME": "t",
            "GIT_COMMITTER_EMAIL": "t@t",
        },
    )
    wt = tmp_path / "wt"
    subprocess.run(["git", "-C", str(main), "worktree", "add", "-q", str(wt)], check=True)
    state_dir(wt)
    assert ".agentdesk/" in (main / ".git" / "info" / "exclude").read_text().splitlines()


def test_no_git_no_exclude(tmp_path: Path) -> None:
    state_dir(tmp_path)
    assert not (tmp_path / ".git").exists()


def test_write_json_atomic_mode_and_content(tmp_path: Path) -> None:
    target = tmp_path / "x.json"
    write_json_atomic(target, {"a": [1, "é"]})
    write_json_atomic(target, {"a": 2})
    assert target.read_text() == '{"a":2}'
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.json"]


def test_write_json_atomic_failure_leaves_old_file_and_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "x.json"
    write_json_atomic(target, {"a": 1})
    with pytest.raises(TypeError):
        write_json_atomic(target, {"a": object()})
    assert target.read_text() == '{"a":1}'
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.json"]


def test_jsonl_survives_a_torn_line(tmp_path: Path) -> None:
    log = tmp_path / "l.jsonl"
    append_jsonl(log, {"n": 1})
    with open(log, "ab") as handle:
        handle.write(b'{"n": 2, "tor')  # a crash mid-append
    append_jsonl(log, {"n": 3})
    records, bad = read_jsonl(log)
    assert records == [{"n": 1}, {"n": 3}]
    assert bad == 1
    assert stat.S_IMODE(log.stat().st_mode) == 0o600


def test_redact_replaces_api_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-canary-123456")
    assert redact({"x": ["key sk-ant-canary-123456 here"]}) == {"x": ["key *** here"]}
    monkeypatch.delenv("ANTHROPIC_API_KEY")
    monkeypatch.delenv("ANTHROPIC_AUTH_TOKEN", raising=False)
    assert redact("sk-ant-canary-123456") == "sk-ant-canary-123456"
