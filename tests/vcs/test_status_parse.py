"""The porcelain parser and the lock-message reader, on hand-written git output."""

from __future__ import annotations

import pytest

from agents.vcs_status import (
    check_rel,
    describe_age,
    git_verb,
    lock_path_in,
    one_line,
    parse_porcelain,
    state_of,
)


@pytest.mark.parametrize(
    ("xy", "state"),
    [
        (" M", "modified"),
        ("M ", "modified"),
        ("MM", "modified"),
        (" T", "modified"),
        ("A ", "added"),
        ("AM", "added"),
        ("C ", "added"),
        ("??", "untracked"),
        (" D", "deleted"),
        ("D ", "deleted"),
        ("AD", "deleted"),
        ("R ", "renamed"),
        ("RM", "renamed"),
        ("UU", "conflicted"),
        ("AA", "conflicted"),
        ("DD", "conflicted"),
    ],
)
def test_state_of_maps_each_code(xy: str, state: str) -> None:
    assert state_of(xy) == state


def test_parse_porcelain_handles_renames_spaces_and_newlines() -> None:
    data = (
        b" M src/a.py\0"
        b"R  new name.py\0old name.py\0"
        b"?? odd\nname.txt\0"
        b"A  added.py\0"
        b"!! ignored.log\0"
        b" D gone.py\0"
    )
    assert parse_porcelain(data) == {
        "src/a.py": "modified",
        "new name.py": "renamed",
        "odd\nname.txt": "untracked",
        "added.py": "added",
        "gone.py": "deleted",
    }


def test_parse_porcelain_keeps_undecodable_names_round_trippable() -> None:
    result = parse_porcelain(b"?? caf\xe9.txt\0")
    (name,) = result
    assert name.encode("utf-8", "surrogateescape") == b"caf\xe9.txt"


def test_parse_porcelain_prefix_filters_and_strips() -> None:
    data = b" M sub/a.py\0 M other/b.py\0?? sub/deep/c.py\0"
    assert parse_porcelain(data, "sub/") == {"a.py": "modified", "deep/c.py": "untracked"}


def test_parse_porcelain_empty() -> None:
    assert parse_porcelain(b"") == {}


@pytest.mark.parametrize(
    ("stderr", "lock"),
    [
        (
            "fatal: Unable to create '/r/.git/index.lock': File exists.\n\nAnother git process",
            "/r/.git/index.lock",
        ),
        (
            "error: cannot lock ref 'HEAD': Unable to create '/r/.git/HEAD.lock': File exists.",
            "/r/.git/HEAD.lock",
        ),
        ("error: could not lock config file .git/config: File exists", ".git/config"),
        ("fatal: pathspec 'x' did not match any files", None),
        ("", None),
    ],
)
def test_lock_path_in(stderr: str, lock: str | None) -> None:
    assert lock_path_in(stderr) == lock


def test_one_line_collapses_and_cuts() -> None:
    assert one_line("a\n\nb\tc\0d") == "a b c d"
    assert one_line("x" * 150, 10) == "x" * 9 + "…"


def test_describe_age_and_git_verb() -> None:
    assert describe_age(5) == "under a minute" and describe_age(-3) == "under a minute"
    assert describe_age(61) == "1 min" and describe_age(3600) == "60 min"
    assert git_verb(["--no-optional-locks", "status", "-z"]) == "status"
    assert git_verb(["-q"]) == ""


@pytest.mark.parametrize(
    ("path", "normal"),
    [("a.py", "a.py"), ("./a/./b.py", "a/b.py"), ("a//b/", "a/b"), ("x y/ü.txt", "x y/ü.txt")],
)
def test_check_rel_normalises(path: str, normal: str) -> None:
    assert check_rel(path) == normal


@pytest.mark.parametrize(
    "bad", ["", "/abs", "../up", "a/../../up", "a/..", ".git", "x/.GIT/y", "a\0b"]
)
def test_check_rel_refuses(bad: str) -> None:
    with pytest.raises(ValueError):
        check_rel(bad)
