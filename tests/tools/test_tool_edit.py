"""Edit: exact single match (T12), clear failures (T13), binary refusal (T15), bytes kept (T17)."""

from __future__ import annotations

import asyncio
import os
import stat
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agents.safe_write import sha256_bytes
from agents.tools.base import ToolContext, ToolError

from .helpers import propose, run


async def _read(ctx: ToolContext, rel: str) -> None:
    await run(ctx, "Read", {"file_path": rel})


async def test_single_edit(ctx: ToolContext, project: Path) -> None:
    await _read(ctx, "backend/app.py")
    p = propose(
        ctx,
        "Edit",
        {"file_path": "backend/app.py", "old_string": "'old'", "new_string": "'new'"},
    )
    assert p.changes[0].after == b"def main():\n    return 'new'\n"
    assert p.summary == "Edit backend/app.py (+1 \u22121)"
    assert "-    return 'old'" in p.diff and "+    return 'new'" in p.diff
    assert p.changes[0].before_sha256 == sha256_bytes((project / "backend/app.py").read_bytes())
    assert p.input["replace_all"] is False


async def test_many_matches_is_an_error_unless_replace_all(ctx: ToolContext, project: Path) -> None:
    (project / "backend" / "dup.py").write_text("x = 1\ny = 2\nx = 1\n")
    await _read(ctx, "backend/dup.py")
    raw = {"file_path": "backend/dup.py", "old_string": "x = 1", "new_string": "x = 3"}
    with pytest.raises(ToolError) as info:
        propose(ctx, "Edit", raw)
    assert "2 matches" in str(info.value) and "lines 1, 3" in str(info.value)
    assert "replace_all" in str(info.value)
    p = propose(ctx, "Edit", {**raw, "replace_all": True})
    assert p.changes[0].after == b"x = 3\ny = 2\nx = 3\n"


async def test_no_match_names_the_closest_line(ctx: ToolContext, project: Path) -> None:
    await _read(ctx, "backend/app.py")
    before = (project / "backend" / "app.py").read_bytes()
    with pytest.raises(ToolError) as info:
        propose(
            ctx,
            "Edit",
            {"file_path": "backend/app.py", "old_string": "return 'olde'", "new_string": "y"},
        )
    assert "not found" in str(info.value)
    assert "closest line is 2" in str(info.value)
    assert (project / "backend" / "app.py").read_bytes() == before


async def test_whitespace_mismatch_is_explained(ctx: ToolContext, project: Path) -> None:
    (project / "backend" / "tabs.py").write_text("if x:\n\treturn 1\n")
    await _read(ctx, "backend/tabs.py")
    with pytest.raises(ToolError, match="different whitespace"):
        propose(
            ctx,
            "Edit",
            {"file_path": "backend/tabs.py", "old_string": "    return 1", "new_string": "r"},
        )


async def test_identical_strings_and_empty_old(ctx: ToolContext) -> None:
    await _read(ctx, "backend/app.py")
    with pytest.raises(ToolError, match="identical"):
        propose(ctx, "Edit", {"file_path": "backend/app.py", "old_string": "a", "new_string": "a"})
    with pytest.raises(ToolError, match="old_string is empty"):
        propose(ctx, "Edit", {"file_path": "backend/app.py", "old_string": "", "new_string": "a"})


def test_edit_needs_a_read(ctx: ToolContext) -> None:
    with pytest.raises(ToolError, match="Read it first"):
        propose(
            ctx, "Edit", {"file_path": "backend/app.py", "old_string": "old", "new_string": "n"}
        )


def test_missing_file_and_creating_with_empty_old(ctx: ToolContext) -> None:
    with pytest.raises(ToolError, match="does not exist"):
        propose(ctx, "Edit", {"file_path": "backend/no.py", "old_string": "a", "new_string": "b"})
    p = propose(ctx, "Edit", {"file_path": "backend/no.py", "old_string": "", "new_string": "b\n"})
    assert p.changes[0].before_sha256 is None and p.changes[0].after == b"b\n"


