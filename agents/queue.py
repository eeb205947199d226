"""The one approval queue of the desk: ordered, attributed, persisted, never lossy.

Every proposal from every agent goes here. Each gets a sequence number that only grows (across
restarts too), the queue is written to ``.agentdesk/queue.json`` before :meth:`ApprovalQueue.add`
returns, and a request is never dropped or overwritten: adding a proposal whose id, or whose
``(agent, tool_use_id)``, is already known returns the proposal already queued. A queue file that
cannot be read is kept aside (``queue.json.corrupt-<timestamp>``) with a warning, never deleted.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast, get_args

from agents.proposal import Proposal, ProposalState
from agents.state_dir import write_json_atomic

QUEUE_FILE = "queue.json"
_VERSION = 1
_STATES: frozenset[str] = frozenset(get_args(ProposalState))
#: States in which a proposal still needs something (a decision, or an apply to finish).
_LIVE: frozenset[str] = frozenset({"pending", "approved"})


class ApprovalQueue:
    """Ordered, persisted proposals of every agent; thread-safe.

    ``warnings`` collects human-readable problems met while loading (a corrupt file kept aside,
    entries that could not be read, a listener that failed) for the desk to show once.
    """

    def __init__(self, state_dir: Path) -> None:
        self.path = Path(state_dir) / QUEUE_FILE
        self.warnings: list[str] = []
        self._lock = threading.RLock()
        self._items: dict[str, Proposal] = {}
        self._by_call: dict[tuple[str, str], str] = {}
        self._next_seq = 1
        self._listeners: list[Callable[[], None]] = []
        self._session_start = time.time()
        self._load()

    # -- loading and saving -------------------------------------------------------------------

    def _load(self) -> None:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return
        except OSError as exc:
            self.warnings.append(f"The approval queue {self.path} could not be read: {exc}")
            return
        try:
            data = json.loads(raw.decode("utf-8", "surrogatepass"))
            if not isinstance(data, dict) or not isinstance(data.get("proposals"), list):
                raise ValueError("not a queue file")
            entries: list[Any] = data["proposals"]
            next_seq = int(data.get("next_seq", 1))
        except (ValueError, TypeError) as exc:
            kept = self._keep_aside(raw, move=True)
            self.warnings.append(
                f"The approval queue file was unreadable ({exc}); it was kept as {kept} "
                "and the queue starts empty."
            )
            return
        bad = 0
        for entry in entries:
            try:
                proposal = Proposal.from_json(entry)
                if proposal.state not in _STATES:
                    raise ValueError(f"unknown state {proposal.state!r}")
            except (ValueError, TypeError, KeyError, AttributeError):
                bad += 1
                continue
            self._index(proposal)
        self._next_seq = max([next_seq, *(p.seq + 1 for p in self._items.values())])
        if bad:
            kept = self._keep_aside(raw, move=False)
            self.warnings.append(
                f"{bad} entr{'y' if bad == 1 else 'ies'} of the approval queue could not be "
                f"read and were skipped; the original file was kept as {kept}."
            )

    def _keep_aside(self, raw: bytes, *, move: bool) -> str:
        """Keep an unreadable queue file as ``queue.json.corrupt-<ts>``; returns its name."""
        stamp = time.strftime("%Y%m%d-%H%M%S")
        target = self.path.with_name(f"{QUEUE_FILE}.corrupt-{stamp}")
        n = 1
        while target.exists():
            n += 1
            target = self.path.with_name(f"{QUEUE_FILE}.corrupt-{stamp}-{n}")
        if move:
            os.replace(self.path, target)
        else:
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(raw)
        return target.name

    def _index(self, proposal: Proposal) -> None:
        self._items[proposal.id] = proposal
        if proposal.tool_use_id:
            self._by_call[(proposal.agent, proposal.tool_use_id)] = proposal.id

    def _save(self) -> None:
        ordered = sorted(self._items.values(), key=lambda p: p.seq)
        write_json_atomic(
            self.path,
            {
                "version": _VERSION,
                "next_seq": self._next_seq,
                "proposals": [p.to_json() for p in ordered],
            },
        )

    def _notify(self) -> None:
        for listener in list(self._listeners):
            try:
                listener()
            except Exception as exc:  # a broken listener must not break the queue
                self.warnings.append(f"A queue listener failed: {type(exc).__name__}: {exc}")

    # -- public API ---------------------------------------------------------------------------

    def add(self, proposal: Proposal) -> Proposal:
        """Queue ``proposal`` with the next sequence number and persist it before returning.

        A proposal with an id already queued, or from the same agent with the same
        ``tool_use_id``, is not added again: the proposal already queued is returned.
        """
        with self._lock:
            existing = self._items.get(proposal.id)
            if existing is None and proposal.tool_use_id:
                known = self._by_call.get((proposal.agent, proposal.tool_use_id))
                existing = self._items.get(known) if known else None
            if existing is not None:
                return existing
            proposal.seq = self._next_seq
            self._next_seq += 1
            self._index(proposal)
            try:
                self._save()
            except BaseException:
                self._items.pop(proposal.id, None)
                self._by_call.pop((proposal.agent, proposal.tool_use_id), None)
                self._next_seq -= 1
                raise
        self._notify()
        return proposal

    def pending(self, agent: str | None = None) -> list[Proposal]:
        """Pending proposals (of ``agent``, or of everyone), oldest first."""
        with self._lock:
            found = [
                p
                for p in self._items.values()
                if p.state == "pending" and (agent is None or p.agent == agent)
            ]
        return sorted(found, key=lambda p: p.seq)

    def oldest_pending(self) -> Proposal | None:
        """The pending proposal that has waited longest, of any agent."""
        waiting = self.pending()
        return waiting[0] if waiting else None

    def all(self) -> list[Proposal]:
        """Every proposal known, decided ones included, in queue order."""
        with self._lock:
            return sorted(self._items.values(), key=lambda p: p.seq)

    def get(self, proposal_id: str) -> Proposal | None:
        """The proposal with this id, or None."""
        with self._lock:
            return self._items.get(proposal_id)

    def find(self, agent: str, tool_use_id: str) -> Proposal | None:
        """The proposal made by ``agent`` for this ``tool_use_id``, or None."""
        with self._lock:
            known = self._by_call.get((agent, tool_use_id))
            return self._items.get(known) if known else None

    def set_state(self, proposal_id: str, state: str, reason: str = "") -> Proposal:
        """Move a proposal to ``state`` (with a reason) and persist; KeyError if unknown."""
        if state not in _STATES:
            raise ValueError(f"unknown proposal state {state!r}; expected one of {sorted(_STATES)}")
        with self._lock:
            proposal = self._items.get(proposal_id)
            if proposal is None:
                raise KeyError(f"no proposal {proposal_id!r} in the queue")
            previous = (proposal.state, proposal.reason)
            proposal.state = cast(ProposalState, state)
            proposal.reason = reason
            try:
                self._save()
            except BaseException:
                proposal.state, proposal.reason = previous
                raise
        self._notify()
        return proposal

    def forget_decided(self) -> None:
        """Drop finished proposals created before this queue was opened (earlier sessions).

        Pending and approved-but-not-yet-applied proposals are kept whatever their age.
        """
        with self._lock:
            old = [
                p
                for p in self._items.values()
                if p.state not in _LIVE and p.created_at < self._session_start
            ]
            if not old:
                return
            for proposal in old:
                del self._items[proposal.id]
                self._by_call.pop((proposal.agent, proposal.tool_use_id), None)
            self._save()
        self._notify()

    def subscribe(self, fn: Callable[[], None]) -> Callable[[], None]:
        """Call ``fn()`` after every change; returns a function that unsubscribes it."""
        with self._lock:
            self._listeners.append(fn)

        def unsubscribe() -> None:
            with self._lock:
                if fn in self._listeners:
                    self._listeners.remove(fn)

        return unsubscribe

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)
