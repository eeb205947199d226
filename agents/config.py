"""agentdesk's configuration: the project's ``agentdesk.yaml`` and the user's ``config.yaml``.

The project file (at the project root, committed with the code) says which agents load, per
agent overrides of model, mode and Domain, the shared files every agent may propose edits to,
and the desk's permission ceiling. It never supplies an API key or endpoint: such keys are
ignored with a warning (THREATS T55, the CVE-2026-21852 class). The user file
(``$XDG_CONFIG_HOME/agentdesk/config.yaml``) holds model aliases, the API base URL, an optional
key and the theme; see :mod:`agents.user_config`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from agents.config_fields import MAX_CONFIG_BYTES, ConfigError, Reader, Secret, is_endpoint_key
from agents.definition import PERMISSION_MODES
from agents.domain_block import DomainError, check_patterns, pattern_problem
from agents.strict_yaml import StrictYAMLError, YAMLField, load_fields
from agents.user_config import (
    DEFAULT_MODEL_ALIASES,
    UserConfig,
    load_user_config,
    normalize_model,
    resolve_model,
    save_user_theme,
    user_config_path,
)

__all__ = [
    "DEFAULT_MODEL_ALIASES",
    "PROJECT_CONFIG_NAME",
    "AgentOverride",
    "ConfigError",
    "ProjectConfig",
    "Secret",
    "UserConfig",
    "load_project_config",
    "load_user_config",
    "resolve_model",
    "save_user_theme",
    "user_config_path",
]

PROJECT_CONFIG_NAME = "agentdesk.yaml"
COMMIT_MODES = ("proposal", "turn", "off")
_PROJECT_KEYS = (
    "agents", "overrides", "shared_files", "ceiling", "commit_mode", "keymap", "run_hooks",
    "author_name", "author_email",
)  # fmt: skip
_OVERRIDE_KEYS = ("model", "permission_mode", "domain", "budget_usd")
_TEMPLATE_FIELD = re.compile(r"\{([^{}]*)\}")


@dataclass(frozen=True)
class AgentOverride:
    """Per-agent overrides from ``agentdesk.yaml``; ``None`` leaves the file's value."""

    model: str | None = None
    permission_mode: str | None = None
    domain: tuple[str, ...] | None = None
    #: Spend (USD) at which the agent pauses; ``None``: no budget.
    budget_usd: float | None = None


@dataclass(frozen=True)
class ProjectConfig:
    """The project's ``agentdesk.yaml`` (defaults when the file is absent).

    ``agents`` is ``None`` for "every agent found"; otherwise only the named agents load, in
    that order. ``ceiling`` caps every agent's permission mode. ``author_name`` and
    ``author_email`` are templates in which ``{agent}`` is the agent's name.
    """

    path: Path | None = None
    agents: list[str] | None = None
    overrides: dict[str, AgentOverride] = field(default_factory=dict)
    shared_files: list[str] = field(default_factory=lambda: ["PROGRESS.md"])
    ceiling: str = "default"
    commit_mode: str = "proposal"
    keymap: dict[str, str] = field(default_factory=dict)
    run_hooks: bool = False
    author_name: str = "{agent}"
    author_email: str = "{agent}@agentdesk.invalid"
    warnings: list[str] = field(default_factory=list)

    def author_for(self, agent: str) -> tuple[str, str]:
        """The git author (name, email) for changes made by ``agent``."""
        return self.author_name.replace("{agent}", agent), self.author_email.replace(
            "{agent}", agent
        )


def load_project_config(root: Path) -> ProjectConfig:
    """Read ``root/agentdesk.yaml``; defaults when it does not exist.

    Raises :class:`ConfigError` naming the file, the key and the reason for anything it
    cannot use. API keys and base URLs in this file are ignored with a recorded warning.
    """
    path = root / PROJECT_CONFIG_NAME
    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        return ProjectConfig()
    except UnicodeDecodeError:
        raise ConfigError(path, None, "not valid UTF-8") from None
    except OSError as exc:
        raise ConfigError(path, None, f"cannot read: {exc.strerror or exc}") from None
    try:
        fields = load_fields(text.removeprefix("\ufeff"), max_bytes=MAX_CONFIG_BYTES)
    except StrictYAMLError as exc:
        raise ConfigError(path, None, exc.reason, exc.line) from None
    read = Reader(path)
    warnings: list[str] = []
    values: dict[str, object] = {}
    for key, fld in fields.items():
        if is_endpoint_key(key):
            warnings.append(
                f"{path}:{fld.line}: '{key}' ignored: an API key or base URL is never read from "
                "a file inside the repository; use the environment or the user config"
            )
        elif key not in _PROJECT_KEYS:
            raise read.error(fld, f"unknown key; known keys: {', '.join(_PROJECT_KEYS)}")
        elif fld.value is not None:
            values[key] = _project_value(read, fld)
    return ProjectConfig(path=path, warnings=warnings, **values)  # type: ignore[arg-type]


