"""Startup recovery of journals left by a crash, including the cases it must not guess at."""

from __future__ import annotations

from pathlib import Path

import pytest

from agents import journal as jn
from agents.apply import Applier
from agents.state_dir import state_dir
from tests.apply.helpers import sha

OLD_A, NEW_A = b"old a\n", b"new a\n"
OLD_B, NEW_B = b"old b\n", b"new b\n"
NEW_C = b"brand new c\n"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "backend").mkdir(parents=True)
    (root / "backend/a.py").write_bytes(OLD_A)
    (root / "backend/b.py").write_bytes(OLD_B)
    return root


def _journal(root: Path, pid: str = "p-0000000001") -> jn.Journal:
    return jn.begin(
        state_dir(root),
        proposal_id=pid,
        agent="be",
        tool_use_id="t1",
        files=[
            ("backend/a.py", sha(OLD_A), NEW_A, None, OLD_A),
            ("backend/b.py", sha(OLD_B), NEW_B, None, OLD_B),
            ("backend/c.py", None, NEW_C, None, None),
        ],
    )


def _recover(root: Path) -> list[str]:
    return Applier(root, state_dir(root), fault="").recover()


def _files(root: Path) -> tuple[bytes | None, ...]:
    return tuple(
        (root / rel).read_bytes() if (root / rel).exists() else None
        for rel in ("backend/a.py", "backend/b.py", "backend/c.py")
    )


def test_nothing_to_do(root: Path) -> None:
    assert _recover(root) == []


def test_rolls_forward_a_half_applied_proposal(root: Path) -> None:
    _journal(root)
    (root / "backend/a.py").write_bytes(NEW_A)  # the crash came after file 1
    lines = _recover(root)
    assert lines == [
        "Recovered p-0000000001: completed an interrupted apply of 3 files "
        "(backend/a.py, backend/b.py, backend/c.py)"
    ]
    assert _files(root) == (NEW_A, NEW_B, NEW_C)
    assert "p-0000000001" in jn.load_completions(state_dir(root))
    assert _recover(root) == []


def test_rolls_back_an_interrupted_rollback(root: Path) -> None:
    journal = _journal(root)
    journal.state = "rolling_back"
    journal.save()
    (root / "backend/a.py").write_bytes(NEW_A)
    (root / "backend/c.py").write_bytes(NEW_C)
    lines = _recover(root)
    assert lines[0].startswith("Recovered p-0000000001: rolled back an interrupted apply of 3")
    assert _files(root) == (OLD_A, OLD_B, None)
    assert "p-0000000001" not in jn.load_completions(state_dir(root))


def test_conflict_touches_nothing_and_keeps_the_journal(root: Path) -> None:
    _journal(root)
    (root / "backend/a.py").write_bytes(NEW_A)
    (root / "backend/b.py").write_bytes(b"the person's own edit\n")
    lines = _recover(root)
    assert len(lines) == 1
    assert lines[0].startswith("Recovery of p-0000000001 needs you: backend/b.py changed")
    assert ".agentdesk/journal/kept/p-0000000001-" in lines[0]
    assert _files(root) == (NEW_A, b"the person's own edit\n", None)
    kept = next((root / ".agentdesk/journal/kept").iterdir())
    blobs = (kept / "p-0000000001.blobs").read_bytes()
    assert blobs == NEW_A + OLD_A + NEW_B + OLD_B + NEW_C
    assert _recover(root) == []  # reported once; the kept copy is the person's now


def test_damaged_blob_touches_nothing(root: Path) -> None:
    journal = _journal(root)
    with open(journal.blobs_path, "r+b") as handle:  # file 1's new content is stored second
        handle.seek(journal.files[1].new_at[0])
        handle.write(b"bit rot")
    lines = _recover(root)
    assert "needs you" in lines[0] and "damaged" in lines[0]
    assert _files(root) == (OLD_A, OLD_B, None)


def test_corrupt_journal_is_reported_not_raised(root: Path) -> None:
    directory = jn.journal_dir(state_dir(root))
    (directory / "p-bad.json").write_bytes(b'{"proposal_id": "p-bad", "files": [')
    (directory / "p-bad.blobs").write_bytes(b"x")
    (directory / "p-odd.json").write_text('{"proposal_id": "p-other", "files": []}')
    lines = _recover(root)
    assert len(lines) == 2
    assert all("is unreadable" in line and "no file was touched" in line for line in lines)
    assert _files(root) == (OLD_A, OLD_B, None)
    assert sorted(p.name for p in directory.iterdir()) == ["kept"]
    assert _recover(root) == []


def test_unfinished_journal_is_discarded(root: Path) -> None:
    journal = _journal(root)
    journal.json_path.unlink()  # the crash came before the record was committed
    lines = _recover(root)
    assert lines == [
        "Recovered p-0000000001: discarded an unfinished journal; no file had been written"
    ]
    assert not journal.blobs_path.exists()
    assert _files(root) == (OLD_A, OLD_B, None)


def test_completed_proposal_journal_is_cleaned(root: Path) -> None:
    journal = _journal(root)
    for rel, data in (("backend/a.py", NEW_A), ("backend/b.py", NEW_B), ("backend/c.py", NEW_C)):
        (root / rel).write_bytes(data)
    jn.record_completion(
        state_dir(root), proposal_id=journal.proposal_id, agent="be", tool_use_id="t1", paths=[]
    )
    lines = _recover(root)
    assert lines[0].startswith("Recovered p-0000000001: cleaned up after a completed apply")
    assert not journal.json_path.exists() and not journal.blobs_path.exists()


def test_unsafe_proposal_id_gets_a_safe_journal_name(root: Path) -> None:
    journal = _journal(root, pid="../../etc/passwd")
    assert journal.json_path.parent == root / ".agentdesk/journal"
    assert journal.key.startswith("x-")
    lines = _recover(root)
    assert "completed an interrupted apply" in lines[0]
    assert _files(root) == (NEW_A, NEW_B, NEW_C)


def test_orphaned_temp_files_are_swept_and_reported(root: Path) -> None:
    state_dir(root)
    (root / "backend/.a.py.agentdesk-0123456789ab.tmp").write_bytes(b"half")
    (root / ".agentdesk/.queue.json.agentdesk-ba9876543210.tmp").write_bytes(b"{")
    lines = _recover(root)
    assert lines == [
        "Removed 2 orphaned temp files left by an interrupted write: "
        ".agentdesk/.queue.json.agentdesk-ba9876543210.tmp, "
        "backend/.a.py.agentdesk-0123456789ab.tmp"
    ]
    assert not list(root.rglob("*.tmp"))
