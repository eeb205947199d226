"""Where a waiting tool call meets the person's decision.

A session awaits :meth:`DecisionHub.wait` for a queued proposal; a front end calls
:meth:`DecisionHub.resolve`. A decision that arrives before anyone waits (after a relaunch, or
from ``agentdesk`` in another process) is kept until it is collected.
"""

from __future__ import annotations

import asyncio

from agents.proposal import Decision


class DecisionHub:
    """Futures keyed by proposal id, on one asyncio loop."""

    def __init__(self) -> None:
        self._waiters: dict[str, asyncio.Future[Decision]] = {}
        self._early: dict[str, Decision] = {}

    async def wait(self, proposal_id: str) -> Decision:
        """Wait for the decision on ``proposal_id``."""
        if proposal_id in self._early:
            return self._early.pop(proposal_id)
        future = self._waiters.get(proposal_id)
        if future is None or future.done():
            future = asyncio.get_running_loop().create_future()
            self._waiters[proposal_id] = future
        try:
            return await future
        finally:
            self._waiters.pop(proposal_id, None)

    def resolve(self, proposal_id: str, decision: Decision) -> bool:
        """Deliver ``decision``; returns True when a session was waiting for it."""
        future = self._waiters.get(proposal_id)
        if future is not None and not future.done():
            future.set_result(decision)
            return True
        self._early[proposal_id] = decision
        return False
