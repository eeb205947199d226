"""A proposal: one tool call that changes files or runs a command, waiting for a decision.

This module is data only. Tools build proposals (:mod:`agents.tools`), the queue orders and
persists them (:mod:`agents.queue`), and :mod:`agents.apply` writes them atomically,
compare-and-swap against ``FileChange.before_sha256``.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

ProposalState = Literal["pending", "approved", "rejected", "applied", "failed", "stale"]

#: Risk flags a proposal may carry; the review screen states each in words.
RISK_FLAGS: dict[str, str] = {
    "outside_domain": "outside the agent's Domain",
    "protected": "a protected path",
    "shared": "a shared file (every agent may propose edits to it)",
    "destructive": "a destructive command: needs a second confirmation",
    "dirty": "the file has uncommitted changes of yours",
    "binary": "a binary file",
    "large": "a large change",
    "hidden_chars": "hidden or control characters (shown visibly)",
    "after_untrusted_read": "follows a read of untrusted content",
    "new_file": "creates a new file",
}


def new_proposal_id() -> str:
    """A short, unique, sortable-enough id (``p-`` + 10 hex digits)."""
    return "p-" + uuid.uuid4().hex[:10]


@dataclass
class FileChange:
    """The whole new content of one file, and the hash of the content it replaces.

    ``before_sha256`` is ``None`` when the file must not exist yet (a new file). ``after`` is the
    exact bytes to write (encoding, BOM and line endings already preserved by the tool).
    ``mode`` is the permission bits to keep (``None``: keep the existing file's, or 0o644).
    """

    rel: str
    before_sha256: str | None
    after: bytes
    before_text: str = ""
    after_text: str = ""
    mode: int | None = None

    def to_json(self) -> dict[str, Any]:
        """JSON-ready form; ``after`` is stored as latin-1 text so any bytes round-trip."""
        data = asdict(self)
        data["after"] = self.after.decode("latin-1")
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FileChange:
        """Inverse of :meth:`to_json`."""
        data = dict(data)
        data["after"] = str(data["after"]).encode("latin-1")
        return cls(**data)


@dataclass
class Proposal:
    """One pending (or decided) change or command from one agent."""

    agent: str
    tool: str
    tool_use_id: str
    input: dict[str, Any]
    summary: str
    changes: list[FileChange] = field(default_factory=list)
    command: str | None = None
    diff: str = ""
    flags: tuple[str, ...] = ()
    id: str = field(default_factory=new_proposal_id)
    created_at: float = field(default_factory=time.time)
    state: ProposalState = "pending"
    reason: str = ""
    seq: int = 0

    @property
    def paths(self) -> tuple[str, ...]:
        """Every path this proposal writes (empty for a command)."""
        return tuple(c.rel for c in self.changes)

    @property
    def is_command(self) -> bool:
        """True for a Bash proposal."""
        return self.command is not None

    def to_json(self) -> dict[str, Any]:
        """JSON-ready form for the persisted queue."""
        data = asdict(self)
        data["changes"] = [c.to_json() for c in self.changes]
        data["flags"] = list(self.flags)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Proposal:
        """Inverse of :meth:`to_json`."""
        data = dict(data)
        data["changes"] = [FileChange.from_json(c) for c in data.get("changes", [])]
        data["flags"] = tuple(data.get("flags", ()))
        return cls(**data)


@dataclass(frozen=True)
class Decision:
    """What the person decided about one proposal.

    ``approve`` may carry ``edited`` (path -> replacement text the person wrote) or ``hunks``
    (path -> indices of the hunks to keep); ``reject`` carries the reason sent to the model.
    ``always`` records an "always allow this for this agent" rule alongside an approval.
    """

    action: Literal["approve", "reject"]
    reason: str = ""
    edited: dict[str, str] | None = None
    hunks: dict[str, list[int]] | None = None
    always: bool = False
    confirmed_destructive: bool = False
    by: str = "person"
