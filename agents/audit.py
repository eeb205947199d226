"""The audit log: one JSON line per decision or automatic action, metadata only.

``.agentdesk/audit.jsonl`` (mode 0600) answers "who did what, when, under which rule": the
agent, the action, the proposal, the tool, the paths, hashes and sizes, the rule that allowed it
and the person's reason. It never holds file contents, prompts, diffs or secrets (THREATS T53):
``extra`` accepts only short scalar metadata, long strings are cut, and an API key that slips into
any string is redacted.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from agents.proposal import Decision, Proposal
from agents.state_dir import append_jsonl, read_jsonl, redact

AUDIT_FILE = "audit.jsonl"
#: Longest string kept in an audit field; metadata is short, anything longer is not metadata.
MAX_FIELD = 500
_SCALARS = (str, int, float, bool, type(None))


def _short(text: str) -> str:
    if len(text) <= MAX_FIELD:
        return text
    return text[:MAX_FIELD] + f"… ({len(text) - MAX_FIELD} more characters not logged)"


def _metadata(value: Any) -> Any:
    """A JSON-safe, short form of ``value``; nested containers are flattened to scalars."""
    if isinstance(value, str):
        return _short(value)
    if isinstance(value, _SCALARS):
        return value
    if isinstance(value, list | tuple):
        return [_metadata(v) for v in value[:50] if isinstance(v, _SCALARS)]
    if isinstance(value, Mapping):
        return {
            _short(str(k)): _metadata(v)
            for k, v in list(value.items())[:50]
            if isinstance(v, _SCALARS)
        }
    return _short(type(value).__name__)


class AuditLog:
    """Append-only, fsynced audit records under the state directory; thread-safe."""

    def __init__(self, state_dir: Path) -> None:
        self.path = Path(state_dir) / AUDIT_FILE
        self._lock = threading.Lock()

    def record(
        self,
        *,
        agent: str,
        action: str,
        proposal_id: str | None = None,
        tool: str | None = None,
        paths: Sequence[str] = (),
        rule: str = "",
        by: str = "person",
        reason: str = "",
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        """Append one record (``at`` is the wall-clock time, ISO 8601 with UTC offset)."""
        entry: dict[str, Any] = {
            "at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "ts": round(time.time(), 3),
            "agent": _short(agent),
            "action": _short(action),
            "proposal_id": proposal_id,
            "tool": tool,
            "paths": [_short(p) for p in paths],
            "rule": _short(rule),
            "by": _short(by),
            "reason": _short(reason),
        }
        for key, value in (extra or {}).items():
            if key not in entry:
                entry[_short(str(key))] = _metadata(value)
        with self._lock:
            append_jsonl(self.path, redact(entry))

    def record_decision(
        self, proposal: Proposal, decision: Decision, *, rule: str = "", action: str = ""
    ) -> None:
        """Record a decision about ``proposal`` with hashes and sizes, never contents."""
        files = [
            {
                "path": c.rel,
                "before_sha256": c.before_sha256,
                "after_bytes": len(c.after),
                "new_file": c.before_sha256 is None,
            }
            for c in proposal.changes
        ]
        extra: dict[str, Any] = {
            "seq": proposal.seq,
            "flags": list(proposal.flags),
            "files": len(files),
            "bytes": sum(f["after_bytes"] for f in files),
            "edited": sorted(decision.edited) if decision.edited else [],
            "hunks": sorted(decision.hunks) if decision.hunks else [],
            "always": decision.always,
        }
        if proposal.command is not None:
            # The command itself may carry a token; its hash identifies it without storing it.
            extra["command_chars"] = len(proposal.command)
            extra["command_sha256"] = hashlib.sha256(
                proposal.command.encode("utf-8", "surrogatepass")
            ).hexdigest()
        for n, f in enumerate(files[:20]):
            extra[f"file_{n}_before_sha256"] = f["before_sha256"]
            extra[f"file_{n}_after_bytes"] = f["after_bytes"]
        self.record(
            agent=proposal.agent,
            action=action or decision.action,
            proposal_id=proposal.id,
            tool=proposal.tool,
            paths=proposal.paths,
            rule=rule,
            by=decision.by,
            reason=decision.reason,
            extra=extra,
        )

    def entries(self) -> list[dict[str, Any]]:
        """Every readable record, oldest first (a line torn by a crash is skipped)."""
        records, _bad = read_jsonl(self.path)
        return records
