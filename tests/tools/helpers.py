"""Call tools the way the tool runner does: validate first, then run or propose."""

from __future__ import annotations

from typing import Any

from agents.proposal import Proposal
from agents.tools import get_tool
from agents.tools.base import ToolContext, ToolOutcome


async def run(ctx: ToolContext, name: str, raw: dict[str, Any]) -> ToolOutcome:
    """Validate ``raw`` and run the read-only tool ``name``."""
    tool = get_tool(name)
    return await tool.run(ctx, tool.validate(raw))


def propose(
    ctx: ToolContext, name: str, raw: dict[str, Any], tool_use_id: str = "tu_1"
) -> Proposal:
    """Validate ``raw`` and build the proposal of the write tool ``name``."""
    tool = get_tool(name)
    return tool.propose(ctx, tool.validate(raw), tool_use_id=tool_use_id)
