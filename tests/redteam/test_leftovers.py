"""agents.leftovers in process: the start-up report of interrupted calls and uncommitted applies."""

from __future__ import annotations

from pathlib import Path

import pytest

from agents import journal as jn
from agents.apply import Applier
from agents.ledger import ToolLedger
from agents.leftovers import RECOVERED_SUMMARY, commit_leftovers, interrupted_calls
from agents.proposal import Decision
from agents.state_dir import state_dir
from agents.vcs import GitWriter
from tests.apply.helpers import AGENT, guard, proposal, sha
from tests.engine.repo_fixture import git, make_repo


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", "/dev/null")
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")


def _applied(repo: Path, files: dict[str, bytes], tool_use_id: str = "toolu_x") -> str:
    """Apply a proposal as the engine does, without its commit (what a crash leaves)."""
    prop = proposal(repo, files, tool_use_id=tool_use_id)
    Applier(repo, state_dir(repo), fault="").apply(prop, Decision("approve"), guard(repo))
    return prop.id


def test_an_applied_change_a_crash_kept_from_its_commit_is_committed_once(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    sd = state_dir(repo)
    pid = _applied(repo, {"backend/app.py": b"v2\n", "backend/new.py": b"new\n"})
    writer = GitWriter(repo, state_dir=sd)
    try:
        lines = commit_leftovers(repo, sd, writer, "proposal")
        assert len(lines) == 1 and lines[0][0] == AGENT
        assert f"proposal {pid}" in lines[0][1] and "backend/app.py" in lines[0][1]
        assert git(repo, "status", "--porcelain") == ""
        log = git(repo, "log", "-n", "1", "--format=%an|%s|%B")
        assert log.startswith(f"{AGENT}|{AGENT}: write backend/app.py, backend/new.py")
        assert f"Agentdesk-Proposal: {pid}" in log
        assert writer.find_commit(pid) is not None
        assert commit_leftovers(repo, sd, writer, "proposal") == []  # checked once, for good
    finally:
        writer.close()


def test_a_file_changed_since_the_apply_is_left_uncommitted_and_said_so(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    sd = state_dir(repo)
    pid = _applied(repo, {"backend/app.py": b"agent's\n"})
    (repo / "backend/app.py").write_text("the person's edit after the crash\n")
    writer = GitWriter(repo, state_dir=sd)
    try:
        ((agent, line),) = commit_leftovers(repo, sd, writer, "proposal")
        assert agent == AGENT and pid in line
        assert "backend/app.py changed since" in line and "left uncommitted" in line
        assert git(repo, "log", "--format=%an") == "Person\n"
        assert commit_leftovers(repo, sd, writer, "proposal") == []
    finally:
        writer.close()


def test_commit_mode_off_and_no_git_commit_nothing(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    sd = state_dir(repo)
    _applied(repo, {"backend/app.py": b"v2\n"})
    assert commit_leftovers(repo, sd, None, "proposal") == []
    writer = GitWriter(repo, state_dir=sd)
    try:
        assert commit_leftovers(repo, sd, writer, "off") == []
        assert git(repo, "log", "--format=%an") == "Person\n"
        # Turning commits on later does not sweep up the old change either.
        assert commit_leftovers(repo, sd, writer, "proposal") == []
        assert git(repo, "log", "--format=%an") == "Person\n"
    finally:
        writer.close()


def test_a_done_mark_recovered_from_an_intent_gets_the_generic_summary(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    sd = state_dir(repo)
    jn.record_intent(
        sd,
        proposal_id="p-intent0001",
        agent=AGENT,
        tool_use_id="t1",
        rel="backend/app.py",
        before_sha256=None,
        after_sha256="0" * 64,
    )
    (repo / "backend/app.py").write_text("new\n")
    applier = Applier(repo, sd, fault="")
    applier.mark_done("p-intent0001", AGENT, "t1", ["backend/app.py"], after=None)
    writer = GitWriter(repo, state_dir=sd)
    try:
        # Old-style done marks (no hashes) are never committed: nothing proves the bytes.
        assert commit_leftovers(repo, sd, writer, "proposal") == []
        applier.mark_done(
            "p-intent0002",
            AGENT,
            "t2",
            ["backend/app.py"],
            after={"backend/app.py": sha(b"new\n")},
        )
        ((_, line),) = commit_leftovers(repo, sd, writer, "proposal")
        assert "p-intent0002" in line
        assert git(repo, "log", "-n", "1", "--format=%s") == f"{AGENT}: {RECOVERED_SUMMARY}\n"
    finally:
        writer.close()


def test_interrupted_calls_say_what_happened_to_each(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", with_git=False)
    sd = state_dir(repo)
    ledger = ToolLedger(sd)
    ledger.mark_applying(AGENT, "t-cmd", "p-cmd", command=True)
    ledger.mark_applying(AGENT, "t-done", "p-done", paths=["backend/a.py"])
    ledger.mark_applying(AGENT, "t-none", "p-none", paths=["backend/b.py"])
    ledger.mark_applying(AGENT, "t-ok", "p-ok", paths=["backend/c.py"])
    ledger.record(AGENT, "t-ok", {"type": "tool_result", "tool_use_id": "t-ok", "content": "ok"})
    jn.record_completion(
        sd, proposal_id="p-done", agent=AGENT, tool_use_id="t-done", paths=["backend/a.py"]
    )
    assert interrupted_calls(ledger, sd) == []  # this process's own calls are in flight
    lines = [line for _, line in interrupted_calls(ToolLedger(sd), sd)]
    assert len(lines) == 3
    assert "command (proposal p-cmd)" in lines[0] and "may have run" in lines[0]
    assert "backend/a.py (proposal p-done) was applied in full" in lines[1]
    assert "backend/b.py (proposal p-none) was interrupted" in lines[2]
    assert "nothing of it was written" in lines[2]
