"""The active agent's Domain as a lazy file tree, with badges.

Only what the Domain can contain is listed (directories it may hold, files it matches), and
``.gitignore``d paths are left out. Directories load one at a time in Textual's thread workers
when expanded, so opening the desk never walks the repository. Badges: ``●`` pending proposal,
``✚`` applied but not committed, ``M`` modified in git.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from pathlib import Path

import pathspec
from rich.style import Style
from rich.text import Text
from textual.widgets import DirectoryTree
from textual.widgets.directory_tree import DirEntry
from textual.widgets.tree import TreeNode

from agents.protected import fold_parts, protected_reason
from agents.sanitize import sanitize
from tui.widgets.facade import DomainLike

ALWAYS_HIDDEN = frozenset({".git", ".agentdesk"})
BADGES = {"pending": ("●", "bold yellow"), "applied": ("✚", "bold cyan"), "modified": ("M", "red")}


class GitIgnore:
    """The project's root ``.gitignore``, read on first use (from a thread)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._spec: pathspec.GitIgnoreSpec | None = None
        self._lock = threading.Lock()

    def ignored(self, rel: str) -> bool:
        """True when ``rel`` (a ``dir/`` or a file) is ignored."""
        with self._lock:
            if self._spec is None:
                try:
                    lines = (self.root / ".gitignore").read_text(encoding="utf-8").splitlines()
                except (OSError, UnicodeDecodeError):
                    lines = []
                self._spec = pathspec.GitIgnoreSpec.from_lines(lines)
            spec = self._spec
        return spec.match_file(rel)


class DomainTree(DirectoryTree):
    """A DirectoryTree filtered to one Domain."""

    def __init__(self, root: Path, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(root, id=id)
        self.root_path = root.resolve()
        self.domain: DomainLike | None = None
        self.badges: dict[str, str] = {}
        self.gitignore = GitIgnore(self.root_path)
        self.show_root = False

    def set_domain(self, domain: DomainLike | None) -> None:
        """Show another agent's Domain (reloads the tree lazily)."""
        self.domain = domain
        self.reload()

    def set_badges(self, badges: Mapping[str, str]) -> None:
        """``rel -> pending|applied|modified``; directories get the mark of their content."""
        expanded: dict[str, str] = {}
        rank = {"pending": 3, "applied": 2, "modified": 1}
        for rel, kind in badges.items():
            expanded[rel] = kind
            parts = rel.split("/")
            for i in range(1, len(parts)):
                parent = "/".join(parts[:i])
                if rank.get(kind, 0) > rank.get(expanded.get(parent, ""), 0):
                    expanded[parent] = kind
        self.badges = expanded
        self._invalidate_labels()

    def _invalidate_labels(self) -> None:
        stack = [self.root]
        while stack:
            node = stack.pop()
            node.refresh()
            stack.extend(node.children)

    def _rel(self, path: Path) -> str | None:
        try:
            return path.resolve().relative_to(self.root_path).as_posix()
        except (ValueError, OSError):
            return None

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        """Keep what the Domain may hold and git does not ignore (runs in a thread)."""
        domain = self.domain
        if domain is None:
            return []
        kept: list[Path] = []
        for path in paths:
            if path.name in ALWAYS_HIDDEN:
                continue
            rel = self._rel(path) if not path.is_symlink() else None
            if rel is None or protected_reason(fold_parts(rel)) is not None:
                continue  # agents never write protected paths, whatever the Domain says
            is_dir = self._safe_is_dir(path)
            if self.gitignore.ignored(rel + "/" if is_dir else rel):
                continue
            if is_dir:
                if domain.may_contain(rel) or domain.matches(rel + "/"):
                    kept.append(path)
            elif domain.matches(rel):
                kept.append(path)
        return kept

    def process_label(self, label: str | Text) -> Text:
        """File names are untrusted: sanitised, never parsed as markup."""
        if isinstance(label, str):
            return Text(sanitize(label))
        return Text(sanitize(label.plain))

    def render_label(self, node: TreeNode[DirEntry], base_style: Style, style: Style) -> Text:
        """The usual label plus the node's badge."""
        text = super().render_label(node, base_style, style)
        if node.data is not None:
            rel = self._rel(node.data.path)
            kind = self.badges.get(rel or "")
            if kind in BADGES:
                mark, mark_style = BADGES[kind]
                text.append(f" {mark}", style=mark_style)
        return text
