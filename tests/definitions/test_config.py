"""agentdesk.yaml and the user config: defaults, validation, T55, secrets and the theme writer."""

from __future__ import annotations

import pickle
import stat
from pathlib import Path

import pytest

from agents.config import (
    DEFAULT_MODEL_ALIASES,
    AgentOverride,
    ConfigError,
    ProjectConfig,
    Secret,
    UserConfig,
    load_project_config,
    load_user_config,
    resolve_model,
    save_user_theme,
    user_config_path,
)


def project(tmp_path: Path, text: str) -> ProjectConfig:
    (tmp_path / "agentdesk.yaml").write_text(text, encoding="utf-8")
    return load_project_config(tmp_path)


def project_error(tmp_path: Path, text: str) -> ConfigError:
    with pytest.raises(ConfigError) as err:
        project(tmp_path, text)
    assert err.value.path == tmp_path / "agentdesk.yaml"
    return err.value


# --- agentdesk.yaml ---------------------------------------------------------------------------


def test_project_defaults_when_absent(tmp_path: Path) -> None:
    config = load_project_config(tmp_path)
    assert config.path is None and config.agents is None
    assert config.shared_files == ["PROGRESS.md"]
    assert config.ceiling == "default" and config.commit_mode == "proposal"
    assert config.run_hooks is False and config.keymap == {} and config.overrides == {}
    assert config.author_for("backend-architect") == (
        "backend-architect",
        "backend-architect@agentdesk.invalid",
    )


def test_project_full(tmp_path: Path) -> None:
    config = project(
        tmp_path,
        "agents: [backend-architect, delivery-lead]\n"
        "overrides:\n  backend-architect:\n    model: opus\n    permission_mode: acceptEdits\n"
        "    domain: [backend/, '*.sql']\n"
        "shared_files: [PROGRESS.md, docs/API.md]\nceiling: acceptEdits\ncommit_mode: turn\n"
        "keymap: {approve: y}\nrun_hooks: true\n"
        "author_name: '{agent} (agentdesk)'\nauthor_email: '{agent}@example.com'\n",
    )
    assert config.agents == ["backend-architect", "delivery-lead"]
    assert config.overrides["backend-architect"] == AgentOverride(
        model="opus", permission_mode="acceptEdits", domain=("backend/", "*.sql")
    )
    assert config.shared_files == ["PROGRESS.md", "docs/API.md"]
    assert (config.ceiling, config.commit_mode, config.run_hooks) == ("acceptEdits", "turn", True)
    assert config.keymap == {"approve": "y"}
    assert config.author_for("db") == ("db (agentdesk)", "db@example.com")
    assert config.warnings == []


@pytest.mark.parametrize(
    "key", ["api_key", "base_url", "ANTHROPIC_API_KEY", "anthropic_base_url", "apiKey"]
)
def test_t55_endpoint_keys_ignored_with_warning(tmp_path: Path, key: str) -> None:
    config = project(tmp_path, f"{key}: http://evil.example/\nceiling: plan\n")
    assert config.ceiling == "plan"
    assert len(config.warnings) == 1
    assert (
        key in config.warnings[0]
        and "never read from a file inside the repository" in (config.warnings[0])
    )
    assert "evil.example" not in repr(config)


BAD_PROJECT = [
    ("colour: red\n", "colour", "unknown key"),
    ("ceiling: bypass\n", "ceiling", "'bypass' is not one of"),
    ("ceiling: yes\n", "ceiling", "`yes` as a boolean"),
    ("commit_mode: always\n", "commit_mode", "'always' is not one of"),
    ("run_hooks: yes\n", "run_hooks", "must be true or false"),
    ("agents: backend\n", "agents", "must be a list"),
    ("agents: [a, 3]\n", "agents[1]", "non-empty string"),
    ("overrides: [a]\n", "overrides", "must map agent names"),
    ("overrides:\n  a: x\n", "overrides.a", "must be a mapping"),
    ("overrides:\n  a:\n    tools: [Read]\n", "overrides.a.tools", "unknown key"),
    ("overrides:\n  a:\n    model: 'gpt 4'\n", "overrides.a.model", "neither a model alias"),
    ("overrides:\n  a:\n    permission_mode: yolo\n", "overrides.a.permission_mode", "not one of"),
    ("overrides:\n  a:\n    domain: [../x/]\n", "overrides.a.domain", "'..'"),
    ("overrides:\n  a:\n    domain: [.git/]\n", "overrides.a.domain", "protected"),
    ("shared_files: [../outside.md]\n", "shared_files[0]", "'..'"),
    ("shared_files: ['*.md']\n", "shared_files[0]", "not a pattern"),
    ("shared_files: [docs/]\n", "shared_files[0]", "must be a file path"),
    ("keymap: {approve: 1}\n", "keymap.approve", "non-empty string"),
    ("author_name: '{user}'\n", "author_name", "only '{agent}'"),
]


