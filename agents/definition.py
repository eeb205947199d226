"""The agent definition model: what one Claude Code subagent file says.

The parser that fills it lives in :mod:`agents.agentfile`; this module holds only the data shape
and the rules that derive effective values from it (tools, permission mode), so every other part
of the engine can depend on it without pulling in YAML.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

PermissionMode = Literal[
    "default", "manual", "acceptEdits", "plan", "dontAsk", "auto", "bypassPermissions"
]
PERMISSION_MODES: tuple[str, ...] = (
    "default",
    "manual",
    "acceptEdits",
    "plan",
    "dontAsk",
    "auto",
    "bypassPermissions",
)

#: Tools agentdesk can run itself, in the order they are offered to the model.
FILE_TOOLS: tuple[str, ...] = ("Read", "Write", "Edit", "Bash", "Grep", "Glob")
#: Coordination tools every agent gets (PROGRESS.md through its model, never free-form).
COORDINATION_TOOLS: tuple[str, ...] = ("MarkComplete", "RaiseBlocker", "ReportSetup")
#: Tools that change the file system or run code.
WRITE_TOOLS: frozenset[str] = frozenset({"Write", "Edit", "Bash", "NotebookEdit"})
READ_ONLY_TOOLS: frozenset[str] = frozenset({"Read", "Grep", "Glob"})

Source = Literal["project", "user", "bundled"]


@dataclass(frozen=True)
class AgentLoadError:
    """A definition file that cannot be used: names the file, the line and the reason."""

    path: Path
    line: int | None
    reason: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        return f"{where}: {self.reason}"


@dataclass(frozen=True)
class AgentDefinition:
    """One agent, as its Markdown file (plus config overrides) defines it.

    ``tools`` is ``None`` when the file omits the field (Claude Code: inherit every tool);
    otherwise it is the declared list, kept verbatim (``Agent(x)`` and ``mcp__*`` forms
    included). ``domain`` holds gitignore-style patterns relative to the project root; an empty
    tuple means no Domain, and therefore no write tools (fail closed).
    """

    name: str
    description: str
    path: Path
    source: Source
    body: str
    tools: tuple[str, ...] | None = None
    disallowed_tools: tuple[str, ...] = ()
    model: str | None = None
    permission_mode: str | None = None
    max_turns: int | None = None
    color: str | None = None
    isolation: str | None = None
    initial_prompt: str | None = None
    effort: str | None = None
    domain: tuple[str, ...] = ()
    domain_source: Literal["body", "frontmatter", "config"] | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()

    @property
    def system_prompt(self) -> str:
        """The body of the file, which Claude Code uses as the subagent's system prompt."""
        return self.body

    @property
    def has_domain(self) -> bool:
        """True when the agent owns at least one path pattern."""
        return bool(self.domain)

    def effective_tools(self) -> tuple[str, ...]:
        """The agentdesk tools this agent is offered, before the permission mode is applied.

        ``disallowedTools`` is applied first, then ``tools`` (omitted means every file tool).
        Forms agentdesk cannot run (``Agent(...)``, ``mcp__*``, ``WebFetch``...) are dropped here;
        the parser reports them as warnings. Without a Domain, Write and Edit are removed.
        Fail closed on rule forms agentdesk cannot enforce: ``Bash(git *)`` in ``tools`` grants
        no Bash, while ``Bash(rm *)`` in ``disallowedTools`` withholds all of Bash.
        """
        denied = {_base_name(t) for t in self.disallowed_tools}
        declared = FILE_TOOLS if self.tools is None else tuple(t.strip() for t in self.tools)
        out: list[str] = []
        for tool in FILE_TOOLS:
            if tool in declared and tool not in denied and tool not in out:
                out.append(tool)
        if not self.has_domain:
            out = [t for t in out if t not in ("Write", "Edit")]
        return tuple(out)

    def declared_mode(self) -> str:
        """The permission mode the file asks for (``manual`` is an alias of ``default``)."""
        mode = self.permission_mode or "default"
        return "default" if mode == "manual" else mode


def _base_name(tool: str) -> str:
    """``Agent(worker)`` -> ``Agent``; other names unchanged."""
    return tool.split("(", 1)[0].strip()


#: Modes ordered from least to most autonomous; the desk ceiling caps a definition's mode.
MODE_ORDER: tuple[str, ...] = (
    "plan",
    "dontAsk",
    "default",
    "acceptEdits",
    "auto",
    "bypassPermissions",
)


def effective_mode(declared: str, ceiling: str) -> str:
    """Cap ``declared`` at ``ceiling``: a file asking for ``bypassPermissions`` under a
    ``default`` ceiling is supervised as ``default``. ``auto`` (a classifier agentdesk does not
    have) is treated as ``default``."""
    declared = "default" if declared in ("manual", "auto") else declared
    ceiling = "default" if ceiling in ("manual", "auto") else ceiling
    if declared not in MODE_ORDER:
        declared = "default"
    if ceiling not in MODE_ORDER:
        ceiling = "default"
    if MODE_ORDER.index(declared) <= MODE_ORDER.index(ceiling):
        return declared
    return ceiling
