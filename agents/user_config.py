"""The user's own config: ``$XDG_CONFIG_HOME/agentdesk/config.yaml`` (or ``~/.config/...``).

It holds what belongs to the person, not the repository: model aliases and the default model,
the API base URL and (optionally) the API key, the theme, the bell and key bindings. The key is
wrapped in :class:`~agents.config_fields.Secret` so it never shows in a repr, a log or a
traceback. :func:`save_user_theme` rewrites only the ``theme:`` line, atomically.
"""

from __future__ import annotations

import ipaddress
import os
import re
import stat
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from agents.config_fields import MAX_CONFIG_BYTES, ConfigError, Reader, Secret
from agents.strict_yaml import StrictYAMLError, YAMLField, load_fields

#: Model aliases used when the user config does not override them.
DEFAULT_MODEL_ALIASES: dict[str, str] = {
    "sonnet": "claude-sonnet-5-5",
    "opus": "claude-opus-5-5",
    "haiku": "claude-haiku-5-5",
    "fable": "claude-fable-5-2",
}
_ALIASES = ("sonnet", "opus", "haiku", "fable", "inherit", "opusplan")
_MODEL_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:@/\[\]-]{0,127}")
_THEME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
_USER_KEYS = ("model_aliases", "default_model", "base_url", "api_key", "theme", "bell", "keymap")


@dataclass(frozen=True)
class UserConfig:
    """The person's settings; defaults when the file is absent."""

    path: Path | None = None
    model_aliases: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_MODEL_ALIASES))
    default_model: str = "sonnet"
    base_url: str | None = None
    api_key: Secret | None = None
    theme: str | None = None
    bell: bool = False
    keymap: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def normalize_model(value: str) -> str | None:
    """A model alias (lower-cased) or a full model id, or ``None`` if it is neither."""
    if value.lower() in _ALIASES:
        return value.lower()
    return value if _MODEL_ID.fullmatch(value) else None


def resolve_model(alias: str | None, user_config: UserConfig | None = None) -> str:
    """The full model id for ``alias``: ``inherit`` or ``None`` means the desk default."""
    config = user_config or UserConfig()
    aliases = {**DEFAULT_MODEL_ALIASES, **config.model_aliases}
    name = alias if alias and alias.lower() != "inherit" else config.default_model
    if name.lower() in ("inherit", "opusplan"):
        name = "opus" if name.lower() == "opusplan" else "sonnet"
    return aliases.get(name.lower(), name)


def user_config_path(env: Mapping[str, str] = os.environ) -> Path:
    """Where the user config lives, honouring ``XDG_CONFIG_HOME`` when it is absolute."""
    xdg = env.get("XDG_CONFIG_HOME", "")
    if xdg and os.path.isabs(xdg):
        base = Path(xdg)
    else:
        base = Path(env.get("HOME") or Path.home()) / ".config"
    return base / "agentdesk" / "config.yaml"


def load_user_config(
    env: Mapping[str, str] = os.environ, *, project_root: Path | None = None
) -> UserConfig:
    """Read the user config; defaults when it does not exist.

    When the file sits inside ``project_root`` (an ``XDG_CONFIG_HOME`` pointed into the
    repository), its API key and base URL are ignored with a warning. Raises
    :class:`ConfigError` for anything it cannot use.
    """
    path = user_config_path(env)
    try:
        data = path.read_bytes()
        mode = path.stat().st_mode
    except FileNotFoundError:
        return UserConfig()
    except OSError as exc:
        raise ConfigError(path, None, f"cannot read: {exc.strerror or exc}") from None
    try:
        fields = load_fields(
            data.decode("utf-8").removeprefix("\ufeff"), max_bytes=MAX_CONFIG_BYTES
        )
    except UnicodeDecodeError:
        raise ConfigError(path, None, "not valid UTF-8") from None
    except StrictYAMLError as exc:
        raise ConfigError(path, None, exc.reason, exc.line) from None
    read = Reader(path)
    in_repo = project_root is not None and _inside(path, project_root)
    values: dict[str, object] = {}
    warnings: list[str] = []
    for key, fld in fields.items():
        if key not in _USER_KEYS:
            raise read.error(fld, f"unknown key; known keys: {', '.join(_USER_KEYS)}")
        if fld.value is None:
            continue
        if key in ("api_key", "base_url") and in_repo:
            warnings.append(f"{path}:{fld.line}: '{key}' ignored: this file is inside the project")
            continue
        values[key] = _user_value(read, fld, warnings)
    if "api_key" in values and mode & (stat.S_IRWXG | stat.S_IRWXO):
        warnings.append(f"{path}: holds an API key but others can read it; run chmod 600")
    if "model_aliases" in values:
        aliases = dict(DEFAULT_MODEL_ALIASES)
        aliases.update(values["model_aliases"])  # type: ignore[call-overload]
        values["model_aliases"] = aliases
    return UserConfig(path=path, warnings=warnings, **values)  # type: ignore[arg-type]


