"""The tool-use ledger (T49): results stored before sending, markers settle after a crash."""

from __future__ import annotations

from pathlib import Path

import pytest

from agents.journal import record_completion
from agents.ledger import ToolLedger


def _r(tool_use_id: str, content: str, is_error: bool = False) -> dict[str, object]:
    return {
        "type": "tool_result",
        "tool_use_id": tool_use_id,
        "content": content,
        "is_error": is_error,
    }


def test_record_get_and_restart(tmp_path: Path) -> None:
    led = ToolLedger(tmp_path)
    assert led.get("be", "t1") is None
    led.record("be", "t1", _r("t1", "ok"))
    assert led.get("be", "t1") == _r("t1", "ok")
    assert led.get("fe", "t1") is None  # per agent
    assert ToolLedger(tmp_path).get("be", "t1") == _r("t1", "ok")
    assert (tmp_path / "ledger.jsonl").stat().st_mode & 0o777 == 0o600


def test_first_result_wins(tmp_path: Path) -> None:
    led = ToolLedger(tmp_path)
    led.record("be", "t1", _r("t1", "first"))
    led.record("be", "t1", _r("t1", "second"))
    assert led.get("be", "t1")["content"] == "first"  # type: ignore[index]
    assert ToolLedger(tmp_path).get("be", "t1")["content"] == "first"  # type: ignore[index]


def test_in_flight_marker_is_not_settled(tmp_path: Path) -> None:
    led = ToolLedger(tmp_path)
    led.mark_applying("be", "t1", "p-1", paths=["backend/a.py"])
    assert led.get("be", "t1") is None  # this process is still applying it
    assert led.interrupted() == []
    led.record("be", "t1", _r("t1", "Applied"))
    assert led.get("be", "t1") == _r("t1", "Applied")
    assert ToolLedger(tmp_path).interrupted() == []


def test_interrupted_and_completed_gives_promised_result(tmp_path: Path) -> None:
    led = ToolLedger(tmp_path)
    promised = _r("t1", "Applied: write backend/a.py")
    led.mark_applying("be", "t1", "p-1", paths=["backend/a.py"], result=promised)
    record_completion(
        tmp_path, proposal_id="p-1", agent="be", tool_use_id="t1", paths=["backend/a.py"]
    )
    resumed = ToolLedger(tmp_path)
    assert [m["proposal_id"] for m in resumed.interrupted()] == ["p-1"]
    assert resumed.get("be", "t1") == promised
    assert ToolLedger(tmp_path).get("be", "t1") == promised


def test_interrupted_and_completed_without_promise(tmp_path: Path) -> None:
    ToolLedger(tmp_path).mark_applying("be", "t1", "p-1")
    record_completion(
        tmp_path, proposal_id="p-1", agent="be", tool_use_id="t1", paths=["backend/a.py"]
    )
    got = ToolLedger(tmp_path).get("be", "t1")
    assert got == _r("t1", "Applied: backend/a.py")


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"paths": ["backend/a.py"]}, "nothing was written"),
        ({"command": True}, "may have run partly or fully"),
        ({}, "Check the current state"),
    ],
)
def test_interrupted_not_completed_is_an_error_result(
    tmp_path: Path, kwargs: dict[str, object], words: str
) -> None:
    ToolLedger(tmp_path).mark_applying("be", "t1", "p-1", **kwargs)  # type: ignore[arg-type]
    got = ToolLedger(tmp_path).get("be", "t1")
    assert got is not None and got["is_error"] is True
    assert words in got["content"] and "p-1" in got["content"]
    # recorded: a later completion mark does not change what the model was told
    record_completion(tmp_path, proposal_id="p-1", agent="be", tool_use_id="t1", paths=[])
    assert ToolLedger(tmp_path).get("be", "t1") == got


def test_torn_last_line_is_survived(tmp_path: Path) -> None:
    led = ToolLedger(tmp_path)
    led.record("be", "t1", _r("t1", "ok"))
    with open(tmp_path / "ledger.jsonl", "ab") as handle:
        handle.write(b'{"kind": "result", "agent": "be", "tool_use_id": "t2", "res')
    led2 = ToolLedger(tmp_path)
    assert led2.skipped_lines == 1
    assert led2.get("be", "t2") is None
    led2.record("be", "t2", _r("t2", "ok2"))
    assert ToolLedger(tmp_path).get("be", "t2") == _r("t2", "ok2")


def test_api_key_never_stored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-CANARY-0123456789")
    led = ToolLedger(tmp_path)
    led.record("be", "t1", _r("t1", "env says ANTHROPIC_API_KEY=sk-ant-CANARY-0123456789"))
    assert b"CANARY" not in (tmp_path / "ledger.jsonl").read_bytes()


def test_many_results_found_by_offset_after_restart(tmp_path: Path) -> None:
    led = ToolLedger(tmp_path)
    for n in range(40):
        led.record("be", f"t{n}", _r(f"t{n}", f"résultat {n} ✓ " * n))
        if n == 20:
            with open(tmp_path / "ledger.jsonl", "ab") as handle:
                handle.write(b'{"kind": "result", "ag')  # torn by a crash
    for ledger in (led, ToolLedger(tmp_path)):
        for n in range(40):
            assert ledger.get("be", f"t{n}") == _r(f"t{n}", f"résultat {n} ✓ " * n)
