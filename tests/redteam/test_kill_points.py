"""T49 and T19 through the real command: ``agentdesk run`` killed at every apply step, resumed.

The scripted agent reads ``backend/app.py``, appends one line to it with Edit (applied twice, the
line would be there twice), then creates ``backend/new.txt`` with Write. ``AGENTDESK_FAULT``
kills the process (``os._exit(137)``, as abrupt as SIGKILL) at the chosen step of the first
apply it reaches: run 1 dies applying the Edit; run 2 resumes, settles the Edit from the ledger
and dies applying the Write; run 3 finishes. Afterwards:

- each file is all-old or all-new, and exactly what its tool_result told the model;
- nothing was applied twice, and every applied change is committed, attributed to the agent;
- the start-up report said what the crash left (RecoveryReport events);
- every request the server saw after a resume answers each tool_use with exactly one result.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from agents.scripted.server import ScriptedServer
from tests.engine.repo_fixture import git, make_repo
from tests.redteam.forked import Outcome
from tests.redteam.harness import conversation_is_valid, leftover_temps, run_agent, tool_use

OLD_APP = 'def users():\n    return "OLD"\n'
LINE = "# appended once\n"
NEW_TEXT = "created by the agent\n" * 100
STEPS = [
    "before_journal",
    "after_journal",
    "after_file_1",
    "before_commit_mark",
    "after_commit_mark",
    "after_apply",
]
#: Steps at which the single file is already on disk when the process dies.
WRITTEN = {"after_file_1", "before_commit_mark", "after_commit_mark", "after_apply"}

SCENARIO = {
    "agents": {
        "backend-architect": {
            "steps": [
                {"blocks": [tool_use("Read", file_path="backend/app.py")]},
                {
                    "blocks": [
                        tool_use(
                            "Edit",
                            file_path="backend/app.py",
                            old_string='    return "OLD"\n',
                            new_string='    return "OLD"\n' + LINE,
                        )
                    ]
                },
                {"blocks": [tool_use("Write", file_path="backend/new.txt", content=NEW_TEXT)]},
                {"text": "Done."},
            ]
        }
    }
}


def _result_for(server: ScriptedServer, tool_use_id_part: str) -> dict[str, Any]:
    """The one tool_result the model was finally given for the tool_use of that step."""
    messages = server.requests[-1].body["messages"]
    found = [
        b
        for m in messages
        if m["role"] == "user" and isinstance(m["content"], list)
        for b in m["content"]
        if b.get("type") == "tool_result" and b["tool_use_id"].endswith(tool_use_id_part)
    ]
    assert len(found) == 1, found
    return found[0]


def _run3(tmp_path: Path, step: str) -> tuple[list[Outcome], ScriptedServer, Path]:
    repo = make_repo(tmp_path / "repo")
    home = tmp_path / "home"
    fault = {"AGENTDESK_FAULT": step}
    with ScriptedServer(SCENARIO) as server:
        first = run_agent(repo, server, home, prompt="append a line", extra_env=fault)
        second = run_agent(repo, server, home, prompt="carry on", extra_env=fault)
        third = run_agent(repo, server, home, prompt="carry on")
    return [first, second, third], server, repo


@pytest.mark.parametrize("step", STEPS)
def test_killed_at_each_apply_step_then_resumed(tmp_path: Path, step: str) -> None:
    runs, server, repo = _run3(tmp_path, step)
    assert [r.code for r in runs] == [137, 137, 0], [r.stderr for r in runs]
    assert runs[0].of_type("proposal_applied") == []  # it died inside the apply

    # Every request answers each tool_use exactly once, across both resumes.
    for request in server.requests:
        conversation_is_valid(request.body["messages"])

    app = (repo / "backend" / "app.py").read_text()
    edit_result = _result_for(server, "_1_0")
    if step in WRITTEN:
        assert app == OLD_APP + LINE  # applied once, never twice
        assert not edit_result["is_error"] and "Applied" in edit_result["content"]
    else:
        assert app == OLD_APP
        assert edit_result["is_error"] and "nothing was written" in edit_result["content"]

    new = repo / "backend" / "new.txt"
    write_result = _result_for(server, "_2_0")
    if step in WRITTEN:
        assert new.read_text() == NEW_TEXT
        assert not write_result["is_error"]
    else:
        assert not new.exists()
        assert write_result["is_error"] and "nothing was written" in write_result["content"]

    # The start-up report named what each crash left, once.
    for run, rel in ((runs[1], "backend/app.py"), (runs[2], "backend/new.txt")):
        lines = [e["message"] for e in run.of_type("recovery_report")]
        assert any(rel in line for line in lines), (step, lines)
    assert leftover_temps(repo) == []

    # Every applied change is committed as the agent's, even the ones the crash kept from
    # their commit; nothing of the agent's is left dirty.
    assert git(repo, "status", "--porcelain", "--", "backend") == ""
    authors = git(repo, "log", "--format=%an", "--", "backend/app.py").split()
    assert authors.count("backend-architect") == (1 if step in WRITTEN else 0)
    if step in WRITTEN:
        log = git(repo, "log", "--format=%an", "--", "backend/new.txt").split()
        assert log == ["backend-architect"]


def test_the_readable_log_shows_the_recovery_report(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    home = tmp_path / "home"
    with ScriptedServer(SCENARIO) as server:
        first = run_agent(repo, server, home, extra_env={"AGENTDESK_FAULT": "after_file_1"})
        second = run_agent(repo, server, home, prompt="carry on", json_events=False)
    assert (first.code, second.code) == (137, 0), second.stderr
    shown = [line for line in second.stdout.splitlines() if line.startswith("recovered: ")]
    assert any("backend/app.py" in line and "had completed" in line for line in shown), shown
    assert any("Committed backend-architect's change" in line for line in shown), shown
