"""Why a model call failed, in one exception type the session and the UI can act on.

:class:`TurnFailed` carries a ``kind``, whether retrying can help, the server's ``retry-after``
and a message that says what to do. :func:`classify` maps every failure the ``anthropic`` SDK
(2.14, over ``httpx2``) is known to raise while streaming — including the ones that are not
``anthropic.APIError`` (THREATS §c) — to a :class:`TurnFailed`. Messages never contain the API
key: server-provided text is passed through :func:`redact` first.
"""

from __future__ import annotations

import email.utils
import json
import time
from collections.abc import Mapping
from typing import Any

RETRYABLE_KINDS = frozenset(
    {"rate_limited", "overloaded", "server", "connection", "timeout", "truncated", "malformed"}
)
#: Error types in a mid-stream ``event: error`` that are worth retrying the whole turn for.
RETRYABLE_STREAM_ERRORS = frozenset({"overloaded_error", "api_error", "rate_limit_error"})
_STATUS_KINDS = {
    400: "bad_request",
    401: "auth",
    403: "permission",
    404: "not_found",
    408: "timeout",
    409: "server",
    413: "too_large",
    422: "bad_request",
    429: "rate_limited",
    529: "overloaded",
}
#: What a person reads when retries are exhausted: "<label> after 5 attempts".
EXHAUSTED_LABELS = {
    "rate_limited": "Anthropic API rate limited",
    "overloaded": "Anthropic API overloaded",
    "server": "Anthropic API server error",
    "connection": "Could not reach the Messages API",
    "timeout": "The Messages API timed out",
    "truncated": "The response stream kept ending early",
    "malformed": "The response stream was malformed",
    "midstream": "The Messages API kept failing mid-stream",
}


class TurnFailed(Exception):
    """A model turn that produced no usable result.

    ``kind`` is one of ``rate_limited overloaded server connection timeout truncated malformed
    midstream max_tokens_tool bad_request auth permission not_found too_large config``.
    ``retryable`` says whether the same request may succeed later; ``retry_after`` is the
    server's requested wait in seconds; ``status`` the HTTP status when there was one;
    ``message`` says what happened and what to do. Nothing in it ever holds the API key.
    """

    def __init__(
        self,
        kind: str,
        message: str,
        *,
        retryable: bool | None = None,
        retry_after: float | None = None,
        status: int | None = None,
        attempts: int = 1,
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.retryable = kind in RETRYABLE_KINDS if retryable is None else retryable
        self.retry_after = retry_after
        self.status = status
        self.attempts = attempts

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return (
            f"TurnFailed(kind={self.kind!r}, retryable={self.retryable}, message={self.message!r})"
        )


def redact(text: str, secret: str | None) -> str:
    """``text`` with every occurrence of ``secret`` (if any) replaced by ``***``."""
    if secret and len(secret) >= 4:
        return text.replace(secret, "***")
    return text


def parse_retry_after(headers: Mapping[str, str] | None) -> float | None:
    """Seconds from ``retry-after-ms`` or ``retry-after`` (seconds or an HTTP date), if valid."""
    if headers is None:
        return None
    for name, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        value = headers.get(name)
        if value is None:
            continue
        try:
            seconds = float(value) * scale
        except ValueError:
            parsed = email.utils.parsedate_tz(value)
            if parsed is None:
                continue
            seconds = float(email.utils.mktime_tz(parsed) - time.time())
        if seconds == seconds and seconds >= 0:  # not NaN
            return seconds
    return None


def _server_text(body: Any, fallback: str) -> str:
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict) and isinstance(error.get("message"), str):
            return str(error["message"])[:300]
    return fallback


def _error_type(body: Any) -> str:
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        value = body["error"].get("type")
        return value if isinstance(value, str) else ""
    return ""


