"""Pure helpers for :mod:`agents.vcs`: git's porcelain output and lock errors, paths, idents.

Nothing here runs git; the functions parse bytes and text that :class:`agents.vcs.GitWriter`
got from it, or check and shape what it is about to hand to git (paths, trailer values,
author names), so they are cheap to test exhaustively.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import PurePosixPath
from typing import Literal

#: Per-file states :meth:`agents.vcs.GitWriter.file_status` reports. The desk adds its own
#: "pending proposal" and "applied-uncommitted" from the queue.
FileState = Literal["modified", "added", "untracked", "deleted", "renamed", "conflicted"]

_UNMERGED = {"DD", "AU", "UD", "UA", "DU", "AA", "UU"}

# git names the lock it could not take in several messages, always quoted:
#   fatal: Unable to create '/r/.git/index.lock': File exists.
#   error: cannot lock ref 'HEAD': Unable to create '/r/.git/HEAD.lock': File exists.
#   error: could not lock config file .git/config: File exists
_LOCK_QUOTED = re.compile(r"Unable to create '([^']+\.lock)'")
_LOCK_CONFIG = re.compile(r"could not lock config file (\S+)")


def state_of(xy: str) -> FileState:
    """Map a porcelain v1 ``XY`` code to one :data:`FileState`."""
    if xy == "??":
        return "untracked"
    if xy in _UNMERGED:
        return "conflicted"
    if "D" in xy:
        return "deleted"
    if xy[0] == "R":
        return "renamed"
    if xy[0] in "AC":
        return "added"
    return "modified"


def parse_porcelain(data: bytes, prefix: str = "") -> dict[str, FileState]:
    """Parse ``git status --porcelain=v1 -z`` output into ``{path: state}``.

    Paths in the output are relative to the repository's top level; ``prefix`` (``sub/dir/`` or
    empty) is the desk root inside it, so entries outside the prefix are dropped and the rest are
    returned relative to the desk root. Renames and copies carry a second (origin) path, which
    is skipped. Ignored entries (``!!``) are not reported.
    """
    result: dict[str, FileState] = {}
    tokens = data.split(b"\0")
    i = 0
    while i < len(tokens):
        entry = tokens[i]
        i += 1
        if len(entry) < 4:
            continue
        xy = entry[:2].decode("ascii", "replace")
        if xy[0] in "RC":
            i += 1  # the origin path follows as its own token
        if xy == "!!":
            continue
        path = os.fsdecode(entry[3:])
        if prefix:
            if not path.startswith(prefix):
                continue
            path = path[len(prefix) :]
        result[path] = state_of(xy)
    return result


def lock_path_in(stderr: str) -> str | None:
    """The lock file a failed git command names, or ``None`` if it did not fail on a lock."""
    match = _LOCK_QUOTED.search(stderr)
    if match:
        return match.group(1)
    match = _LOCK_CONFIG.search(stderr)
    if match:
        return match.group(1).rstrip(":")
    return None


def trailer_value(text: str) -> str:
    """``text`` as one trailer line: whitespace collapsed, never cut (ids must round-trip)."""
    return " ".join(text.replace("\0", " ").split())


def one_line(text: str, limit: int = 100) -> str:
    """Collapse whitespace (newlines included) and cut to ``limit`` characters."""
    flat = " ".join(text.replace("\0", " ").split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def check_rel(path: str) -> str:
    """Normalise a desk-relative path, or raise ``ValueError`` if it could leave the work tree."""
    if not isinstance(path, str) or not path or "\0" in path or path.startswith("/"):
        raise ValueError(f"not a relative path inside the desk: {path!r}")
    parts = PurePosixPath(path).parts
    if not parts or ".." in parts or any(part.casefold() == ".git" for part in parts):
        raise ValueError(f"not a committable path inside the desk: {path!r}")
    return "/".join(parts)


def describe_age(seconds: float) -> str:
    """A lock's age in words: "under a minute" or "N min"."""
    minutes = int(max(seconds, 0) // 60)
    return "under a minute" if minutes < 1 else f"{minutes} min"


def git_verb(args: Sequence[str]) -> str:
    """The git subcommand in ``args`` (the first word that is not an option)."""
    return next((a for a in args if not a.startswith("-")), "")


def clean_ident(text: str, allowed: str) -> str:
    """``text`` with every character outside the regex class ``allowed`` replaced by ``-``."""
    return re.sub(f"[^{allowed}]", "-", text).strip(".-") or "agent"
