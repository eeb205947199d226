"""``AGENTDESK_READ_TIMEOUT``: the documented knob for the model read timeout."""

from __future__ import annotations

import pytest

from agents.llm import DEFAULT_READ_TIMEOUT_S, READ_TIMEOUT_ENV, read_timeout_from_env


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, DEFAULT_READ_TIMEOUT_S),
        ("", DEFAULT_READ_TIMEOUT_S),
        ("0.5", 0.5),
        (" 30 ", 30.0),
        ("3600", 3600.0),
        ("0", DEFAULT_READ_TIMEOUT_S),
        ("-1", DEFAULT_READ_TIMEOUT_S),
        ("3601", DEFAULT_READ_TIMEOUT_S),
        ("nan", DEFAULT_READ_TIMEOUT_S),
        ("inf", DEFAULT_READ_TIMEOUT_S),
        ("soon", DEFAULT_READ_TIMEOUT_S),
    ],
)
def test_read_timeout_from_env(value: str | None, expected: float) -> None:
    env = {} if value is None else {READ_TIMEOUT_ENV: value}
    assert read_timeout_from_env(env) == expected
