"""T1/T2/T4/T5 as properties: whatever path an agent names, nothing outside its Domain changes.

The tree (THREATS e.1): Domain ``repo/backend/`` with ``sub/``, a symlinked folder and a
symlinked file pointing outside, the sibling ``backend_evil/`` and ``.git/``. It is built once
per test and the Domain is restored after each example (the invariant guarantees nothing else
changed), because creating and removing folders costs milliseconds on this disk.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import threading
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agents.domain import PathGuard, PathRejected
from agents.safe_write import StaleFile, atomic_write, current_sha256
from tests.domain.conftest import snapshot

SEGMENTS = ["a", "b", "..", ".", "", "sub", "link_out", "link_file", "~", "/", "\\", "A"]
LEADS = ["", "/", "backend/", "backend/sub/", "@abs/", "@abs/backend/", "backend_evil/"]
NEW = b"NEW CONTENT \x00\xff\n"
# Raise this for a long nightly run.
EXAMPLES = int(os.environ.get("AGENTDESK_PROPERTY_EXAMPLES", "150"))


def build(top: Path) -> Path:
    repo = top / "repo"
    (repo / "backend" / "sub").mkdir(parents=True)
    (repo / "backend" / "a").write_bytes(b"a\n")
    (repo / "backend" / "sub" / "b").write_bytes(b"b\n")
    (repo / "backend_evil").mkdir()
    (repo / "backend_evil" / "a").write_bytes(b"evil\n")
    (repo / ".git").mkdir()
    (repo / ".git" / "config").write_bytes(b"[core]\n")
    (top / "outside").mkdir()
    (top / "outside" / "a").write_bytes(b"outside\n")
    (top / "outside" / "secret").write_bytes(b"secret\n")
    os.symlink("../../outside", repo / "backend" / "link_out")
    os.symlink("../../outside/secret", repo / "backend" / "link_file")
    return repo


@pytest.fixture(autouse=True)
def _no_fsync(monkeypatch: pytest.MonkeyPatch) -> None:
    """These properties are about where bytes land, not durability (test_kill9 covers that)."""
    monkeypatch.setattr(os, "fsync", lambda fd: None)


@pytest.fixture
def world(tmp_path: Path) -> tuple[Path, Path]:
    """(top, repo), built once for all the examples of one test."""
    return tmp_path, build(tmp_path)


def restore_domain(repo: Path) -> None:
    """Put ``repo/backend`` back as :func:`build` made it."""
    backend = repo / "backend"
    keep = {"a", "sub", "link_out", "link_file"}
    for entry in os.scandir(backend):
        if entry.name not in keep:
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path)
            else:
                os.unlink(entry.path)
    for entry in os.scandir(backend / "sub"):
        if entry.name != "b":
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path)
            else:
                os.unlink(entry.path)
    (backend / "a").write_bytes(b"a\n")
    (backend / "sub" / "b").write_bytes(b"b\n")


def outside_domain(snap: dict[str, tuple[str, bytes | str]]) -> dict[str, object]:
    return {k: v for k, v in snap.items() if not k.startswith("repo/backend/")}


def new_files(before: dict[str, object], after: dict[str, object]) -> list[str]:
    return [k for k, v in after.items() if v[0] == "file" and before.get(k) != v]  # type: ignore[index]


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    lead=st.sampled_from(LEADS),
    segments=st.lists(st.sampled_from(SEGMENTS), min_size=1, max_size=6),
)
def test_t1_guard_and_writer_never_touch_anything_outside_the_domain(
    world: tuple[Path, Path], lead: str, segments: list[str]
) -> None:
    top, repo = world
    restore_domain(repo)
    path = lead.replace("@abs", str(repo)) + "/".join(segments)
    before = snapshot(top)
    guard = PathGuard(repo, ["backend/"], agent="backend-architect")
    verdict = guard.check_write(path)
    wrote = False
    if verdict.allowed:
        assert verdict.rel is not None
        assert verdict.kind == "domain"
        try:
            atomic_write(repo, verdict.rel, NEW, expected_sha256=current_sha256(repo, verdict.rel))
            wrote = True
        except (PathRejected, StaleFile):
            pass
    else:
        assert verdict.reason
    after = snapshot(top)
    assert outside_domain(after) == outside_domain(before)
    assert not [k for k in after if ".agentdesk-" in k]
    changed = new_files(before, after)
    if wrote:
        assert len(changed) == 1
        real = os.path.realpath(top / changed[0])
        assert Path(real).is_relative_to(os.path.realpath(repo / "backend"))
        assert Path(real).read_bytes() == NEW
    else:
        assert changed == []


@settings(
    max_examples=max(EXAMPLES // 2, 10),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(segments=st.lists(st.sampled_from(SEGMENTS), min_size=1, max_size=6))
def test_writer_alone_never_leaves_the_root_or_follows_links(
    world: tuple[Path, Path], segments: list[str]
) -> None:
    """Without the guard (a bug upstream), the writer still stays inside and off links."""
    top, repo = world
    restore_domain(repo)
    before = snapshot(top)
    rel = "backend/" + "/".join(segments)
    with contextlib.suppress(PathRejected, StaleFile):
        atomic_write(repo, rel, NEW, expected_sha256=current_sha256(repo, rel))
    after = snapshot(top)
    outside = {k: v for k, v in after.items() if not k.startswith("repo/")}
    assert outside == {k: v for k, v in before.items() if not k.startswith("repo/")}
    for key in ("repo/backend/link_out", "repo/backend/link_file"):
        assert after[key] == before[key]
    assert not [k for k in after if ".agentdesk-" in k]


def test_t5_racer_swapping_a_folder_for_a_link_never_writes_outside(tmp_path: Path) -> None:
    """A thread flips backend/sub between a folder and a link outside while we write into it.

    Half the writes go through the guard first, half straight to the writer (as if the guard
    had been bypassed); neither may ever land in the outside folder.
    """
    repo = build(tmp_path)
    target = tmp_path / "outside" / "dropzone"
    target.mkdir()
    grave = repo / "backend" / "grave"
    grave.mkdir()
    sub = repo / "backend" / "sub"
    stop = threading.Event()

    def flip() -> None:
        n = 0
        while not stop.is_set():
            n += 1
            try:
                if os.path.islink(sub):
                    os.unlink(sub)
                    os.mkdir(sub)
                else:
                    os.rename(sub, grave / str(n))
                    os.symlink(target, sub)
            except OSError:
                pass  # the writer created sub itself in between; flip again

    old_interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-4)
    racer = threading.Thread(target=flip)
    racer.start()
    outcomes: Counter[str] = Counter()
    guard = PathGuard(repo, ["backend/"])
    try:
        for i in range(400):
            rel = f"backend/sub/x{i}.py"
            if i % 2 == 0:
                verdict = guard.check_write(rel)
                if not verdict.allowed:
                    outcomes["guard refused"] += 1
                    continue
            try:
                atomic_write(repo, rel, NEW, expected_sha256=None)
                outcomes["written"] += 1
            except PathRejected as exc:
                outcomes[f"writer refused: {exc.kind}"] += 1
    finally:
        stop.set()
        racer.join()
        sys.setswitchinterval(old_interval)
    assert list(target.iterdir()) == []
    assert (tmp_path / "outside" / "a").read_bytes() == b"outside\n"
    assert sum(outcomes.values()) == 400
    allowed = {"guard refused", "written", "writer refused: symlink", "writer refused: changed"}
    assert set(outcomes) <= allowed, outcomes
    written = [p for p in (repo / "backend").rglob("x*.py") if not p.is_symlink()]
    assert len(written) == outcomes["written"]