def _project_value(read: Reader, fld: YAMLField) -> object:
    key = fld.key
    if key == "agents":
        return read.string_list(fld)
    if key == "overrides":
        return _overrides(read, fld)
    if key == "shared_files":
        files = read.string_list(fld)
        for index, name in enumerate(files):
            problem = _shared_file_problem(name)
            if problem:
                raise ConfigError(read.path, f"shared_files[{index}]", problem, fld.line)
        return files
    if key == "ceiling":
        return _mode(read, fld)
    if key == "commit_mode":
        mode = read.string(fld)
        if mode not in COMMIT_MODES:
            raise read.error(fld, f"'{mode}' is not one of {', '.join(COMMIT_MODES)}")
        return mode
    if key == "keymap":
        return read.string_map(fld)
    if key == "run_hooks":
        return read.boolean(fld)
    template = read.string(fld)  # author_name / author_email
    unknown = [f for f in _TEMPLATE_FIELD.findall(template) if f != "agent"]
    if unknown:
        raise read.error(
            fld, f"only '{{agent}}' may be used in the template, not '{{{unknown[0]}}}'"
        )
    return template


def _mode(read: Reader, fld: YAMLField) -> str:
    mode = read.string(fld)
    if mode not in PERMISSION_MODES:
        raise read.error(fld, f"'{mode}' is not one of {', '.join(PERMISSION_MODES)}")
    return mode


def _overrides(read: Reader, fld: YAMLField) -> dict[str, AgentOverride]:
    if not isinstance(fld.value, dict):
        raise read.error(fld, "must map agent names to their overrides")
    out: dict[str, AgentOverride] = {}
    for agent, spec in fld.value.items():
        prefix = f"overrides.{agent}"
        if not isinstance(spec, dict):
            raise ConfigError(
                read.path, prefix, "must be a mapping of model/permission_mode/domain/budget_usd"
            )
        unknown = [k for k in spec if k not in _OVERRIDE_KEYS]
        if unknown:
            raise ConfigError(
                read.path,
                f"{prefix}.{unknown[0]}",
                f"unknown key; overrides accept {', '.join(_OVERRIDE_KEYS)}",
            )
        sub = Reader(read.path, prefix + ".")
        fields = {k: YAMLField(key=k, value=v, line=fld.line, raw=_raw(v)) for k, v in spec.items()}
        model = None
        if "model" in fields:
            model = normalize_model(sub.string(fields["model"]))
            if model is None:
                raise sub.error(fields["model"], "is neither a model alias nor a model id")
        mode = _mode(sub, fields["permission_mode"]) if "permission_mode" in fields else None
        domain = None
        if "domain" in fields:
            patterns = sub.string_list(fields["domain"])
            try:
                domain = check_patterns([(None, p) for p in patterns])
            except DomainError as exc:
                raise sub.error(fields["domain"], exc.reason) from None
        budget = None
        if "budget_usd" in fields:
            value = fields["budget_usd"].value
            if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
                raise sub.error(fields["budget_usd"], "must be a positive number of US dollars")
            budget = float(value)
        out[str(agent)] = AgentOverride(
            model=model, permission_mode=mode, domain=domain, budget_usd=budget
        )
    return out


def _raw(value: object) -> str | None:
    """Nested values have no source text; show booleans and numbers as YAML wrote them."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return None if isinstance(value, list | dict) else str(value)


def _shared_file_problem(name: str) -> str | None:
    if any(c in name for c in "*?["):
        return f"'{name}' must be a file path, not a pattern"
    problem = pattern_problem(name)
    if problem:
        return f"'{name}' {problem}"
    if name.endswith("/") or name.startswith("!"):
        return f"'{name}' must be a file path"
    return None
