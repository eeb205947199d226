"""The coordination tools: an agent follows its protocol without free-form edits of PROGRESS.md.

``MarkComplete`` ticks the agent's own item with notes, ``RaiseBlocker`` adds a line under
``## Blockers``, ``ReportSetup`` writes a setup-instructions block. Each reads PROGRESS.md as it
is now (absent: created), computes the new text with :mod:`agents.progress_edit` (which changes
only the lines it means to), and returns a proposal on ``PROGRESS.md`` flagged ``shared``. The
policy may auto-apply them: they only ever touch the agent's own line, blocker or section.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, ClassVar

from pydantic import BaseModel, Field

from agents import progress_edit
from agents.proposal import Proposal
from agents.sanitize import sanitize
from agents.textcodec import TextFile
from agents.tools.base import Tool, ToolArgs, ToolContext, ToolError, args_as
from agents.tools.changes import file_proposal
from agents.tools.files import check_write, existing_bytes, file_mode
from agents.tools.write import encode_text

PROGRESS_FILE = "PROGRESS.md"
MAX_PROGRESS_BYTES = 4 << 20


class MarkCompleteArgs(ToolArgs):
    """Input of MarkComplete."""

    notes: Annotated[
        list[Annotated[str, Field(max_length=2000)]],
        Field(max_length=50, description="Short notes on what you did, one per entry"),
    ]


class RaiseBlockerArgs(ToolArgs):
    """Input of RaiseBlocker."""

    text: Annotated[
        str,
        Field(
            min_length=1,
            max_length=4000,
            description="What blocks you and what you need, in one or two sentences",
        ),
    ]


class ReportSetupArgs(ToolArgs):
    """Input of ReportSetup."""

    title: Annotated[
        str, Field(min_length=1, max_length=200, description="A short title, e.g. 'Backend'")
    ]
    instructions: Annotated[
        str,
        Field(
            min_length=1,
            max_length=20_000,
            description="The setup steps (commands, environment variables), as Markdown",
        ),
    ]


def _short(text: str, width: int = 100) -> str:
    flat = " ".join(sanitize(text).split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def progress_proposal(
    ctx: ToolContext,
    *,
    tool: str,
    tool_use_id: str,
    tool_input: dict[str, object],
    change: Callable[[str], str],
    summary: str,
) -> Proposal:
    """The proposal applying ``change`` to PROGRESS.md's current text."""
    verdict = check_write(ctx, PROGRESS_FILE)
    before = existing_bytes(ctx, PROGRESS_FILE, max_bytes=MAX_PROGRESS_BYTES)
    tf = TextFile(text="", newline="") if before is None else TextFile.from_bytes(before)
    if tf.binary:
        raise ToolError(f"{PROGRESS_FILE} is not a text file; ask the person to fix it")
    try:
        new_text = change(tf.text)
    except ValueError as exc:
        raise ToolError(str(exc)) from None
    after = encode_text(tf, new_text, PROGRESS_FILE)
    if before is not None and after == before:
        raise ToolError(f"{PROGRESS_FILE} already says this; nothing to change")
    return file_proposal(
        ctx,
        tool=tool,
        tool_use_id=tool_use_id,
        tool_input=tool_input,
        verdict=dataclasses.replace(verdict, kind="shared"),
        before=before,
        before_text=tf.text,
        after=after,
        after_text=new_text,
        mode=None if before is None else file_mode(ctx, PROGRESS_FILE),
        summary=summary,
    )


class MarkCompleteTool(Tool):
    """MarkComplete: tick your own item in PROGRESS.md, with notes."""

    name: ClassVar[str] = "MarkComplete"
    read_only: ClassVar[bool] = False
    Args: ClassVar[type[ToolArgs]] = MarkCompleteArgs
    description: ClassVar[str] = (
        "Mark your own task in PROGRESS.md as complete, with short notes on what you did "
        "(files, endpoints, anything the next agent needs). Use this instead of editing "
        "PROGRESS.md yourself."
    )

    def propose(self, ctx: ToolContext, args: BaseModel, *, tool_use_id: str) -> Proposal:
        """A shared proposal ticking ``@agent``'s open item as COMPLETE."""
        a = args_as(args, MarkCompleteArgs)
        when = datetime.now().replace(second=0, microsecond=0)
        count = len([n for n in a.notes if n.strip()])
        return progress_proposal(
            ctx,
            tool=self.name,
            tool_use_id=tool_use_id,
            tool_input=a.model_dump(),
            change=lambda text: progress_edit.mark_complete(text, ctx.agent, a.notes, when),
            summary=f"MarkComplete: @{ctx.agent} COMPLETE ({count} note{'s' * (count != 1)})",
        )


class RaiseBlockerTool(Tool):
    """RaiseBlocker: add a line under ## Blockers in PROGRESS.md."""

    name: ClassVar[str] = "RaiseBlocker"
    read_only: ClassVar[bool] = False
    Args: ClassVar[type[ToolArgs]] = RaiseBlockerArgs
    description: ClassVar[str] = (
        "Report that you are blocked: adds '- @you: text' under '## Blockers' in PROGRESS.md. "
        "The person sees it in the blocker queue and their answer comes back to you. Say what "
        "you need and from whom."
    )

    def propose(self, ctx: ToolContext, args: BaseModel, *, tool_use_id: str) -> Proposal:
        """A shared proposal adding the blocker line."""
        a = args_as(args, RaiseBlockerArgs)
        return progress_proposal(
            ctx,
            tool=self.name,
            tool_use_id=tool_use_id,
            tool_input=a.model_dump(),
            change=lambda text: progress_edit.add_blocker(text, ctx.agent, a.text),
            summary=f"RaiseBlocker: {_short(a.text)}",
        )


class ReportSetupTool(Tool):
    """ReportSetup: write your setup instructions into PROGRESS.md."""

    name: ClassVar[str] = "ReportSetup"
    read_only: ClassVar[bool] = False
    Args: ClassVar[type[ToolArgs]] = ReportSetupArgs
    description: ClassVar[str] = (
        "Record setup instructions (how to install, configure and run what you built) in "
        "PROGRESS.md under a heading with the given title; calling it again with the same "
        "title replaces that block."
    )

    def propose(self, ctx: ToolContext, args: BaseModel, *, tool_use_id: str) -> Proposal:
        """A shared proposal writing the ``### title`` block."""
        a = args_as(args, ReportSetupArgs)
        return progress_proposal(
            ctx,
            tool=self.name,
            tool_use_id=tool_use_id,
            tool_input=a.model_dump(),
            change=lambda text: progress_edit.set_setup_section(
                text, ctx.agent, a.title, a.instructions
            ),
            summary=f"ReportSetup: {_short(a.title)}",
        )