@pytest.mark.parametrize(
    "data", [b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", b"text\x00with nul\n"], ids=["png", "nul"]
)
async def test_binary_refused(ctx: ToolContext, project: Path, data: bytes) -> None:
    (project / "backend" / "blob").write_bytes(data)
    await _read(ctx, "backend/blob")
    with pytest.raises(ToolError, match="binary file"):
        propose(ctx, "Edit", {"file_path": "backend/blob", "old_string": "IHDR", "new_string": "x"})


async def test_crlf_bom_file_only_edited_bytes_differ(ctx: ToolContext, project: Path) -> None:
    original = b"\xef\xbb\xbf#!/bin/sh\r\necho alpha\r\necho beta\r\nlast"
    target = project / "backend" / "tool.sh"
    target.write_bytes(original)
    os.chmod(target, 0o755)
    await _read(ctx, "backend/tool.sh")
    p = propose(
        ctx,
        "Edit",
        {"file_path": "backend/tool.sh", "old_string": "alpha\necho", "new_string": "ALPHA\necho"},
    )
    change = p.changes[0]
    assert change.after == original.replace(b"alpha", b"ALPHA")
    assert change.mode is not None and stat.S_IMODE(change.mode) == 0o755
    assert "\r" not in p.diff
    assert "\\ No newline at end of file" in p.diff


async def test_crlf_old_string_from_model_still_matches(ctx: ToolContext, project: Path) -> None:
    (project / "backend" / "w.txt").write_bytes(b"a\r\nb\r\n")
    await _read(ctx, "backend/w.txt")
    p = propose(
        ctx, "Edit", {"file_path": "backend/w.txt", "old_string": "a\r\nb", "new_string": "c"}
    )
    assert p.changes[0].after == b"c\r\n"


async def test_outside_domain_refused_before_reading(ctx: ToolContext) -> None:
    await _read(ctx, "docs/readme.md")
    with pytest.raises(ToolError, match="outside"):
        propose(
            ctx, "Edit", {"file_path": "docs/readme.md", "old_string": "hello", "new_string": "x"}
        )


_line = st.text(
    alphabet=st.characters(
        blacklist_characters="XYZ", blacklist_categories=("Cc", "Cs"), codec="utf-8"
    )
    | st.sampled_from("\t "),
    max_size=12,
)


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    lines=st.lists(_line, min_size=1, max_size=8),
    where=st.integers(min_value=0, max_value=7),
    newline=st.sampled_from(["\n", "\r\n", "\r"]),
    bom=st.booleans(),
    final=st.booleans(),
)
def test_edit_changes_only_the_edited_bytes(
    ctx: ToolContext,
    project: Path,
    lines: list[str],
    where: int,
    newline: str,
    bom: bool,
    final: bool,
) -> None:
    """T17: BOM, line endings and a missing final newline survive; only the edit differs."""
    lines[where % len(lines)] += "XYZ"
    text = newline.join(lines) + (newline if final else "")
    original = (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")
    target = project / "backend" / "prop.txt"
    target.write_bytes(original)
    os.chmod(target, 0o750)
    asyncio.run(run(ctx, "Read", {"file_path": "backend/prop.txt"}))
    p = propose(
        ctx, "Edit", {"file_path": "backend/prop.txt", "old_string": "XYZ", "new_string": "Q\nR"}
    )
    breaks = len(lines) > 1 or final
    inserted = ("Q" + (newline if breaks else "\n") + "R").encode()
    assert p.changes[0].after == original.replace(b"XYZ", inserted)
    assert p.changes[0].mode == 0o750


def test_closest_line_in_a_big_file(monkeypatch: pytest.MonkeyPatch) -> None:
    from agents.tools import edit

    monkeypatch.setattr(edit, "_CANDIDATES", 50)
    lines = [f"    value_{i} = compute(alpha, beta, {i})" for i in range(5000)]
    assert edit.closest_line(lines, "value_4321 = compute(alpha, betta, 4321)") == 4322
    assert edit.closest_line(lines, "nothing like it at all, really") is None
    assert edit.closest_line(lines, "") is None