def from_status(
    status: int,
    body: Any,
    headers: Mapping[str, str] | None,
    *,
    model: str,
    secret: str | None,
    max_tokens: int,
) -> TurnFailed:
    """The :class:`TurnFailed` for an HTTP error status, or a mid-stream error (status 200)."""
    said = redact(_server_text(body, f"HTTP {status}"), secret)
    retry_after = parse_retry_after(headers)
    if status == 200:
        error_type = _error_type(body) or "unknown_error"
        return TurnFailed(
            "midstream",
            f"The API reported {error_type} while streaming ({said}); the partial turn was "
            "discarded.",
            retryable=error_type in RETRYABLE_STREAM_ERRORS,
            retry_after=retry_after,
            status=status,
        )
    kind = _STATUS_KINDS.get(status, "server" if status >= 500 else "bad_request")
    messages = {
        "auth": f"Authentication failed (401: {said}). Check ANTHROPIC_API_KEY or the api_key in "
        "your agentdesk user config.",
        "permission": f"Permission denied (403: {said}). This key may not use model {model!r} "
        "or this endpoint; check the key's workspace and permissions.",
        "not_found": f"Unknown model {model!r} (404: {said}). Set a valid model id in the "
        "agent's 'model:' field or the model aliases in your user config, or check "
        "ANTHROPIC_BASE_URL.",
        "too_large": f"Request too large (413: {said}). The conversation is too long: compact or "
        "clear this agent's history, or read smaller parts of files.",
        "bad_request": f"The API rejected the request ({status}: {said}). Check the model id and "
        f"max_tokens ({max_tokens}) in the agent's settings.",
        "rate_limited": f"Anthropic API rate limited (429: {said}).",
        "overloaded": f"Anthropic API overloaded (529: {said}).",
        "server": f"Anthropic API server error ({status}: {said}).",
        "timeout": f"The API timed out handling the request ({status}: {said}).",
    }
    retryable = kind in RETRYABLE_KINDS
    should_retry = (headers or {}).get("x-should-retry")
    if should_retry in ("true", "false"):
        retryable = should_retry == "true"
    return TurnFailed(
        kind, messages[kind], retryable=retryable, retry_after=retry_after, status=status
    )


def classify(
    exc: BaseException, *, model: str, secret: str | None, max_tokens: int, base_url: str
) -> TurnFailed | None:
    """Map an exception raised while streaming to a :class:`TurnFailed`, or ``None`` if it is
    not a model-call failure (a programming error, which should propagate unchanged)."""
    import anthropic
    import httpx2

    if isinstance(exc, TurnFailed):
        return exc
    if isinstance(exc, anthropic.APIStatusError):
        headers = {k.lower(): v for k, v in exc.response.headers.items()}
        return from_status(
            exc.status_code, exc.body, headers, model=model, secret=secret, max_tokens=max_tokens
        )
    if isinstance(exc, anthropic.APITimeoutError | httpx2.TimeoutException):
        return TurnFailed(
            "timeout",
            f"The Messages API at {base_url} sent nothing for longer than the timeout; the "
            "partial turn was discarded.",
        )
    if isinstance(exc, httpx2.RemoteProtocolError):
        return TurnFailed(
            "truncated",
            "The connection closed before the response was complete; the partial turn was "
            "discarded.",
        )
    if isinstance(exc, anthropic.APIConnectionError | httpx2.HTTPError):
        return TurnFailed(
            "connection",
            f"Could not talk to the Messages API at {base_url} ({type(exc).__name__}). Check the "
            "network, or ANTHROPIC_BASE_URL / the base_url in your user config.",
        )
    if isinstance(exc, json.JSONDecodeError):
        return TurnFailed(
            "malformed",
            "The response stream held malformed JSON; the partial turn was discarded.",
        )
    if isinstance(exc, anthropic.APIResponseValidationError):
        return TurnFailed("malformed", "The API's response did not match the Messages schema.")
    if isinstance(exc, TypeError) and "authentication method" in str(exc):
        return TurnFailed(
            "config",
            "No API key: set ANTHROPIC_API_KEY, or api_key in your agentdesk user config "
            "(never in the repository). `agentdesk demo` runs offline without one.",
            retryable=False,
        )
    if isinstance(exc, anthropic.APIError):
        return TurnFailed("server", f"Unexpected API error: {type(exc).__name__}.", retryable=False)
    return None
