"""A bounded, gitignore-respecting walk of the project, and Domain pattern matching over it.

``agentdesk agents`` reports which Domain patterns match anything in the repository and which
files two agents both own. That needs the repository's paths, but never all of them at any
cost: the walk skips ``.git``, honours ``.gitignore`` files (nested ones too) and
``.git/info/exclude``, never follows symlinks, and stops after ``max_entries`` paths, saying so.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from pathspec import GitIgnoreSpec

#: Paths the walk visits before it stops and reports the listing as partial.
DEFAULT_MAX_ENTRIES = 50_000


@dataclass
class WalkResult:
    """Project-relative POSIX paths: ``files`` (symlinks included) and ``dirs`` (with '/')."""

    files: list[str] = field(default_factory=list)
    dirs: list[str] = field(default_factory=list)
    truncated: bool = False


def _read_spec(path: Path) -> GitIgnoreSpec | None:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    return GitIgnoreSpec.from_lines(text.splitlines())


def _ignored(rel: str, specs: list[tuple[str, GitIgnoreSpec]]) -> bool:
    """Deeper ``.gitignore`` files decide first, as in git."""
    for base, spec in reversed(specs):
        sub = rel[len(base) :] if base else rel
        result = spec.check_file(sub)
        if result.include is not None:
            return bool(result.include)
    return False


def walk_repo(root: Path, *, max_entries: int = DEFAULT_MAX_ENTRIES) -> WalkResult:
    """Walk ``root`` breadth-first, honouring gitignore rules, up to ``max_entries`` paths."""
    result = WalkResult()
    top: list[tuple[str, GitIgnoreSpec]] = []
    exclude = _read_spec(root / ".git" / "info" / "exclude")
    if exclude is not None:
        top.append(("", exclude))
    queue: deque[tuple[Path, str, list[tuple[str, GitIgnoreSpec]]]] = deque([(root, "", top)])
    count = 0
    while queue:
        folder, prefix, inherited = queue.popleft()
        specs = inherited
        own = _read_spec(folder / ".gitignore")
        if own is not None:
            specs = [*inherited, (prefix, own)]
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            if entry.name == ".git":
                continue
            is_dir = entry.is_dir(follow_symlinks=False)
            rel = f"{prefix}{entry.name}/" if is_dir else f"{prefix}{entry.name}"
            if _ignored(rel, specs):
                continue
            count += 1
            if count > max_entries:
                result.truncated = True
                return result
            if is_dir:
                result.dirs.append(rel)
                queue.append((Path(entry.path), rel, specs))
            else:
                result.files.append(rel)
    return result


def first_hit(pattern: str, paths: Iterable[str]) -> str | None:
    """The first path one Domain pattern matches (for ``!x``: the first ``x`` matches)."""
    spec = GitIgnoreSpec.from_lines([pattern[1:] if pattern.startswith("!") else pattern])
    regexes = [p.regex for p in spec.patterns if p.regex is not None]
    return next((path for path in paths if any(r.match(path) for r in regexes)), None)


@lru_cache(maxsize=2048)
def domain_spec(domain: tuple[str, ...]) -> GitIgnoreSpec:
    """The compiled gitignore spec of a Domain (cached: listings ask the same ones often)."""
    return GitIgnoreSpec.from_lines(list(domain))


def domain_files(domain: Iterable[str], files: Iterable[str]) -> set[str]:
    """The files a whole Domain owns, with gitignore's last-match-wins for ``!`` patterns."""
    return set(domain_spec(tuple(domain)).match_files(files))


def matches(domain: Iterable[str], path: str) -> bool:
    """True when ``path`` (project-relative, POSIX) is inside the Domain."""
    return domain_spec(tuple(domain)).match_file(path)
