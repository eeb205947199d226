"""Domain patterns: gitignore-style path patterns relative to the project root.

Matching is gitignore's (pathspec's ``GitIgnoreSpec``), component-wise, so ``backend_evil/x``
never matches ``backend/`` (THREATS T3), with one deliberate narrowing: **a pattern that
starts with a literal name is anchored at the project root**. ``backend/`` is the folder
``<root>/backend/`` (gitignore would also match ``docs/backend/``), ``Makefile`` is the root
Makefile, ``src/api/`` is ``<root>/src/api/``. A pattern that starts with a wildcard keeps
gitignore's any-depth meaning: ``*.tsx`` is any such file, ``**/migrations/`` any such folder,
``**`` the whole project. ``!pattern`` carves an exception out of earlier patterns; to exclude
a folder's files write ``!web/generated/**`` (as in git, ``!web/generated/`` does not re-include
files that ``web/**`` matched one by one).

The narrowing is the safe direction: the seed Domain lists both ``api/`` and ``src/api/``, which
only makes sense anchored, and an unanchored ``api/`` would hand the backend agent every
``frontend/**/api/`` folder too.

Patterns that :func:`validate_domain_patterns` rejects are dropped by :class:`Domain` (and kept
in ``Domain.errors``): a bad pattern grants nothing, it never widens the Domain.
"""

from __future__ import annotations

import fnmatch
import os
import re
import stat
from collections.abc import Iterable, Sequence
from pathlib import Path

from pathspec import GitIgnoreSpec

from agents.protected import fold_parts, protected_reason


def _pattern_error(raw: str) -> str | None:
    """Why one pattern is unusable, or ``None``."""
    if not isinstance(raw, str):
        return f"{raw!r} is not a text pattern"
    pat = raw.strip()
    body = pat[1:] if pat.startswith("!") else pat
    if not body:
        return "an empty pattern matches nothing; remove it"
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in body):
        return f"{raw!r} contains control characters"
    if "\\" in body:
        return f"{raw!r} contains a backslash; use '/' between folders"
    if body.startswith("~"):
        return f"{raw!r} points into a home directory; patterns are relative to the project root"
    if body.startswith("/") and len(body) > 1 and body[1] != "/":
        body = body[1:]  # gitignore's root anchor ("/scripts/"), not an absolute path
    if body.startswith("/") or (len(body) >= 2 and body[1] == ":" and body[0].isalpha()):
        return (
            f"{raw!r} is absolute; Domain patterns are relative to the project root"
            " (write 'backend/' or 'backend/**')"
        )
    parts = body.rstrip("/").split("/")
    if ".." in parts:
        return f"{raw!r} contains '..'; a Domain cannot reach outside the project"
    if body in (".", "./") or parts == ["."]:
        return "'.' is ambiguous; write '**' to give the whole project"
    if "." in parts or "" in parts:
        return f"{raw!r} has an empty or '.' component; write it as a plain relative path"
    literal = [p for p in parts if not any(ch in p for ch in "*?[")]
    if literal and len(literal) == len(parts) and protected_reason(fold_parts(body)) is not None:
        return f"{raw!r} names a protected path; no agent may write it"
    return None


def validate_domain_patterns(patterns: Iterable[str]) -> list[str]:
    """Errors for a Domain list, one sentence each; an empty list means it is usable.

    Rejects empty patterns, absolute and home paths, ``..``, ``.`` and ``/`` alone, empty or
    ``.`` components, backslashes, control characters and patterns naming a protected path
    (THREATS T9). An empty Domain is not an error: it means the agent may not write at all.
    Existence and symlinked Domain roots are checked at the root by :func:`domain_root_problems`.
    """
    errors: list[str] = []
    for raw in patterns:
        why = _pattern_error(raw)
        if why is not None:
            errors.append(why)
    return errors


