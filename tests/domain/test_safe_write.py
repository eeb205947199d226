"""The writer: CAS, modes, links, non-regular targets, TOCTOU swaps, the sweep (T4-T6, T11, T21)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from agents.domain import PathGuard, PathRejected
from agents.safe_write import (
    StaleFile,
    atomic_delete,
    atomic_write,
    current_sha256,
    read_nofollow,
    sha256_bytes,
    sweep_temp_files,
)
from tests.domain.conftest import snapshot


def temp_files(top: Path) -> list[str]:
    return [p.name for p in top.rglob("*.agentdesk-*.tmp")]


def test_create_new_file_and_folders(tree: dict[str, Path]) -> None:
    repo = tree["repo"]
    atomic_write(repo, "backend/new/deep/x.py", b"x = 1\n", expected_sha256=None)
    target = repo / "backend" / "new" / "deep" / "x.py"
    assert target.read_bytes() == b"x = 1\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert temp_files(repo) == []


def test_replace_keeps_mode_bits(tree: dict[str, Path]) -> None:
    repo = tree["repo"]
    script = repo / "backend" / "run.sh"
    script.write_bytes(b"#!/bin/sh\necho old\n")
    script.chmod(0o755)
    atomic_write(
        repo,
        "backend/run.sh",
        b"#!/bin/sh\necho new\n",
        expected_sha256=sha256_bytes(b"#!/bin/sh\necho old\n"),
    )
    assert script.read_bytes() == b"#!/bin/sh\necho new\n"
    assert stat.S_IMODE(script.stat().st_mode) == 0o755


def test_explicit_mode(tree: dict[str, Path]) -> None:
    repo = tree["repo"]
    atomic_write(repo, "backend/tool", b"#!/bin/sh\n", expected_sha256=None, mode=0o750)
    assert stat.S_IMODE((repo / "backend" / "tool").stat().st_mode) == 0o750


def test_t11_stale_pre_image_writes_nothing(tree: dict[str, Path]) -> None:
    repo = tree["repo"]
    app = repo / "backend" / "app.py"
    v1 = app.read_bytes()
    app.write_bytes(b"edited by the person\n")
    with pytest.raises(StaleFile) as info:
        atomic_write(repo, "backend/app.py", b"agent\n", expected_sha256=sha256_bytes(v1))
    assert app.read_bytes() == b"edited by the person\n"
    assert info.value.rel == "backend/app.py"
    assert info.value.expected == sha256_bytes(v1)
    assert info.value.actual == sha256_bytes(b"edited by the person\n")
    assert "changed since" in str(info.value)
    assert temp_files(repo) == []


def test_t11_new_file_that_now_exists_is_stale(tree: dict[str, Path]) -> None:
    repo = tree["repo"]
    with pytest.raises(StaleFile):
        atomic_write(repo, "backend/app.py", b"agent\n", expected_sha256=None)
    assert (repo / "backend" / "app.py").read_bytes() == b"print('app')\n"


def test_t11_expected_file_in_missing_folder_is_stale_and_creates_nothing(
    tree: dict[str, Path],
) -> None:
    repo = tree["repo"]
    with pytest.raises(StaleFile) as info:
        atomic_write(repo, "backend/gone/x.py", b"x", expected_sha256=sha256_bytes(b"old"))
    assert info.value.actual is None
    assert not (repo / "backend" / "gone").exists()


def test_create_dirs_false(tree: dict[str, Path]) -> None:
    with pytest.raises(FileNotFoundError):
        atomic_write(tree["repo"], "backend/nope/x", b"x", expected_sha256=None, create_dirs=False)
    assert not (tree["repo"] / "backend" / "nope").exists()


@pytest.mark.parametrize(
    "rel",
    [
        "backend/link_out/secret.txt",
        "backend/link_out/new.txt",
        "backend/link_file",
        "backend/link_in",
    ],
)
def test_t4_writer_refuses_symlinks(tree: dict[str, Path], rel: str) -> None:
    before = snapshot(tree["root"])
    with pytest.raises(PathRejected) as info:
        atomic_write(tree["repo"], rel, b"pwned\n", expected_sha256=None)
    assert info.value.kind == "symlink"
    with pytest.raises(PathRejected):
        atomic_write(
            tree["repo"], rel, b"pwned\n", expected_sha256=sha256_bytes(b"outside secret\n")
        )
    assert snapshot(tree["root"]) == before


@pytest.mark.parametrize(
    "rel", ["../outside/secret.txt", "/etc/passwd", "backend/../x", "backend//x", "./x", ""]
)
def test_writer_refuses_non_canonical_paths(tree: dict[str, Path], rel: str) -> None:
    before = snapshot(tree["root"])
    with pytest.raises(PathRejected):
        atomic_write(tree["repo"], rel, b"x", expected_sha256=None)
    assert snapshot(tree["root"]) == before


def test_t5_toctou_dir_swapped_for_symlink_after_check(tree: dict[str, Path]) -> None:
    repo, outside = tree["repo"], tree["outside"]
    (outside / "empty").mkdir()
    guard = PathGuard(repo, ("backend/",))
    rel = guard.require_write("backend/sub/x.py")  # the check passes: sub is a real folder
    (repo / "backend" / "sub").rmdir()
    os.symlink(outside / "empty", repo / "backend" / "sub")  # swapped in after the check
    with pytest.raises(PathRejected) as info:
        atomic_write(repo, rel, b"pwned\n", expected_sha256=None)
    assert info.value.kind == "symlink"
    assert list((outside / "empty").iterdir()) == []
    # Control: the naive check-then-open writes outside.
    (repo / "backend" / "sub" / "x.py").write_bytes(b"naive\n")
    assert (outside / "empty" / "x.py").read_bytes() == b"naive\n"


def test_t6_hard_link_to_outside_file_is_not_modified(tree: dict[str, Path]) -> None:
    repo, secret = tree["repo"], tree["outside"] / "secret.txt"
    os.link(secret, repo / "backend" / "hl.txt")
    atomic_write(
        repo, "backend/hl.txt", b"replaced\n", expected_sha256=sha256_bytes(b"outside secret\n")
    )
    assert secret.read_bytes() == b"outside secret\n"
    assert (repo / "backend" / "hl.txt").read_bytes() == b"replaced\n"
    assert secret.stat().st_nlink == 1
    # Control: an in-place write would have changed the outside file.
    os.link(secret, repo / "backend" / "hl2.txt")
    with open(repo / "backend" / "hl2.txt", "wb") as fh:
        fh.write(b"in place\n")
    assert secret.read_bytes() == b"in place\n"


@pytest.mark.timeout(10)
def test_t21_fifo_target_rejected_without_hanging(tree: dict[str, Path]) -> None:
    repo = tree["repo"]
    os.mkfifo(repo / "backend" / "pipe")
    guard = PathGuard(repo, ("backend/",))
    assert guard.check_write("backend/pipe").kind == "invalid"
    for expected in (None, sha256_bytes(b"")):
        with pytest.raises(PathRejected) as info:
            atomic_write(repo, "backend/pipe", b"x", expected_sha256=expected)
        assert "not a regular file" in info.value.reason
    with pytest.raises(PathRejected):
        read_nofollow(repo, "backend/pipe")
    with pytest.raises(PathRejected):
        current_sha256(repo, "backend/pipe")
    assert stat.S_ISFIFO(os.lstat(repo / "backend" / "pipe").st_mode)
    assert temp_files(repo) == []


@pytest.mark.timeout(10)
def test_t21_directory_target_rejected(tree: dict[str, Path]) -> None:
    repo = tree["repo"]
    with pytest.raises(PathRejected) as info:
        atomic_write(repo, "backend/sub", b"x", expected_sha256=None)
    assert "directory" in info.value.reason
    assert (repo / "backend" / "sub").is_dir()
    with pytest.raises(PathRejected):
        read_nofollow(repo, "backend/sub")


def test_t21_char_device_read_refused(tree: dict[str, Path]) -> None:
    repo = tree["repo"]
    os.symlink("/dev/zero", repo / "backend" / "zero")
    with pytest.raises(PathRejected):
        read_nofollow(repo, "backend/zero")


def test_read_nofollow(tree: dict[str, Path]) -> None:
    repo = tree["repo"]
    assert read_nofollow(repo, "backend/app.py") == b"print('app')\n"
    with pytest.raises(FileNotFoundError):
        read_nofollow(repo, "backend/missing.py")
    with pytest.raises(FileNotFoundError):
        read_nofollow(repo, "backend/missing/x.py")
    with pytest.raises(PathRejected) as info:
        read_nofollow(repo, "backend/link_out/secret.txt")
    assert info.value.kind == "symlink"
    with pytest.raises(PathRejected) as info:
        read_nofollow(repo, "backend/app.py", max_bytes=3)
    assert info.value.kind == "too_large"
    assert read_nofollow(repo, "backend/app.py", max_bytes=13) == b"print('app')\n"


def test_current_sha256(tree: dict[str, Path]) -> None:
    repo = tree["repo"]
    assert current_sha256(repo, "backend/app.py") == sha256_bytes(b"print('app')\n")
    assert current_sha256(repo, "backend/none.py") is None
    assert current_sha256(repo, "nodir/none.py") is None
    with pytest.raises(PathRejected):
        current_sha256(repo, "backend/link_file")


def test_atomic_delete(tree: dict[str, Path]) -> None:
    repo = tree["repo"]
    app = repo / "backend" / "app.py"
    with pytest.raises(StaleFile):
        atomic_delete(repo, "backend/app.py", expected_sha256=sha256_bytes(b"other"))
    assert app.exists()
    with pytest.raises(PathRejected):
        atomic_delete(repo, "backend/link_file", expected_sha256=sha256_bytes(b"outside secret\n"))
    assert (tree["outside"] / "secret.txt").exists()
    assert os.path.islink(repo / "backend" / "link_file")
    atomic_delete(repo, "backend/app.py", expected_sha256=sha256_bytes(b"print('app')\n"))
    assert not app.exists()
    with pytest.raises(StaleFile):
        atomic_delete(repo, "backend/app.py", expected_sha256=sha256_bytes(b"print('app')\n"))


def test_sweep_removes_only_orphans(tree: dict[str, Path]) -> None:
    repo, outside = tree["repo"], tree["outside"]
    orphan = repo / "backend" / "sub" / ".x.py.agentdesk-0123456789ab.tmp"
    orphan.write_bytes(b"half")
    top = repo / ".app.py.agentdesk-abcdefabcdef.tmp"
    top.write_bytes(b"half")
    keep = [
        repo / "backend" / "x.agentdesk-0123456789ab.tmp",  # no leading dot
        repo / "backend" / ".x.agentdesk-XYZ.tmp",  # not our token
        repo / ".git" / ".index.agentdesk-0123456789ab.tmp",  # inside .git
        outside / ".s.agentdesk-0123456789ab.tmp",  # reachable only through link_out
    ]
    for path in keep:
        path.write_bytes(b"keep")
    os.symlink(outside / ".s.agentdesk-0123456789ab.tmp", repo / ".l.agentdesk-aaaaaaaaaaaa.tmp")
    removed = sweep_temp_files(repo)
    assert removed == [
        ".app.py.agentdesk-abcdefabcdef.tmp",
        "backend/sub/.x.py.agentdesk-0123456789ab.tmp",
    ]
    assert not orphan.exists() and not top.exists()
    assert all(p.read_bytes() == b"keep" for p in keep)
    assert os.path.islink(repo / ".l.agentdesk-aaaaaaaaaaaa.tmp")
    assert sweep_temp_files(repo) == []


def test_sweep_respects_min_age(tree: dict[str, Path]) -> None:
    fresh = tree["repo"] / ".f.agentdesk-0123456789ab.tmp"
    fresh.write_bytes(b"live")
    assert sweep_temp_files(tree["repo"], min_age_seconds=3600) == []
    assert fresh.exists()
