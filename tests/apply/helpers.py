"""Shared fixtures-in-code for the apply tests (also imported by the crash child process)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from agents.domain import PathGuard
from agents.proposal import FileChange, Proposal
from agents.textcodec import TextFile

AGENT = "backend-architect"
DOMAIN = ("backend/",)


def sha(data: bytes) -> str:
    """Hex sha256."""
    return hashlib.sha256(data).hexdigest()


def guard(root: Path) -> PathGuard:
    """The test agent's guard: may write ``backend/``."""
    return PathGuard(root, list(DOMAIN), agent=AGENT)


def change(root: Path, rel: str, new: bytes) -> FileChange:
    """A FileChange from the file's current bytes (absent: a new file) to ``new``."""
    path = root / rel
    old = path.read_bytes() if path.exists() else None
    before_text = TextFile.from_bytes(old).text if old is not None else ""
    return FileChange(
        rel=rel,
        before_sha256=None if old is None else sha(old),
        after=new,
        before_text=before_text,
        after_text=TextFile.from_bytes(new).text,
    )


def proposal(root: Path, files: dict[str, bytes], *, tool_use_id: str = "toolu_1") -> Proposal:
    """A Write-like proposal of the test agent changing ``files`` (rel -> new bytes)."""
    return Proposal(
        agent=AGENT,
        tool="Write",
        tool_use_id=tool_use_id,
        input={"file_path": next(iter(files))},
        summary=f"write {', '.join(files)}",
        changes=[change(root, rel, data) for rel, data in files.items()],
    )
