"""One agent's tool loop on the Messages API: stream a turn, run its tools, repeat.

The session owns the conversation (``messages``) and persists every message as it is added, so a
relaunch resumes where it stopped. A turn that did not end cleanly (truncated stream, mid-stream
error, ``max_tokens`` inside a tool call) never reaches the tools: the model layer raises and
nothing is appended. Cancelling stops the stream or the running command promptly and closes every
open tool call with a result that says so, so the conversation stays valid.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from agents.events import AgentError, RetryScheduled, TextDelta, TurnEnded, TurnStarted, Usage
from agents.tool_runner import ToolRunner, cancel_pending

if TYPE_CHECKING:
    from agents.applying import ChangeApplier
    from agents.runtime import AgentRuntime

#: Returns a ready ``AsyncAnthropic`` client (created lazily, after the first frame).
ClientFactory = Callable[[], Awaitable[Any]]

MAX_TOKENS_TOOL_NOTE = (
    "Your previous reply was cut off by the output limit in the middle of a tool call, so "
    "nothing was run. Make the change in smaller steps (several smaller Edit calls)."
)
#: Cut-off tool calls in a row after which the agent stops with an error instead of asking again
#: (a model that always overruns the limit would otherwise loop for ever).
MAX_CUT_TOOL_CALLS = 3


class AgentSession:
    """The conversation and tool loop of one agent."""

    def __init__(
        self,
        runtime: AgentRuntime,
        runner: ToolRunner,
        applier: ChangeApplier,
        client_factory: ClientFactory,
        system_prompt: str,
        *,
        max_tokens: int = 8192,
        retry_policy: Any = None,
    ) -> None:
        self.rt = runtime
        self.runner = runner
        self.applier = applier
        self.client_factory = client_factory
        self.system_prompt = system_prompt
        self.max_tokens = max_tokens
        self.retry_policy = retry_policy
        self._messages: list[dict[str, Any]] | None = None  # read on first use, after the frame
        self.task: asyncio.Task[None] | None = None
        self.finished = asyncio.Event()
        self.last_error = ""
        self._shutting_down = False
        #: Set by the workspace: does this agent have open blockers in PROGRESS.md?
        self.open_blockers: Callable[[str], bool] | None = None
        saved = runtime.store.load_meta().get("pending_user")
        self._pending_user: list[str] = [str(t) for t in saved] if isinstance(saved, list) else []
        runtime.session = self

    @property
    def messages(self) -> list[dict[str, Any]]:
        """The conversation, read from disk the first time it is needed (a long one costs a
        noticeable moment, which must not come before the desk's first frame)."""
        if self._messages is None:
            self._messages = self.rt.store.load_messages()
        return self._messages

    @property
    def running(self) -> bool:
        """True while a task is in progress."""
        return self.task is not None and not self.task.done()

    def send(self, text: str) -> None:
        """Give the agent a task or a reply; starts the loop if it is idle."""
        if self.running:
            # Queued as the next user turn: appended when the loop next talks to the model.
            # Kept on disk too, so a quit before then does not lose it.
            self._pending_user.append(text)
            self.rt.save_meta(pending_user=list(self._pending_user))
            self.rt.add_entry("user", text, queued=True)
            return
        self._add_user_text(text)
        self.start()

    def queue_user_message(self, text: str) -> None:
        """Leave ``text`` as the agent's next message without running it now; safe from another
        process than the desk's (``agentdesk blockers answer``): an open desk takes it at once,
        a relaunch resumes the agent with it."""
        self.rt.store.deliver(text)

    def start(self) -> None:
        """Run the loop (resume included) in a task."""
        if self.running:
            return
        self.finished.clear()
        self.task = asyncio.ensure_future(self._run())

    def cancel(self) -> None:
        """Stop the running turn or command promptly (the person's cancel)."""
        if self.task is not None and not self.task.done():
            self.task.cancel()

    async def shutdown(self) -> None:
        """Stop for a quit: the conversation and pending proposals stay as they are on disk,
        so a relaunch resumes exactly here."""
        if self.task is not None and not self.task.done():
            self._shutting_down = True
            self.task.cancel()
            await asyncio.gather(self.task, return_exceptions=True)

    def needs_resume(self) -> bool:
        """True when the conversation ends mid-task (a user turn or open tool calls) because the
        desk stopped, not because the agent was halted (cancel, error, budget, maxTurns), or
        when a message was delivered for it from another process."""
        if self.rt.store.has_inbox():
            return True
        if self.rt.store.load_meta().get("halted"):
            return False
        if self._pending_user:
            return True
        if not self.messages:
            return False
        last = self.messages[-1]
        if last.get("role") == "user":
            return True
        return bool(_tool_uses(last))

    def _add_user_text(self, text: str) -> None:
        self._take_inbox()  # what another process left earlier goes first
        self.rt.add_entry("user", text)
        if self.messages and _tool_uses(self.messages[-1]):
            # Tool calls are still open: the text must follow their results. Keep it on disk.
            self._pending_user.append(text)
            self.rt.save_meta(pending_user=list(self._pending_user))
            return
        self._flush_pending_user()
        self._extend_user(text)

    def _take_inbox(self) -> None:
        """Move messages delivered by another process into the queued texts (kept on disk)."""

        def keep(texts: list[str]) -> None:
            for text in texts:
                self.rt.add_entry("user", text, delivered=True)
            self._pending_user.extend(texts)
            self.rt.save_meta(pending_user=list(self._pending_user))

        self.rt.store.take_inbox(keep)

    def _append(self, message: dict[str, Any]) -> None:
        self.messages.append(message)
        self.rt.store.append_message(message)

    async def _run(self) -> None:
        self.rt.save_meta(running=True, halted="")
        self.rt.set_state("working")
        try:
            await self._loop()
        except asyncio.CancelledError:
            if self._shutting_down:
                return
            await self._close_open_calls("interrupted: the person cancelled this turn")
            cancel_pending(self.runner, "turn cancelled by the person")
            self.rt.add_entry("notice", "cancelled")
            self.rt.set_state("idle", "cancelled")
            self._halt("cancelled")
        except Exception as exc:  # the loop must never die silently
            self.last_error = _safe_message(exc)
            self.rt.emit(AgentError(self.rt.name, self.last_error))
            self.rt.add_entry("error", self.last_error)
            self.rt.set_state("error", self.last_error)
            self._halt("error")
        finally:
            if not self._shutting_down:
                self.rt.save_meta(running=False)
            self.applier.end_turn(self.rt)
            self.finished.set()

    async def _loop(self) -> None:
        from agents.llm import TurnFailed

        turns = 0
        cut_calls = 0
        max_turns = self.rt.definition.max_turns
        while True:
            self._take_inbox()
            last = self.messages[-1] if self.messages else None
            if last is not None and last.get("role") == "assistant":
                open_calls = _tool_uses(last)
                if not open_calls and self._pending_user:
                    self._flush_pending_user()
                    continue
                if not open_calls:
                    self.rt.set_state(self._resting_state())
                    return
                results = [await self.runner.handle(b) for b in open_calls]
                self._append({"role": "user", "content": results})
                self.applier.end_turn(self.rt)
                continue
            self._flush_pending_user()
            if self.rt.over_budget:
                self.rt.add_entry("notice", f"paused: budget ${self.rt.budget_usd:.2f} reached")
                self.rt.set_state("paused", "budget reached")
                self._halt("budget")
                return
            if max_turns is not None and turns >= max_turns:
                self.rt.add_entry("notice", f"stopped: maxTurns ({max_turns}) reached")
                self.rt.set_state("idle", "maxTurns reached")
                self._halt("maxTurns")
                return
            turns += 1
            try:
                result = await self._model_turn(turns)
            except TurnFailed as exc:
                if exc.kind == "max_tokens_tool":
                    cut_calls += 1
                    if cut_calls < MAX_CUT_TOOL_CALLS:
                        self._add_note(MAX_TOKENS_TOOL_NOTE)
                        continue
                    exc.message = f"{exc.message} ({cut_calls} times in a row; stopped)"
                self.last_error = exc.message
                self.rt.emit(AgentError(self.rt.name, exc.message))
                self.rt.add_entry("error", exc.message)
                self.rt.set_state("error", exc.message)
                self._halt("error")
                return
            cut_calls = 0
            self._append({"role": "assistant", "content": result.content})
            self.rt.emit(TurnEnded(self.rt.name, turns, result.stop_reason))
            if result.stop_reason == "max_tokens":
                self.rt.add_entry("notice", "the reply was cut at the output limit")

    def _halt(self, why: str) -> None:
        """The loop stopped short of the task's end: a relaunch must not restart it on its own.
        Text the person queued meanwhile joins the conversation now, ahead of their next one."""
        if self._pending_user and not (self.messages and _tool_uses(self.messages[-1])):
            self._flush_pending_user()
        self.rt.save_meta(halted=why)

    def _flush_pending_user(self) -> None:
        pending, self._pending_user = self._pending_user, []
        for text in pending:
            self._extend_user(text)
        if pending:  # only once the texts are in the conversation on disk
            self.rt.save_meta(pending_user=[])

    def _extend_user(self, text: str) -> None:
        """Add ``text`` to the trailing user message, or as a new one (roles must alternate)."""
        if self.messages and self.messages[-1].get("role") == "user":
            content = _as_blocks(self.messages[-1]["content"])
            content.append({"type": "text", "text": text})
            self.messages[-1] = {"role": "user", "content": content}
            self.rt.store.rewrite_messages(self.messages)
        else:
            self._append({"role": "user", "content": [{"type": "text", "text": text}]})

    def _add_note(self, text: str) -> None:
        self.rt.add_entry("notice", text)
        self._extend_user(text)

    async def _model_turn(self, turn: int) -> Any:
        from agents.llm import RetryPolicy, call_with_retries, stream_turn
        from agents.pricing import turn_cost
        from agents.tools import tool_schemas

        client = await self.client_factory()
        self.rt.emit(TurnStarted(self.rt.name, turn))
        self.rt.set_state("working")

        def on_text(text: str) -> None:
            self.rt.streaming_text += text
            self.rt.emit(TextDelta(self.rt.name, text))

        def call() -> Awaitable[Any]:
            self.rt.streaming_text = ""
            return stream_turn(
                client,
                model=self.rt.model_id,
                system=self.system_prompt,
                messages=self.messages,
                tools=tool_schemas(self.runner.offered()),
                max_tokens=self.max_tokens,
                on_text=on_text,
                extra_headers={"x-agentdesk-agent": self.rt.name},
            )

        def on_retry(attempt: int, delay: float, reason: str) -> None:
            self.rt.retry_deadline = time.monotonic() + delay
            self.rt.state_detail = f"{reason}; retrying in {delay:.0f} s"
            self.rt.emit(RetryScheduled(self.rt.name, attempt, delay, reason))

        policy = self.retry_policy or RetryPolicy()
        result = await call_with_retries(call, policy, on_retry)
        self.rt.retry_deadline = None
        self.rt.streaming_text = ""
        text = "".join(b.get("text", "") for b in result.content if b.get("type") == "text")
        if text.strip():
            self.rt.add_entry("assistant", text)
        cost = turn_cost(self.rt.model_id, result.usage).usd
        self.rt.add_usage(result.usage, cost)
        u = result.usage
        self.rt.emit(
            Usage(
                self.rt.name,
                int(u.get("input_tokens", 0)),
                int(u.get("output_tokens", 0)),
                int(u.get("cache_read_input_tokens", 0)),
                int(u.get("cache_creation_input_tokens", 0)),
                cost,
                self.rt.cost_usd,
            )
        )
        return result

    async def _close_open_calls(self, reason: str) -> None:
        """After a cancel: give every open tool call a result so the conversation stays valid."""
        last = self.messages[-1] if self.messages else None
        if last is None or last.get("role") != "assistant":
            return
        results = []
        for block in _tool_uses(last):
            stored = self.runner.deps.ledger.get(self.rt.name, str(block.get("id")))
            if stored is None:
                stored = {
                    "type": "tool_result",
                    "tool_use_id": block.get("id"),
                    "content": reason,
                    "is_error": True,
                }
                self.runner.deps.ledger.record(self.rt.name, str(block.get("id")), stored)
            results.append(stored)
        if results:
            self._append({"role": "user", "content": results})

    def _resting_state(self) -> str:
        """Where an agent rests when its turn ends: done, blocked on its own blocker, or idle."""
        if self._marked_complete():
            return "done"
        if self.open_blockers is not None and self.open_blockers(self.rt.name):
            return "blocked"
        return "idle"

    def _marked_complete(self) -> bool:
        return any(
            e.kind == "tool_result"
            and e.meta.get("tool") == "MarkComplete"
            and not e.meta.get("is_error")
            for e in self.rt.entries[-20:]
        )


def _tool_uses(message: dict[str, Any]) -> list[dict[str, Any]]:
    content = message.get("content")
    if message.get("role") != "assistant" or not isinstance(content, list):
        return []
    return [b for b in content if isinstance(b, dict) and b.get("type") == "tool_use"]


def _as_blocks(content: Any) -> list[dict[str, Any]]:
    if isinstance(content, str):
        return [{"type": "text", "text": content}]
    return list(content) if isinstance(content, list) else []


def _safe_message(exc: BaseException) -> str:
    """A one-line description of an unexpected error, with nothing that could hold the key."""
    return f"internal error: {type(exc).__name__}: {str(exc)[:300]}"
