"""Parse one Claude Code subagent file into an :class:`AgentDefinition`.

:func:`parse_agent_file` never raises for bad content: it returns an ``AgentDefinition``, an
``AgentLoadError`` naming the file, the line and the reason, or a :class:`SkippedFile` for
Markdown without front matter (a README in an agents folder). Strict where a mistake would
grant power (unknown tools, misspelt keys, YAML coercions), lenient where Claude Code is
(unknown keys are kept with a warning).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from agents.agent_tools import ToolListError, tool_list
from agents.definition import (
    PERMISSION_MODES,
    AgentDefinition,
    AgentLoadError,
    Source,
)
from agents.domain_block import DomainError, check_patterns, find_body_domain
from agents.frontmatter import FrontMatterError, NoFrontMatter, decode, split
from agents.strict_yaml import YAMLField, describe_type
from agents.user_config import normalize_model

KNOWN_COLORS = ("red", "blue", "green", "yellow", "purple", "orange", "pink", "cyan")
KNOWN_EFFORTS = ("low", "medium", "high", "xhigh", "max")
#: Claude Code keys agentdesk reads; other Claude Code keys it keeps without using.
FIELDS = (
    "name", "description", "tools", "disallowedTools", "model", "permissionMode", "maxTurns",
    "color", "isolation", "initialPrompt", "effort", "domain",
)  # fmt: skip
CLAUDE_ONLY_FIELDS = ("skills", "mcpServers", "hooks", "memory", "background")

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
_DECIMAL = re.compile(r"[1-9][0-9]*")


@dataclass(frozen=True)
class SkippedFile:
    """A Markdown file in an agents folder that is documentation, not an agent."""

    path: Path
    reason: str


ParseResult = AgentDefinition | AgentLoadError | SkippedFile


class _Invalid(Exception):
    def __init__(self, reason: str, line: int | None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line


def parse_agent_file(path: Path, source: Source = "project") -> ParseResult:
    """Read and parse the agent file at ``path``."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return AgentLoadError(path, None, f"cannot read the file: {exc.strerror or exc}")
    return parse_agent_bytes(data, path, source)


def parse_agent_bytes(data: bytes, path: Path, source: Source = "project") -> ParseResult:
    """Parse the bytes of an agent file; ``path`` is used for messages and the result."""
    try:
        parts = split(decode(data))
        return _build(parts.fields, parts.body, parts.body_first_line, parts.warnings, path, source)
    except NoFrontMatter:
        return SkippedFile(path, "no front matter: documentation, not an agent")
    except (FrontMatterError, DomainError, ToolListError, _Invalid) as exc:
        return AgentLoadError(path, exc.line, exc.reason)


def _build(
    fields: dict[str, YAMLField],
    body: str,
    body_line: int,
    warnings_in: tuple[str, ...],
    path: Path,
    source: Source,
) -> AgentDefinition:
    warnings = list(warnings_in)
    extra: dict[str, Any] = {}
    for key, fld in fields.items():
        if key in FIELDS:
            continue
        folded = key.replace("_", "").replace("-", "").lower()
        near = [f for f in FIELDS if f.lower() == folded]
        if near:
            raise _Invalid(f"unknown key '{key}'; did you mean '{near[0]}'?", fld.line)
        extra[key] = fld.value
        if key in CLAUDE_ONLY_FIELDS:
            warnings.append(f"line {fld.line}: '{key}' is kept but agentdesk does not use it")
        else:
            warnings.append(f"line {fld.line}: unknown key '{key}' kept, not used")
    name = _required_str(fields, "name")
    if not _NAME.fullmatch(name):
        raise _Invalid(
            f"name '{name}' must be letters, digits, '-' or '_' (at most 64)", fields["name"].line
        )
    description = _required_str(fields, "description")
    tools = tool_list(fields.get("tools"), warnings, allow_empty=False)
    disallowed = tool_list(fields.get("disallowedTools"), warnings, allow_empty=True) or ()
    model = _model(fields.get("model"))
    mode = _optional_str(fields.get("permissionMode"))
    if mode is not None and mode not in PERMISSION_MODES:
        raise _Invalid(
            f"permissionMode '{mode}' is not one of {', '.join(PERMISSION_MODES)}",
            fields["permissionMode"].line,
        )
    color = _optional_str(fields.get("color"))
    if color is not None and color not in KNOWN_COLORS:
        warnings.append(f"line {fields['color'].line}: color '{color}' is not a Claude Code color")
    effort = _optional_str(fields.get("effort"))
    if effort is not None and effort not in KNOWN_EFFORTS:
        warnings.append(f"line {fields['effort'].line}: effort '{effort}' is not a known level")
    isolation = _optional_str(fields.get("isolation"))
    if isolation is not None:
        warnings.append(
            f"line {fields['isolation'].line}: isolation '{isolation}' is not supported; "
            "the agent works in the project tree under its Domain"
        )
    domain, domain_source = _domain(fields.get("domain"), body, body_line, warnings)
    wants_writes = tools is None or any(t in ("Write", "Edit") for t in tools)
    if not domain and wants_writes:
        warnings.append("no Domain: Write and Edit are withheld (read-only agent)")
    if not body.strip():
        warnings.append("the body is empty: the agent has no system prompt")
    return AgentDefinition(
        name=name,
        description=description,
        path=path,
        source=source,
        body=body.strip("\n"),
        tools=tools,
        disallowed_tools=disallowed,
        model=model,
        permission_mode=mode,
        max_turns=_max_turns(fields.get("maxTurns")),
        color=color,
        isolation=isolation,
        initial_prompt=_optional_str(fields.get("initialPrompt")),
        effort=effort,
        domain=domain,
        domain_source=domain_source,
        extra=extra,
        warnings=tuple(warnings),
    )


