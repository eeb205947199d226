"""Walking the project for Glob and Grep: what an agent may see, and nothing else.

The walk never descends into a symlinked folder and never lists a symlinked file unless the
guard's read check passes on where it leads (inside the root, not deny-read: T4, T54). It
skips ``.git`` and ``.agentdesk`` at any depth, deny-read files, and whatever the project's
``.gitignore`` files (and ``.git/info/exclude``) ignore, with git's precedence: the deepest
file that has an opinion wins, and an ignored folder is never entered. Glob patterns use the
familiar syntax: ``*``, ``?``, ``[...]``, ``**/`` for any depth and ``{a,b}`` alternatives.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

import pathspec

from agents.tools.base import PathDenied, ToolContext, ToolError
from agents.tools.files import real_root

SKIP_DIRS = frozenset({".git", ".agentdesk"})
MAX_VISITS = 250_000
_MAX_BRACE_EXPANSIONS = 64


@dataclass(frozen=True)
class Found:
    """One visible file: the path to show (``rel``) and the symlink-free path to read.

    ``mtime`` is looked up on first use: most walks sort only the few files that matched.
    """

    rel: str
    real: str
    root: Path

    @cached_property
    def mtime(self) -> float:
        """Modification time of the file read (0 if it vanished)."""
        try:
            return os.lstat(self.root / self.real).st_mtime
        except OSError:
            return 0.0


class _Spec:
    """One ignore file's patterns, matched as git and rg match them during a walk.

    The last pattern that matches the path itself wins (a ``!`` pattern re-includes). A
    folder pattern such as ``build/`` matches the folder, not the files below it: the walk
    never enters an ignored folder anyway, and a folder the agent names explicitly
    (``node_modules/lib``) is searched, as rg does. One combined regex first settles the
    common case of a path that no pattern matches.
    """

    def __init__(self, spec: pathspec.GitIgnoreSpec) -> None:
        self.rules: list[tuple[re.Pattern[str], bool]] = []
        for pattern in spec.patterns:
            regex = getattr(pattern, "regex", None)
            include = getattr(pattern, "include", None)
            if include is not None and isinstance(regex, re.Pattern):
                self.rules.append((regex, bool(include)))
        sources = [re.sub(r"\(\?P<\w+>", "(?:", regex.pattern) for regex, _ in self.rules]
        try:
            self.any: re.Pattern[str] | None = re.compile(
                "|".join(f"(?:{s})" for s in sources) or r"(?!)"
            )
        except re.error:
            self.any = None

    def check(self, path: str) -> bool | None:
        """True: ignored; False: re-included by a ``!`` pattern; None: no pattern matches."""
        if self.any is not None and self.any.search(path) is None:
            return None
        result = None
        for regex, include in self.rules:
            m = regex.search(path)
            if m is None:
                continue
            below = m.groupdict().get("ps_d") is not None and m.end() < len(path)
            if not below:
                result = include
        return result


class _Ignores:
    """The ``.gitignore`` rules that apply to one folder, deepest last."""

    def __init__(self, specs: tuple[tuple[str, _Spec], ...] = ()) -> None:
        self.specs = specs

    def with_dir(self, root: Path, dir_rel: str) -> _Ignores:
        spec = _load(root / dir_rel / ".gitignore" if dir_rel else root / ".gitignore")
        if spec is None:
            return self
        return _Ignores((*self.specs, (dir_rel, spec)))

    def ignored(self, rel: str, is_dir: bool) -> bool:
        for base, spec in reversed(self.specs):
            sub = rel[len(base) + 1 :] if base else rel
            result = spec.check(sub + "/" if is_dir else sub)
            if result is not None:
                return result
        return False


def _load(path: Path) -> _Spec | None:
    try:
        st = os.lstat(path)
        if not stat.S_ISREG(st.st_mode) or st.st_size > 1 << 20:
            return None
        with open(path, encoding="utf-8", errors="replace") as handle:
            lines = handle.read().splitlines()
    except OSError:
        return None
    try:
        return _Spec(pathspec.GitIgnoreSpec.from_lines(lines))
    except (ValueError, TypeError):
        return None


def _root_ignores(root: Path, base_rel: str) -> _Ignores:
    ignores = _Ignores()
    exclude = _load(root / ".git" / "info" / "exclude")
    if exclude is not None:
        ignores = _Ignores((("", exclude),))
    ignores = ignores.with_dir(root, "")
    parts = [] if base_rel == "." else base_rel.split("/")
    for i in range(1, len(parts)):
        ignores = ignores.with_dir(root, "/".join(parts[:i]))
    return ignores


def search_base(ctx: ToolContext, path: str | None) -> str:
    """The symlink-free folder (or file) to search for a ``path`` parameter; root if none."""
    if path is None or path.strip() in ("", "."):
        return "."
    verdict = ctx.guard.check_read(path)
    if not verdict.allowed or verdict.rel is None:
        raise PathDenied(verdict.reason)
    resolved = verdict.resolved or verdict.rel
    if resolved != "." and not os.path.lexists(real_root(ctx) / resolved):
        raise ToolError(f"Path does not exist: {verdict.rel}")
    return resolved


def walk_files(ctx: ToolContext, base_rel: str) -> tuple[list[Found], bool]:
    """Every file under ``base_rel`` the agent may see, and whether the walk was cut short."""
    root = real_root(ctx)
    if base_rel != ".":
        try:
            st = os.lstat(root / base_rel)
        except OSError:
            return [], False
        if stat.S_ISREG(st.st_mode):
            if ctx.guard.is_deny_read(base_rel):
                return [], False
            return [Found(base_rel, base_rel, root)], False
        if not stat.S_ISDIR(st.st_mode):
            return [], False
    found: list[Found] = []
    visits = 0
    start = "" if base_rel == "." else base_rel
    ignores = _root_ignores(root, base_rel)
    if start:
        ignores = ignores.with_dir(root, start)
    stack: list[tuple[str, _Ignores]] = [(start, ignores)]
    while stack:
        dir_rel, ignores = stack.pop()
        for entry in _scan(root / dir_rel if dir_rel else root):
            visits += 1
            if visits > MAX_VISITS:
                return found, True
            rel = f"{dir_rel}/{entry.name}" if dir_rel else entry.name
            item = _visit(ctx, root, entry, rel, ignores)
            if isinstance(item, Found):
                found.append(item)
            elif item:
                stack.append((rel, ignores.with_dir(root, rel)))
    return found, False


def _scan(folder: Path) -> Iterator[os.DirEntry[str]]:
    try:
        with os.scandir(folder) as entries:
            yield from sorted(entries, key=lambda e: e.name)
    except OSError:
        return


def _visit(
    ctx: ToolContext, root: Path, entry: os.DirEntry[str], rel: str, ignores: _Ignores
) -> Found | bool:
    """A :class:`Found` for a visible file, ``True`` for a folder to enter, else ``False``."""
    try:
        is_link = entry.is_symlink()
        is_dir = not is_link and entry.is_dir(follow_symlinks=False)
        is_file = not is_link and not is_dir and entry.is_file(follow_symlinks=False)
    except OSError:
        return False
    if is_dir:
        return entry.name not in SKIP_DIRS and not ignores.ignored(rel, True)
    if ignores.ignored(rel, False):
        return False
    if is_file:
        if ctx.guard.is_deny_read(rel):
            return False
        return Found(rel, rel, root)
    if is_link:
        verdict = ctx.guard.check_read(rel)
        real = verdict.resolved
        if not verdict.allowed or real is None or real == ".":
            return False
        try:
            target = os.lstat(root / real)
        except OSError:
            return False
        if stat.S_ISREG(target.st_mode):
            return Found(rel, real, root)
    return False


def _expand_braces(pattern: str, budget: list[int]) -> list[str]:
    match = re.search(r"\{([^{}]*)\}", pattern)
    if match is None or budget[0] <= 0:
        return [pattern]
    out: list[str] = []
    for option in match.group(1).split(","):
        budget[0] -= 1
        out.extend(
            _expand_braces(pattern[: match.start()] + option + pattern[match.end() :], budget)
        )
    return out


def _translate(pattern: str) -> str:
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        elif pattern[i] == "[" and "]" in pattern[i + 2 :]:
            end = pattern.index("]", i + 2)
            body = pattern[i + 1 : end]
            negate = body[:1] in ("!", "^")
            body = body[1:] if negate else body
            out.append("[" + ("^/" if negate else "") + body.replace("\\", "\\\\") + "]")
            i = end + 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return "".join(out)


@lru_cache(maxsize=256)
def glob_regex(pattern: str) -> re.Pattern[str]:
    """A regex matching whole relative paths against the glob ``pattern``."""
    variants = _expand_braces(pattern, [_MAX_BRACE_EXPANSIONS])
    try:
        return re.compile("(?:" + "|".join(_translate(v) for v in variants) + r")\Z", re.DOTALL)
    except re.error as exc:
        raise ToolError(f"the glob pattern {pattern!r} is not valid: {exc}") from None
