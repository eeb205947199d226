"""Credentials, client construction and the import cost of the model-call layer."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from agents.llm import ModelSettings, Secret, has_credentials, make_client, resolve_credentials

ROOT = Path(__file__).resolve().parents[2]


def test_env_wins_over_user_config() -> None:
    env = {"ANTHROPIC_API_KEY": "env-key", "ANTHROPIC_BASE_URL": "http://127.0.0.1:1"}
    key, url = resolve_credentials(env, "http://user.example", Secret("user-key"))
    assert key is not None and key.reveal() == "env-key"
    assert url == "http://127.0.0.1:1"


def test_user_config_used_when_env_is_empty() -> None:
    env = {"ANTHROPIC_API_KEY": "  ", "ANTHROPIC_BASE_URL": ""}
    key, url = resolve_credentials(env, "http://user.example", Secret("user-key"))
    assert key is not None and key.reveal() == "user-key"
    assert url == "http://user.example"


def test_nothing_configured() -> None:
    assert resolve_credentials({}, None, None) == (None, None)
    assert resolve_credentials({}, "  ", Secret("")) == (None, None)


@pytest.mark.parametrize(
    ("env", "user_key", "expected"),
    [
        ({}, None, False),
        ({"ANTHROPIC_API_KEY": ""}, Secret(" "), False),
        ({"ANTHROPIC_API_KEY": "k"}, None, True),
        ({"ANTHROPIC_AUTH_TOKEN": "t"}, None, True),
        ({}, Secret("k"), True),
    ],
)
def test_has_credentials(env: dict[str, str], user_key: Secret | None, expected: bool) -> None:
    assert has_credentials(env, user_key) is expected


def test_make_client_turns_sdk_retries_off_and_sets_timeouts() -> None:
    settings = ModelSettings(
        "m", base_url="http://127.0.0.1:9", timeout_s=30, read_timeout_s=7, connect_timeout_s=2
    )
    client = make_client(settings, Secret("k"))
    assert client.max_retries == 0
    assert client.timeout.read == 7  # type: ignore[union-attr]
    assert client.timeout.connect == 2  # type: ignore[union-attr]
    assert client.timeout.write == 30  # type: ignore[union-attr]
    assert str(client.base_url).startswith("http://127.0.0.1:9")


def test_make_client_falls_back_to_env_base_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTHROPIC_BASE_URL", "http://127.0.0.1:8")
    monkeypatch.setenv("ANTHROPIC_API_KEY", "from-env")
    client = make_client(ModelSettings("m"), None)
    assert str(client.base_url).startswith("http://127.0.0.1:8")
    assert client.api_key == "from-env"


async def test_no_key_at_all_is_a_config_error(serve: object) -> None:
    from agents.llm import TurnFailed, stream_turn
    from tests.llm.conftest import one_step

    server = serve(one_step({"text": "ok"}))  # type: ignore[operator]
    client = make_client(ModelSettings("m", base_url=server.base_url), None)
    with pytest.raises(TurnFailed) as info:
        await stream_turn(
            client,
            model="m",
            system="",
            messages=[{"role": "user", "content": "x"}],
            tools=[],
            max_tokens=10,
            on_text=lambda _t: None,
            extra_headers={},
        )
    assert info.value.kind == "config"
    assert not info.value.retryable
    assert "ANTHROPIC_API_KEY" in info.value.message
    assert server.requests == []


def test_importing_the_engine_layer_does_not_import_anthropic() -> None:
    """anthropic costs over a second to import: it must load only when a client is built."""
    script = (
        "import json, sys\n"
        "import agents.llm, agents.pricing, agents.scripted\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('anthropic', 'httpx2', 'textual'))))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert json.loads(out.stdout) == []
