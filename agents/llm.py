"""The model-call layer: one client per desk, one streamed turn per call, retries in the app.

* :func:`make_client` builds ``anthropic.AsyncAnthropic`` with the SDK's own retries off
  (``max_retries=0``): the SDK would otherwise sleep silently for as long as a ``retry-after``
  asks (THREATS §c, finding 5).
* :func:`stream_turn` always streams, marks the system prompt and the last tool for prompt
  caching, accumulates the turn itself and accepts it only if it ended with ``message_stop`` and a
  stop reason that makes its tool calls whole. Everything else is a :class:`TurnFailed`
  (truncated streams, mid-stream ``error`` events, malformed SSE, read timeouts, ``max_tokens``
  inside a tool call — T42–T51). A failed turn never yields a partial ``tool_use``.
* :func:`call_with_retries` retries what can be retried with capped, jittered backoff that
  honours ``retry-after`` up to a cap, reports each retry before it sleeps, and stops at once when
  its task is cancelled.
* A stream that sends nothing for ``read_timeout_s`` (120 s; ``AGENTDESK_READ_TIMEOUT`` in the
  environment overrides it) fails as a timeout and is retried.

``anthropic`` takes over a second to import, so it is imported inside the functions that need it.
The API key travels as a :class:`Secret` and is never held in a plain local of ours.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from agents.llm_errors import EXHAUSTED_LABELS, TurnFailed, classify
from agents.llm_stream import TurnBuilder, TurnResult

if TYPE_CHECKING:
    import anthropic

__all__ = [
    "ModelSettings",
    "RetryPolicy",
    "Secret",
    "TurnFailed",
    "TurnResult",
    "call_with_retries",
    "has_credentials",
    "make_client",
    "read_timeout_from_env",
    "resolve_credentials",
    "stream_turn",
]

log = logging.getLogger("agentdesk.llm")

_EPHEMERAL = {"type": "ephemeral"}


#: Environment knob: seconds a streamed turn may stay silent before it counts as stalled and is
#: retried (default 120). Meant for tests and slow local servers; see :func:`read_timeout_from_env`.
READ_TIMEOUT_ENV = "AGENTDESK_READ_TIMEOUT"
DEFAULT_READ_TIMEOUT_S = 120.0


def read_timeout_from_env(env: Mapping[str, str]) -> float:
    """The read timeout from ``AGENTDESK_READ_TIMEOUT`` (seconds, 0 < t <= 3600), else 120.

    A value that is not such a number is ignored: the default stands.
    """
    raw = env.get(READ_TIMEOUT_ENV, "").strip()
    try:
        value = float(raw) if raw else DEFAULT_READ_TIMEOUT_S
    except ValueError:
        return DEFAULT_READ_TIMEOUT_S
    return value if 0 < value <= 3600 else DEFAULT_READ_TIMEOUT_S


@dataclass(frozen=True)
class ModelSettings:
    """Which model to call and how long to wait for it (seconds)."""

    model: str
    max_tokens: int = 8192
    base_url: str | None = None
    timeout_s: float = 600
    read_timeout_s: float = DEFAULT_READ_TIMEOUT_S
    connect_timeout_s: float = 5


class Secret:
    """An API key that does not show itself: ``repr`` and ``str`` give ``Secret('***')``."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """The key itself; pass it straight to the SDK, never keep it in a variable."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(("Secret", self._value))

    def __reduce__(self) -> Any:
        raise TypeError("a Secret cannot be pickled")


def resolve_credentials(
    env: Mapping[str, str], user_base_url: str | None, user_api_key: Secret | None
) -> tuple[Secret | None, str | None]:
    """The key and base URL to use: the environment first, then the user's own config.

    ``ANTHROPIC_API_KEY`` / ``ANTHROPIC_BASE_URL`` win over the user config values; empty values
    count as unset. Callers pass only user-level config here, never a file from the repository.
    """
    env_key = env.get("ANTHROPIC_API_KEY", "").strip()
    key = Secret(env_key) if env_key else user_api_key
    if key is not None and not key.reveal().strip():
        key = None
    base_url = env.get("ANTHROPIC_BASE_URL", "").strip() or (user_base_url or "").strip() or None
    return key, base_url


def has_credentials(env: Mapping[str, str], user_api_key: Secret | None) -> bool:
    """Whether a model call can authenticate (key or token in the env, or a user-config key)."""
    if env.get("ANTHROPIC_API_KEY", "").strip() or env.get("ANTHROPIC_AUTH_TOKEN", "").strip():
        return True
    return user_api_key is not None and bool(user_api_key.reveal().strip())


def make_client(settings: ModelSettings, api_key: Secret | None) -> anthropic.AsyncAnthropic:
    """An ``AsyncAnthropic`` with SDK retries off and the settings' timeouts.

    With ``api_key=None`` the SDK reads ``ANTHROPIC_API_KEY`` itself; with
    ``settings.base_url=None`` it reads ``ANTHROPIC_BASE_URL``, else uses the public endpoint.
    """
    import anthropic

    timeout = anthropic.Timeout(
        settings.timeout_s, connect=settings.connect_timeout_s, read=settings.read_timeout_s
    )
    return anthropic.AsyncAnthropic(
        api_key=api_key.reveal() if api_key is not None else None,
        base_url=settings.base_url,
        timeout=timeout,
        max_retries=0,
    )


