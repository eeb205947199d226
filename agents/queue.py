"""The one approval queue of the desk: ordered, attributed, persisted, never lossy.

Every proposal from every agent goes here. Each gets a sequence number that only grows (across
restarts too), and a request is never dropped or overwritten: adding a proposal whose id, or
whose ``(agent, tool_use_id)``, is already known returns the proposal already queued.

Storage, under the state directory: ``queue/<seq>-<id>.json`` holds one proposal with its seq, state
and reason, written atomically when it is added (before :meth:`ApprovalQueue.add` returns) and
when its state changes, so a change costs one small write whatever the queue holds;
``queue.json`` holds the next sequence number. A file that cannot be read is kept aside
(``*.corrupt-<timestamp>``) with a warning, never deleted.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast, get_args

from agents.proposal import Proposal, ProposalState
from agents.state_dir import fsync_dir, redact, safe_key, write_json_atomic

QUEUE_FILE = "queue.json"
QUEUE_DIR = "queue"
_VERSION = 2
_STATES: frozenset[str] = frozenset(get_args(ProposalState))
#: States in which a proposal still needs something (a decision, or an apply to finish).
_LIVE: frozenset[str] = frozenset({"pending", "approved"})


class ApprovalQueue:
    """Ordered, persisted proposals of every agent; thread-safe.

    ``warnings`` collects human-readable problems met while loading (a corrupt file kept aside,
    a listener that failed) for the desk to show once.
    """

    def __init__(self, state_dir: Path) -> None:
        self.path = Path(state_dir) / QUEUE_FILE
        self.dir = Path(state_dir) / QUEUE_DIR
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
        legacy: list[Any] = []
        data = self._read_json(self.path)
        if isinstance(data, dict):
            with contextlib.suppress(TypeError, ValueError):
                self._next_seq = max(1, int(data.get("next_seq", 1)))
            if isinstance(data.get("proposals"), list):  # version 1 kept everything in one file
                legacy = data["proposals"]
        elif data is not None:
            self._corrupt(self.path, "it is not a queue file")
        for path in sorted(self.dir.glob("*.json")) if self.dir.is_dir() else []:
            entry = self._read_json(path)
            proposal = self._parse(entry) if entry is not None else None
            if proposal is not None:
                self._index(proposal)
            elif entry is not None:
                self._corrupt(path, "it is not a proposal")
        bad_legacy = 0
        for entry in legacy:
            proposal = self._parse(entry)
            if proposal is None:
                bad_legacy += 1
            elif proposal.id not in self._items:
                self._index(proposal)
                self._write(proposal)
        if bad_legacy:
            self._corrupt(self.path, f"{bad_legacy} proposals in it could not be read")
        named = [_seq_of(p.name) for p in self.dir.iterdir()] if self.dir.is_dir() else []
        self._next_seq = max(
            [self._next_seq, *(n + 1 for n in named), *(p.seq + 1 for p in self._items.values())]
        )
        if legacy:
            self._save_seq()

    def _read_json(self, path: Path) -> Any:
        """The JSON in ``path``; None when absent or unreadable (then kept aside, warned)."""
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            self.warnings.append(f"{path.name} of the approval queue could not be read: {exc}")
            return None
        try:
            return json.loads(raw.decode("utf-8", "surrogatepass"))
        except ValueError as exc:
            self._corrupt(path, str(exc))
            return None

    @staticmethod
    def _parse(entry: Any) -> Proposal | None:
        try:
            proposal = Proposal.from_json(entry)
        except (ValueError, TypeError, KeyError, AttributeError):
            return None
        return proposal if proposal.state in _STATES else None

    def _corrupt(self, path: Path, why: str) -> None:
        """Keep an unreadable file as ``<name>.corrupt-<ts>`` and say so."""
        stamp = time.strftime("%Y%m%d-%H%M%S")
        target = path.with_name(f"{path.name}.corrupt-{stamp}")
        n = 1
        while target.exists():
            n += 1
            target = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
        try:
            os.replace(path, target)
        except OSError as exc:
            self.warnings.append(f"{path.name} of the approval queue is unreadable ({why}): {exc}")
            return
        self.warnings.append(
            f"{path.name} of the approval queue was unreadable ({why}); it was kept as "
            f"{target.name} and left out of the queue."
        )

    def _index(self, proposal: Proposal) -> None:
        self._items[proposal.id] = proposal
        if proposal.tool_use_id:
            self._by_call[(proposal.agent, proposal.tool_use_id)] = proposal.id

    def _file(self, proposal: Proposal) -> Path:
        # The seq in the name keeps the sequence growing even past a file kept aside as corrupt.
        return self.dir / f"{proposal.seq:08d}-{safe_key(proposal.id)}.json"

    def _write(self, proposal: Proposal) -> None:
        if not self.dir.is_dir():
            self.dir.mkdir(mode=0o700)
            fsync_dir(self.dir.parent)
        write_json_atomic(self._file(proposal), redact(proposal.to_json()))

    def _save_seq(self) -> None:
        write_json_atomic(self.path, {"version": _VERSION, "next_seq": self._next_seq})

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
                self._write(proposal)
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
                self._write(proposal)
            except BaseException:
                proposal.state, proposal.reason = previous
                raise
        self._notify()
        return proposal

    def replace(self, proposal: Proposal) -> Proposal:
        """Swap a pending proposal for a re-diffed one with the same id, keeping its place."""
        with self._lock:
            old = self._items.get(proposal.id)
            if old is None or old.state != "pending":
                raise KeyError(f"no pending proposal {proposal.id!r} in the queue")
            proposal.seq = old.seq
            proposal.state = "pending"
            self._write(proposal)
            self._items[proposal.id] = proposal
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
            self._save_seq()  # the sequence must keep growing once their files are gone
            for proposal in old:
                del self._items[proposal.id]
                self._by_call.pop((proposal.agent, proposal.tool_use_id), None)
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(self._file(proposal))
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


def _seq_of(name: str) -> int:
    """The sequence number a proposal file name starts with (0 if none)."""
    digits = name.split("-", 1)[0]
    return int(digits) if digits.isdigit() else 0
