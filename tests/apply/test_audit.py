"""The audit log (T53): metadata only, 0600, nothing secret."""

from __future__ import annotations

from pathlib import Path

import pytest

from agents.audit import AuditLog
from agents.proposal import Decision, FileChange, Proposal

CANARY = "CANARY-file-content-7f3a9b"


def _proposal() -> Proposal:
    body = f"SECRET = '{CANARY}'\n" * 200
    return Proposal(
        agent="be",
        tool="Write",
        tool_use_id="t1",
        input={"file_path": "backend/a.py", "content": body},
        summary="write backend/a.py",
        changes=[FileChange("backend/a.py", "ab" * 32, body.encode(), "", body)],
        diff=f"+{body}",
        flags=("new_file",),
        seq=7,
    )


def test_decision_record_has_metadata_and_no_content(tmp_path: Path) -> None:
    log = AuditLog(tmp_path)
    prop = _proposal()
    log.record_decision(prop, Decision("approve", edited={"backend/a.py": CANARY}), rule="ask")
    log.record_decision(prop, Decision("reject", reason="wrong file"))
    raw = (tmp_path / "audit.jsonl").read_bytes()
    assert CANARY.encode() not in raw
    assert (tmp_path / "audit.jsonl").stat().st_mode & 0o777 == 0o600
    first, second = log.entries()
    assert first["agent"] == "be" and first["action"] == "approve"
    assert first["proposal_id"] == prop.id and first["tool"] == "Write"
    assert first["paths"] == ["backend/a.py"] and first["rule"] == "ask"
    assert first["file_0_before_sha256"] == "ab" * 32
    assert first["file_0_after_bytes"] == len(prop.changes[0].after)
    assert first["edited"] == ["backend/a.py"]
    assert first["at"] and first["by"] == "person"
    assert second["action"] == "reject" and second["reason"] == "wrong file"


def test_command_is_hashed_not_logged(tmp_path: Path) -> None:
    log = AuditLog(tmp_path)
    prop = Proposal("be", "Bash", "t2", {}, "run", command=f"curl -H 'token: {CANARY}' x")
    log.record_decision(prop, Decision("approve"))
    assert CANARY.encode() not in (tmp_path / "audit.jsonl").read_bytes()
    assert len(log.entries()[0]["command_sha256"]) == 64


def test_extra_is_flattened_and_capped(tmp_path: Path) -> None:
    log = AuditLog(tmp_path)
    log.record(
        agent="be",
        action="auto_approve",
        rule="acceptEdits",
        by="policy",
        extra={
            "size": 12,
            "nested": {"content": {"deep": CANARY}},
            "long": "x" * 5000 + CANARY,
            "obj": object(),
            "agent": "spoofed",
        },
    )
    entry = log.entries()[0]
    assert CANARY.encode() not in (tmp_path / "audit.jsonl").read_bytes()
    assert entry["size"] == 12 and entry["nested"] == {}
    assert len(entry["long"]) < 600 and entry["obj"] == "object"
    assert entry["agent"] == "be"  # extra cannot overwrite the core fields


def test_api_key_redacted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-api03-CANARYKEY99")
    AuditLog(tmp_path).record(agent="be", action="reject", reason="key sk-ant-api03-CANARYKEY99")
    assert b"CANARYKEY99" not in (tmp_path / "audit.jsonl").read_bytes()


def test_entries_empty_and_torn(tmp_path: Path) -> None:
    log = AuditLog(tmp_path)
    assert log.entries() == []
    log.record(agent="be", action="approve")
    with open(tmp_path / "audit.jsonl", "ab") as handle:
        handle.write(b'{"agent": "be", "act')
    log.record(agent="be", action="reject")
    assert [e["action"] for e in log.entries()] == ["approve", "reject"]
