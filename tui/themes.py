"""Themes as data: ``themes/*.yaml`` (bundled) and the user's own, loaded into Textual themes.

A theme file is a YAML mapping with ``name``, ``primary`` and optionally ``dark``,
``secondary``, ``accent``, ``foreground``, ``background``, ``surface``, ``panel``, ``boost``,
``warning``, ``error``, ``success`` and ``variables`` (Textual design variables). Every colour
is checked before Textual sees it, so a bad file is reported (file and reason) and skipped,
never a crash.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from textual.color import Color, ColorParseError
from textual.theme import Theme

import themes as _bundled_package
from agents.user_config import user_config_path

DEFAULT_THEME = "agentdesk-dusk"
MAX_THEME_BYTES = 64 * 1024
_COLOR_KEYS = (
    "primary",
    "secondary",
    "accent",
    "foreground",
    "background",
    "surface",
    "panel",
    "boost",
    "warning",
    "error",
    "success",
)
_ALLOWED = {"name", "dark", "variables", *_COLOR_KEYS}
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


class ThemeError(Exception):
    """A theme file that cannot be used: names the file and the reason."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


@dataclass
class ThemeSet:
    """Themes that loaded, and one message per file that did not."""

    themes: list[Theme] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def names(self) -> list[str]:
        """Names of the loaded themes."""
        return [t.name for t in self.themes]


def bundled_dir() -> Path:
    """The folder holding the bundled theme files (works from a wheel too)."""
    return Path(_bundled_package.__file__).resolve().parent


def user_dir(env: Mapping[str, str] | None = None) -> Path:
    """``themes/`` beside the user config (``~/.config/agentdesk/themes`` by default)."""
    return user_config_path(os.environ if env is None else env).parent / "themes"


def parse_theme(data: object, path: Path) -> Theme:
    """Validate one parsed theme document and build the Textual theme."""
    if not isinstance(data, dict):
        raise ThemeError(path, "a theme file must be a YAML mapping")
    unknown = sorted(str(k) for k in data if k not in _ALLOWED)
    if unknown:
        raise ThemeError(path, f"unknown key(s): {', '.join(unknown)}")
    name = data.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        raise ThemeError(path, "'name' must be lower-case letters, digits, '-' or '_'")
    if "primary" not in data:
        raise ThemeError(path, "'primary' colour is required")
    colours: dict[str, str] = {}
    for key in _COLOR_KEYS:
        if key in data:
            colours[key] = _colour(data[key], path, key)
    dark = data.get("dark", True)
    if not isinstance(dark, bool):
        raise ThemeError(path, "'dark' must be true or false")
    variables_raw = data.get("variables") or {}
    if not isinstance(variables_raw, dict):
        raise ThemeError(path, "'variables' must be a mapping")
    variables: dict[str, str] = {}
    for key, value in variables_raw.items():
        if not isinstance(key, str) or not isinstance(value, str | int | float):
            raise ThemeError(path, f"variable {key!r} must map a name to a string")
        variables[key] = str(value)
    return Theme(
        name=name,
        primary=colours["primary"],
        secondary=colours.get("secondary"),
        accent=colours.get("accent"),
        foreground=colours.get("foreground"),
        background=colours.get("background"),
        surface=colours.get("surface"),
        panel=colours.get("panel"),
        boost=colours.get("boost"),
        warning=colours.get("warning"),
        error=colours.get("error"),
        success=colours.get("success"),
        dark=dark,
        variables=variables,
    )


def _colour(value: object, path: Path, key: str) -> str:
    if not isinstance(value, str):
        raise ThemeError(path, f"'{key}' must be a colour string such as '#1e90ff'")
    try:
        Color.parse(value)
    except ColorParseError:
        raise ThemeError(path, f"'{key}': {value!r} is not a colour") from None
    return value


def load_theme_file(path: Path) -> Theme:
    """Load and validate one theme file; raises :class:`ThemeError`."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ThemeError(path, f"cannot read: {exc.strerror or exc}") from None
    if len(raw) > MAX_THEME_BYTES:
        raise ThemeError(path, f"larger than {MAX_THEME_BYTES // 1024} KiB")
    try:
        data = yaml.safe_load(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ThemeError(path, "not UTF-8 text") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise ThemeError(path, f"{where}{problem}") from None
    return parse_theme(data, path)


def load_themes(folders: Iterable[Path], *, reserved: Iterable[str] = ()) -> ThemeSet:
    """Load every ``*.yaml``/``*.yml`` in ``folders`` (later folders override earlier ones).

    ``reserved`` names (Textual's built-in themes) cannot be replaced; a file that tries is
    reported and skipped.
    """
    taken = set(reserved)
    result = ThemeSet()
    by_name: dict[str, Theme] = {}
    for folder in folders:
        if not folder.is_dir():
            continue
        files = sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml"))
        for path in files:
            try:
                theme = load_theme_file(path)
            except ThemeError as exc:
                result.problems.append(str(exc))
                continue
            if theme.name in taken:
                result.problems.append(f"{path}: the name {theme.name!r} is a built-in theme")
                continue
            by_name[theme.name] = theme
    result.themes = list(by_name.values())
    return result
