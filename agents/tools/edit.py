"""The Edit tool: replace one exact string in a file (Claude Code's semantics, T12/T13).

``old_string`` must occur exactly once unless ``replace_all`` is set; no match names the closest
line, several matches name where they are, and nothing is ever guessed. The file is edited as
:class:`~agents.textcodec.TextFile` text, so outside the edited region every byte (BOM, CRLF,
missing final newline) stays as it was, and the mode bits are kept (T17). Binary files are
refused (T15).
"""

from __future__ import annotations

import difflib
import re
from typing import Annotated, ClassVar

from pydantic import BaseModel, Field

from agents.proposal import Proposal
from agents.sanitize import sanitize
from agents.textcodec import TextFile
from agents.tools.base import Tool, ToolArgs, ToolContext, ToolError, args_as
from agents.tools.changes import file_proposal
from agents.tools.files import check_write, existing_bytes, file_mode, require_fresh_read
from agents.tools.write import MAX_WRITE_BYTES, encode_text, exposed_text

_SHOWN_LOCATIONS = 5
_CANDIDATES = 2000
_MAX_COMPARED = 2000


class EditArgs(ToolArgs):
    """Input of the Edit tool (Claude Code's parameters)."""

    file_path: Annotated[
        str,
        Field(
            min_length=1,
            max_length=4096,
            description="The file to edit: relative to the project root, or absolute inside it",
        ),
    ]
    old_string: Annotated[str, Field(description="The exact text to replace")]
    new_string: Annotated[
        str, Field(description="The text to replace it with (must differ from old_string)")
    ]
    replace_all: Annotated[
        bool, Field(description="Replace every occurrence of old_string (default false)")
    ] = False


def _line_of(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def _clip(line: str, width: int = 160) -> str:
    line = sanitize(line.rstrip("\n"))
    return line if len(line) <= width else line[: width - 1] + "…"


def closest_line(lines: list[str], probe: str) -> int | None:
    """The 1-based number of the line most like ``probe`` (similarity >= 0.5), if any.

    difflib compares every line in full, which takes seconds on a big file; past
    ``_CANDIDATES`` lines, only those sharing the most words with ``probe`` are compared.
    """
    if not probe:
        return None
    numbered = [(i, ln.strip()) for i, ln in enumerate(lines) if len(ln) <= _MAX_COMPARED]
    if len(numbered) > _CANDIDATES:
        words = set(re.findall(r"\w{3,}", probe)) or {probe[:8]}
        ranked = sorted(numbered, key=lambda item: -sum(w in item[1] for w in words))
        numbered = sorted(ranked[:_CANDIDATES])
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(probe)
    best, best_ratio = None, 0.5
    for i, line in numbered:
        matcher.set_seq1(line)
        if matcher.real_quick_ratio() < best_ratio or matcher.quick_ratio() < best_ratio:
            continue
        ratio = matcher.ratio()
        if ratio > best_ratio or (best is None and ratio >= best_ratio):
            best, best_ratio = i + 1, ratio
    return best


def not_found_message(rel: str, text: str, old: str) -> str:
    """Why ``old`` was not found in ``text``: the closest line, and a whitespace hint."""
    lines = text.split("\n")
    probe = next((ln for ln in old.split("\n") if ln.strip()), old).strip()
    message = f"old_string was not found in {rel}; nothing was changed."
    number = closest_line(lines, probe)
    if number is not None:
        message += f" The closest line is {number}: {_clip(lines[number - 1])!r}."
    if " ".join(old.split()) and " ".join(old.split()) in " ".join(text.split()):
        message += (
            " The text is there with different whitespace (spaces vs tabs, indentation or line"
            " breaks): copy it exactly as Read shows it, without the line-number prefix."
        )
    else:
        message += " Read the file again and copy old_string exactly."
    return message


def _locations(text: str, old: str) -> list[int]:
    found: list[int] = []
    start = text.find(old)
    while start != -1 and len(found) < _SHOWN_LOCATIONS:
        found.append(_line_of(text, start))
        start = text.find(old, start + max(len(old), 1))
    return found


def apply_edit(rel: str, text: str, old: str, new: str, replace_all: bool) -> str:
    """``text`` with the edit made, or :class:`ToolError` saying exactly why it cannot be."""
    if old == new:
        raise ToolError("old_string and new_string are identical; there is nothing to change")
    if old == "":
        raise ToolError(
            f"old_string is empty but {rel} already exists; give the exact text to replace, "
            "or use Write to replace the whole file"
        )
    count = text.count(old)
    if count == 0:
        raise ToolError(not_found_message(rel, text, old))
    if count > 1 and not replace_all:
        lines = ", ".join(str(n) for n in _locations(text, old))
        more = ", …" if count > _SHOWN_LOCATIONS else ""
        raise ToolError(
            f"{count} matches of old_string in {rel} (lines {lines}{more}); add more surrounding "
            "context to make it unique, or set replace_all to true to change every one"
        )
    return text.replace(old, new) if replace_all else text.replace(old, new, 1)


class EditTool(Tool):
    """Edit: exact string replacement in one file."""

    name: ClassVar[str] = "Edit"
    read_only: ClassVar[bool] = False
    Args: ClassVar[type[ToolArgs]] = EditArgs
    description: ClassVar[str] = (
        "Replace an exact string in a file inside your Domain. old_string must match the "
        "file's text exactly (whitespace included, without Read's line-number prefix) and "
        "occur exactly once, unless replace_all is true. You must Read the file first in this "
        "session. With an empty old_string, Edit creates a file that does not exist yet. The "
        "file keeps its line endings, BOM and permissions; binary files cannot be edited. The "
        "person reviews the diff before anything is written."
    )

    def propose(self, ctx: ToolContext, args: BaseModel, *, tool_use_id: str) -> Proposal:
        """A proposal with the one edit applied to the current content."""
        a = args_as(args, EditArgs)
        verdict = check_write(ctx, a.file_path)
        rel = verdict.rel or ""
        before = existing_bytes(ctx, rel, max_bytes=MAX_WRITE_BYTES)
        tool_input = a.model_dump(by_alias=True, exclude_none=True)
        if before is None:
            if a.old_string:
                raise ToolError(
                    f"File does not exist: {rel}. To create it, use Write (or Edit with an "
                    "empty old_string)."
                )
            tf = TextFile(text="", newline="")
            after = encode_text(tf, a.new_string, rel)
            return file_proposal(
                ctx,
                tool=self.name,
                tool_use_id=tool_use_id,
                tool_input=tool_input,
                verdict=verdict,
                before=None,
                before_text="",
                after=after,
                after_text=a.new_string,
                mode=None,
            )
        require_fresh_read(ctx, rel, before, self.name)
        tf = TextFile.from_bytes(before)
        if tf.binary:
            raise ToolError(f"{rel} is a binary file; Edit works on text files only")
        old, new = exposed_text(tf, a.old_string), exposed_text(tf, a.new_string)
        new_text = apply_edit(rel, tf.text, old, new, a.replace_all)
        after = encode_text(tf, new_text, rel)
        if after == before:
            raise ToolError(f"the edit leaves {rel} unchanged; nothing to propose")
        return file_proposal(
            ctx,
            tool=self.name,
            tool_use_id=tool_use_id,
            tool_input=tool_input,
            verdict=verdict,
            before=before,
            before_text=tf.text,
            after=after,
            after_text=new_text,
            mode=file_mode(ctx, rel),
        )
