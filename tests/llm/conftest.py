"""Fixtures for the model-call tests: a clean environment and the scripted server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from agents.llm import ModelSettings, Secret, make_client
from agents.scripted import ScriptedServer

CANARY_KEY = "sk-ant-canary-0123456789abcdef"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No real key, base URL, profile or home directory leaks into a test."""
    for name in (
        "ANTHROPIC_API_KEY",
        "ANTHROPIC_AUTH_TOKEN",
        "ANTHROPIC_BASE_URL",
        "ANTHROPIC_PROFILE",
        "ANTHROPIC_CONFIG_DIR",
        "ANTHROPIC_CUSTOM_HEADERS",
        "ANTHROPIC_LOG",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


@pytest.fixture
def serve() -> Iterator[Any]:
    """``serve(scenario)`` starts a scripted server that is stopped after the test."""
    servers: list[ScriptedServer] = []

    def start(scenario: Any) -> ScriptedServer:
        server = ScriptedServer(scenario)
        server.start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


def client_for(server: ScriptedServer, *, read_timeout: float = 10.0, key: str = CANARY_KEY) -> Any:
    """A real ``AsyncAnthropic`` pointed at ``server``."""
    settings = ModelSettings(
        model="scripted-model", base_url=server.base_url, read_timeout_s=read_timeout
    )
    return make_client(settings, Secret(key))


WRITE_TURN: dict[str, Any] = {
    "blocks": [
        {"text": "I'll write the file now."},
        {
            "tool_use": {
                "name": "Write",
                "input": {"file_path": "src/app.py", "content": "print('hello')\n" * 4},
            }
        },
    ]
}


def one_step(turn: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    """A scenario whose default script has one step (``turn`` plus ``extra`` keys)."""
    step = dict(turn or WRITE_TURN)
    step.update(extra)
    return {"steps": [step]}