def domain_root_problems(root: str | os.PathLike[str], patterns: Iterable[str]) -> list[str]:
    """Problems with the folders a Domain names, for a given project root.

    Reports a literal Domain folder (``backend/``, ``src/api/``) that is a symlink or passes
    through one (writes there would always be refused) and one that exists as a file. A folder
    that does not exist yet is fine: the agent may create it.
    """
    base = Path(root)
    problems: list[str] = []
    for raw in patterns:
        if _pattern_error(raw) is not None or raw.startswith("!"):
            continue
        parts = raw.strip().rstrip("/").split("/")
        literal: list[str] = []
        for part in parts:
            if any(ch in part for ch in "*?["):
                break
            literal.append(part)
        current = base
        for i, part in enumerate(literal):
            current = current / part
            try:
                st = os.lstat(current)
            except OSError:
                break
            shown = "/".join(literal[: i + 1])
            if stat.S_ISLNK(st.st_mode):
                problems.append(
                    f"{raw}: {shown} is a symbolic link; agentdesk will not write there"
                )
                break
            if not stat.S_ISDIR(st.st_mode) and (i < len(literal) - 1 or raw.endswith("/")):
                problems.append(f"{raw}: {shown} is a file, not a folder")
                break
    return problems


class Domain:
    """Compiled Domain patterns; ``matches`` answers for files, ``may_contain`` for folders."""

    def __init__(self, patterns: Sequence[str]) -> None:
        kept: list[str] = []
        errors: list[str] = []
        for raw in patterns:
            why = _pattern_error(raw)
            if why is None:
                kept.append(raw.strip())
            else:
                errors.append(why)
        self.patterns: tuple[str, ...] = tuple(kept)
        self.errors: tuple[str, ...] = tuple(errors)
        compiled = [_anchor(p) for p in kept]
        self._spec = GitIgnoreSpec.from_lines(compiled)
        has_negation = any(p.startswith("!") for p in compiled)
        self._folded = (
            GitIgnoreSpec.from_lines([p.casefold() for p in compiled]) if has_negation else None
        )
        self._positive = [_prefix_matcher(p) for p in compiled if not p.startswith("!")]

    def __repr__(self) -> str:
        return f"Domain({list(self.patterns)!r})"

    def __bool__(self) -> bool:
        return bool(self.patterns)

    def matches(self, rel: str) -> bool:
        """True when the file at canonical relative path ``rel`` is inside the Domain."""
        if not self.patterns or not rel or rel == ".":
            return False
        if not self._spec.match_file(rel):
            return False
        # On a case-insensitive file system backend/SECRET.py *is* backend/secret.py, so an
        # exception must hold whatever the case (THREATS T7); positives stay case-exact.
        return self._folded is None or bool(self._folded.match_file(rel.casefold()))

    def may_contain(self, rel_dir: str) -> bool:
        """Could any file under the folder ``rel_dir`` match? Conservative: may say yes wrongly.

        Used to filter the Domain tree without walking folders the Domain excludes.
        """
        if not self._positive:
            return False
        dir_parts = [p for p in rel_dir.split("/") if p not in ("", ".")]
        if not dir_parts:
            return True
        return any(_could_match_under(m, dir_parts) for m in self._positive)


def _anchor(pattern: str) -> str:
    """``backend/`` -> ``/backend/``: a pattern starting with a literal name is root-anchored."""
    neg = "!" if pattern.startswith("!") else ""
    body = pattern[len(neg) :]
    if body.startswith("/"):
        return pattern  # already anchored at the root
    first = body.split("/", 1)[0]
    if any(ch in first for ch in "*?["):
        return pattern
    return f"{neg}/{body}"


# A positive pattern as a folder-prefix matcher: None = matches at any depth; otherwise one
# entry per segment: None for "**", a literal name, or a compiled glob.
_Segments = list[str | re.Pattern[str] | None] | None


def _prefix_matcher(pattern: str) -> _Segments:
    body = pattern.rstrip("/")
    if not body.startswith("/") and "/" not in body:
        return None  # an unanchored name matches at any depth
    segs: list[str | re.Pattern[str] | None] = []
    for seg in body.lstrip("/").split("/"):
        if seg == "**":
            segs.append(None)
        elif any(ch in seg for ch in "*?["):
            segs.append(re.compile(fnmatch.translate(seg)))
        else:
            segs.append(seg)
    return segs


def _could_match_under(segs: _Segments, dir_parts: list[str]) -> bool:
    if segs is None:
        return True
    for i, seg in enumerate(segs):
        if seg is None:
            return True  # "**": anything below can match
        if i >= len(dir_parts):
            return True  # the folder is an ancestor of what the pattern names
        part = dir_parts[i]
        if isinstance(seg, str):
            if part != seg:
                return False
        elif seg.match(part) is None:
            return False
    return True  # the folder is inside (or is) what the pattern names
