"""Every fault mode of the Messages API through the real ``agentdesk run --json`` (T42–T47, T51).

One small scenario each: the agent writes one new file in its Domain, then says it is done; the
scripted server breaks the first answer in one way. Retryable faults end in success with the
retry shown as an event and the file written exactly once; broken turns never become a
proposal; permanent errors stop after one request with a message that says what to do, and
nothing is written.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from agents.scripted.server import ScriptedServer
from tests.engine.repo_fixture import make_repo
from tests.redteam.forked import Outcome
from tests.redteam.harness import KEY, conversation_is_valid, run_agent, tool_use

TARGET = "backend/new.txt"
CONTENT = "hello from the agent\n"


def _scenario(fault: dict[str, Any] | None) -> dict[str, Any]:
    write = tool_use("Write", file_path=TARGET, content=CONTENT)
    first: dict[str, Any] = {"blocks": [{"text": "Writing the file."}, write]}
    if fault is not None:
        first["fault"] = fault
    return {"agents": {"backend-architect": {"steps": [first, {"text": "Done."}]}}}


def _run(tmp_path: Path, fault: dict[str, Any], **env: str) -> tuple[Outcome, ScriptedServer]:
    repo = make_repo(tmp_path / "repo")
    with ScriptedServer(_scenario(fault)) as server:
        out = run_agent(repo, server, tmp_path / "home", extra_env=env)
    return out, server


def _written_once(tmp_path: Path, out: Outcome) -> None:
    assert out.code == 0, out.stderr
    assert (tmp_path / "repo" / TARGET).read_text() == CONTENT
    assert len(out.of_type("tool_call")) == 1  # the broken attempt never reached the tools
    assert len(out.of_type("proposal_created")) == 1
    assert len(out.of_type("proposal_applied")) == 1
    assert len(out.of_type("committed")) == 1


def _requests_valid(server: ScriptedServer) -> None:
    for request in server.requests:
        assert KEY not in request.raw.decode("utf-8", "replace")
    conversation_is_valid(server.requests[-1].body["messages"])


def test_t42_rate_limit_waits_the_retry_after_then_succeeds(tmp_path: Path) -> None:
    out, server = _run(tmp_path, {"kind": "r429", "retry_after": 1, "times": 1})
    retries = out.of_type("retry_scheduled")
    assert [(r["attempt"], r["delay"]) for r in retries] == [(2, 1.0)]
    assert "rate limited" in retries[0]["reason"].lower()
    _written_once(tmp_path, out)
    assert len(server.requests) == 3  # 429, the retried turn, the final turn
    _requests_valid(server)


def test_t43_persistent_overload_stops_with_a_clear_error_and_writes_nothing(
    tmp_path: Path,
) -> None:
    out, server = _run(tmp_path, {"kind": "r529", "retry_after": 0.05, "times": 50})
    assert out.code == 1
    assert "overloaded" in out.stderr.lower()
    assert "after 5 attempts" in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1  # a one-line reason, no traceback
    assert len(out.of_type("retry_scheduled")) == 4
    assert len(server.requests) == 5
    assert not (tmp_path / "repo" / TARGET).exists()
    assert out.of_type("tool_call", "proposal_created", "tool_auto_approved") == []
    errors = out.of_type("agent_error")
    assert errors and "overloaded" in errors[-1]["message"].lower()
    # Nothing was lost: once the API is back, the next run carries on from the same
    # conversation (the first task and the new message both reach the model).
    with ScriptedServer(_scenario(None)) as server:
        again = run_agent(tmp_path / "repo", server, tmp_path / "home", prompt="try again")
    assert again.code == 0, again.stderr
    first_user = server.requests[0].body["messages"][0]["content"]
    assert [b["text"] for b in first_user] == ["go", "try again"]
    assert (tmp_path / "repo" / TARGET).read_text() == CONTENT


def test_t43_server_error_then_success(tmp_path: Path) -> None:
    out, server = _run(tmp_path, {"kind": "r500", "times": 1})
    assert len(out.of_type("retry_scheduled")) == 1
    _written_once(tmp_path, out)
    assert len(server.requests) == 3
    _requests_valid(server)


@pytest.mark.parametrize("kind", ["midstream_error", "truncated", "malformed"])
def test_t44_t45_t47_a_broken_stream_is_retried_and_never_proposed(
    tmp_path: Path, kind: str
) -> None:
    out, server = _run(tmp_path, {"kind": kind, "times": 1, "after_deltas": 2})
    assert len(out.of_type("retry_scheduled")) == 1
    _written_once(tmp_path, out)
    # The partial text of the broken attempt was streamed, then discarded: the turn that
    # reached the conversation is the retried one, whole.
    sent = server.requests[-1].body["messages"]
    assistant = [m for m in sent if m["role"] == "assistant"]
    assert assistant[0]["content"][0] == {"type": "text", "text": "Writing the file."}
    _requests_valid(server)


def test_t45_truncated_tool_call_never_becomes_a_proposal(tmp_path: Path) -> None:
    out, server = _run(tmp_path, {"kind": "truncated_tool", "times": 1})
    assert len(out.of_type("retry_scheduled")) == 1
    _written_once(tmp_path, out)
    (call,) = out.of_type("tool_call")
    assert call["input"] == {"file_path": TARGET, "content": CONTENT}
    _requests_valid(server)


def test_t46_max_tokens_inside_a_tool_call_is_refused_and_the_agent_told(tmp_path: Path) -> None:
    out, server = _run(tmp_path, {"kind": "max_tokens_tool", "times": 1})
    _written_once(tmp_path, out)
    bodies = [json.dumps(r.body["messages"]) for r in server.requests]
    assert "smaller steps" not in bodies[0]
    assert all("smaller steps" in b for b in bodies[1:])
    assert out.of_type("retry_scheduled") == []  # not a retry: the model is asked to go smaller
    _requests_valid(server)


def test_t46_a_model_that_always_overruns_stops_instead_of_looping(tmp_path: Path) -> None:
    out, server = _run(tmp_path, {"kind": "max_tokens_tool", "times": 50})
    assert out.code == 1
    assert "max_tokens" in out.stderr and "3 times in a row" in out.stderr
    assert len(server.requests) == 3
    assert not (tmp_path / "repo" / TARGET).exists()
    assert out.of_type("tool_call", "proposal_created", "tool_auto_approved") == []
    conversation_is_valid(server.requests[-1].body["messages"])


def test_t47_a_stalled_stream_times_out_and_is_retried(tmp_path: Path) -> None:
    started = time.monotonic()
    out, server = _run(
        tmp_path,
        {"kind": "stall", "times": 1, "after_deltas": 1, "seconds": 20},
        AGENTDESK_READ_TIMEOUT="0.5",
    )
    assert time.monotonic() - started < 15  # the 20 s stall was cut by the read timeout
    retries = out.of_type("retry_scheduled")
    assert len(retries) == 1 and "timeout" in retries[0]["reason"].lower()
    _written_once(tmp_path, out)
    _requests_valid(server)


@pytest.mark.parametrize(
    ("kind", "words"),
    [
        ("r400", "rejected the request"),
        ("r401", "ANTHROPIC_API_KEY"),
        ("r404", "Unknown model"),
        ("r413", "too large"),
    ],
)
def test_t51_permanent_errors_are_not_retried_and_say_what_to_do(
    tmp_path: Path, kind: str, words: str
) -> None:
    out, server = _run(tmp_path, {"kind": kind, "times": 50})
    assert out.code == 1
    assert words in out.stderr
    assert KEY not in out.stderr and KEY not in out.stdout
    assert len(out.stderr.strip().splitlines()) == 1
    assert len(server.requests) == 1
    assert out.of_type("retry_scheduled") == []
    assert not (tmp_path / "repo" / TARGET).exists()
