"""Building the proposal for a change to one file: diff, pre-image hash, summary and flags.

Write, Edit and the coordination tools all end here, so every file proposal carries the same
facts: the sha256 of the bytes it replaces (``None`` for a new file, T11), the exact new bytes
with the file's BOM, line endings and mode kept (T17), a unified diff of the text (never of
binary bytes, T15), and the risk flags the review screen states in words.
"""

from __future__ import annotations

from typing import Any

from agents.diffs import diff_with_stats
from agents.domain import Verdict
from agents.proposal import FileChange, Proposal
from agents.safe_write import sha256_bytes
from agents.sanitize import has_hidden, sanitize
from agents.textcodec import is_binary
from agents.tools.base import ToolContext

#: A change is "large" past this many new bytes or this many changed lines.
LARGE_BYTES = 1 << 20
LARGE_LINES = 500


def _added_text(diff: str) -> str:
    # Split on "\n" only, as diffs.render joined it: str.splitlines() would also break at
    # U+0085/U+2028/U+2029 (hiding what follows them), and the two header lines are skipped by
    # position, so an added line that starts with "++" is still checked.
    return "\n".join(line[1:] for line in diff.split("\n")[2:] if line.startswith("+"))


def file_proposal(
    ctx: ToolContext,
    *,
    tool: str,
    tool_use_id: str,
    tool_input: dict[str, Any],
    verdict: Verdict,
    before: bytes | None,
    before_text: str,
    after: bytes,
    after_text: str,
    mode: int | None,
    binary_before: bool = False,
    summary: str | None = None,
) -> Proposal:
    """The proposal replacing ``verdict.rel``'s ``before`` bytes (``None``: new) by ``after``."""
    rel = verdict.rel or ""
    before_sha = None if before is None else sha256_bytes(before)
    flags: list[str] = []
    if verdict.kind == "shared":
        flags.append("shared")
    if before is None:
        flags.append("new_file")
    elif ctx.is_dirty is not None and ctx.is_dirty(rel):
        flags.append("dirty")
    binary_after = is_binary(after)
    if binary_before or binary_after:
        # Never a text diff of binary bytes (T15): say what happens instead.
        flags.append("binary")
        old = "new file" if before is None else f"{len(before):,} bytes"
        kind = "binary content" if binary_after else "text"
        diff = f"Binary file {rel}: {old} -> {kind}, {len(after):,} bytes\n"
        added, removed = (0 if binary_after else after_text.count("\n") + 1), 0
        before_text = ""
        if binary_after:
            after_text = ""
    else:
        diff, added, removed = diff_with_stats(rel, before_text, after_text)
    if len(after) > LARGE_BYTES or added + removed > LARGE_LINES:
        flags.append("large")
    if has_hidden(_added_text(diff)):
        flags.append("hidden_chars")
    if ctx.untrusted_read:
        flags.append("after_untrusted_read")
    verb = "Create" if before is None else tool
    ctx.remember_proposed(rel, sha256_bytes(after))
    return Proposal(
        agent=ctx.agent,
        tool=tool,
        tool_use_id=tool_use_id,
        input=tool_input,
        summary=summary or f"{verb} {sanitize(rel)} (+{added} \u2212{removed})",
        changes=[
            FileChange(
                rel=rel,
                before_sha256=before_sha,
                after=after,
                before_text=before_text,
                after_text=after_text,
                mode=mode,
            )
        ],
        diff=diff,
        flags=tuple(flags),
    )
