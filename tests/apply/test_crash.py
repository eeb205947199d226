"""Crash tests in child processes: AGENTDESK_FAULT kill points and random SIGKILLs.

Children are forked from the test process (fast: no interpreter start-up, no imports) and die
by ``os._exit(137)`` at the configured step, or by SIGKILL; two tests also run the child as a
fresh interpreter (``crash_child.py``) so the ``AGENTDESK_FAULT`` environment path is real.

THREATS T19 (a multi-file proposal is all-old or all-new after recovery, and the report says
so), T18 (no torn file, orphaned temps swept) and T49 (a change applied before the crash is
not applied again; the same tool_result comes back).
"""

from __future__ import annotations

import functools
import os
import random
import signal
import subprocess
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path

import pytest

from agents.apply import Applier
from agents.ledger import ToolLedger
from agents.proposal import Decision
from agents.state_dir import state_dir
from tests.apply.crash_child import ONE, PROMISED, PROMISED_ONE, THREE, flip, one, three
from tests.apply.helpers import AGENT, guard, proposal

CHILD = Path(__file__).with_name("crash_child.py")
OLD = {"backend/a.py": b"old a\r\n" * 40, "backend/b.py": b"old b\n" * 40}
STEPS = [
    "before_journal",
    "after_journal",
    "after_file_1",
    "after_file_2",
    "after_file_3",
    "before_commit_mark",
    "after_commit_mark",
    "after_apply",
]


def _seed(root: Path) -> None:
    (root / "backend").mkdir(parents=True)
    for rel, data in OLD.items():
        (root / rel).write_bytes(data)
    os.chmod(root / "backend/a.py", 0o755)


def _child_env(fault: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "ANTHROPIC_API_KEY"}
    env.pop("AGENTDESK_FAULT", None)
    if fault:
        env["AGENTDESK_FAULT"] = fault
    return env


def _state(root: Path) -> str:
    """'old' or 'new' for the 3-file proposal; fails on anything in between."""
    now = {rel: (root / rel).read_bytes() if (root / rel).exists() else None for rel in THREE}
    if all(now[rel] == THREE[rel] for rel in THREE):
        return "new"
    old = {**OLD, "backend/sub/c.py": None}
    assert now == old, f"torn proposal: {now!r}"
    return "old"


def _leftovers(root: Path) -> list[str]:
    return sorted(
        str(p.relative_to(root))
        for p in root.rglob("*")
        if p.name.endswith(".tmp") or (p.parent.name == "journal" and p.name != "kept")
    )


ONE_STEPS = [
    "before_journal",
    "after_journal",
    "after_file_1",
    "before_commit_mark",
    "after_commit_mark",
    "after_apply",
]


def _fork(fn: Callable[[Path], None], root: Path, fault: str | None) -> int:
    """Run ``fn(root)`` in a forked child with AGENTDESK_FAULT=fault; its exit code."""
    pid = os.fork()
    if pid == 0:  # the child: never return into pytest
        code = 0
        try:
            os.environ.pop("AGENTDESK_FAULT", None)
            if fault:
                os.environ["AGENTDESK_FAULT"] = fault
            fn(root)
        except BaseException:
            traceback.print_exc()
            code = 3
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def _run_children(
    factory: pytest.TempPathFactory, mode: str, steps: list[str]
) -> dict[str, tuple[Path, int, str]]:
    """One forked child per fault step: step -> (root, exit code, "")."""
    fn = {"three": three, "one": one}[mode]
    out: dict[str, tuple[Path, int, str]] = {}
    for step in steps:
        root = factory.mktemp(f"{mode}-{step}") / "repo"
        _seed(root)
        out[step] = (root, _fork(fn, root, step), "")
    return out


@pytest.fixture(scope="module")
def crashed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, int, str]]:
    """The 3-file proposal, killed at each step."""
    return _run_children(tmp_path_factory, "three", STEPS)


