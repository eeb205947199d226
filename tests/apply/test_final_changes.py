"""Decisions that change what is written: the person's edited text, or a subset of hunks."""

from __future__ import annotations

from pathlib import Path

import pytest

from agents.apply import Applier, ApplyError, final_changes
from agents.diffs import hunks
from agents.proposal import Decision
from agents.state_dir import state_dir
from tests.apply.helpers import guard, proposal

BOM = b"\xef\xbb\xbf"
BEFORE = b"".join(f"line {n}\r\n".encode() for n in range(1, 21))
# two edits far apart: two hunks
AFTER = BEFORE.replace(b"line 2\r\n", b"line two\r\n").replace(b"line 18\r\n", b"line 18!\r\n")


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "backend").mkdir(parents=True)
    (root / "backend/crlf.py").write_bytes(BOM + BEFORE)
    return root


def test_edited_content_keeps_bom_and_crlf(root: Path) -> None:
    prop = proposal(root, {"backend/crlf.py": BOM + AFTER})
    decision = Decision("approve", edited={"backend/crlf.py": "mine\nall mine\n"})
    [change] = final_changes(prop, decision)
    assert change.after == BOM + b"mine\r\nall mine\r\n"
    assert change.after_text == "mine\nall mine\n"
    assert change.before_sha256 == prop.changes[0].before_sha256
    Applier(root, state_dir(root), fault="").apply(prop, decision, guard(root))
    assert (root / "backend/crlf.py").read_bytes() == BOM + b"mine\r\nall mine\r\n"


def test_hunk_subset_gives_exact_bytes(root: Path) -> None:
    prop = proposal(root, {"backend/crlf.py": BOM + AFTER})
    assert len(hunks(prop.changes[0].before_text, prop.changes[0].after_text)) == 2
    only_second = Decision("approve", hunks={"backend/crlf.py": [1]})
    [change] = final_changes(prop, only_second)
    assert change.after == BOM + BEFORE.replace(b"line 18\r\n", b"line 18!\r\n")
    only_first = Decision("approve", hunks={"backend/crlf.py": [0]})
    assert final_changes(prop, only_first)[0].after == BOM + BEFORE.replace(
        b"line 2\r\n", b"line two\r\n"
    )
    both = Decision("approve", hunks={"backend/crlf.py": [0, 1]})
    assert final_changes(prop, both)[0] is prop.changes[0]  # all hunks: the proposal as is
    none = Decision("approve", hunks={"backend/crlf.py": []})
    assert final_changes(prop, none)[0].after == BOM + BEFORE
    Applier(root, state_dir(root), fault="").apply(prop, only_second, guard(root))
    assert (root / "backend/crlf.py").read_bytes() == BOM + BEFORE.replace(
        b"line 18\r\n", b"line 18!\r\n"
    )


def test_other_files_untouched_by_decision(root: Path) -> None:
    prop = proposal(root, {"backend/crlf.py": BOM + AFTER, "backend/new.py": b"new\n"})
    out = final_changes(prop, Decision("approve", edited={"backend/new.py": "changed\n"}))
    assert out[0] is prop.changes[0]
    assert out[1].after == b"changed\n"


@pytest.mark.parametrize(
    ("decision", "words"),
    [
        (Decision("approve", edited={"backend/other.py": "x"}), "backend/other.py"),
        (Decision("approve", hunks={"../x": [0]}), "does not change"),
        (Decision("reject", reason="no"), "never applied"),
    ],
)
def test_bad_decisions(root: Path, decision: Decision, words: str) -> None:
    prop = proposal(root, {"backend/crlf.py": BOM + AFTER})
    with pytest.raises(ApplyError, match=words):
        final_changes(prop, decision)


def test_binary_cannot_be_edited_or_split(root: Path) -> None:
    prop = proposal(root, {"backend/blob.bin": b"\x00\x01\x02" * 10})
    with pytest.raises(ApplyError, match="binary"):
        final_changes(prop, Decision("approve", edited={"backend/blob.bin": "text"}))
    prop.changes[0].after_text = ""
    with pytest.raises(ApplyError, match="no text to split"):
        final_changes(prop, Decision("approve", hunks={"backend/blob.bin": [0]}))