def build_request(
    *,
    model: str,
    system: str,
    messages: list[dict[str, Any]],
    tools: list[dict[str, Any]],
    max_tokens: int,
    cache: bool,
) -> dict[str, Any]:
    """The Messages API parameters for one turn, with prompt-caching breakpoints when ``cache``.

    ``cache_control`` goes on the system prompt block and on the last tool definition, so the
    stable prefix (tools, then system) is cached across the agent's turns.
    """
    params: dict[str, Any] = {"model": model, "max_tokens": max_tokens, "messages": messages}
    if system:
        block: dict[str, Any] = {"type": "text", "text": system}
        if cache:
            block["cache_control"] = dict(_EPHEMERAL)
        params["system"] = [block]
    if tools:
        marked = [dict(tool) for tool in tools]
        if cache:
            marked[-1]["cache_control"] = dict(_EPHEMERAL)
        params["tools"] = marked
    return params


async def stream_turn(
    client: anthropic.AsyncAnthropic,
    *,
    model: str,
    system: str,
    messages: list[dict[str, Any]],
    tools: list[dict[str, Any]],
    max_tokens: int,
    on_text: Callable[[str], None],
    extra_headers: dict[str, str],
    cache: bool = True,
) -> TurnResult:
    """Stream one assistant turn, calling ``on_text`` with each text delta as it arrives.

    Raises :class:`TurnFailed` for every way the call or the stream can fail; a turn is returned
    only when it is whole. Cancelling the awaiting task closes the stream.
    """
    params = build_request(
        model=model,
        system=system,
        messages=messages,
        tools=tools,
        max_tokens=max_tokens,
        cache=cache,
    )
    failure: TurnFailed | None = None
    try:
        return await _consume(client, params, on_text, extra_headers)
    except Exception as exc:
        failure = classify(
            exc,
            model=model,
            secret=getattr(client, "api_key", None),
            max_tokens=max_tokens,
            base_url=str(getattr(client, "base_url", "")),
        )
        if failure is None:
            raise
    # Raised outside the except block, so no chained SDK exception (whose message can quote the
    # server's body, and whose frames hold the request) rides along into a crash report.
    raise failure


async def _consume(
    client: anthropic.AsyncAnthropic,
    params: dict[str, Any],
    on_text: Callable[[str], None],
    extra_headers: dict[str, str],
) -> TurnResult:
    stream = await client.messages.create(**params, stream=True, extra_headers=extra_headers)
    turn = TurnBuilder()
    try:
        async for event in stream:
            text = turn.feed(event)
            if text:
                on_text(text)
    finally:
        await stream.close()
    return turn.result(params["max_tokens"])


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to retry: backoff ``base_s·2ⁿ`` capped at ``cap_s``, minus up to
    ``jitter`` of it; a server ``retry-after`` is honoured up to ``retry_after_cap_s``."""

    max_attempts: int = 5
    base_s: float = 1.0
    cap_s: float = 16.0
    retry_after_cap_s: float = 60.0
    jitter: float = 0.25

    def delay(self, failed_attempts: int, retry_after: float | None) -> float:
        """Seconds to wait after ``failed_attempts`` failures (1 after the first)."""
        if retry_after is not None and retry_after > 0:
            return min(retry_after, self.retry_after_cap_s)
        backoff = min(self.base_s * 2.0 ** (failed_attempts - 1), self.cap_s)
        return backoff * (1 - self.jitter * random.random())


async def call_with_retries(
    make_call: Callable[[], Awaitable[TurnResult]],
    policy: RetryPolicy,
    on_retry: Callable[[int, float, str], None],
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> TurnResult:
    """Run ``make_call`` until it succeeds, fails for good, or ``policy.max_attempts`` is spent.

    Before each wait, ``on_retry(attempt, delay, reason)`` names the attempt about to be made
    (2 for the first retry), the wait in seconds and the failure's message, so a UI can show a
    countdown. Cancelling the task interrupts the wait or the call at once. When attempts run
    out, the last failure is raised again as "<what> after N attempts: ...".
    """
    attempt = 1
    while True:
        failure: TurnFailed | None = None
        try:
            return await make_call()
        except TurnFailed as exc:
            failure = exc
        if not failure.retryable:
            raise failure
        if attempt >= policy.max_attempts:
            label = EXHAUSTED_LABELS.get(failure.kind, "The model call failed")
            raise TurnFailed(
                failure.kind,
                f"{label} after {attempt} attempts: {failure.message}",
                retryable=True,
                retry_after=failure.retry_after,
                status=failure.status,
                attempts=attempt,
            )
        delay = policy.delay(attempt, failure.retry_after)
        attempt += 1
        log.info(
            "retrying %s in %.1fs (attempt %d/%d)",
            failure.kind,
            delay,
            attempt,
            policy.max_attempts,
        )
        on_retry(attempt, delay, failure.message)
        await sleep(delay)