@pytest.fixture(scope="module")
def crashed_one(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, int, str]]:
    """The single-file proposal, killed at each step."""
    return _run_children(tmp_path_factory, "one", ONE_STEPS)


@pytest.mark.parametrize("step", ONE_STEPS)
def test_single_file_fault_at_each_step(
    crashed_one: dict[str, tuple[Path, int, str]], step: str
) -> None:
    root, code, err = crashed_one[step]
    assert code == 137, err
    sd = state_dir(root)
    lines = Applier(root, sd, fault="").recover()
    now = (root / "backend/a.py").read_bytes()
    written = step not in ("before_journal", "after_journal")
    assert now == (ONE["backend/a.py"] if written else OLD["backend/a.py"])
    assert os.stat(root / "backend/a.py").st_mode & 0o777 == 0o755
    expected = {
        "after_journal": [
            "Recovered p-one0000001: an interrupted apply of backend/a.py had "
            "not written it; it is unchanged"
        ],
        "after_file_1": [
            "Recovered p-one0000001: an interrupted apply of backend/a.py had completed"
        ],
    }
    expected["before_commit_mark"] = expected["after_file_1"]
    assert lines == expected.get(step, [])
    assert _leftovers(root) == []
    assert Applier(root, sd, fault="").recover() == []
    result = ToolLedger(sd).get(AGENT, "toolu_one")
    assert result is not None
    if written:
        assert result["content"] == PROMISED_ONE and not result.get("is_error")
    else:
        assert result["is_error"] is True and "nothing was written" in result["content"]


@pytest.mark.parametrize("step", STEPS)
def test_fault_at_each_step_leaves_all_old_or_all_new(
    crashed: dict[str, tuple[Path, int, str]], step: str
) -> None:
    root, code, err = crashed[step]
    assert code == 137, err
    sd = state_dir(root)
    lines = Applier(root, sd, fault="").recover()
    state = _state(root)
    expected_state = "old" if step == "before_journal" else "new"
    assert state == expected_state
    assert os.stat(root / "backend/a.py").st_mode & 0o777 == 0o755
    report = "\n".join(lines)
    if step in ("after_journal", "after_file_1", "after_file_2", "after_file_3"):
        assert "Recovered p-three00001: completed an interrupted apply of 3 files" in report
        assert "backend/a.py, backend/b.py, backend/sub/c.py" in report
    elif step in ("before_commit_mark",):
        assert "completed an interrupted apply of 3 files" in report
    elif step == "after_commit_mark":
        assert "cleaned up after a completed apply of 3 files" in report
    else:
        assert lines == []
    assert _leftovers(root) == []
    assert Applier(root, sd, fault="").recover() == []  # settled once and for all

    # T49: the ledger answers for the call; a second apply writes nothing.
    result = ToolLedger(sd).get(AGENT, "toolu_three")
    assert result is not None
    if state == "new":
        assert result["content"] == PROMISED
        assert not result.get("is_error")
        inode = os.stat(root / "backend/a.py").st_ino
        again = proposal(root, THREE, tool_use_id="toolu_three")
        again.id = "p-three00001"
        redo = Applier(root, sd, fault="").apply(again, Decision("approve"), guard(root))
        assert redo.recovered
        assert os.stat(root / "backend/a.py").st_ino == inode
    else:
        assert result["is_error"] is True
        assert "nothing was written" in result["content"]
    assert ToolLedger(sd).get(AGENT, "toolu_three") == result  # stable across restarts