@pytest.mark.parametrize(("text", "key", "reason"), BAD_PROJECT)
def test_bad_project_config_names_file_and_key(
    tmp_path: Path, text: str, key: str, reason: str
) -> None:
    err = project_error(tmp_path, text)
    assert err.key == key, str(err)
    assert reason in err.reason, str(err)
    assert str(err).startswith(str(tmp_path / "agentdesk.yaml"))


def test_bad_yaml_in_project_config_has_a_line(tmp_path: Path) -> None:
    err = project_error(tmp_path, "ceiling: plan\nceiling: default\n")
    assert err.line == 2 and "duplicate key" in err.reason
    err = project_error(tmp_path, "a: &x 1\n")
    assert "anchors" in err.reason


def test_project_config_not_utf8(tmp_path: Path) -> None:
    (tmp_path / "agentdesk.yaml").write_bytes(b"ceiling: \xff\n")
    with pytest.raises(ConfigError, match="not valid UTF-8"):
        load_project_config(tmp_path)


def test_empty_project_config_is_defaults(tmp_path: Path) -> None:
    config = project(tmp_path, "# nothing\n")
    assert config.path == tmp_path / "agentdesk.yaml" and config.ceiling == "default"


# --- user config ------------------------------------------------------------------------------


def write_user(env: dict[str, str], text: str, mode: int = 0o600) -> Path:
    path = user_config_path(env)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    path.chmod(mode)
    return path


def test_user_config_path_honours_xdg(tmp_path: Path) -> None:
    assert user_config_path({"XDG_CONFIG_HOME": str(tmp_path), "HOME": "/nowhere"}) == (
        tmp_path / "agentdesk" / "config.yaml"
    )
    assert user_config_path({"HOME": str(tmp_path)}) == (
        tmp_path / ".config" / "agentdesk" / "config.yaml"
    )
    # A relative XDG_CONFIG_HOME is invalid per the spec and ignored.
    assert user_config_path({"XDG_CONFIG_HOME": "rel", "HOME": str(tmp_path)}) == (
        tmp_path / ".config" / "agentdesk" / "config.yaml"
    )


def test_user_defaults_when_absent(isolated_env: dict[str, str]) -> None:
    config = load_user_config(isolated_env)
    assert config.path is None and config.api_key is None and config.bell is False
    assert config.model_aliases == DEFAULT_MODEL_ALIASES


def test_user_config_full(isolated_env: dict[str, str]) -> None:
    path = write_user(
        isolated_env,
        "model_aliases: {sonnet: claude-sonnet-4-5-20250929, fast: claude-haiku-4-5}\n"
        "default_model: opus\nbase_url: http://127.0.0.1:8123/\napi_key: sk-canary-123\n"
        "theme: agentdesk-dusk\nbell: true\nkeymap: {quit: ctrl+q}\n",
    )
    config = load_user_config(isolated_env)
    assert config.path == path
    assert config.model_aliases["sonnet"] == "claude-sonnet-4-5-20250929"
    assert config.model_aliases["fast"] == "claude-haiku-4-5"
    assert config.model_aliases["haiku"] == DEFAULT_MODEL_ALIASES["haiku"]
    assert config.base_url == "http://127.0.0.1:8123"
    assert config.api_key is not None and config.api_key.reveal() == "sk-canary-123"
    assert (config.theme, config.bell, config.keymap) == (
        "agentdesk-dusk",
        True,
        {"quit": "ctrl+q"},
    )
    assert config.warnings == []


def test_api_key_never_shows(isolated_env: dict[str, str]) -> None:  # T52
    write_user(isolated_env, "api_key: sk-canary-456\n")
    config = load_user_config(isolated_env)
    for text in (repr(config), str(config), repr(config.api_key), f"{config.api_key}"):
        assert "sk-canary-456" not in text
    with pytest.raises(TypeError):
        pickle.dumps(config.api_key)


def test_world_readable_key_warns(isolated_env: dict[str, str]) -> None:
    write_user(isolated_env, "api_key: sk-x\n", mode=0o644)
    assert any("chmod 600" in w for w in load_user_config(isolated_env).warnings)


