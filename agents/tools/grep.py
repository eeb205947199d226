"""The Grep tool: search file contents with a regex (Claude Code's parameters and modes).

Files are chosen by :mod:`agents.tools.walk` (ignore rules, deny-read, symlink policy), narrowed
by ``glob`` and ``type``, then searched by ``rg`` or the pure-Python worker
(:mod:`agents.tools.grep_backends`). Output modes: ``files_with_matches`` (default, newest
first), ``content`` (``path:line:text``, context lines as ``path-line-text``, groups split by
``--``) and ``count`` (``path:count``). ``head_limit`` keeps the first N entries.
"""

from __future__ import annotations

import asyncio
import re
from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, Field

from agents.tools.base import Tool, ToolArgs, ToolContext, ToolError, ToolOutcome, args_as
from agents.tools.files import real_root
from agents.tools.grep_backends import Hits, Query, rg_path, search_python, search_rg
from agents.tools.walk import Found, glob_regex, search_base, walk_files

MAX_OUTPUT_CHARS = 30_000
MAX_LINE_CHARS = 500

#: ``type`` names and the file globs they stand for (a small version of rg's list).
FILE_TYPES: dict[str, tuple[str, ...]] = {
    "py": ("*.py", "*.pyi"),
    "js": ("*.js", "*.mjs", "*.cjs", "*.jsx"),
    "ts": ("*.ts", "*.mts", "*.cts", "*.tsx"),
    "tsx": ("*.tsx",),
    "jsx": ("*.jsx",),
    "go": ("*.go",),
    "rs": ("*.rs",),
    "rust": ("*.rs",),
    "java": ("*.java",),
    "kotlin": ("*.kt", "*.kts"),
    "c": ("*.c", "*.h"),
    "cpp": ("*.cpp", "*.cc", "*.cxx", "*.hpp", "*.hh", "*.h"),
    "cs": ("*.cs",),
    "rb": ("*.rb",),
    "ruby": ("*.rb",),
    "php": ("*.php",),
    "swift": ("*.swift",),
    "sh": ("*.sh", "*.bash", "*.zsh"),
    "md": ("*.md", "*.markdown", "*.mdx"),
    "markdown": ("*.md", "*.markdown", "*.mdx"),
    "json": ("*.json", "*.jsonc"),
    "yaml": ("*.yaml", "*.yml"),
    "toml": ("*.toml",),
    "html": ("*.html", "*.htm"),
    "css": ("*.css", "*.scss", "*.sass", "*.less"),
    "sql": ("*.sql",),
    "txt": ("*.txt",),
    "xml": ("*.xml",),
    "vue": ("*.vue",),
    "svelte": ("*.svelte",),
}

OutputMode = Literal["files_with_matches", "content", "count"]
_Ctx = Annotated[int | None, Field(ge=0, le=1000)]


class GrepArgs(ToolArgs):
    """Input of the Grep tool (Claude Code's parameters, ``-i``/``-n``/``-A``... included)."""

    pattern: Annotated[str, Field(min_length=1, max_length=10_000, description="The regex")]
    path: Annotated[
        str | None, Field(max_length=4096, description="File or folder to search (default: root)")
    ] = None
    glob: Annotated[
        str | None,
        Field(max_length=1000, description='Only files matching this glob, e.g. "*.{ts,tsx}"'),
    ] = None
    type: Annotated[
        str | None,
        Field(max_length=32, description="Only files of this type: " + ", ".join(FILE_TYPES)),
    ] = None
    output_mode: Annotated[
        OutputMode,
        Field(description="files_with_matches (default), content or count"),
    ] = "files_with_matches"
    case_insensitive: Annotated[
        bool | None, Field(alias="-i", description="Case-insensitive search")
    ] = None
    line_numbers: Annotated[
        bool | None, Field(alias="-n", description="Show line numbers (content mode; default true)")
    ] = None
    after: Annotated[_Ctx, Field(alias="-A", description="Lines after each match (content)")] = None
    before: Annotated[_Ctx, Field(alias="-B", description="Lines before each match (content)")] = (
        None
    )
    context: Annotated[
        _Ctx, Field(alias="-C", description="Lines before and after each match (content)")
    ] = None
    multiline: Annotated[
        bool | None, Field(description="Let . match newlines and patterns span lines")
    ] = None
    head_limit: Annotated[
        int | None, Field(ge=1, le=100_000, description="Only the first N lines or entries")
    ] = None


def _file_filter(
    glob: str | None, file_type: str | None
) -> list[tuple[bool, list[re.Pattern[str]]]]:
    filters: list[tuple[bool, list[re.Pattern[str]]]] = []
    if file_type is not None:
        if file_type not in FILE_TYPES:
            raise ToolError(f"unknown type {file_type!r}; known types: {', '.join(FILE_TYPES)}")
        filters.append((False, [glob_regex(g) for g in FILE_TYPES[file_type]]))
    if glob is not None and glob.strip():
        pattern = glob.strip()
        filters.append(("/" in pattern, [glob_regex(pattern.removeprefix("/"))]))
    return filters


