"""The Domain guard: may this agent read this path, may it write it, and if not, why.

Every path an agent names goes through :class:`PathGuard` before a proposal is shown, and the
writer (:mod:`agents.safe_write`) re-checks at apply time with a descriptor walk that never
follows a symlink, so a check that is bypassed (a symlink swapped in later, THREATS T5) still
fails closed.

Order of the write checks, first refusal wins: the path must be a plain relative path inside
the root (``..``, ``~``, absolute paths outside the root, NUL, control characters and
backslashes are refused, T1/T2); not protected (:mod:`agents.protected`, T7/T8); not
deny-read; inside the Domain, compared component-wise by gitignore rules, never by string
prefix (T3), or one of the shared files; and no existing component may be a symlink, nor the
target a directory, FIFO or device (T4/T21). Reasons name the path and what to do instead, so
the person and the model can both act on them.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pathspec import GitIgnoreSpec

from agents.domain_patterns import Domain, domain_root_problems, validate_domain_patterns
from agents.pathsyntax import PathRejected, hidden_char, normalise_path, split_rel
from agents.protected import deny_read_reason, fold_parts, protected_reason

__all__ = [
    "Domain",
    "PathGuard",
    "PathRejected",
    "Verdict",
    "domain_root_problems",
    "split_rel",
    "validate_domain_patterns",
]


@dataclass(frozen=True)
class Verdict:
    """The answer to one read or write check.

    ``rel`` is the normalised posix path relative to the root (``None`` when the path could not
    be normalised). For reads, ``resolved`` is the symlink-free path to open (see
    :func:`agents.safe_write.read_nofollow`); for writes it equals ``rel``. ``kind`` is
    ``domain``/``shared``/``readable`` when allowed, else ``outside``, ``protected``,
    ``deny_read``, ``invalid`` or ``symlink`` (the writer adds ``changed`` for a path swapped
    while it was being opened, and ``too_large``). ``warnings`` are facts worth showing on an
    allowed write (a hard-linked target, for instance).
    """

    allowed: bool
    rel: str | None
    kind: str
    reason: str
    resolved: str | None = None
    warnings: tuple[str, ...] = ()

    def require(self) -> str:
        """Return the path to use, or raise :class:`PathRejected` with this verdict's reason."""
        if not self.allowed or self.rel is None:
            raise PathRejected(self.reason, self.kind, self.rel)
        return self.resolved if self.resolved is not None else self.rel


def _extra_spec(patterns: Sequence[str]) -> GitIgnoreSpec | None:
    """Configured extra protected/deny patterns: plain gitignore (a bare name matches at any
    depth, the broader reading, which is the safe one for a deny list), compared casefolded."""
    lines = [p.strip().casefold() for p in patterns if p.strip()]
    return GitIgnoreSpec.from_lines(lines) if lines else None


