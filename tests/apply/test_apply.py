"""Applying: CAS (T11, T27), apply-time checks, rollback, concurrency (T20), no double apply."""

from __future__ import annotations

import os
import subprocess
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import agents.apply as apply_mod
from agents.apply import Applier, ApplyError
from agents.proposal import Decision, FileChange
from agents.state_dir import state_dir
from tests.apply.helpers import guard, proposal, sha

APPROVE = Decision("approve")


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "backend").mkdir(parents=True)
    (root / "backend/app.py").write_bytes(b"v1\n")
    (root / "backend/models.py").write_bytes(b"models v1\n")
    (root / "frontend").mkdir()
    (root / "frontend/ui.tsx").write_bytes(b"ui\n")
    return root


def _applier(root: Path) -> Applier:
    return Applier(root, state_dir(root), fault="")


def _journal_empty(root: Path) -> bool:
    journal = root / ".agentdesk" / "journal"
    return not journal.exists() or [p.name for p in journal.iterdir()] in ([], ["kept"])


def test_cas_rejects_stale_approval(root: Path) -> None:
    """T11: approve v1, the file becomes v1', apply → rejected, file == v1'."""
    prop = proposal(root, {"backend/app.py": b"v2\n"})
    (root / "backend/app.py").write_bytes(b"v1-prime\n")
    with pytest.raises(ApplyError) as err:
        _applier(root).apply(prop, APPROVE, guard(root))
    assert err.value.stale
    assert err.value.reason == (
        "backend/app.py changed since the diff was shown; nothing was written"
    )
    assert (root / "backend/app.py").read_bytes() == b"v1-prime\n"
    assert _journal_empty(root)


def test_multi_file_stale_writes_nothing(root: Path) -> None:
    prop = proposal(
        root,
        {"backend/app.py": b"v2\n", "backend/models.py": b"m2\n", "backend/new.py": b"n\n"},
    )
    (root / "backend/models.py").unlink()
    (root / "backend/new.py").write_bytes(b"someone else\n")
    with pytest.raises(ApplyError) as err:
        _applier(root).apply(prop, APPROVE, guard(root))
    assert err.value.stale
    assert "backend/models.py was deleted" in err.value.reason
    assert "backend/new.py was created" in err.value.reason
    assert (root / "backend/app.py").read_bytes() == b"v1\n"
    assert (root / "backend/new.py").read_bytes() == b"someone else\n"


def test_bash_change_while_edit_pending_makes_it_stale(root: Path) -> None:
    """T27: a pending Edit, then an approved command appends to the file, then the Edit."""
    prop = proposal(root, {"backend/app.py": b"v1\nedited\n"})
    subprocess.run(["bash", "-c", "echo more >> backend/app.py"], cwd=root, check=True)
    with pytest.raises(ApplyError) as err:
        _applier(root).apply(prop, APPROVE, guard(root))
    assert err.value.stale and "backend/app.py changed" in err.value.reason
    assert (root / "backend/app.py").read_bytes() == b"v1\nmore\n"


def test_apply_writes_all_files_and_new_dirs(root: Path) -> None:
    os.chmod(root / "backend/app.py", 0o750)
    prop = proposal(root, {"backend/app.py": b"v2\n", "backend/deep/er/new.py": b"x = 1\n"})
    result = _applier(root).apply(prop, APPROVE, guard(root))
    assert result.paths == ("backend/app.py", "backend/deep/er/new.py")
    assert not result.recovered
    assert (root / "backend/app.py").read_bytes() == b"v2\n"
    assert os.stat(root / "backend/app.py").st_mode & 0o777 == 0o750
    assert (root / "backend/deep/er/new.py").read_bytes() == b"x = 1\n"
    assert _journal_empty(root)
    assert not list(root.rglob("*.tmp"))


@pytest.mark.parametrize(
    ("rel", "words"),
    [
        ("frontend/ui.tsx", "outside"),
        (".git/hooks/pre-commit", "protected"),
        (".agentdesk/queue.json", "protected"),
        ("backend/../frontend/ui.tsx", ".."),
    ],
)
def test_apply_time_revalidation(root: Path, rel: str, words: str) -> None:
    """A proposal that names a path its agent may not write is refused at apply time."""
    prop = proposal(root, {"backend/app.py": b"v2\n"})
    prop.changes.append(FileChange(rel, None, b"evil\n", "", "evil\n"))
    with pytest.raises(ApplyError) as err:
        _applier(root).apply(prop, APPROVE, guard(root))
    assert not err.value.stale and words in err.value.reason
    assert (root / "backend/app.py").read_bytes() == b"v1\n"
    assert (root / "frontend/ui.tsx").read_bytes() == b"ui\n"


