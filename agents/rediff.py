"""Re-diff a pending proposal whose file changed since its diff was shown.

The tool call is proposed again with the same input against the file as it is now: an Edit
whose ``old_string`` still matches exactly once gets a fresh diff and pre-image hash; one that
no longer matches cannot be re-diffed (the model must read the file again).
"""

from __future__ import annotations

from agents.proposal import Proposal
from agents.queue import ApprovalQueue
from agents.safe_write import current_sha256
from agents.tools import get_tool
from agents.tools.base import ToolContext, ToolError


def rediff(queue: ApprovalQueue, ctx: ToolContext, proposal: Proposal) -> Proposal | None:
    """Replace ``proposal`` in the queue with one made against the current files.

    Returns the new proposal (same id, same place in the queue), or ``None`` when the call no
    longer applies (for example, ``old_string`` is gone).
    """
    tool = get_tool(proposal.tool)
    for change in proposal.changes:
        now = current_sha256(ctx.root, change.rel)
        if now is not None:
            ctx.read_hashes[change.rel] = now  # the person asked for the current content
    try:
        args = tool.validate(proposal.input)
        fresh = tool.propose(ctx, args, tool_use_id=proposal.tool_use_id)
    except ToolError:
        return None
    fresh.id = proposal.id
    fresh.seq = proposal.seq
    fresh.created_at = proposal.created_at
    return queue.replace(fresh)