def _user_value(read: Reader, fld: YAMLField, warnings: list[str]) -> object:
    key = fld.key
    if key == "model_aliases":
        aliases = read.string_map(fld)
        for name, model in aliases.items():
            if name.lower() == "inherit" or not _MODEL_ID.fullmatch(model):
                raise ConfigError(read.path, f"model_aliases.{name}", f"'{model}' cannot be used")
        return {name.lower(): model for name, model in aliases.items()}
    if key == "default_model":
        default = normalize_model(read.string(fld))
        if default is None:
            raise read.error(fld, "is neither a model alias nor a model id")
        return default
    if key == "base_url":
        return _base_url(read, fld, warnings)
    if key == "api_key":
        return Secret(read.string(fld))
    if key == "theme":
        theme = read.string(fld)
        if not _THEME.fullmatch(theme):
            raise read.error(fld, f"'{theme}' is not a theme name")
        return theme
    if key == "bell":
        return read.boolean(fld)
    return read.string_map(fld)  # keymap


def _base_url(read: Reader, fld: YAMLField, warnings: list[str]) -> str:
    url = read.string(fld)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or any(c.isspace() for c in url):
        raise read.error(fld, f"'{url}' is not an http(s) URL")
    if parts.username or parts.password:
        raise read.error(fld, "must not contain credentials")
    if parts.scheme == "http" and not _loopback(parts.hostname):
        warnings.append(f"{read.path}:{fld.line}: base_url sends the API key over plain http")
    return url.rstrip("/")


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
    except (ValueError, OSError):
        return False
    return True


def save_user_theme(name: str, env: Mapping[str, str] = os.environ) -> Path:
    """Set ``theme: name`` in the user config, keeping every other line byte for byte.

    The file is replaced atomically (temp file, fsync, rename, directory fsync) and keeps its
    mode (0600 for a new file). Raises :class:`ConfigError` if ``name`` is not a theme name or
    the existing file is not valid config.
    """
    path = user_config_path(env)
    if not _THEME.fullmatch(name):
        raise ConfigError(path, "theme", f"'{name}' is not a theme name")
    try:
        old = path.read_bytes().decode("utf-8")
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        old, mode = "", 0o600
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(path, None, f"cannot read: {exc}") from None
    line = f"theme: {name}"
    pattern = re.compile(r"^theme[ \t]*:.*$", re.MULTILINE)
    if pattern.search(old):
        new = pattern.sub(line, old, count=1)
    else:
        new = old + ("" if not old or old.endswith("\n") else "\n") + line + "\n"
    try:
        check = load_fields(new.removeprefix("\ufeff"), max_bytes=MAX_CONFIG_BYTES)
    except StrictYAMLError as exc:
        raise ConfigError(path, None, f"cannot update: {exc.reason}", exc.line) from None
    if "theme" not in check or check["theme"].value != name:
        raise ConfigError(path, "theme", "cannot update the existing theme entry safely")
    _atomic_write(path, new.encode("utf-8"), mode)
    return path


def _atomic_write(path: Path, data: bytes, mode: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fchmod(handle.fileno(), mode)
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
