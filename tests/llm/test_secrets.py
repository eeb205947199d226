"""T52/T54: the API key never shows in errors, tracebacks (even with locals) or our logs, and
no secret from the environment reaches a request body."""

from __future__ import annotations

import io
import logging
import pickle
import traceback
from typing import Any

import pytest
from rich.console import Console
from rich.traceback import Traceback

from agents.llm import (
    ModelSettings,
    RetryPolicy,
    Secret,
    TurnFailed,
    call_with_retries,
    make_client,
    stream_turn,
)
from tests.llm.conftest import CANARY_KEY, client_for, one_step

ENV_CANARY = "canary-env-secret-5f1d2c"


def render_with_locals(exc: BaseException) -> str:
    """What a crash handler with show_locals=True (Textual's) would print."""
    out = io.StringIO()
    console = Console(file=out, width=200, color_system=None)
    console.print(Traceback.from_exception(type(exc), exc, exc.__traceback__, show_locals=True))
    return out.getvalue()


def test_secret_never_shows_itself() -> None:
    secret = Secret(CANARY_KEY)
    assert repr(secret) == "Secret('***')"
    assert str(secret) == "Secret('***')"
    assert f"{secret}" == "Secret('***')"
    assert CANARY_KEY not in repr({"key": secret, "list": [secret]})
    assert secret.reveal() == CANARY_KEY
    with pytest.raises(TypeError):
        pickle.dumps(secret)


async def failing_turn(server: Any, **kw: Any) -> TurnFailed:
    client = client_for(server, **kw)
    try:
        await stream_turn(
            client,
            model="scripted-model",
            system="sys",
            messages=[{"role": "user", "content": "go"}],
            tools=[],
            max_tokens=256,
            on_text=lambda _t: None,
            extra_headers={},
        )
    except TurnFailed as exc:
        return exc
    raise AssertionError("the turn did not fail")


@pytest.mark.parametrize(
    "fault",
    [
        {"kind": "r401"},
        {"kind": "r400", "message": f"echoing your key {CANARY_KEY} back"},
        {"kind": "midstream_error"},
        {"kind": "malformed"},
        {"kind": "stall", "seconds": 3},
    ],
)
async def test_canary_key_absent_from_errors_and_tracebacks(serve: Any, fault: Any) -> None:
    server = serve(one_step({"text": "a reply that is long enough"}, fault=fault))
    exc = await failing_turn(server, read_timeout=0.3)
    assert server.requests[0].headers["authorization"] == f"Bearer {CANARY_KEY}"  # it was sent
    for text in (
        str(exc),
        repr(exc),
        exc.message,
        "".join(traceback.format_exception(exc)),
        render_with_locals(exc),
    ):
        assert CANARY_KEY not in text
    assert exc.__cause__ is None
    assert exc.__context__ is None  # no chained SDK traceback with request headers in its frames


async def test_canary_absent_from_logs_even_at_debug(
    serve: Any, caplog: pytest.LogCaptureFixture
) -> None:
    server = serve(one_step({"text": "ok"}, fault={"kind": "r529", "times": 2}))
    caplog.set_level(logging.DEBUG)
    client = client_for(server)

    async def call() -> Any:
        return await stream_turn(
            client,
            model="scripted-model",
            system="sys",
            messages=[{"role": "user", "content": "go"}],
            tools=[],
            max_tokens=256,
            on_text=lambda _t: None,
            extra_headers={},
        )

    await call_with_retries(call, RetryPolicy(base_s=0.01, cap_s=0.02), lambda *a: None)
    assert any(r.name == "agentdesk.llm" for r in caplog.records)  # we did log the retries
    assert CANARY_KEY not in caplog.text


async def test_no_env_secret_in_request_bodies(serve: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """T54: secrets in the environment (the env key included) never travel in a body."""
    monkeypatch.setenv("ANTHROPIC_API_KEY", ENV_CANARY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", ENV_CANARY + "-aws")
    server = serve(one_step({"text": "ok"}))
    client = make_client(ModelSettings("scripted-model", base_url=server.base_url), None)
    await stream_turn(
        client,
        model="scripted-model",
        system="sys",
        messages=[{"role": "user", "content": "list the files"}],
        tools=[],
        max_tokens=256,
        on_text=lambda _t: None,
        extra_headers={"x-agentdesk-agent": "a"},
    )
    (request,) = server.requests
    assert request.headers["authorization"] == f"Bearer {ENV_CANARY}"  # SDK read the env key
    assert ENV_CANARY.encode() not in request.raw
    assert all(ENV_CANARY not in v for k, v in request.headers.items() if k != "authorization")


def test_client_repr_does_not_show_the_key() -> None:
    client = make_client(ModelSettings("m", base_url="http://127.0.0.1:9"), Secret(CANARY_KEY))
    assert CANARY_KEY not in repr(client)
