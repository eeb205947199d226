"""The Write tool: propose the whole new content of one file.

A new file is proposed as UTF-8 text exactly as given. An existing file must have been read in
this session, and not changed since (T14); its BOM, line endings and mode bits are kept (T17).
"""

from __future__ import annotations

from typing import Annotated, ClassVar

from pydantic import BaseModel, Field

from agents.proposal import Proposal
from agents.textcodec import TextFile
from agents.tools.base import Tool, ToolArgs, ToolContext, ToolError, args_as
from agents.tools.changes import file_proposal
from agents.tools.files import check_write, existing_bytes, file_mode, require_fresh_read

#: The largest file Write replaces or creates.
MAX_WRITE_BYTES = 10 << 20


class WriteArgs(ToolArgs):
    """Input of the Write tool (Claude Code's parameters)."""

    file_path: Annotated[
        str,
        Field(
            min_length=1,
            max_length=4096,
            description="The file to write: relative to the project root, or absolute inside it",
        ),
    ]
    content: Annotated[str, Field(description="The complete new content of the file")]


def encode_text(tf: TextFile, text: str, rel: str) -> bytes:
    """``text`` in ``tf``'s conventions, or :class:`ToolError` for text no file can hold."""
    try:
        return tf.encode(text)
    except UnicodeEncodeError:
        raise ToolError(
            f"the new content of {rel} holds a lone surrogate character, which cannot be written"
        ) from None


class WriteTool(Tool):
    """Write: create a file or replace its whole content."""

    name: ClassVar[str] = "Write"
    read_only: ClassVar[bool] = False
    Args: ClassVar[type[ToolArgs]] = WriteArgs
    description: ClassVar[str] = (
        "Create a file, or replace the whole content of an existing one, inside your Domain. "
        "file_path is relative to the project root (or absolute inside it). To overwrite an "
        "existing file you must Read it first in this session. The file keeps its line endings, "
        "BOM and permissions. Prefer Edit for changing part of a file. The person reviews the "
        "diff before anything is written."
    )

    def propose(self, ctx: ToolContext, args: BaseModel, *, tool_use_id: str) -> Proposal:
        """A proposal replacing (or creating) the file with ``content``."""
        a = args_as(args, WriteArgs)
        verdict = check_write(ctx, a.file_path)
        rel = verdict.rel or ""
        before = existing_bytes(ctx, rel, max_bytes=MAX_WRITE_BYTES)
        if before is None:
            tf = TextFile(text="", newline="")
            before_text = ""
        else:
            require_fresh_read(ctx, rel, before, self.name)
            tf = TextFile.from_bytes(before)
            before_text = "" if tf.binary else tf.text
        after = encode_text(tf, a.content, rel)
        if len(after) > MAX_WRITE_BYTES:
            raise ToolError(f"the new content is over {MAX_WRITE_BYTES >> 20} MiB; write less")
        if before is not None and after == before:
            raise ToolError(f"{rel} already holds exactly this content; nothing to write")
        return file_proposal(
            ctx,
            tool=self.name,
            tool_use_id=tool_use_id,
            tool_input=a.model_dump(by_alias=True, exclude_none=True),
            verdict=verdict,
            before=before,
            before_text=before_text,
            after=after,
            after_text=exposed_text(tf, a.content),
            mode=None if before is None else file_mode(ctx, rel),
            binary_before=tf.binary,
        )


def exposed_text(tf: TextFile, text: str) -> str:
    """``text`` as :class:`TextFile` would expose it once written (CRLF files show ``\\n``)."""
    if tf.newline in ("\r\n", "\r"):
        return text.replace("\r\n", "\n")
    return text
