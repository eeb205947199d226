"""The Glob tool: files matching a pattern, newest first, relative to the project root.

What it lists is what :mod:`agents.tools.walk` lets an agent see: no ``.git``, no ignored
files, no deny-read files, no symlinks out of the project.
"""

from __future__ import annotations

import asyncio
from typing import Annotated, ClassVar

from pydantic import BaseModel, Field

from agents.tools.base import Tool, ToolArgs, ToolContext, ToolError, ToolOutcome, args_as
from agents.tools.files import real_root
from agents.tools.walk import Found, glob_regex, search_base, walk_files

MAX_RESULTS = 100


class GlobArgs(ToolArgs):
    """Input of the Glob tool (Claude Code's parameters)."""

    pattern: Annotated[
        str,
        Field(
            min_length=1,
            max_length=1000,
            description='The glob pattern, e.g. "**/*.py" or "src/**/*.{ts,tsx}"',
        ),
    ]
    path: Annotated[
        str | None,
        Field(
            max_length=4096,
            description="The folder to search in (default: the project root)",
        ),
    ] = None


def _relative_to(base: str, found: Found) -> str:
    if base == ".":
        return found.rel
    return found.rel[len(base) + 1 :] if found.rel.startswith(base + "/") else found.rel


def glob_files(ctx: ToolContext, pattern: str, path: str | None) -> tuple[list[str], bool]:
    """Matching paths (relative to the root, newest first) and whether the list is cut."""
    pattern = pattern.strip()
    if pattern.startswith("/") or pattern.startswith("~") or ".." in pattern.split("/"):
        raise ToolError(
            "the pattern must be relative (no leading '/', '~' or '..'); "
            "set path to search another folder"
        )
    while pattern.startswith("./"):
        pattern = pattern[2:]
    regex = glob_regex(pattern)
    base = search_base(ctx, path)
    if base != "." and not (real_root(ctx) / base).is_dir():
        raise ToolError(f"{base} is a file, not a folder; give Glob a folder as path")
    files, cut = walk_files(ctx, base)
    hits = [f for f in files if regex.match(_relative_to(base, f))]
    hits.sort(key=lambda f: (-f.mtime, f.rel))
    if len(hits) > MAX_RESULTS:
        return [f.rel for f in hits[:MAX_RESULTS]], True
    return [f.rel for f in hits], cut


class GlobTool(Tool):
    """Glob: find files by name pattern."""

    name: ClassVar[str] = "Glob"
    read_only: ClassVar[bool] = True
    Args: ClassVar[type[ToolArgs]] = GlobArgs
    description: ClassVar[str] = (
        'Find files by glob pattern, such as "**/*.js" or "src/**/*.{ts,tsx}" ("*" stays in '
        'one folder, "**/" crosses folders). Returns paths relative to the project root, most '
        f"recently modified first, at most {MAX_RESULTS}. Ignored files (.gitignore), .git and "
        "secret files are never listed."
    )

    async def run(self, ctx: ToolContext, args: BaseModel) -> ToolOutcome:
        """List the matches (the walk runs on a worker thread)."""
        a = args_as(args, GlobArgs)
        paths, cut = await asyncio.to_thread(glob_files, ctx, a.pattern, a.path)
        if not paths:
            return ToolOutcome("No files found")
        text = "\n".join(paths)
        if cut:
            text += "\n(Results are truncated. Consider using a more specific path or pattern.)"
        return ToolOutcome(text)
