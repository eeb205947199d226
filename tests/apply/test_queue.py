"""The approval queue: order, attribution, persistence, dedupe, restart, corrupt files."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from agents.proposal import FileChange, Proposal
from agents.queue import ApprovalQueue


def _p(agent: str = "be", tool_use_id: str = "t1", **kw: object) -> Proposal:
    return Proposal(
        agent=agent,
        tool="Write",
        tool_use_id=tool_use_id,
        input={"file_path": "backend/x.py"},
        summary=f"{agent} {tool_use_id}",
        changes=[FileChange("backend/x.py", None, b"\x00\xff binary-safe", "", "")],
        **kw,  # type: ignore[arg-type]
    )


def test_order_and_attribution(tmp_path: Path) -> None:
    q = ApprovalQueue(tmp_path)
    a = q.add(_p("be", "t1"))
    b = q.add(_p("fe", "t1"))
    c = q.add(_p("be", "t2"))
    assert [p.seq for p in (a, b, c)] == [1, 2, 3]
    assert [p.id for p in q.pending()] == [a.id, b.id, c.id]
    assert [p.id for p in q.pending("be")] == [a.id, c.id]
    assert q.oldest_pending() is a
    q.set_state(a.id, "approved")
    assert q.oldest_pending() is b
    assert q.get(b.id) is b and q.get("nope") is None


def test_persisted_before_add_returns_and_survives_restart(tmp_path: Path) -> None:
    q = ApprovalQueue(tmp_path)
    a = q.add(_p("be", "t1"))
    again = ApprovalQueue(tmp_path)  # what a crash right after add() would find
    loaded = again.get(a.id)
    assert loaded is not None
    assert loaded.changes[0].after == b"\x00\xff binary-safe"
    assert loaded.agent == "be" and loaded.seq == 1
    q.set_state(a.id, "rejected", "use the helper instead")
    restarted = ApprovalQueue(tmp_path)
    got = restarted.get(a.id)
    assert got is not None and (got.state, got.reason) == ("rejected", "use the helper instead")
    b = restarted.add(_p("be", "t2"))
    assert b.seq == 2  # sequence numbers never restart
    assert (tmp_path / "queue" / f"{b.seq:08d}-{b.id}.json").stat().st_mode & 0o777 == 0o600


def test_seq_keeps_growing_after_forget(tmp_path: Path) -> None:
    q = ApprovalQueue(tmp_path)
    for n in range(3):
        q.add(_p("be", f"t{n}"))
    for p in q.pending():
        q.set_state(p.id, "applied")
    q2 = ApprovalQueue(tmp_path)
    q2._session_start += 10  # everything above belongs to an earlier session
    q2.forget_decided()
    assert len(q2) == 0
    assert ApprovalQueue(tmp_path).add(_p("be", "t9")).seq == 4


def test_never_drops_or_overwrites(tmp_path: Path) -> None:
    q = ApprovalQueue(tmp_path)
    first = q.add(_p("be", "toolu_1"))
    same_call = _p("be", "toolu_1")
    assert q.add(same_call) is first  # same (agent, tool_use_id): the queued one wins
    clash = _p("fe", "toolu_9", id=first.id)
    assert q.add(clash) is first  # same id: not overwritten
    other_agent = q.add(_p("fe", "toolu_1"))  # tool_use ids are per agent
    assert other_agent is not first
    assert len(q) == 2
    assert q.find("be", "toolu_1") is first


def test_forget_decided_keeps_pending_and_current_session(tmp_path: Path) -> None:
    q = ApprovalQueue(tmp_path)
    keep_pending = q.add(_p("be", "t1"))
    keep_approved = q.add(_p("be", "t2"))
    drop = q.add(_p("be", "t3"))
    q.set_state(keep_approved.id, "approved")
    q.set_state(drop.id, "applied")
    q2 = ApprovalQueue(tmp_path)
    now_decided = q2.add(_p("be", "t4"))
    q2.set_state(now_decided.id, "rejected", "no")
    for p in q2.all():
        if p.id != now_decided.id:
            p.created_at -= 100  # made in an earlier session
    q2.forget_decided()
    ids = {p.id for p in ApprovalQueue(tmp_path).all()}
    assert ids == {keep_pending.id, keep_approved.id, now_decided.id}


def test_set_state_errors(tmp_path: Path) -> None:
    q = ApprovalQueue(tmp_path)
    a = q.add(_p())
    with pytest.raises(ValueError, match="unknown proposal state"):
        q.set_state(a.id, "maybe")
    with pytest.raises(KeyError):
        q.set_state("p-missing", "applied")
    assert q.get(a.id) is not None and q.get(a.id).state == "pending"  # type: ignore[union-attr]


def test_corrupt_proposal_file_kept_aside_with_warning(tmp_path: Path) -> None:
    q = ApprovalQueue(tmp_path)
    good = q.add(_p("be", "t1"))
    bad = q.add(_p("be", "t2"))
    torn = b'{"agent": "be", "tool": "Write", trunc'
    (tmp_path / "queue" / f"{bad.seq:08d}-{bad.id}.json").write_bytes(torn)
    q2 = ApprovalQueue(tmp_path)
    assert [p.id for p in q2.all()] == [good.id]
    kept = list((tmp_path / "queue").glob("*.corrupt-*"))
    assert len(kept) == 1 and kept[0].read_bytes() == torn
    assert len(q2.warnings) == 1 and kept[0].name in q2.warnings[0]
    assert q2.add(_p("be", "t3")).seq == 3  # the queue keeps working, seqs keep growing
    assert len(ApprovalQueue(tmp_path)) == 2
    assert kept[0].exists()


def test_proposal_file_with_bad_fields_kept_aside(tmp_path: Path) -> None:
    q = ApprovalQueue(tmp_path)
    a = q.add(_p("be", "t1"))
    path = tmp_path / "queue" / f"{a.seq:08d}-{a.id}.json"
    data = json.loads(path.read_text())
    path.write_text(json.dumps({**data, "state": "exploded"}))
    (tmp_path / "queue" / "p-other.json").write_text('{"agent": "be", "nonsense": true}')
    q2 = ApprovalQueue(tmp_path)
    assert len(q2) == 0 and len(q2.warnings) == 2
    assert all("not a proposal" in w for w in q2.warnings)


def test_corrupt_index_kept_aside_seq_from_proposals(tmp_path: Path) -> None:
    q = ApprovalQueue(tmp_path)
    for n in range(3):
        q.add(_p("be", f"t{n}"))
    (tmp_path / "queue.json").write_text("[1, 2, 3]")
    q2 = ApprovalQueue(tmp_path)
    assert len(q2) == 3 and "not a queue file" in q2.warnings[0]
    assert q2.add(_p("be", "t9")).seq == 4
    assert list(tmp_path.glob("queue.json.corrupt-*"))


def test_version_1_single_file_is_migrated(tmp_path: Path) -> None:
    old = _p("be", "t1")
    old.seq = 5
    (tmp_path / "queue.json").write_text(
        json.dumps({"version": 1, "next_seq": 6, "proposals": [old.to_json()]})
    )
    q = ApprovalQueue(tmp_path)
    assert [p.id for p in q.pending()] == [old.id]
    assert q.add(_p("be", "t2")).seq == 6
    assert ApprovalQueue(tmp_path).pending()[0].id == old.id


def test_subscribe_and_failing_listener(tmp_path: Path) -> None:
    q = ApprovalQueue(tmp_path)
    calls: list[int] = []
    unsubscribe = q.subscribe(lambda: calls.append(len(q.pending())))

    def broken() -> None:
        raise RuntimeError("listener bug")

    q.subscribe(broken)
    a = q.add(_p())
    q.set_state(a.id, "approved")
    unsubscribe()
    q.add(_p("be", "t2"))
    assert calls == [1, 0]
    assert any("listener bug" in w for w in q.warnings)


def test_failed_persist_leaves_queue_unchanged(tmp_path: Path) -> None:
    q = ApprovalQueue(tmp_path / "missing" / "state")
    with pytest.raises(OSError):
        q.add(_p())
    assert len(q) == 0 and q.pending() == []


def test_concurrent_adds_get_unique_ordered_seqs(tmp_path: Path) -> None:
    q = ApprovalQueue(tmp_path)

    def worker(agent: str) -> None:
        for n in range(15):
            q.add(_p(agent, f"t{n}"))

    threads = [threading.Thread(target=worker, args=(f"a{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seqs = [p.seq for p in ApprovalQueue(tmp_path).pending()]
    assert seqs == list(range(1, 61))


def test_api_key_never_reaches_the_queue_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-api03-QUEUECANARY1")
    p = _p()
    p.input = {"content": "key = 'sk-ant-api03-QUEUECANARY1'"}
    ApprovalQueue(tmp_path).add(p)
    for path in (tmp_path / "queue").iterdir():
        assert b"QUEUECANARY1" not in path.read_bytes()
