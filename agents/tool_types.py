"""The light types a tool call passes around: its context, its outcome, and its errors.

Kept apart from :mod:`agents.tools` (which loads pydantic and every tool's input model) so the
engine can be imported before the desk's first frame without paying for the tools.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from agents.domain import PathGuard

__all__ = ["PathDenied", "ToolContext", "ToolError", "ToolOutcome"]


class ToolError(Exception):
    """A tool call that cannot go ahead; the message goes back to the model as ``is_error``."""


class PathDenied(ToolError):
    """The Domain guard refused the path (outside the project or Domain, protected, secret):
    a denial the person sees as one, not a failure of the tool."""


@dataclass
class ToolContext:
    """Everything a tool may use for one agent: the root, its guard, and what it has read.

    ``read_hashes`` maps a root-relative path to the sha256 of the bytes this agent last read
    (Write/Edit of an existing file require an entry); ``is_dirty`` says whether git has the
    person's uncommitted change on a path; ``untrusted_read`` is set by the session once the
    agent has read content it should not trust, and marks later proposals. ``proposed_hashes``
    holds the sha256 of every content this agent proposed per path: once applied, the agent
    knows those bytes, so they count as read.
    """

    root: Path
    guard: PathGuard
    agent: str
    read_hashes: dict[str, str] = field(default_factory=dict)
    is_dirty: Callable[[str], bool] | None = None
    untrusted_read: bool = False
    proposed_hashes: dict[str, set[str]] = field(default_factory=dict)

    def remember_proposed(self, rel: str, digest: str) -> None:
        """Note that this agent proposed bytes with ``digest`` for ``rel`` (see ``files``)."""
        self.proposed_hashes.setdefault(rel, set()).add(digest)


@dataclass(frozen=True)
class ToolOutcome:
    """The content of one ``tool_result`` block."""

    content: str
    is_error: bool = False
