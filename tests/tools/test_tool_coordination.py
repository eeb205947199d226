"""MarkComplete, RaiseBlocker, ReportSetup: shared proposals on PROGRESS.md, minimal changes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from agents.safe_write import sha256_bytes
from agents.tools.base import ToolContext, ToolError

from .conftest import CtxFactory
from .helpers import propose

SEED = (
    "# Progress\n\n"
    "## Phase 1: Build\n"
    "- [ ] @backend-architect - API\n"
    "- [ ] @frontend-architect - UI\n\n"
    "## Blockers\n"
)


@pytest.fixture
def progress(project: Path) -> Path:
    path = project / "PROGRESS.md"
    path.write_text(SEED)
    return path


def test_mark_complete_ticks_only_own_line(ctx: ToolContext, progress: Path) -> None:
    p = propose(ctx, "MarkComplete", {"notes": ["Added /users", "Tests pass"]})
    assert p.tool == "MarkComplete" and "shared" in p.flags
    assert p.input == {"notes": ["Added /users", "Tests pass"]}
    (change,) = p.changes
    assert change.rel == "PROGRESS.md"
    assert change.before_sha256 == sha256_bytes(SEED.encode())
    after = change.after.decode()
    assert re.search(r"- \[x\] @backend-architect - COMPLETE \(\d{4}-\d\d-\d\d \d\d:\d\d\)", after)
    assert "  - Added /users\n  - Tests pass\n" in after
    assert "- [ ] @frontend-architect - UI\n" in after
    assert p.summary == "MarkComplete: @backend-architect COMPLETE (2 notes)"
    assert progress.read_text() == SEED  # a proposal writes nothing


def test_raise_blocker_summary_names_the_text(ctx: ToolContext, progress: Path) -> None:
    p = propose(ctx, "RaiseBlocker", {"text": "Need the DB schema from @delivery-lead"})
    assert "shared" in p.flags and p.tool == "RaiseBlocker"
    assert "Need the DB schema from @delivery-lead" in p.summary
    after = p.changes[0].after.decode()
    assert after.endswith(
        "## Blockers\n- @backend-architect: Need the DB schema from @delivery-lead\n"
    )
    assert "+- @backend-architect: Need the DB schema" in p.diff


def test_report_setup_writes_a_block(ctx: ToolContext, progress: Path) -> None:
    p = propose(
        ctx, "ReportSetup", {"title": "Backend", "instructions": "Run `uv sync`\nThen `make`"}
    )
    after = p.changes[0].after.decode()
    assert "### Backend" in after and "Run `uv sync`" in after
    assert p.summary == "ReportSetup: Backend"
    assert after.startswith(SEED.split("## Blockers")[0])


def test_absent_progress_file_is_created(ctx: ToolContext, project: Path) -> None:
    p = propose(ctx, "RaiseBlocker", {"text": "stuck"})
    change = p.changes[0]
    assert change.before_sha256 is None and "new_file" in p.flags
    assert "- @backend-architect: stuck" in change.after.decode()


def test_agent_without_domain_may_still_coordinate(make_ctx: CtxFactory, progress: Path) -> None:
    ctx = make_ctx(domain=())
    p = propose(ctx, "MarkComplete", {"notes": []})
    assert "shared" in p.flags


def test_crlf_progress_keeps_its_line_endings(ctx: ToolContext, progress: Path) -> None:
    progress.write_bytes(SEED.replace("\n", "\r\n").encode())
    p = propose(ctx, "RaiseBlocker", {"text": "stuck"})
    after = p.changes[0].after
    assert after.startswith(SEED.replace("\n", "\r\n").split("## Blockers")[0].encode())
    assert b"\n" not in after.replace(b"\r\n", b"")


def test_bad_inputs(ctx: ToolContext, progress: Path) -> None:
    with pytest.raises(ToolError):
        propose(ctx, "RaiseBlocker", {"text": "   "})
    with pytest.raises(ToolError):
        propose(ctx, "RaiseBlocker", {"text": ""})
    with pytest.raises(ToolError):
        propose(ctx, "MarkComplete", {"notes": "not a list"})


def test_symlinked_progress_is_refused(ctx: ToolContext, project: Path, tmp_path: Path) -> None:
    (tmp_path / "elsewhere.md").write_text(SEED)
    (project / "PROGRESS.md").symlink_to(tmp_path / "elsewhere.md")
    with pytest.raises(ToolError, match="symbolic link"):
        propose(ctx, "RaiseBlocker", {"text": "x"})
