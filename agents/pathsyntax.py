"""Path syntax: what an agent-named path may look like, before the file system is consulted.

Paths are relative to the project root and use ``/``. Refused, each with a reason that says
what to do instead: empty paths, ``..`` anywhere (even where it would stay inside, THREATS
T1), ``~`` home paths and Windows drive paths (T2), absolute paths outside the root, NUL and
other control characters, backslashes (a separator on Windows, a trick on POSIX), components
longer than 255 bytes and paths longer than 4096 characters. Absolute paths lexically inside
the root are converted; ``.`` components and repeated slashes are tidied away.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

__all__ = ["PathRejected", "hidden_char", "normalise_path", "split_rel"]

MAX_PATH = 4096
MAX_NAME = 255
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_HIDDEN = re.compile("[\u00ad\u034f\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]")


class PathRejected(Exception):
    """A path refused by the guard or the writer.

    ``reason`` is a sentence a person and a model can act on; ``kind`` is one of the
    :class:`agents.domain.Verdict` kinds (``invalid``, ``outside``, ``protected``,
    ``deny_read``, ``symlink``, ``too_large``). ``rel`` is the relative path when known.
    """

    def __init__(self, reason: str, kind: str = "invalid", rel: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.kind = kind
        self.rel = rel


def hidden_char(path: str) -> str | None:
    """The first invisible or bidi character in ``path`` (a spoofing risk), or ``None``."""
    match = _HIDDEN.search(path)
    return match.group() if match else None


def normalise_path(path: str, roots: Iterable[Path]) -> str:
    """The canonical relative posix path for ``path``, or raise :class:`PathRejected`.

    ``roots`` are the absolute spellings of the project root (as given, and resolved); an
    absolute ``path`` is accepted only when it lies lexically inside one of them. The root
    itself normalises to ``"."``.
    """
    if not isinstance(path, str) or not path.strip():
        raise PathRejected("the path is empty; name a file relative to the project root")
    if _CONTROL.search(path):
        raise PathRejected(f"{path!r} contains control characters; paths may not")
    if len(path) > MAX_PATH:
        raise PathRejected(f"the path is longer than {MAX_PATH} characters")
    if "\\" in path:
        raise PathRejected(f"{path!r} contains a backslash; use '/' between folders")
    if len(path) >= 2 and path[1] == ":" and path[0].isalpha():
        raise PathRejected(f"{path!r} is a Windows drive path; paths are relative to the root")
    if path.startswith("~"):
        raise PathRejected(
            f"{path!r} points into a home directory; paths are relative to the project root"
        )
    parts = path.split("/")
    if ".." in parts:
        raise PathRejected(
            f"'..' is not allowed in paths ({path!r}); name the file relative to the project"
            " root, e.g. src/app.py"
        )
    parts = [p for p in parts if p not in ("", ".")]
    if path.startswith("/"):
        parts = _strip_root(path, parts, roots)
    for part in parts:
        if len(part.encode("utf-8", "surrogateescape")) > MAX_NAME:
            raise PathRejected(f"a component of {path!r} is longer than {MAX_NAME} bytes")
    return "/".join(parts) if parts else "."


def _strip_root(path: str, parts: list[str], roots: Iterable[Path]) -> list[str]:
    for root in roots:
        root_parts = list(root.parts[1:])
        if parts[: len(root_parts)] == root_parts:
            return parts[len(root_parts) :]
    raise PathRejected(
        f"{path} is outside the project; paths are relative to the project root", "outside"
    )


def split_rel(rel: str) -> list[str]:
    """Components of a canonical relative path, or :class:`PathRejected` if it is not one.

    Canonical means what :func:`normalise_path` returns for a file: no leading ``/``, no empty,
    ``.`` or ``..`` components, no NUL or backslash. The writer uses this as its own last check.
    """
    if not isinstance(rel, str) or not rel or rel.startswith("/") or "\x00" in rel:
        raise PathRejected(f"{rel!r} is not a path relative to the project root", "invalid")
    parts = rel.split("/")
    for part in parts:
        if part in ("", ".", "..") or "\\" in part:
            raise PathRejected(f"{rel!r} is not a canonical relative path", "invalid")
    return parts
