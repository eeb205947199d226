"""run, status and blockers given a path that is not a folder: one clear line, exit 2."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from tui.commands import blockers_cmd, run_cmd, status_cmd


@pytest.mark.parametrize("command", ["run", "status", "blockers"])
def test_a_missing_folder_is_named_without_a_traceback(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    command: str,
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "home" / ".config"))
    missing = tmp_path / "no" / "such-repo"
    if command == "run":
        args = argparse.Namespace(
            agent="x", path=str(missing), prompt="hi", approve="none", json=False
        )
        code = run_cmd.run(args)
    elif command == "status":
        code = status_cmd.run(argparse.Namespace(path=str(missing), json=False))
    else:
        code = blockers_cmd.run(argparse.Namespace(path=str(missing), action=None))
    err = capsys.readouterr().err
    assert code == 2
    assert err == f"agentdesk {command}: {missing}: not a directory\n"
    assert not (tmp_path / "no" / ".agentdesk").exists()
