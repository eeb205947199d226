"""Session persistence: each agent's conversation and display transcript as JSON lines.

Under ``.agentdesk/sessions/<agent>/``:

- ``messages.jsonl``: the Messages-API conversation, one message per line, appended as it grows.
  A relaunch resumes the conversation from it.
- ``entries.jsonl``: what the pane shows (user prompts, assistant text, tool calls and results,
  decisions, errors), so a relaunch restores the transcript exactly.
- ``meta.json``: running totals (tokens, cost), the effective mode and whether a task was running.
- ``inbox/``: messages left by another process (``agentdesk blockers answer``), one file each,
  taken exactly once by whichever process runs the agent next (the desk, if it is open).

Nothing here ever holds the API key: the key lives only in the model client.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

_SAFE = re.compile(r"[^A-Za-z0-9._-]")


@dataclass
class TranscriptEntry:
    """One block in an agent's pane."""

    #: user | assistant | tool_call | tool_result | proposal | decision | denied | error | notice
    kind: str
    text: str
    meta: dict[str, Any] = field(default_factory=dict)


class TranscriptStore:
    """Append-only JSONL files for one agent's session."""

    def __init__(self, state_dir: Path, agent: str) -> None:
        self.dir = state_dir / "sessions" / _SAFE.sub("_", agent)
        self._messages = self.dir / "messages.jsonl"
        self._entries = self.dir / "entries.jsonl"
        self._meta = self.dir / "meta.json"
        self._inbox = self.dir / "inbox"

    def _append(self, path: Path, record: Any) -> None:
        self.dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        line = json.dumps(record, ensure_ascii=False) + "\n"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            os.write(fd, line.encode("utf-8", "surrogatepass"))
        finally:
            os.close(fd)

    def append_message(self, message: dict[str, Any]) -> None:
        """Persist one conversation message (user or assistant)."""
        self._append(self._messages, message)

    def rewrite_messages(self, messages: list[dict[str, Any]]) -> None:
        """Replace the whole conversation (after a repair such as closing dangling tool calls)."""
        self.dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = self._messages.with_suffix(".tmp")
        with open(tmp, "w", encoding="utf-8", errors="surrogatepass") as fh:
            for message in messages:
                fh.write(json.dumps(message, ensure_ascii=False) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self._messages)

    def append_entry(self, entry: TranscriptEntry) -> None:
        """Persist one display entry."""
        self._append(self._entries, asdict(entry))

    def load_messages(self) -> list[dict[str, Any]]:
        """The persisted conversation; a torn last line (crash mid-append) is dropped."""
        return [m for m in _read_jsonl(self._messages) if isinstance(m, dict)]

    def load_entries(self, limit: int | None = None) -> list[TranscriptEntry]:
        """The persisted display transcript (only its last ``limit`` entries, when given)."""
        out = []
        for record in _read_jsonl(self._entries, tail=limit):
            if isinstance(record, dict) and "kind" in record:
                out.append(
                    TranscriptEntry(
                        kind=str(record["kind"]),
                        text=str(record.get("text", "")),
                        meta=dict(record.get("meta") or {}),
                    )
                )
        return out

    def deliver(self, text: str) -> None:
        """Leave ``text`` for the agent from another process: one file, written whole."""
        self._inbox.mkdir(parents=True, exist_ok=True, mode=0o700)
        name = f"{time.time_ns():020d}-{os.getpid()}"
        tmp = self._inbox / f".{name}.tmp"
        with open(tmp, "w", encoding="utf-8", errors="surrogatepass") as fh:
            fh.write(json.dumps({"text": text}, ensure_ascii=False))
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self._inbox / f"{name}.json")

    def has_inbox(self) -> bool:
        """True when messages delivered by another process wait to be taken."""
        try:
            return any(p.suffix == ".json" for p in self._inbox.iterdir())
        except OSError:
            return False

    def take_inbox(self, keep: Callable[[list[str]], None]) -> None:
        """Hand the delivered texts, oldest first, to ``keep`` (which persists them), then
        remove them. A lock keeps two processes from taking the same message."""
        if not self.has_inbox():
            return
        fd = os.open(self.dir / "inbox.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            files = sorted(p for p in self._inbox.glob("*.json"))
            texts = []
            for path in files:
                with open(path, encoding="utf-8", errors="surrogatepass") as fh:
                    try:
                        record = json.load(fh)
                    except ValueError:
                        continue  # deliver() writes whole files: this one is not a message
                if isinstance(record, dict) and isinstance(record.get("text"), str):
                    texts.append(record["text"])
            if texts:
                keep(texts)
            for path in files:
                path.unlink(missing_ok=True)
        finally:
            os.close(fd)

    def load_meta(self) -> dict[str, Any]:
        """Totals and flags saved by :meth:`save_meta` (empty when absent or unreadable)."""
        try:
            data = json.loads(self._meta.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def save_meta(self, meta: dict[str, Any]) -> None:
        """Replace the meta record atomically.

        Not fsynced: it changes on every state change (several times per approval), it is
        advisory (state, totals, why the agent stopped), and a process exit never loses it; only
        a power cut can take back the last update.
        """
        from agents.state_dir import write_json_atomic

        self.dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        write_json_atomic(self._meta, meta, durable=False)


def _read_jsonl(path: Path, *, tail: int | None = None) -> list[Any]:
    """Records of a JSON-lines file; with ``tail``, only the last ``tail`` lines are parsed (a
    long transcript restores without decoding the history nobody is shown)."""
    try:
        raw = path.read_bytes()
    except OSError:
        return []
    # Records end at b"\n" only: json.dumps(ensure_ascii=False) writes U+2028 and friends raw,
    # and str.splitlines() would cut a record there (both halves then lost).
    lines = [line for line in raw.split(b"\n") if line.strip()]
    if tail is not None:
        lines = lines[-tail:]
    out = []
    for line in lines:
        try:
            out.append(json.loads(line.decode("utf-8", "surrogatepass")))
        except ValueError:
            continue
    return out
