"""Typed readers for config keys, shared by the project and user config loaders.

Every reader takes the :class:`~agents.strict_yaml.YAMLField` of one key and either returns a
value of the promised type or raises :class:`ConfigError` naming the file, the key, the line
and what was wrong, in the words a person needs to fix it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from agents.strict_yaml import YAMLField, describe_type

#: Config files larger than this are refused before parsing.
MAX_CONFIG_BYTES = 64 * 1024


class ConfigError(ValueError):
    """A config file that cannot be used: the file, the key (dotted), the reason, the line."""

    def __init__(self, path: Path, key: str | None, reason: str, line: int | None = None) -> None:
        self.path = path
        self.key = key
        self.reason = reason
        self.line = line
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        return f"{where}: {self.key}: {self.reason}" if self.key else f"{where}: {self.reason}"


class Secret:
    """A string that never shows itself: ``repr`` and ``str`` print ``***`` (THREATS T52)."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """The secret itself, for the one place that needs it (the API client)."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__

    def __bool__(self) -> bool:
        return bool(self._value)

    def __reduce__(self) -> Any:
        raise TypeError("a Secret is never pickled")


class Reader:
    """Reads keys of one config file; ``prefix`` is the dotted path of the enclosing key."""

    def __init__(self, path: Path, prefix: str = "") -> None:
        self.path = path
        self.prefix = prefix

    def error(self, fld: YAMLField | None, reason: str, key: str | None = None) -> ConfigError:
        """A :class:`ConfigError` for ``fld`` (or for ``key`` when there is no field)."""
        name = key if key is not None else (fld.key if fld else None)
        dotted = f"{self.prefix}{name}" if name is not None else None
        return ConfigError(self.path, dotted, reason, fld.line if fld else None)

    def string(self, fld: YAMLField) -> str:
        """A non-empty string; YAML 1.1 coercions (``yes``, ``0123``) are refused."""
        if not isinstance(fld.value, str):
            shown = f"`{fld.raw}` as " if fld.raw is not None else ""
            raise self.error(fld, f"must be a string, but YAML reads {shown}{_type(fld.value)}")
        if not fld.value.strip():
            raise self.error(fld, "must not be empty")
        return fld.value.strip()

    def boolean(self, fld: YAMLField) -> bool:
        """``true`` or ``false``, written as such (``yes``/``on`` are refused as ambiguous)."""
        if not isinstance(fld.value, bool) or (fld.raw or "").lower() not in ("true", "false"):
            raise self.error(fld, f"must be true or false, not `{fld.raw or fld.value}`")
        return fld.value

    def string_list(self, fld: YAMLField) -> list[str]:
        """A list of non-empty strings."""
        if not isinstance(fld.value, list):
            raise self.error(fld, f"must be a list, not {_type(fld.value)}")
        out: list[str] = []
        for index, item in enumerate(fld.value):
            if not isinstance(item, str) or not item.strip():
                line = fld.item_lines[index] if index < len(fld.item_lines) else fld.line
                raise ConfigError(
                    self.path,
                    f"{self.prefix}{fld.key}[{index}]",
                    f"must be a non-empty string, not {_type(item)}",
                    line,
                )
            out.append(item.strip())
        return out

    def string_map(self, fld: YAMLField) -> dict[str, str]:
        """A mapping of strings to non-empty strings."""
        if not isinstance(fld.value, dict):
            raise self.error(fld, f"must be a mapping, not {_type(fld.value)}")
        out: dict[str, str] = {}
        for key, value in fld.value.items():
            if not isinstance(key, str) or not isinstance(value, str) or not value.strip():
                raise ConfigError(
                    self.path,
                    f"{self.prefix}{fld.key}.{key}",
                    f"must map a name to a non-empty string, not {_type(value)}",
                    fld.line,
                )
            out[key] = value.strip()
        return out


def _type(value: Any) -> str:
    return describe_type(value)


def is_endpoint_key(key: str) -> bool:
    """True for keys that would point the desk at an API or hand it a key (THREATS T55)."""
    norm = key.replace("_", "").replace("-", "").lower()
    return any(word in norm for word in ("apikey", "baseurl", "authtoken", "endpoint")) or (
        norm in ("key", "token", "env")
    )
