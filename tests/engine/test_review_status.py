"""`agentdesk status`: open blockers carry their age, as the issue asks (agent, text, age)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from tests.engine.repo_fixture import make_repo
from tui.commands import status_cmd


def test_status_gives_each_blocker_its_age(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "home" / ".config"))
    repo = make_repo(tmp_path / "repo", with_git=False)
    with (repo / "PROGRESS.md").open("a") as fh:
        fh.write("- @frontend-architect: waiting for the users API\n")
    status_cmd.collect(repo)  # first seen now
    store = repo / ".agentdesk" / "blockers.json"
    data = json.loads(store.read_text())
    for entry in data["blockers"].values():
        entry["first_seen"] = time.time() - 600  # seen ten minutes ago
    store.write_text(json.dumps(data))
    [row] = status_cmd.collect(repo)["blockers"]
    assert row["age_s"] is not None and 590 <= row["age_s"] <= 700
    assert "(10 min)" in status_cmd._render(status_cmd.collect(repo))
