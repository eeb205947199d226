"""What every tool shares: the context it runs in, its outcome, schema validation, and errors.

A tool is either read-only (:meth:`Tool.run` produces the ``tool_result`` directly) or it changes
something (:meth:`Tool.propose` returns a :class:`~agents.proposal.Proposal` for the queue). Either
way the raw input from the model goes through :meth:`Tool.validate` first: a pydantic model with
``extra="forbid"`` and strict types, whose JSON schema is also what the model is shown.
"""

from __future__ import annotations

import copy
import functools
from typing import Any, ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from agents.proposal import Proposal
from agents.tool_types import PathDenied, ToolContext, ToolError, ToolOutcome

__all__ = [
    "PathDenied",
    "Tool",
    "ToolArgs",
    "ToolContext",
    "ToolError",
    "ToolOutcome",
    "args_as",
]

_A = TypeVar("_A", bound=BaseModel)

#: How many schema problems one error message lists before "and N more".
_MAX_PROBLEMS = 5


class ToolArgs(BaseModel):
    """Base of every tool's input model: unknown keys and type coercions are errors."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, populate_by_name=False)


def _loc(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in loc) or "input"


def describe_validation_error(error: ValidationError) -> str:
    """A short, precise message naming every bad field, without echoing the input values."""
    problems = []
    for item in error.errors(include_url=False, include_input=False, include_context=False):
        kind = item.get("type", "")
        where = _loc(tuple(item.get("loc", ())))
        if kind == "extra_forbidden":
            problems.append(f"{where}: unknown parameter")
        elif kind == "missing":
            problems.append(f"{where}: required parameter is missing")
        else:
            problems.append(f"{where}: {item.get('msg', 'invalid value')}")
    shown = "; ".join(problems[:_MAX_PROBLEMS])
    if len(problems) > _MAX_PROBLEMS:
        shown += f"; and {len(problems) - _MAX_PROBLEMS} more"
    return shown


def _clean_schema(node: Any) -> Any:
    """Drop pydantic's ``title`` noise and ``X | None`` wrappers (optional says enough)."""
    if isinstance(node, dict):
        options = node.get("anyOf")
        if (
            isinstance(options, list)
            and len(options) == 2
            and {"type": "null"} in options
            and node.get("default", ...) is None
        ):
            inner = next(o for o in options if o != {"type": "null"})
            node = {**inner, **{k: v for k, v in node.items() if k not in ("anyOf", "default")}}
        return {
            key: _clean_schema(value)
            for key, value in node.items()
            if not (key == "title" and isinstance(value, str))
        }
    if isinstance(node, list):
        return [_clean_schema(value) for value in node]
    return node


class Tool:
    """One tool the model may call. Subclasses set the class variables and ``Args``."""

    name: ClassVar[str]
    description: ClassVar[str]
    read_only: ClassVar[bool]
    Args: ClassVar[type[ToolArgs]]

    def input_schema(self) -> dict[str, Any]:
        """The JSON schema of this tool's input, as sent to the Messages API (a fresh copy)."""
        return copy.deepcopy(_input_schema(self.Args))

    def validate(self, raw: Any) -> BaseModel:
        """Check ``raw`` against the schema; raise :class:`ToolError` saying what is wrong."""
        if not isinstance(raw, dict):
            raise ToolError("the input must be a JSON object of parameters")
        if not all(isinstance(key, str) for key in raw):
            raise ToolError("parameter names must be strings")
        try:
            return self.Args.model_validate(raw)
        except ValidationError as error:
            raise ToolError(describe_validation_error(error)) from None
        except (ValueError, TypeError, RecursionError) as error:
            raise ToolError(f"the input could not be checked ({type(error).__name__})") from None

    async def run(self, ctx: ToolContext, args: BaseModel) -> ToolOutcome:
        """Run a read-only tool. Tools that change things refuse: they only propose."""
        raise ToolError(f"{self.name} changes files or runs commands: it needs a proposal")

    def propose(self, ctx: ToolContext, args: BaseModel, *, tool_use_id: str) -> Proposal:
        """Build the proposal for a tool that changes things. Read-only tools refuse."""
        raise ToolError(f"{self.name} is read-only: there is nothing to propose")

    def schema(self) -> dict[str, Any]:
        """This tool in Messages-API form: ``name``, ``description``, ``input_schema``."""
        # The input schema is built once per tool (pydantic's schema generation costs ~1 ms a
        # tool, on every model call otherwise); it is shared, so callers copy before changing.
        return {
            "name": self.name,
            "description": self.description,
            "input_schema": _input_schema(self.Args),
        }


@functools.cache
def _input_schema(args: type[ToolArgs]) -> dict[str, Any]:
    schema = _clean_schema(args.model_json_schema(by_alias=True, mode="validation"))
    schema.pop("description", None)  # the tool's own description says it better
    schema.setdefault("properties", {})
    schema["additionalProperties"] = False
    return dict(schema)


def args_as(args: BaseModel, cls: type[_A]) -> _A:
    """``args`` as the tool's own input model (a wrong type is a programming error)."""
    if not isinstance(args, cls):
        raise ToolError(f"internal error: expected {cls.__name__}, got {type(args).__name__}")
    return args
