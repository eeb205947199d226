"""The tool-use ledger: each ``tool_use_id`` is carried out at most once (THREATS T49).

``.agentdesk/ledger.jsonl`` holds, per ``(agent, tool_use_id)``, the ``tool_result`` sent to the
model (recorded *before* it is sent) and, for calls that change something, an ``applying`` marker
written before the change starts. A retried or resumed call finds its result and is not run again.

After a crash the ledger may hold a marker without a result. What happened is then decided from
the apply engine's durable done marks (``applied.jsonl``, written once every file of a proposal is
on disk; startup recovery finishes or rolls back any journaled apply first, so call
:meth:`agents.apply.Applier.recover` before resuming agents):

- the proposal completed → the success result given to :meth:`ToolLedger.mark_applying`
  (or a plain "Applied: paths" one) — the same result, and no second write;
- it did not → an error result saying it was interrupted and nothing was written (for commands:
  that it may have run), so the model re-reads the state instead of blindly retrying.

Either way the synthesized result is recorded, so every later lookup returns the same thing.
Markers written by this process are in flight, not interrupted: :meth:`ToolLedger.get` returns
None for them until the result is recorded.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from agents.journal import load_completions
from agents.state_dir import redact

LEDGER_FILE = "ledger.jsonl"

_Key = tuple[str, str]


class ToolLedger:
    """Results and in-progress markers of tool calls, persisted as fsynced JSON lines."""

    def __init__(self, state_dir: Path) -> None:
        self.state_dir = Path(state_dir)
        self.path = self.state_dir / LEDGER_FILE
        self._lock = threading.Lock()
        # Results can be large (a Read's output); memory holds only where each one is.
        self._results: dict[_Key, tuple[int, int]] = {}
        self._markers: dict[_Key, dict[str, Any]] = {}
        self._in_flight: set[_Key] = set()
        self.skipped_lines = 0
        self._load()

    def _load(self) -> None:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return
        offset = 0
        for line in raw.split(b"\n"):
            start, offset = offset, offset + len(line) + 1
            if not line.strip():
                continue
            try:
                rec = json.loads(line.decode("utf-8", "surrogatepass"))
                key = (str(rec["agent"]), str(rec["tool_use_id"]))
                kind = rec["kind"]
            except (ValueError, KeyError, TypeError):
                self.skipped_lines += 1
                continue
            if kind == "result" and isinstance(rec.get("result"), dict):
                self._results.setdefault(key, (start, len(line)))
            elif kind == "applying":
                self._markers[key] = rec
        for key in self._results:
            self._markers.pop(key, None)

    def _read_result(self, where: tuple[int, int]) -> dict[str, Any]:
        offset, length = where
        with open(self.path, "rb") as handle:
            handle.seek(offset)
            rec = json.loads(handle.read(length).decode("utf-8", "surrogatepass"))
        result: dict[str, Any] = rec["result"]
        return result

    def _append(self, record: dict[str, Any]) -> tuple[int, int]:
        """Append one fsynced line (closing a line torn by a crash first); its place."""
        line = json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode(
            "utf-8", "surrogatepass"
        )
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_NOFOLLOW, 0o600)
        try:
            size = os.fstat(fd).st_size
            prefix = b"\n" if size and os.pread(fd, 1, size - 1) != b"\n" else b""
            os.write(fd, prefix + line + b"\n")
            os.fsync(fd)
        finally:
            os.close(fd)
        return size + len(prefix), len(line)

    def get(self, agent: str, tool_use_id: str) -> dict[str, Any] | None:
        """The stored ``tool_result`` of this call, or None when it must (still) be carried out.

        For a call interrupted by a crash in an earlier run, returns (and records) the result
        described in the module docstring.
        """
        key = (agent, tool_use_id)
        with self._lock:
            where = self._results.get(key)
            if where is not None:
                return self._read_result(where)
            marker = self._markers.get(key)
            if marker is None or key in self._in_flight:
                return None
        self.record(agent, tool_use_id, self._settle(marker, tool_use_id))
        with self._lock:
            return self._read_result(self._results[key])

    def _settle(self, marker: dict[str, Any], tool_use_id: str) -> dict[str, Any]:
        """The result of a call whose apply was interrupted by a crash."""
        proposal_id = str(marker.get("proposal_id", ""))
        done = load_completions(self.state_dir).get(proposal_id)
        if done is not None:
            promised = marker.get("result")
            if isinstance(promised, dict):
                return promised
            paths = ", ".join(str(p) for p in done.get("paths", ()))
            return _result(tool_use_id, f"Applied: {paths}", is_error=False)
        if marker.get("command"):
            text = (
                f"agentdesk stopped while running this command (proposal {proposal_id}); it may "
                "have run partly or fully. Check its effects before running it again."
            )
        elif marker.get("paths") is not None:
            text = (
                f"agentdesk stopped before this change (proposal {proposal_id}) was applied; "
                "nothing was written. Read the files again and propose it anew if still needed."
            )
        else:
            text = (
                f"agentdesk stopped while carrying out this call (proposal {proposal_id}) and it "
                "did not complete: no file change from it was applied; a command may have run "
                "partly. Check the current state before trying again."
            )
        return _result(tool_use_id, text, is_error=True)

    def record(self, agent: str, tool_use_id: str, result: dict[str, Any]) -> None:
        """Persist the result of a call (fsynced) before it is sent to the model.

        The first result recorded for a call wins; later ones are ignored, so a call answered
        once is always answered the same way.
        """
        key = (agent, tool_use_id)
        with self._lock:
            if key in self._results:
                return
            record = {
                "kind": "result",
                "agent": agent,
                "tool_use_id": tool_use_id,
                "at": round(time.time(), 3),
                "result": redact(dict(result)),
            }
            self._results[key] = self._append(record)
            self._in_flight.discard(key)
            self._markers.pop(key, None)

    def mark_applying(
        self,
        agent: str,
        tool_use_id: str,
        proposal_id: str,
        *,
        paths: Sequence[str] | None = None,
        command: bool = False,
        result: dict[str, Any] | None = None,
    ) -> None:
        """Note (fsynced) that this call's change is about to be carried out.

        ``paths`` (the files it writes) and ``command`` (it runs a command) sharpen the message
        given if the process dies mid-way; ``result`` is the success result to give the model if
        the apply turns out to have completed before the crash.
        """
        key = (agent, tool_use_id)
        record: dict[str, Any] = {
            "kind": "applying",
            "agent": agent,
            "tool_use_id": tool_use_id,
            "proposal_id": proposal_id,
            "at": round(time.time(), 3),
            "command": command,
        }
        if paths is not None:
            record["paths"] = list(paths)
        if result is not None:
            record["result"] = dict(result)
        record = redact(record)
        with self._lock:
            self._append(record)
            self._markers[key] = record
            self._in_flight.add(key)

    def interrupted(self) -> list[dict[str, Any]]:
        """Markers left by an earlier run whose call has no result yet (for a startup report)."""
        with self._lock:
            return [dict(m) for key, m in self._markers.items() if key not in self._in_flight]


def _result(tool_use_id: str, content: str, *, is_error: bool) -> dict[str, Any]:
    return {
        "type": "tool_result",
        "tool_use_id": tool_use_id,
        "content": content,
        "is_error": is_error,
    }