class PathGuard:
    """Answers read and write questions for one agent in one project root.

    ``domain`` holds gitignore-style patterns relative to ``root``; ``shared`` names files any
    agent may propose changes to (exact relative paths, ``PROGRESS.md`` by default);
    ``protected_extra`` and ``deny_read_extra`` add gitignore-style patterns (matched
    case-insensitively) to the built-in lists of :mod:`agents.protected`.
    """

    def __init__(
        self,
        root: Path,
        domain: Sequence[str],
        *,
        agent: str = "agent",
        shared: Sequence[str] = ("PROGRESS.md",),
        protected_extra: Sequence[str] = (),
        deny_read_extra: Sequence[str] = (),
    ) -> None:
        self.root = Path(os.path.abspath(root))
        self.real_root = Path(os.path.realpath(root))
        self.agent = agent
        self.domain = domain if isinstance(domain, Domain) else Domain(domain)
        self.shared = frozenset(s.strip("/") for s in shared if s.strip("/"))
        self._protected_extra = _extra_spec(protected_extra)
        self._deny_extra = _extra_spec(deny_read_extra)
        self._protected_inodes = self._inodes_of((".git", ".agentdesk", ".claude"))

    # -- path syntax -------------------------------------------------------------------------

    def normalise(self, path: str) -> str:
        """The canonical relative posix path for ``path``, or raise :class:`PathRejected`.

        Accepts relative paths (``./`` and repeated ``/`` are tidied) and absolute paths that
        lie lexically inside the root. The root itself normalises to ``"."``. See
        :func:`agents.pathsyntax.normalise_path` for what is refused.
        """
        return normalise_path(path, (self.root, self.real_root))

    # -- classification ---------------------------------------------------------------------

    def is_protected(self, rel: str) -> bool:
        """True when no agent may ever write ``rel`` (see :mod:`agents.protected`)."""
        return self._protected_why(rel) is not None

    def is_deny_read(self, rel: str) -> bool:
        """True when no agent may read ``rel`` (secrets, keys, credentials)."""
        return self._deny_why(rel) is not None

    def _protected_why(self, rel: str) -> str | None:
        parts = fold_parts(rel)
        why = protected_reason(parts)
        if (
            why is None
            and self._protected_extra is not None
            and self._extra_match(self._protected_extra, parts)
        ):
            why = "protected by the desk's configuration"
        return why

    def _deny_why(self, rel: str) -> str | None:
        parts = fold_parts(rel)
        why = deny_read_reason(parts)
        if (
            why is None
            and self._deny_extra is not None
            and self._extra_match(self._deny_extra, parts)
        ):
            why = "the desk's configuration marks it unreadable"
        return why

    @staticmethod
    def _extra_match(spec: GitIgnoreSpec, parts: list[str]) -> bool:
        # A pattern naming a directory covers everything beneath it, as in gitignore.
        return any(spec.match_file("/".join(parts[:i])) for i in range(1, len(parts) + 1))

    def _domain_text(self) -> str:
        pats = self.domain.patterns
        shown = ", ".join(pats[:6]) + (", …" if len(pats) > 6 else "")
        return f"{self.agent}'s Domain ({shown})"

    # -- the two questions -------------------------------------------------------------------

    def check_write(self, path: str) -> Verdict:
        """May the agent write ``path``? Lexical checks, then one ``lstat`` per component."""
        try:
            rel = self.normalise(path)
        except PathRejected as exc:
            return Verdict(False, None, exc.kind, exc.reason)
        if rel == "." or path.endswith("/"):
            return Verdict(False, rel, "invalid", f"{path} names a directory, not a file")
        why = self._protected_why(rel)
        if why is not None:
            return Verdict(
                False,
                rel,
                "protected",
                f"{rel} is protected ({why}); no agent may write it, whatever its Domain",
            )
        hidden = hidden_char(rel)
        if hidden is not None:
            return Verdict(
                False,
                rel,
                "invalid",
                f"the path contains the invisible character U+{ord(hidden):04X}; agents may not"
                " create names that display differently from what they are",
            )
        why = self._deny_why(rel)
        if why is not None:
            return Verdict(
                False, rel, "deny_read", f"{rel} may not be read or written by agents: {why}"
            )
        # Shared first: a shared file stays shared (always asked) even when a broad pattern such
        # as ``*.md`` also puts it in the Domain.
        if rel in self.shared:
            kind, reason = "shared", f"{rel} is a shared file; every change to it asks the person"
        elif self.domain.matches(rel):
            kind, reason = "domain", f"{rel} is in {self._domain_text()}"
        elif not self.domain.patterns:
            return Verdict(
                False, rel, "outside", f"{self.agent} has no Domain, so it may not write files"
            )
        else:
            return Verdict(
                False,
                rel,
                "outside",
                f"{rel} is outside {self._domain_text()}; propose the change to the agent that"
                " owns it or raise a blocker",
            )
        problem = self._filesystem_problem(rel)
        if problem is not None:
            return Verdict(False, rel, problem[0], problem[1])
        warnings = self._write_warnings(rel)
        return Verdict(True, rel, kind, reason, resolved=rel, warnings=warnings)

    def _filesystem_problem(self, rel: str) -> tuple[str, str] | None:
        current = self.real_root
        parts = rel.split("/")
        for i, part in enumerate(parts):
            current = current / part
            shown = "/".join(parts[: i + 1])
            try:
                st = os.lstat(current)
            except FileNotFoundError:
                return None
            except OSError as exc:
                return "invalid", f"{shown} cannot be inspected ({exc.strerror})"
            if stat.S_ISLNK(st.st_mode):
                return (
                    "symlink",
                    f"{shown} is a symbolic link; agentdesk never writes through links",
                )
            last = i == len(parts) - 1
            if not last and not stat.S_ISDIR(st.st_mode):
                return "invalid", f"{shown} is a file, not a folder"
            if not last and (st.st_dev, st.st_ino) in self._protected_inodes:
                return "protected", f"{shown} is protected (it is the same folder as .git)"
            if last and stat.S_ISDIR(st.st_mode):
                return "invalid", f"{rel} is a directory, not a file"
            if last and not stat.S_ISREG(st.st_mode):
                return "invalid", f"{rel} is not a regular file (a FIFO, socket or device)"
        return None

    def _write_warnings(self, rel: str) -> tuple[str, ...]:
        try:
            st = os.lstat(self.real_root / rel)
        except OSError:
            return ()
        if st.st_nlink > 1:
            return (
                f"{rel} has {st.st_nlink} hard links; the write replaces this name only,"
                " the other links keep the old content",
            )
        return ()

    def check_read(self, path: str) -> Verdict:
        """May the agent read ``path``? Resolves symlinks, then re-checks the real path."""
        try:
            rel = self.normalise(path)
        except PathRejected as exc:
            return Verdict(False, None, exc.kind, exc.reason)
        why = self._deny_why(rel)
        if why is not None:
            return Verdict(False, rel, "deny_read", f"{rel} may not be read by agents: {why}")
        real = os.path.realpath(self.real_root / rel)
        try:
            resolved_path = Path(real).relative_to(self.real_root)
        except ValueError:
            return Verdict(
                False,
                rel,
                "outside",
                f"{rel} leads (through a symbolic link) outside the project; it cannot be read",
            )
        resolved = resolved_path.as_posix() or "."
        if resolved != rel:
            why = self._deny_why(resolved)
            if why is not None:
                return Verdict(
                    False,
                    rel,
                    "deny_read",
                    f"{rel} leads to {resolved}, which agents may not read: {why}",
                )
        return Verdict(True, rel, "readable", f"{rel} is inside the project", resolved=resolved)

    def require_write(self, path: str) -> str:
        """The canonical path to write, or raise :class:`PathRejected` with the reason."""
        return self.check_write(path).require()

    def require_read(self, path: str) -> str:
        """The symlink-free path to read, or raise :class:`PathRejected` with the reason."""
        return self.check_read(path).require()

    # -- helpers -----------------------------------------------------------------------------

    def _inodes_of(self, names: Sequence[str]) -> frozenset[tuple[int, int]]:
        found: set[tuple[int, int]] = set()
        for name in names:
            try:
                st = os.stat(self.real_root / name)
            except OSError:
                continue
            if stat.S_ISDIR(st.st_mode):
                found.add((st.st_dev, st.st_ino))
        return frozenset(found)
