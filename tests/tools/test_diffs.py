"""Unified diffs, hunks, and applying a subset of hunks exactly."""

from __future__ import annotations

import difflib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agents import diff_match
from agents.diffs import apply_hunks, diff_stats, hunks, split_lines, unified_diff

BEFORE = "".join(f"line {i}\n" for i in range(1, 31))


def _edit(text: str, changes: dict[int, str]) -> str:
    lines = text.split("\n")
    for index, value in changes.items():
        lines[index] = value
    return "\n".join(lines)


def test_unified_diff_matches_difflib_for_plain_text() -> None:
    after = _edit(BEFORE, {2: "LINE 3", 20: "LINE 21"})
    ours = unified_diff("a.txt", BEFORE, after)
    theirs = "".join(
        difflib.unified_diff(
            BEFORE.splitlines(keepends=True),
            after.splitlines(keepends=True),
            "a/a.txt",
            "b/a.txt",
            lineterm="\n",
        )
    )
    assert ours == theirs.replace("--- a/a.txt\n+++ b/a.txt\n", "--- a/a.txt\n+++ b/a.txt\n")


def test_hunks_are_numbered_and_selectable() -> None:
    after = _edit(BEFORE, {2: "LINE 3", 20: "LINE 21"})
    found = hunks(BEFORE, after)
    assert [h.index for h in found] == [0, 1]
    assert found[0].header == "@@ -1,6 +1,6 @@"
    assert "-line 3" in found[0].lines and "+LINE 3" in found[0].lines
    assert apply_hunks(BEFORE, after, [0]) == _edit(BEFORE, {2: "LINE 3"})
    assert apply_hunks(BEFORE, after, [1]) == _edit(BEFORE, {20: "LINE 21"})
    assert apply_hunks(BEFORE, after, [7]) == BEFORE


def test_missing_final_newline_is_marked() -> None:
    diff = unified_diff("x", "a\nb", "a\nc")
    marker = "\\ No newline at end of file\n"
    assert diff == f"--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n a\n-b\n{marker}+c\n{marker}"


def test_equal_texts_have_no_diff() -> None:
    assert unified_diff("x", "same\n", "same\n") == ""
    assert hunks("", "") == []
    assert diff_stats("a\n", "a\n") == (0, 0)


def test_new_file_and_stats() -> None:
    diff = unified_diff("n.py", "", "a\nb\n")
    assert "@@ -0,0 +1,2 @@" in diff
    assert diff_stats("", "a\nb\n") == (2, 0)
    assert diff_stats("a\nb\nc\n", "a\nB\n") == (1, 2)


def test_split_lines_only_on_newline() -> None:
    text = "a\u2028b\x0cc\r\nd"
    assert split_lines(text) == ["a\u2028b\x0cc\r\n", "d"]
    assert "".join(split_lines(text)) == text


_lines = st.lists(st.sampled_from(["a", "b", "c", "", "x y", "\u202e", "\r"]), max_size=25)


@settings(max_examples=150, deadline=None)
@given(_lines, _lines, st.booleans(), st.booleans(), st.data())
def test_apply_hunks_property(
    before_lines: list[str], after_lines: list[str], end_a: bool, end_b: bool, data: st.DataObject
) -> None:
    before = "\n".join(before_lines) + ("\n" if end_a and before_lines else "")
    after = "\n".join(after_lines) + ("\n" if end_b and after_lines else "")
    found = hunks(before, after)
    every = [h.index for h in found]
    assert apply_hunks(before, after, every) == after
    assert apply_hunks(before, after, []) == before
    subset = data.draw(st.lists(st.sampled_from(every), unique=True) if every else st.just([]))
    partial = apply_hunks(before, after, subset)
    # applying the rest on top of a partial result reaches `after` as well
    rest = [h.index for h in hunks(partial, after)]
    assert apply_hunks(partial, after, rest) == after


@pytest.mark.timeout(60)
def test_large_repetitive_input_stays_bounded() -> None:
    """difflib alone took minutes on this shape at 100,000 lines; the anchored matcher does not."""
    before = "".join("x\n" if i % 2 else f"l{i}\n" for i in range(30_000))
    after = "".join("x\n" if i % 3 else f"l{i}\n" for i in range(30_000))
    every = [h.index for h in hunks(before, after)]
    assert apply_hunks(before, after, every) == after
    assert apply_hunks(before, after, []) == before


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from("abcdefgh"), max_size=40),
    st.lists(st.sampled_from("abcdefgh"), max_size=40),
    st.integers(min_value=0, max_value=50),
)
def test_bounded_matcher_opcodes_rebuild_b(a: list[str], b: list[str], budget: int) -> None:
    """Whatever path the matcher takes (difflib, anchors, plain replace), the ops are exact."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(diff_match, "BUDGET", budget)
        codes = diff_match.opcodes(a, b)
    rebuilt: list[str] = []
    i = j = 0
    for tag, i1, i2, j1, j2 in codes:
        assert (i1, j1) == (i, j)
        assert tag in ("equal", "replace", "insert", "delete")
        if tag == "equal":
            assert a[i1:i2] == b[j1:j2]
        rebuilt.extend(b[j1:j2])
        i, j = i2, j2
    assert (i, j) == (len(a), len(b))
    assert rebuilt == b