def test_symlink_swapped_in_after_proposal_is_refused(root: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    prop = proposal(root, {"backend/sub/x.py": b"x\n"})
    (root / "backend/sub").symlink_to(outside)
    with pytest.raises(ApplyError):
        _applier(root).apply(prop, APPROVE, guard(root))
    assert list(outside.iterdir()) == []


def test_failure_mid_apply_rolls_back_written_files(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """File 2 changes between the pre-check and its write: file 1 is restored, file 3 unborn."""
    prop = proposal(
        root,
        {"backend/app.py": b"v2\n", "backend/models.py": b"m2\n", "backend/new.py": b"n\n"},
    )
    real_write = apply_mod.atomic_write

    def racing_write(root_: Path, rel: str, data: bytes, **kw: object) -> None:
        if rel == "backend/models.py":
            (root / rel).write_bytes(b"the person saved this\n")
        real_write(root_, rel, data, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(apply_mod, "atomic_write", racing_write)
    with pytest.raises(ApplyError) as err:
        _applier(root).apply(prop, APPROVE, guard(root))
    assert err.value.stale
    assert err.value.reason == (
        "backend/models.py changed since the diff was shown; nothing was written"
    )
    assert (root / "backend/app.py").read_bytes() == b"v1\n"
    assert (root / "backend/models.py").read_bytes() == b"the person saved this\n"
    assert not (root / "backend/new.py").exists()
    assert _journal_empty(root)


def test_failed_rollback_keeps_journal_for_the_person(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    prop = proposal(root, {"backend/app.py": b"v2\n", "backend/models.py": b"m2\n"})
    real_write = apply_mod.atomic_write

    def racing_write(root_: Path, rel: str, data: bytes, **kw: object) -> None:
        if rel == "backend/models.py":
            (root / "backend/app.py").write_bytes(b"edited after our write\n")
            raise OSError(28, "No space left on device")
        real_write(root_, rel, data, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(apply_mod, "atomic_write", racing_write)
    with pytest.raises(ApplyError) as err:
        _applier(root).apply(prop, APPROVE, guard(root))
    assert "No space left on device" in err.value.reason
    assert "could not all be restored" in err.value.reason
    assert ".agentdesk/journal/kept/" in err.value.reason
    assert (root / "backend/app.py").read_bytes() == b"edited after our write\n"
    kept = list((root / ".agentdesk/journal/kept").iterdir())
    assert len(kept) == 1


def test_same_proposal_is_never_applied_twice(root: Path) -> None:
    prop = proposal(root, {"backend/app.py": b"v2\n"})
    applier = _applier(root)
    applier.apply(prop, APPROVE, guard(root))
    inode = os.stat(root / "backend/app.py").st_ino
    again = applier.apply(prop, APPROVE, guard(root))
    assert again.recovered and again.paths == ("backend/app.py",)
    assert Applier(root, state_dir(root), fault="").apply(prop, APPROVE, guard(root)).recovered
    assert os.stat(root / "backend/app.py").st_ino == inode


def test_concurrent_applies_to_one_file_serialise(root: Path) -> None:
    """T20: N proposals made against the same v1 race; exactly one wins, the rest are stale."""
    applier = _applier(root)
    g = guard(root)
    props = [proposal(root, {"backend/app.py": f"v{n}\n".encode()}) for n in range(2, 12)]
    outcomes: dict[str, str] = {}
    barrier = threading.Barrier(len(props))

    def run(prop_index: int) -> None:
        prop = props[prop_index]
        barrier.wait()
        try:
            applier.apply(prop, APPROVE, g)
            outcomes[prop.id] = "applied"
        except ApplyError as exc:
            outcomes[prop.id] = "stale" if exc.stale else f"error {exc.reason}"

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(props))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    winners = [p for p in props if outcomes[p.id] == "applied"]
    assert len(winners) == 1
    assert sorted(outcomes.values()).count("stale") == len(props) - 1
    assert (root / "backend/app.py").read_bytes() == winners[0].changes[0].after


def test_concurrent_chain_has_no_lost_update(root: Path) -> None:
    """T20: each thread proposes against what it last saw and retries when stale."""
    applier = _applier(root)
    g = guard(root)
    target = root / "backend/app.py"

    def appender(tag: str) -> None:
        for n in range(5):
            while True:
                old = target.read_bytes()
                prop = proposal(root, {"backend/app.py": old + f"{tag}{n}\n".encode()})
                if prop.changes[0].before_sha256 != sha(old):
                    continue  # the file moved between our two reads
                try:
                    applier.apply(prop, APPROVE, g)
                    break
                except ApplyError as exc:
                    assert exc.stale

    threads = [threading.Thread(target=appender, args=(t,)) for t in "abc"]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    lines = target.read_bytes().decode().split()
    assert lines[0] == "v1"
    assert sorted(lines[1:]) == sorted(f"{t}{n}" for t in "abc" for n in range(5))
    for tag in "abc":  # each writer's own order is kept: a serial order of all writes
        mine = [line for line in lines if line.startswith(tag)]
        assert mine == [f"{tag}{n}" for n in range(5)]


def test_command_and_reject_are_not_applied(root: Path) -> None:
    prop = proposal(root, {"backend/app.py": b"v2\n"})
    with pytest.raises(ApplyError, match="rejected"):
        _applier(root).apply(prop, Decision("reject", reason="no"), guard(root))
    prop.changes = []
    prop.command = "ls"
    with pytest.raises(ApplyError, match="changes no file"):
        _applier(root).apply(prop, APPROVE, guard(root))
    assert (root / "backend/app.py").read_bytes() == b"v1\n"


def test_same_file_twice_is_refused(root: Path) -> None:
    prop = proposal(root, {"backend/app.py": b"v2\n"})
    prop.changes.append(prop.changes[0])
    with pytest.raises(ApplyError, match="same file twice"):
        _applier(root).apply(prop, APPROVE, guard(root))


def test_journal_failure_writes_nothing(root: Path) -> None:
    sd = state_dir(root)
    (sd / "journal").write_bytes(b"not a directory")
    (sd / "applied.jsonl").mkdir()
    two = proposal(root, {"backend/app.py": b"v2\n", "backend/models.py": b"m2\n"})
    one = proposal(root, {"backend/app.py": b"v2\n"})
    for prop in (two, one):
        with pytest.raises(ApplyError, match=r"could not be journaled \(.*\); nothing was written"):
            Applier(root, sd, fault="").apply(prop, APPROVE, guard(root))
    assert (root / "backend/app.py").read_bytes() == b"v1\n"
    assert (root / "backend/models.py").read_bytes() == b"models v1\n"
    lines = Applier(root, sd, fault="").recover()
    assert "could not be read" in lines[0]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(schedule=st.lists(st.tuples(st.integers(0, 3), st.booleans()), min_size=1, max_size=12))
def test_any_interleaving_loses_no_update(tmp_path: Path, schedule: list[tuple[int, bool]]) -> None:
    """T20 as a model: agents propose against what they last read, in any order.

    Each step, agent ``i`` either re-reads the file (``True``) or applies a proposal made
    against its last read. An apply succeeds exactly when nothing changed since that read;
    every successful change is still in the final file (no lost update).
    """
    root = tmp_path / f"r{len(list(tmp_path.iterdir()))}"
    (root / "backend").mkdir(parents=True)
    target = root / "backend/app.py"
    target.write_bytes(b"base\n")
    applier, g = Applier(root, state_dir(root), fault=""), guard(root)
    seen = {i: target.read_bytes() for i in range(4)}
    kept: list[bytes] = []
    for step, (agent, reread) in enumerate(schedule):
        if reread:
            seen[agent] = target.read_bytes()
            continue
        line = f"agent{agent} step{step}\n".encode()
        prop = proposal(root, {"backend/app.py": seen[agent] + line})
        prop.changes[0].before_sha256 = sha(seen[agent])  # what the agent saw, not what is there
        fresh = seen[agent] == target.read_bytes()
        try:
            applier.apply(prop, APPROVE, g)
            assert fresh, "a stale proposal was applied"
            kept.append(line)
            seen[agent] = target.read_bytes()
        except ApplyError as exc:
            assert exc.stale and not fresh
    final = target.read_bytes()
    assert final == b"base\n" + b"".join(kept)