def test_no_fault_applies_and_records_result(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    _seed(root)
    run = subprocess.run(
        [sys.executable, str(CHILD), "three", str(root)],
        env=_child_env(None),
        capture_output=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr.decode()
    assert _state(root) == "new"
    sd = state_dir(root)
    assert Applier(root, sd).recover() == []
    assert ToolLedger(sd).get(AGENT, "toolu_three") == {
        "type": "tool_result",
        "tool_use_id": "toolu_three",
        "content": PROMISED,
        "is_error": False,
    }


def test_fault_env_in_a_fresh_interpreter(tmp_path: Path) -> None:
    """The AGENTDESK_FAULT variable itself, read by a new process, kills it mid-proposal."""
    root = tmp_path / "repo"
    _seed(root)
    run = subprocess.run(
        [sys.executable, str(CHILD), "three", str(root)],
        env=_child_env("after_file_2"),
        capture_output=True,
        timeout=60,
    )
    assert run.returncode == 137, run.stderr.decode()
    assert (root / "backend/a.py").read_bytes() == THREE["backend/a.py"]
    assert (root / "backend/b.py").read_bytes() == THREE["backend/b.py"]
    assert not (root / "backend/sub/c.py").exists()  # torn on disk until recovery runs
    lines = Applier(root, state_dir(root), fault="").recover()
    assert lines[0].startswith("Recovered p-three00001: completed an interrupted apply of 3")
    assert _state(root) == "new"


def test_sigkill_at_random_times_never_tears_a_proposal(tmp_path: Path) -> None:
    """T18: 2-file proposals of 1 MB files flipping A/B, SIGKILLed at random moments."""
    rng = random.Random(18)
    root = tmp_path / "repo"
    size = 1 << 20
    (root / "backend").mkdir(parents=True)
    for name in ("x.bin", "y.bin"):
        (root / "backend" / name).write_bytes(b"A" * size)
    sd = state_dir(root)
    outcomes: list[str] = []
    for _trial in range(10):
        ready_r, ready_w = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: flip A/B forever, one byte on the pipe per apply
            try:
                os.close(ready_r)
                flip(root, size, functools.partial(os.write, ready_w, b"."))
            finally:
                os._exit(3)
        os.close(ready_w)
        assert os.read(ready_r, 1) == b"."  # at least one proposal went through
        time.sleep(rng.uniform(0.0, 0.06))
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        os.close(ready_r)
        assert os.waitstatus_to_exitcode(status) == -signal.SIGKILL
        lines = Applier(root, sd, fault="").recover()
        x = (root / "backend/x.bin").read_bytes()
        y = (root / "backend/y.bin").read_bytes()
        assert len(x) == size and x in (b"A" * size, b"B" * size), "torn file"
        assert x == y, f"torn proposal after recovery: {lines}"
        assert _leftovers(root) == []
        outcomes.append(" | ".join(line.split(";")[0] for line in lines) or "between applies")
    # Where the kills landed depends on timing, so it is shown (pytest -s), not asserted.
    print("kill outcomes:", *sorted(outcomes), sep="\n  ")


def test_kill_between_temp_and_rename_is_swept_and_completed(tmp_path: Path) -> None:
    """T18 made deterministic: the child dies with b.py's temp file written, not renamed."""
    root = tmp_path / "repo"
    _seed(root)

    def die_before_renaming_b(root: Path) -> None:
        real_replace = os.replace

        def replace(src: object, dst: object, **kw: object) -> None:
            if ".b.py.agentdesk-" in str(src):
                os._exit(137)
            real_replace(src, dst, **kw)  # type: ignore[arg-type]

        os.replace = replace  # type: ignore[assignment]  # only in this forked child
        three(root)

    assert _fork(die_before_renaming_b, root, None) == 137
    temps = sorted(p.name for p in root.rglob("*.tmp"))
    assert len(temps) == 1 and temps[0].startswith(".b.py.agentdesk-")
    assert (root / "backend/b.py").read_bytes() == OLD["backend/b.py"]  # never torn
    lines = Applier(root, state_dir(root), fault="").recover()
    assert lines[0].startswith("Recovered p-three00001: completed an interrupted apply of 3")
    assert lines[1] == (
        f"Removed 1 orphaned temp file left by an interrupted write: backend/{temps[0]}"
    )
    assert _state(root) == "new"
    assert _leftovers(root) == []