def _not_a_string(fld: YAMLField) -> _Invalid:
    if fld.raw is not None:
        return _Invalid(
            f"'{fld.key}' must be a string, but YAML reads `{fld.raw}` as "
            f"{describe_type(fld.value)}; put it in quotes",
            fld.line,
        )
    return _Invalid(f"'{fld.key}' must be a string, not {describe_type(fld.value)}", fld.line)


def _optional_str(fld: YAMLField | None) -> str | None:
    if fld is None or fld.value is None:
        return None
    if not isinstance(fld.value, str):
        raise _not_a_string(fld)
    return fld.value.strip()


def _required_str(fields: dict[str, YAMLField], key: str) -> str:
    fld = fields.get(key)
    if fld is None:
        raise _Invalid(f"missing required key '{key}'", 1)
    value = _optional_str(fld)
    if not value:
        raise _Invalid(f"'{key}' is empty", fld.line)
    return value


def _model(fld: YAMLField | None) -> str | None:
    value = _optional_str(fld)
    if value is None or fld is None:
        return None
    model = normalize_model(value)
    if model is None:
        raise _Invalid(
            f"model '{value}' is neither an alias (sonnet, opus, haiku, inherit) nor a model id",
            fld.line,
        )
    return model


def _max_turns(fld: YAMLField | None) -> int | None:
    if fld is None or fld.value is None:
        return None
    value = fld.value
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Invalid(f"'maxTurns' must be a whole number, not {describe_type(value)}", fld.line)
    if fld.raw is None or not _DECIMAL.fullmatch(fld.raw):
        raise _Invalid(
            f"'maxTurns' must be written as a plain positive number; YAML reads `{fld.raw}` as "
            f"{value}",
            fld.line,
        )
    return value


def _domain(
    fld: YAMLField | None, body: str, body_line: int, warnings: list[str]
) -> tuple[tuple[str, ...], Literal["body", "frontmatter"] | None]:
    found = find_body_domain(body, body_line)
    warnings.extend(found.warnings)
    if fld is not None:
        if not isinstance(fld.value, list):
            raise _Invalid(
                f"'domain' must be a list of path patterns, not {describe_type(fld.value)}",
                fld.line,
            )
        entries: list[tuple[int | None, str]] = []
        for index, item in enumerate(fld.value):
            line = fld.item_lines[index] if index < len(fld.item_lines) else fld.line
            if not isinstance(item, str):
                raise _Invalid(f"'domain' items must be strings, not {describe_type(item)}", line)
            entries.append((line, item.strip()))
        if found.patterns:
            warnings.append(
                f"line {fld.line}: the front matter 'domain' list overrides the body's Domain block"
            )
        return check_patterns(entries), "frontmatter"
    if found.patterns:
        return found.patterns, "body"
    return (), None