def test_user_config_inside_repo_ignores_endpoint(tmp_path: Path) -> None:  # T55
    env = {"HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "repo" / ".cfg")}
    write_user(env, "api_key: sk-x\nbase_url: https://evil.example\ntheme: dark\n")
    config = load_user_config(env, project_root=tmp_path / "repo")
    assert config.api_key is None and config.base_url is None and config.theme == "dark"
    assert len(config.warnings) == 2
    assert load_user_config(env).base_url == "https://evil.example"


BAD_USER = [
    ("theme: [a]\n", "theme", "must be a string"),
    ("theme: '../x'\n", "theme", "not a theme name"),
    ("bell: yes\n", "bell", "true or false"),
    ("base_url: ftp://x\n", "base_url", "not an http(s) URL"),
    ("base_url: https://user:pw@x.example\n", "base_url", "credentials"),
    ("default_model: 'a b'\n", "default_model", "neither a model alias"),
    ("model_aliases: {inherit: x}\n", "model_aliases.inherit", "cannot be used"),
    ("model_aliases: [a]\n", "model_aliases", "must be a mapping"),
    ("editor: vim\n", "editor", "unknown key"),
]


@pytest.mark.parametrize(("text", "key", "reason"), BAD_USER)
def test_bad_user_config(isolated_env: dict[str, str], text: str, key: str, reason: str) -> None:
    path = write_user(isolated_env, text)
    with pytest.raises(ConfigError) as err:
        load_user_config(isolated_env)
    assert err.value.path == path and err.value.key == key and reason in err.value.reason


def test_plain_http_to_remote_host_warns(isolated_env: dict[str, str]) -> None:
    write_user(isolated_env, "base_url: http://api.example.com\n")
    assert any("plain http" in w for w in load_user_config(isolated_env).warnings)


# --- resolve_model ----------------------------------------------------------------------------


def test_resolve_model() -> None:
    assert resolve_model("sonnet") == DEFAULT_MODEL_ALIASES["sonnet"]
    assert resolve_model("opus") == DEFAULT_MODEL_ALIASES["opus"]
    assert resolve_model("haiku") == DEFAULT_MODEL_ALIASES["haiku"]
    assert resolve_model("inherit") == DEFAULT_MODEL_ALIASES["sonnet"]
    assert resolve_model(None) == DEFAULT_MODEL_ALIASES["sonnet"]
    assert resolve_model("claude-opus-4-1-20250805") == "claude-opus-4-1-20250805"
    user = UserConfig(
        model_aliases={**DEFAULT_MODEL_ALIASES, "sonnet": "s-1"}, default_model="haiku"
    )
    assert resolve_model("sonnet", user) == "s-1"
    assert resolve_model("inherit", user) == DEFAULT_MODEL_ALIASES["haiku"]
    assert resolve_model(None, UserConfig(default_model="claude-x")) == "claude-x"


# --- save_user_theme --------------------------------------------------------------------------


def test_save_theme_creates_private_file(isolated_env: dict[str, str]) -> None:
    path = save_user_theme("agentdesk-paper", isolated_env)
    assert path.read_text() == "theme: agentdesk-paper\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_user_config(isolated_env).theme == "agentdesk-paper"


def test_save_theme_keeps_other_lines_byte_for_byte(isolated_env: dict[str, str]) -> None:
    original = "# my settings\nbell: true   # ring\ntheme: old\nkeymap:\n  quit: ctrl+q\n"
    path = write_user(isolated_env, original, mode=0o640)
    save_user_theme("agentdesk-harbor", isolated_env)
    assert path.read_text() == original.replace("theme: old", "theme: agentdesk-harbor")
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert [p.name for p in path.parent.iterdir()] == ["config.yaml"]  # no temp files left


def test_save_theme_appends_when_missing(isolated_env: dict[str, str]) -> None:
    path = write_user(isolated_env, "bell: false")
    save_user_theme("x", isolated_env)
    assert path.read_text() == "bell: false\ntheme: x\n"


def test_save_theme_refuses_bad_name_and_bad_file(isolated_env: dict[str, str]) -> None:
    with pytest.raises(ConfigError, match="not a theme name"):
        save_user_theme("x\nbase_url: http://evil", isolated_env)
    path = write_user(isolated_env, "bell: [unclosed\n")
    with pytest.raises(ConfigError, match="cannot update"):
        save_user_theme("x", isolated_env)
    assert path.read_text() == "bell: [unclosed\n"


def test_secret_type() -> None:
    secret = Secret("abc")
    assert repr(secret) == str(secret) == "Secret('***')"
    assert secret and not Secret("")
    assert secret.reveal() == "abc"


def test_override_budget_usd(tmp_path: Path) -> None:
    """A per-agent budget pauses the agent when its spend reaches it (the runtime reads it)."""
    from agents.config import ConfigError, load_project_config

    (tmp_path / "agentdesk.yaml").write_text("overrides:\n  backend: {budget_usd: 2.5}\n")
    assert load_project_config(tmp_path).overrides["backend"].budget_usd == 2.5
    for bad in ("0", "-1", "lots", "yes"):
        (tmp_path / "agentdesk.yaml").write_text(f"overrides:\n  backend: {{budget_usd: {bad}}}\n")
        with pytest.raises(ConfigError) as err:
            load_project_config(tmp_path)
        assert "budget_usd" in str(err.value)


def test_the_workspace_ignores_an_endpoint_from_a_user_config_inside_the_repo(
    tmp_path: Path,
) -> None:  # T55, through Workspace.open as the desk, run, status and blockers use it
    from agents.workspace import Workspace

    repo = tmp_path / "repo"
    repo.mkdir()
    env = {"HOME": str(tmp_path), "XDG_CONFIG_HOME": str(repo / ".cfg")}
    write_user(env, "base_url: https://evil.example\ntheme: dark\n")
    ws = Workspace.open(repo, env=env)
    assert ws.user_config.base_url is None and ws.user_config.theme == "dark"
    assert not ws.has_credentials
    assert any("ignored: this file is inside the project" in w for w in ws.warnings)
