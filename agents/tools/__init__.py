"""The tools agentdesk runs for its agents, by name, and their Messages-API schemas.

Names and parameters follow Claude Code (``Read``, ``Write``, ``Edit``, ``Bash``, ``Glob``,
``Grep``), plus the coordination tools (``MarkComplete``, ``RaiseBlocker``, ``ReportSetup``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from agents.tools.base import Tool, ToolContext, ToolError, ToolOutcome
from agents.tools.bash import BashTool
from agents.tools.coordination import MarkCompleteTool, RaiseBlockerTool, ReportSetupTool
from agents.tools.edit import EditTool
from agents.tools.glob import GlobTool
from agents.tools.grep import GrepTool
from agents.tools.read import ReadTool
from agents.tools.write import WriteTool

__all__ = ["TOOLS", "Tool", "ToolContext", "ToolError", "ToolOutcome", "get_tool", "tool_schemas"]

#: Every tool, by the name the model calls it.
TOOLS: dict[str, Tool] = {
    tool.name: tool
    for tool in (
        ReadTool(),
        WriteTool(),
        EditTool(),
        BashTool(),
        GlobTool(),
        GrepTool(),
        MarkCompleteTool(),
        RaiseBlockerTool(),
        ReportSetupTool(),
    )
}


def get_tool(name: str) -> Tool:
    """The tool called ``name``; :class:`ToolError` for a name agentdesk does not run."""
    tool = TOOLS.get(name)
    if tool is None:
        raise ToolError(f"unknown tool {name!r}; available: {', '.join(TOOLS)}")
    return tool


def tool_schemas(names: Sequence[str]) -> list[dict[str, Any]]:
    """``{"name", "description", "input_schema"}`` for each known name, in the given order."""
    seen: set[str] = set()
    out: list[dict[str, Any]] = []
    for name in names:
        if name in TOOLS and name not in seen:
            seen.add(name)
            out.append(TOOLS[name].schema())
    return out
