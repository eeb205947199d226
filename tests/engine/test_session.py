"""The session loop in process, against the scripted server: resume, cancel, faults."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from agents.events import Event, ProposalCreated, RetryScheduled
from agents.proposal import Decision
from agents.scripted.server import ScriptedServer
from agents.workspace import Workspace
from tests.engine.repo_fixture import agentdesk_env, make_repo
from tests.engine.review_helpers import EDIT, READ
from tests.engine.review_helpers import open_ws as _workspace
from tests.engine.review_helpers import until as _until


def _valid_conversation(messages: list[dict[str, Any]]) -> None:
    """Every tool_use is answered by a tool_result in the next message; roles alternate."""
    for i, message in enumerate(messages):
        if i:
            assert message["role"] != messages[i - 1]["role"], f"roles repeat at {i}"
        uses = [
            b["id"]
            for b in message.get("content", [])
            if isinstance(b, dict) and b.get("type") == "tool_use"
        ]
        if uses and i + 1 < len(messages):
            answered = {
                b.get("tool_use_id")
                for b in messages[i + 1]["content"]
                if isinstance(b, dict) and b.get("type") == "tool_result"
            }
            assert set(uses) <= answered


@pytest.fixture
async def repo(tmp_path: Path) -> AsyncIterator[Path]:
    yield make_repo(tmp_path / "repo")


async def test_quit_and_relaunch_resumes_a_pending_proposal(repo: Path, tmp_path: Path) -> None:
    scenario = {
        "agents": {
            "backend-architect": {
                "steps": [{"blocks": [READ]}, {"blocks": [EDIT]}, {"text": "Done."}]
            }
        }
    }
    with ScriptedServer(scenario) as server:
        ws = _workspace(repo, server, tmp_path / "home")
        await ws.start(watch=False)
        ws.send("backend-architect", "make it NEW")
        await _until(lambda: bool(ws.queue.pending("backend-architect")))
        pending_id = ws.queue.pending()[0].id
        await ws.close()  # the person quits with a proposal pending

        again = _workspace(repo, server, tmp_path / "home")
        rt = again.runtime("backend-architect")
        assert [p.id for p in again.queue.pending()] == [pending_id]
        assert rt.state == "needs_you"
        assert any(e.kind == "user" and "make it NEW" in e.text for e in rt.entries)
        await again.start(watch=False)
        await again.decide(pending_id, Decision("approve"))
        assert rt.session is not None
        await asyncio.wait_for(rt.session.finished.wait(), 15)
        assert (repo / "backend" / "app.py").read_text().endswith('return "NEW"\n')
        assert rt.state in ("idle", "done")
        _valid_conversation(rt.session.messages)
        await again.close()


async def test_cancel_kills_a_running_command_and_keeps_the_conversation_valid(
    repo: Path, tmp_path: Path
) -> None:
    sleep = {"tool_use": {"name": "Bash", "input": {"command": "sleep 30", "description": "wait"}}}
    scenario = {"agents": {"backend-architect": {"steps": [{"blocks": [sleep]}, {"text": "ok"}]}}}
    with ScriptedServer(scenario) as server:
        ws = _workspace(repo, server, tmp_path / "home")
        await ws.start(watch=False)
        ws.send("backend-architect", "wait a while")
        await _until(lambda: bool(ws.queue.pending()))
        await ws.decide(ws.queue.pending()[0].id, Decision("approve"))
        rt = ws.runtime("backend-architect")
        await asyncio.sleep(0.3)
        started = asyncio.get_running_loop().time()
        ws.cancel("backend-architect")
        assert rt.session is not None
        await asyncio.wait_for(rt.session.finished.wait(), 5)
        assert asyncio.get_running_loop().time() - started < 3
        assert rt.state == "idle"
        last = rt.session.messages[-1]
        assert last["role"] == "user"
        assert "interrupted" in last["content"][0]["content"]
        _valid_conversation(rt.session.messages)
        # The agent can be given more work afterwards.
        ws.send("backend-architect", "carry on")
        await asyncio.wait_for(rt.session.finished.wait(), 10)
        _valid_conversation(rt.session.messages)
        await ws.close()


@pytest.mark.parametrize("kind", ["truncated_tool", "midstream_error", "malformed", "truncated"])
async def test_a_broken_turn_is_retried_and_never_becomes_a_proposal(
    repo: Path, tmp_path: Path, kind: str
) -> None:
    scenario = {
        "agents": {
            "backend-architect": {
                "steps": [
                    {"blocks": [READ]},
                    {"blocks": [{"text": "Editing."}, EDIT], "fault": {"kind": kind, "times": 1}},
                    {"text": "Done."},
                ]
            }
        }
    }
    with ScriptedServer(scenario) as server:
        ws = _workspace(repo, server, tmp_path / "home")
        events: list[Event] = []
        ws.bus.subscribe(events.append)
        await ws.start(watch=False)
        ws.send("backend-architect", "go")
        await _until(lambda: bool(ws.queue.pending()))
        created = [e for e in events if isinstance(e, ProposalCreated)]
        assert len(created) == 1  # the broken attempt produced nothing
        assert any(isinstance(e, RetryScheduled) for e in events)
        proposal = ws.queue.pending()[0]
        assert proposal.changes[0].after_text.endswith('return "NEW"\n')
        await ws.decide(proposal.id, Decision("reject", reason="not now"))
        rt = ws.runtime("backend-architect")
        assert rt.session is not None
        await asyncio.wait_for(rt.session.finished.wait(), 10)
        await ws.close()


async def test_persistent_failure_stops_with_an_error_and_no_proposal(
    repo: Path, tmp_path: Path
) -> None:
    scenario = {
        "agents": {
            "backend-architect": {
                "steps": [{"blocks": [EDIT], "fault": {"kind": "truncated_tool", "times": 50}}]
            }
        }
    }
    with ScriptedServer(scenario) as server:
        ws = _workspace(repo, server, tmp_path / "home")
        await ws.start(watch=False)
        ws.send("backend-architect", "go")
        rt = ws.runtime("backend-architect")
        assert rt.session is not None
        await asyncio.wait_for(rt.session.finished.wait(), 15)
        assert rt.state == "error"
        assert ws.queue.pending() == []
        assert rt.session.messages[-1]["role"] == "user"  # nothing partial was appended
        await ws.close()


async def test_unauthorised_key_is_not_retried_and_says_what_to_do(
    repo: Path, tmp_path: Path
) -> None:
    scenario = {
        "agents": {
            "backend-architect": {"steps": [{"text": "hi", "fault": {"kind": "r401", "times": 5}}]}
        }
    }
    with ScriptedServer(scenario) as server:
        ws = _workspace(repo, server, tmp_path / "home")
        await ws.start(watch=False)
        ws.send("backend-architect", "go")
        rt = ws.runtime("backend-architect")
        assert rt.session is not None
        await asyncio.wait_for(rt.session.finished.wait(), 10)
        assert rt.state == "error"
        assert "key" in rt.state_detail.lower()
        assert len(server.requests) == 1
        await ws.close()


async def test_max_tokens_inside_a_tool_call_asks_for_smaller_steps(
    repo: Path, tmp_path: Path
) -> None:
    scenario = {
        "agents": {
            "backend-architect": {
                "steps": [
                    {"blocks": [EDIT], "fault": {"kind": "max_tokens_tool", "times": 1}},
                    {"text": "I'll go smaller."},
                ]
            }
        }
    }
    with ScriptedServer(scenario) as server:
        ws = _workspace(repo, server, tmp_path / "home")
        await ws.start(watch=False)
        ws.send("backend-architect", "go")
        rt = ws.runtime("backend-architect")
        assert rt.session is not None
        await asyncio.wait_for(rt.session.finished.wait(), 10)
        assert ws.queue.pending() == []
        sent = str(server.requests[-1].body["messages"])
        assert "smaller steps" in sent
        await ws.close()


async def test_only_reads_outside_the_domain_mark_later_proposals(
    repo: Path, tmp_path: Path
) -> None:
    """Reading its own files is routine; reading the README (not its Domain) taints (T60)."""
    readme = {"tool_use": {"name": "Read", "input": {"file_path": "PROGRESS.md"}}}
    scenario = {
        "agents": {
            "backend-architect": {
                "steps": [
                    {"blocks": [READ]},
                    {"blocks": [EDIT]},
                    {"blocks": [readme]},
                    {
                        "blocks": [
                            {
                                "tool_use": {
                                    "name": "Write",
                                    "input": {"file_path": "backend/new.py", "content": "x = 1\n"},
                                }
                            }
                        ]
                    },
                    {"text": "Done."},
                ]
            }
        }
    }
    with ScriptedServer(scenario) as server:
        ws = _workspace(repo, server, tmp_path / "home")
        await ws.start(watch=False)
        ws.send("backend-architect", "go")
        await _until(lambda: bool(ws.queue.pending()))
        first = ws.queue.pending()[0]
        assert "after_untrusted_read" not in first.flags
        await ws.decide(first.id, Decision("approve"))
        await _until(lambda: any(p.id != first.id for p in ws.queue.pending()))
        second = ws.queue.pending()[0]
        assert "after_untrusted_read" in second.flags
        await ws.decide(second.id, Decision("reject", reason="no"))
        rt = ws.runtime("backend-architect")
        assert rt.session is not None
        await asyncio.wait_for(rt.session.finished.wait(), 10)
        await ws.close()


async def test_an_agent_waiting_on_its_own_blocker_rests_as_blocked(
    repo: Path, tmp_path: Path
) -> None:
    raise_it = {"tool_use": {"name": "RaiseBlocker", "input": {"text": "Need the DB choice"}}}
    scenario = {
        "agents": {
            "backend-architect": {
                "steps": [{"blocks": [raise_it]}, {"text": "Waiting for the answer."}]
            }
        }
    }
    with ScriptedServer(scenario) as server:
        ws = _workspace(repo, server, tmp_path / "home")
        await ws.start(watch=False)
        ws.send("backend-architect", "go")
        rt = ws.runtime("backend-architect")
        assert rt.session is not None
        await asyncio.wait_for(rt.session.finished.wait(), 10)
        assert rt.state == "blocked"
        await ws.close()


async def test_a_budget_pauses_the_agent(repo: Path, tmp_path: Path) -> None:
    (repo / "agentdesk.yaml").write_text(
        "overrides:\n  backend-architect: {budget_usd: 0.000001}\n"
    )
    scenario = {
        "agents": {
            "backend-architect": {
                "steps": [{"blocks": [READ]}, {"blocks": [READ]}, {"text": "Done."}]
            }
        }
    }
    with ScriptedServer(scenario) as server:
        ws = _workspace(repo, server, tmp_path / "home")
        rt = ws.runtime("backend-architect")
        assert rt.budget_usd == 0.000001
        await ws.start(watch=False)
        ws.send("backend-architect", "go")
        assert rt.session is not None
        await asyncio.wait_for(rt.session.finished.wait(), 10)
        assert rt.state == "paused"
        assert len(server.requests) == 1  # the first turn spent the budget; no second call
        await ws.close()


def test_opening_reads_no_conversation_and_only_the_shown_tail_of_entries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Open runs before the desk's first frame: a long session must not be decoded there."""
    from agents.runtime import MAX_ENTRIES
    from agents.state_dir import state_dir
    from agents.transcript import TranscriptEntry, TranscriptStore

    repo = make_repo(tmp_path / "repo", with_git=False)
    store = TranscriptStore(state_dir(repo), "backend-architect")
    for i in range(MAX_ENTRIES + 50):
        store.append_entry(TranscriptEntry("assistant", f"entry {i}"))
    store.append_message({"role": "user", "content": [{"type": "text", "text": "hi"}]})
    calls: list[str] = []
    original = TranscriptStore.load_messages

    def spy(self: TranscriptStore) -> list[dict[str, Any]]:
        calls.append("load")
        return original(self)

    monkeypatch.setattr(TranscriptStore, "load_messages", spy)
    ws = Workspace.open(repo, env=agentdesk_env("http://127.0.0.1:9", tmp_path / "home"))
    rt = ws.runtime("backend-architect")
    assert calls == []
    assert len(rt.entries) == MAX_ENTRIES
    assert rt.entries[-1].text == f"entry {MAX_ENTRIES + 49}"
    assert rt.session is not None and rt.session.messages[0]["role"] == "user"
    assert calls == ["load"]


def test_messages_with_unicode_line_separators_survive_a_reload(tmp_path: Path) -> None:
    """U+2028, U+2029 and U+0085 are written raw in JSON lines; reading must not split there."""
    from agents.transcript import TranscriptStore

    store = TranscriptStore(tmp_path / "state", "backend-architect")
    texts = ["a\u2028b", "x\x85y", "p\u2029q", "ok"]
    for text in texts:
        store.append_message({"role": "user", "content": text})
    assert [m["content"] for m in store.load_messages()] == texts
