"""Tool names in agent files: which exist, which agentdesk runs, and how lists are written.

``tools`` and ``disallowedTools`` are a comma string or a YAML list. Entries keep their exact
form (``Agent(worker, researcher)``, ``mcp__github__*``) even where agentdesk cannot run them,
with a warning; an unknown name is an error that names it and suggests the closest known one,
because a typo in ``disallowedTools`` would silently grant what it meant to withhold.
"""

from __future__ import annotations

import difflib
import re

from agents.definition import COORDINATION_TOOLS, FILE_TOOLS
from agents.strict_yaml import YAMLField, describe_type

#: Claude Code's built-in tool names (current and older ones still found in files).
CLAUDE_CODE_TOOLS: frozenset[str] = frozenset(
    {
        *FILE_TOOLS,
        "Agent", "Task", "AskUserQuestion", "WebFetch", "WebSearch", "NotebookEdit",
        "NotebookRead", "MultiEdit", "LS", "LSP", "TodoWrite", "TodoRead", "Skill",
        "SlashCommand", "BashOutput", "KillShell", "KillBash", "ExitPlanMode", "EnterPlanMode",
        "EnterWorktree", "ExitWorktree", "TaskCreate", "TaskGet", "TaskList", "TaskUpdate",
        "TaskStop", "TaskOutput", "TeamCreate", "TeamDelete", "SendMessage", "ListAgents",
        "Workflow", "Monitor", "PowerShell", "CronCreate", "CronDelete", "CronList",
        "ScheduleWakeup", "RemoteTrigger", "PushNotification", "ToolSearch",
        "WaitForMcpServers", "ListMcpResourcesTool", "ReadMcpResourceTool", "Artifact",
        "ShareOnboardingGuide",
    }
)  # fmt: skip
KNOWN_TOOLS: frozenset[str] = CLAUDE_CODE_TOOLS | frozenset(COORDINATION_TOOLS)


class ToolListError(ValueError):
    """A tool list that cannot be used; ``line`` is 1-based in the file."""

    def __init__(self, reason: str, line: int | None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line


_MCP = re.compile(r"mcp__[A-Za-z0-9_.*-]+")
_CALL = re.compile(r"([A-Za-z][A-Za-z0-9_]*)\((.*)\)", re.DOTALL)


def split_tools(text: str) -> list[str]:
    """Split a comma string of tools, keeping commas inside ``Agent(a, b)`` together."""
    out: list[str] = []
    depth, start = 0, 0
    for i, char in enumerate(text):
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(0, depth - 1)
        elif char == "," and depth == 0:
            out.append(text[start:i])
            start = i + 1
    out.append(text[start:])
    return [t.strip() for t in out if t.strip()]


def tool_list(
    fld: YAMLField | None, warnings: list[str], *, allow_empty: bool
) -> tuple[str, ...] | None:
    """Read a ``tools`` or ``disallowedTools`` field: a comma string or a list of names.

    Returns the entries verbatim (``None`` when omitted), appending warnings for tools
    agentdesk keeps but cannot run. Raises :class:`ToolListError` for a name no one knows.
    """
    if fld is None or fld.value is None:
        if fld is not None and fld.key == "tools":
            warnings.append(f"line {fld.line}: 'tools' has no value; read as omitted")
        return None
    if isinstance(fld.value, str):
        entries = [(fld.line, t) for t in split_tools(fld.value)]
    elif isinstance(fld.value, list):
        entries = []
        for index, item in enumerate(fld.value):
            line = fld.item_lines[index] if index < len(fld.item_lines) else fld.line
            if not isinstance(item, str):
                raise ToolListError(
                    f"'{fld.key}' items must be tool names, not {describe_type(item)}", line
                )
            entries.extend((line, t) for t in split_tools(item))
    else:
        raise ToolListError(
            f"'{fld.key}' must be a comma-separated string or a list, not "
            f"{describe_type(fld.value)}",
            fld.line,
        )
    if not entries and not allow_empty:
        raise ToolListError(
            "'tools' lists no tool; Claude Code refuses to launch such an agent", fld.line
        )
    out: list[str] = []
    unsupported: list[str] = []
    for line, tool in entries:
        base, supported = check_tool(tool, fld.key, line)
        if tool not in out:
            out.append(tool)
        if not supported:
            unsupported.append(tool)
        elif base in FILE_TOOLS and tool != base and fld.key == "tools":
            warnings.append(
                f"line {line}: '{tool}': agentdesk cannot enforce the rule in parentheses, "
                f"so {base} is not offered; list '{base}' alone to grant it"
            )
        elif base in FILE_TOOLS and tool != base:
            warnings.append(f"line {line}: '{tool}' in {fld.key} withholds all of {base}")
    if unsupported:
        what = "kept, but agentdesk cannot run them" if fld.key == "tools" else "kept"
        warnings.append(f"line {fld.line}: {fld.key}: {', '.join(unsupported)} {what}")
    return tuple(out)


def check_tool(tool: str, key: str, line: int) -> tuple[str, bool]:
    """Return ``(base name, agentdesk can run it)``; raise for a name nobody knows."""
    if _MCP.fullmatch(tool):
        return tool, False
    call = _CALL.fullmatch(tool)
    base = call.group(1) if call else tool
    if base in KNOWN_TOOLS:
        return base, base in FILE_TOOLS or base in COORDINATION_TOOLS
    close = difflib.get_close_matches(base, sorted(KNOWN_TOOLS), n=1, cutoff=0.6)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    raise ToolListError(f"unknown tool '{tool}' in {key}{hint}", line)
