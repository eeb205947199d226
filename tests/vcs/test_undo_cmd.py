"""``agentdesk undo [AGENT]``: exit codes and messages, with and without git."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from agents.vcs import GitWriter
from tests.vcs.conftest import git
from tui.commands import undo_cmd


def _undo(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser()
    undo_cmd.add_arguments(parser)
    code = undo_cmd.run(parser.parse_args(list(argv)))
    out, err = capsys.readouterr()
    return code, out, err


def test_undo_command_reverts_and_says_bash_is_not_undone(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "a.py").write_text("agent\n")
    with GitWriter(repo) as w:
        w.commit_paths(["a.py"], agent="backend", proposal_id="p-1", summary="s")
    code, out, err = _undo(capsys, "backend", "--path", str(repo))
    assert code == 0 and err == ""
    assert out.startswith("Undid ") and "Bash side effects are not undone." in out
    assert (repo / "a.py").read_text() == "a = 1\n"
    code, out, err = _undo(capsys, "backend", "--path", str(repo))
    assert code == 1 and out == ""
    assert err.startswith("Nothing to undo: agentdesk recorded no change by backend.")


def test_undo_command_refusal_is_sanitised(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rel = "evil\x1b]52;c;aGk=\x07.py"
    (repo / rel).write_text("x\n")
    with GitWriter(repo) as w:
        w.commit_paths([rel], agent="a", proposal_id="p-1", summary="s")
    (repo / rel).write_text("person edits it\n")
    code, out, err = _undo(capsys, "--path", str(repo))
    assert code == 1 and out == "" and "has uncommitted changes since" in err
    assert "\x1b" not in err and "\x07" not in err and "␛" in err
    assert git(repo, "log", "-1", "--format=%s").strip() == "a: s"


def test_undo_command_without_git(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    code, out, err = _undo(capsys, "--path", str(plain))
    assert code == 2 and out == ""
    assert "not a git repository: commits and undo need git" in err
    code, _, err = _undo(capsys, "--path", str(tmp_path / "missing"))
    assert code == 2 and "not a directory" in err
