"""Classification details: retry-after parsing, x-should-retry, mid-stream error types."""

from __future__ import annotations

import email.utils
import time

import pytest

from agents.llm_errors import TurnFailed, from_status, parse_retry_after, redact


def test_retry_after_forms() -> None:
    assert parse_retry_after({"retry-after-ms": "1500"}) == 1.5
    assert parse_retry_after({"retry-after": "12"}) == 12.0
    assert parse_retry_after({"retry-after": "0.5"}) == 0.5
    date = email.utils.formatdate(time.time() + 30, usegmt=True)
    parsed = parse_retry_after({"retry-after": date})
    assert parsed is not None and 25 <= parsed <= 31
    assert parse_retry_after({"retry-after": "soon"}) is None
    assert parse_retry_after({"retry-after": "-3"}) is None
    assert parse_retry_after({"retry-after": "nan"}) is None
    assert parse_retry_after({}) is None
    assert parse_retry_after(None) is None
    assert parse_retry_after({"retry-after-ms": "x", "retry-after": "2"}) == 2.0


def status(code: int, headers: dict[str, str] | None = None, body: object = None) -> TurnFailed:
    return from_status(code, body, headers, model="m", secret="sk-secret-1234", max_tokens=10)


def test_x_should_retry_overrides_the_status() -> None:
    assert status(500).retryable
    assert not status(500, {"x-should-retry": "false"}).retryable
    assert status(400, {"x-should-retry": "true"}).retryable


@pytest.mark.parametrize(
    ("code", "kind", "retryable"),
    [
        (409, "server", True),
        (422, "bad_request", False),
        (418, "bad_request", False),
        (502, "server", True),
        (504, "server", True),
        (529, "overloaded", True),
    ],
)
def test_status_table(code: int, kind: str, retryable: bool) -> None:
    failure = status(code)
    assert (failure.kind, failure.retryable, failure.status) == (kind, retryable, code)


@pytest.mark.parametrize(
    ("error_type", "retryable"),
    [
        ("overloaded_error", True),
        ("api_error", True),
        ("rate_limit_error", True),
        ("invalid_request_error", False),
    ],
)
def test_midstream_error_types(error_type: str, retryable: bool) -> None:
    failure = status(200, body={"type": "error", "error": {"type": error_type, "message": "x"}})
    assert failure.kind == "midstream"
    assert failure.retryable is retryable
    assert error_type in failure.message


def test_server_text_is_redacted_and_bounded() -> None:
    body = {"error": {"type": "x", "message": "key sk-secret-1234 " + "y" * 1000}}
    failure = status(400, body=body)
    assert "sk-secret-1234" not in failure.message
    assert "***" in failure.message
    assert len(failure.message) < 600
    assert redact("abc", None) == "abc"