def select_files(ctx: ToolContext, args: GrepArgs) -> tuple[str, list[Found], bool]:
    """The search base and the visible files it covers that pass ``glob`` and ``type``."""
    base = search_base(ctx, args.path)
    files, cut = walk_files(ctx, base)
    filters = _file_filter(args.glob, args.type)
    chosen = []
    for found in files:
        name = found.rel.rsplit("/", 1)[-1]
        inside = found.rel[len(base) + 1 :] if base != "." and found.rel != base else found.rel
        ok = True
        for full_path, regexes in filters:
            subject = inside if full_path else name
            if not any(r.match(subject) for r in regexes):
                ok = False
        if ok:
            chosen.append(found)
    return base, chosen, cut


def _clip(line: str) -> str:
    if len(line) <= MAX_LINE_CHARS:
        return line
    return line[:MAX_LINE_CHARS] + f"… [{len(line):,} characters]"


def format_hits(args: GrepArgs, files: list[Found], hits: Hits) -> list[str]:
    """The output entries for the chosen mode, in file order (newest first)."""
    order = sorted(hits.counts, key=lambda i: (-files[i].mtime, files[i].rel))
    if args.output_mode == "files_with_matches":
        return [files[i].rel for i in order]
    if args.output_mode == "count":
        return [f"{files[i].rel}:{hits.counts[i]}" for i in order]
    numbered = args.line_numbers is not False
    with_context = any(v for v in (args.before, args.after, args.context))
    out: list[str] = []
    for i in order:
        previous = None
        for number, text, is_match in hits.lines.get(i, []):
            if with_context and previous is not None and number > previous + 1:
                out.append("--")
            sep = ":" if is_match else "-"
            prefix = f"{files[i].rel}{sep}{number}{sep}" if numbered else f"{files[i].rel}{sep}"
            out.append(prefix + _clip(text))
            previous = number
    return out


def _render(args: GrepArgs, entries: list[str], hits: Hits, cut: bool) -> str:
    limited = args.head_limit is not None and len(entries) > args.head_limit
    shown = entries[: args.head_limit] if args.head_limit is not None else entries
    if args.output_mode == "files_with_matches":
        text = f"Found {len(entries)} file{'s' if len(entries) != 1 else ''}\n" + "\n".join(shown)
    elif args.output_mode == "count":
        total = sum(hits.counts.values())
        text = "\n".join(shown) + f"\n\nFound {total} matches in {len(entries)} files."
    else:
        text = "\n".join(shown)
    notes = []
    if limited:
        notes.append(f"showing the first {args.head_limit} of {len(entries)} (head_limit)")
    if len(text) > MAX_OUTPUT_CHARS:
        text = text[:MAX_OUTPUT_CHARS].rsplit("\n", 1)[0]
        notes.append(f"output cut at {MAX_OUTPUT_CHARS:,} characters; narrow the search")
    if hits.truncated or cut:
        notes.append("the search stopped early (too many files or lines); narrow it")
    if hits.timed_out:
        notes.append("the search timed out; results may be incomplete")
    if notes:
        text += "\n\n[" + "; ".join(notes) + "]"
    return text


class GrepTool(Tool):
    """Grep: regex search over file contents."""

    name: ClassVar[str] = "Grep"
    read_only: ClassVar[bool] = True
    Args: ClassVar[type[ToolArgs]] = GrepArgs
    description: ClassVar[str] = (
        "Search file contents with a regular expression (ripgrep syntax). Filter files with "
        'glob (e.g. "*.js", "**/*.{ts,tsx}") or type (py, js, ts, go, rs, md...). output_mode: '
        '"files_with_matches" (default) lists files, "content" shows matching lines (with -n '
        'line numbers, -A/-B/-C context), "count" counts matches per file. -i ignores case; '
        "multiline lets patterns span lines. head_limit keeps the first N entries. Ignored "
        "files, .git and secret files are never searched. Paths are relative to the root."
    )

    async def run(self, ctx: ToolContext, args: BaseModel) -> ToolOutcome:
        """Select the files on a worker thread, search them in a child process, format."""
        a = args_as(args, GrepArgs)
        content = a.output_mode == "content"
        empty = "No matches found" if content else "No files found"
        _base, files, cut = await asyncio.to_thread(select_files, ctx, a)
        if not files:
            return ToolOutcome(empty)
        around = a.context or 0
        query = Query(
            pattern=a.pattern,
            ignore_case=bool(a.case_insensitive),
            multiline=bool(a.multiline),
            before=(a.before if a.before is not None else around) if content else 0,
            after=(a.after if a.after is not None else around) if content else 0,
            lines=content,
        )
        reals = [f.real for f in files]
        rg = rg_path()
        root = real_root(ctx)
        if rg:
            hits = await search_rg(rg, root, reals, query)
        else:
            hits = await search_python(root, reals, query)
        entries = format_hits(a, files, hits)
        if not entries:
            if hits.timed_out:
                empty += " before the search timed out; simplify the pattern or narrow the path"
            return ToolOutcome(empty)
        return ToolOutcome(_render(a, entries, hits, cut))
