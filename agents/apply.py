"""Applying approved proposals: re-validated, compare-and-swap, journaled, recoverable.

:meth:`Applier.apply` writes a proposal so that it is all-old or all-new, whatever happens:

1. the decision is folded in (:func:`final_changes`: the person's edited text, or a subset of
   hunks), and every path is re-checked against the agent's guard at apply time;
2. per-path locks are taken in one global order, and every file's current sha256 is compared
   with the pre-image the diff was made from — any mismatch: nothing is written, the error
   names the file (THREATS T11, T20, T27);
3. a write-ahead record is made before the first file is touched: for several files a journal
   (:mod:`agents.journal`) with the new contents and the pre-images; for a single file, which
   one atomic rename replaces, just an intent line with its two hashes;
4. each file is replaced atomically (:func:`agents.safe_write.atomic_write`, itself CAS);
   if one fails, the files already written are restored from the journal;
5. a durable done mark (``applied.jsonl``) is written and the journal removed.

A single file is old or new at any instant; several files are after recovery, which also turns
an open single-file intent into a done mark when the file holds the new content, so the ledger
(:mod:`agents.ledger`) can tell the model what really happened.

:meth:`Applier.recover` runs at start: it finishes every committed journal (or finishes rolling
it back), discards unfinished ones, sweeps orphaned temp files, and says what it did (T18, T19).
A proposal with a done mark is never written again (T49).

Fault injection for the crash tests: ``AGENTDESK_FAULT=<step>`` makes the process
``os._exit(137)`` at that step: ``before_journal``, ``after_journal``, ``after_file_<n>``,
``before_commit_mark``, ``after_commit_mark``, ``after_apply``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from agents import journal as jn
from agents.diffs import apply_hunks
from agents.domain import PathGuard, PathRejected
from agents.proposal import Decision, FileChange, Proposal
from agents.safe_write import (
    StaleFile,
    atomic_write,
    path_lock,
    read_nofollow,
    sha256_bytes,
    sweep_temp_files,
)
from agents.textcodec import TextFile


@dataclass(frozen=True)
class ApplyResult:
    """A proposal that is on disk in full (``recovered``: it already was, nothing written now)."""

    proposal_id: str
    paths: tuple[str, ...]
    recovered: bool = False


class ApplyError(Exception):
    """Nothing of the proposal was written; ``reason`` says why in words a model can act on.

    ``stale`` is True when a file changed since the diff was shown (re-read and re-propose).
    """

    def __init__(self, reason: str, *, stale: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.stale = stale


def _reencode(change: FileChange, text: str, why: str) -> FileChange:
    """``change`` with ``text`` as its new content, in the conventions of its bytes."""
    codec = TextFile.from_bytes(change.after)
    if codec.binary:
        raise ApplyError(f"{change.rel} is a binary file; it cannot be {why}")
    try:
        data = codec.encode(text)
    except UnicodeEncodeError as exc:
        raise ApplyError(f"the {why} text of {change.rel} cannot be encoded: {exc}") from exc
    return dataclasses.replace(change, after=data, after_text=text)


def final_changes(proposal: Proposal, decision: Decision) -> list[FileChange]:
    """The changes to write once the person's decision is folded in.

    ``decision.edited`` (path → the person's text) replaces a file's new content, re-encoded with
    the file's BOM and line endings; ``decision.hunks`` (path → hunk indices to keep) applies
    only those hunks of ``before_text`` → ``after_text``. Other files are written as proposed.
    Raises :class:`ApplyError` for a rejection, a command, or a decision naming unknown paths.
    """
    if decision.action != "approve":
        raise ApplyError("a rejected proposal is never applied")
    if proposal.is_command or not proposal.changes:
        raise ApplyError(f"proposal {proposal.id} changes no file; there is nothing to write")
    edited = decision.edited or {}
    hunks = decision.hunks or {}
    known = {c.rel for c in proposal.changes}
    unknown = sorted((set(edited) | set(hunks)) - known)
    if unknown:
        raise ApplyError(
            f"the decision names {', '.join(unknown)}, which proposal {proposal.id} does not change"
        )
    out: list[FileChange] = []
    for change in proposal.changes:
        if change.rel in edited:
            out.append(_reencode(change, edited[change.rel], "edited"))
        elif change.rel in hunks:
            if change.after and not change.after_text:
                raise ApplyError(f"{change.rel} has no text to split into hunks")
            text = apply_hunks(change.before_text, change.after_text, hunks[change.rel])
            out.append(change if text == change.after_text else _reencode(change, text, "split"))
        else:
            out.append(change)
    return out


class Applier:
    """Writes approved proposals under ``root``; journal and done marks under ``state_dir``.

    Thread-safe: concurrent applies to the same file are serialised by per-path locks, and the
    loser of a race finds a changed pre-image and fails as stale (never a lost update).
    """

    def __init__(self, root: Path, state_dir: Path, *, fault: str | None = None) -> None:
        self.root = Path(root)
        self.state_dir = Path(state_dir)
        self.fault = fault if fault is not None else (os.environ.get("AGENTDESK_FAULT") or None)
        self._done_lock = threading.Lock()
        self._problems: list[str] = []
        try:
            self._done = set(jn.load_completions(self.state_dir))
        except OSError as exc:
            self._done = set()
            self._problems.append(
                f"The apply log {jn.APPLIED_FILE} could not be read ({exc.strerror or exc}); "
                "stale checks still guard every file, but recovery may report less"
            )

    def fault_point(self, step: str) -> None:
        """Crash-test hook: die like SIGKILL would if ``step`` is the configured fault."""
        if self.fault == step:
            os._exit(137)

    def is_applied(self, proposal_id: str) -> bool:
        """True when ``proposal_id`` was applied in full (in this run or an earlier one)."""
        with self._done_lock:
            return proposal_id in self._done

    def apply(self, proposal: Proposal, decision: Decision, guard: PathGuard) -> ApplyResult:
        """Write ``proposal`` as decided, all files or none; raises :class:`ApplyError`."""
        changes = final_changes(proposal, decision)
        checked: list[FileChange] = []
        for change in changes:
            verdict = guard.check_write(change.rel)
            if not verdict.allowed:
                raise ApplyError(verdict.reason)
            rel = verdict.rel or change.rel
            checked.append(change if rel == change.rel else dataclasses.replace(change, rel=rel))
        rels = [c.rel for c in checked]
        if len({r.casefold() for r in rels}) != len(rels):
            raise ApplyError(f"proposal {proposal.id} names the same file twice")
        with contextlib.ExitStack() as locks:
            for rel in sorted(rels, key=lambda r: (r.casefold(), r)):
                locks.enter_context(path_lock(self.root, rel))
            if self.is_applied(proposal.id):
                return ApplyResult(proposal.id, tuple(rels), recovered=True)
            pre_images = self._check_pre_images(checked)
            self.fault_point("before_journal")
            journal = self._journal(proposal, checked, pre_images)
            self.fault_point("after_journal")
            self._write_all(journal, checked)
            self.fault_point("before_commit_mark")
            try:
                self.mark_done(
                    proposal.id,
                    proposal.agent,
                    proposal.tool_use_id,
                    rels,
                    after={c.rel: sha256_bytes(c.after) for c in checked},
                    summary=proposal.summary,
                )
            except OSError:
                # Every file is on disk. Without the mark, the journal (or the intent) stays,
                # and recovery at the next start finds the new contents and marks it done.
                with self._done_lock:
                    self._done.add(proposal.id)
                journal = None
            self.fault_point("after_commit_mark")
            if journal is not None:
                journal.remove()
        self.fault_point("after_apply")
        return ApplyResult(proposal.id, tuple(rels))

    def _journal(
        self, proposal: Proposal, changes: list[FileChange], pre_images: dict[str, bytes]
    ) -> jn.Journal | None:
        """The write-ahead record: an intent line for one file, a journal for several."""
        try:
            if len(changes) == 1:  # one atomic rename: the hashes tell old from new, no blobs
                jn.record_intent(
                    self.state_dir,
                    proposal_id=proposal.id,
                    agent=proposal.agent,
                    tool_use_id=proposal.tool_use_id,
                    rel=changes[0].rel,
                    before_sha256=changes[0].before_sha256,
                    after_sha256=sha256_bytes(changes[0].after),
                )
                return None
            return jn.begin(
                self.state_dir,
                proposal_id=proposal.id,
                agent=proposal.agent,
                tool_use_id=proposal.tool_use_id,
                files=[
                    (c.rel, c.before_sha256, c.after, c.mode, pre_images.get(c.rel))
                    for c in changes
                ],
            )
        except OSError as exc:
            raise ApplyError(
                f"the change could not be journaled ({exc.strerror or exc}); nothing was written"
            ) from exc

    def _check_pre_images(self, changes: list[FileChange]) -> dict[str, bytes]:
        """CAS pre-check of every file; returns pre-images to journal (several files only)."""
        keep = len(changes) > 1
        pre_images: dict[str, bytes] = {}
        stale: list[str] = []
        for change in changes:
            try:
                data = read_nofollow(self.root, change.rel)
            except FileNotFoundError:
                data = None
            except PathRejected as exc:
                raise ApplyError(exc.reason) from exc
            except OSError as exc:
                raise ApplyError(f"{change.rel} cannot be read: {exc.strerror or exc}") from exc
            actual = None if data is None else sha256_bytes(data)
            if actual != change.before_sha256:
                stale.append(_stale_words(change.rel, change.before_sha256, actual))
            elif keep and data is not None:
                pre_images[change.rel] = data
        if stale:
            raise ApplyError(
                f"{'; '.join(stale)} since the diff was shown; nothing was written", stale=True
            )
        return pre_images

    def _write_all(self, journal: jn.Journal | None, changes: list[FileChange]) -> None:
        written: list[FileChange] = []
        for n, change in enumerate(changes, start=1):
            try:
                atomic_write(
                    self.root,
                    change.rel,
                    change.after,
                    expected_sha256=change.before_sha256,
                    mode=change.mode,
                )
            except (StaleFile, PathRejected, OSError) as exc:
                raise self._abort(journal, written, change.rel, exc) from exc
            written.append(change)
            self.fault_point(f"after_file_{n}")

    def _abort(
        self, journal: jn.Journal | None, written: list[FileChange], rel: str, exc: Exception
    ) -> ApplyError:
        """Roll back the files already written; the error to raise."""
        if isinstance(exc, StaleFile):
            what = f"{_stale_words(rel, exc.expected, exc.actual)} since the diff was shown"
            stale = True
        elif isinstance(exc, PathRejected):
            what, stale = exc.reason, False
        else:
            what, stale = f"{rel} could not be written ({exc})", False
        if journal is None:  # a single file: the failed write was its only one
            return ApplyError(f"{what}; nothing was written", stale=stale)
        entries = journal.files[: len(written)]
        if entries:
            journal.state = "rolling_back"
            try:
                journal.save()
            except OSError as save_error:
                return ApplyError(
                    f"{what}; the files already written could not be rolled back now "
                    f"({save_error.strerror or save_error}); recovery will finish the apply at "
                    "the next start",
                    stale=stale,
                )
        from agents.recovery import roll_back

        problems = roll_back(self, journal, entries)
        if problems:
            kept = journal.keep_aside()
            return ApplyError(
                f"{what}; the files already written could not all be restored "
                f"({'; '.join(problems)}); the journal is kept in {self.display_path(kept)}",
                stale=stale,
            )
        journal.remove()
        return ApplyError(f"{what}; nothing was written", stale=stale)

    def mark_done(
        self,
        proposal_id: str,
        agent: str,
        tool_use_id: str,
        paths: list[str],
        *,
        after: dict[str, str] | None = None,
        summary: str = "",
    ) -> None:
        """Durably mark a proposal as applied in full (it will never be written again).

        ``after`` maps each path to the sha256 of the bytes written (see
        :func:`agents.journal.record_completion`).
        """
        jn.record_completion(
            self.state_dir,
            proposal_id=proposal_id,
            agent=agent,
            tool_use_id=tool_use_id,
            paths=paths,
            after=after,
            summary=summary,
        )
        with self._done_lock:
            self._done.add(proposal_id)

    def display_path(self, path: Path) -> str:
        """``path`` relative to the project root when inside it (for messages)."""
        with contextlib.suppress(ValueError):
            return path.relative_to(self.root).as_posix()
        return str(path)

    def recover(self) -> list[str]:
        """Settle every apply an earlier run left unfinished; one line per thing done.

        Never raises on a damaged journal: it is reported, kept aside, and its files are left
        untouched.
        """
        from agents.recovery import recover_journals

        lines = self._problems + recover_journals(self)
        self._problems = []
        swept = sweep_temp_files(self.root)
        if swept:
            shown = ", ".join(swept[:5]) + (f" and {len(swept) - 5} more" if len(swept) > 5 else "")
            lines.append(
                f"Removed {len(swept)} orphaned temp {'file' if len(swept) == 1 else 'files'} "
                f"left by an interrupted write: {shown}"
            )
        return lines


def _stale_words(rel: str, expected: str | None, actual: str | None) -> str:
    if expected is None:
        return f"{rel} was created"
    if actual is None:
        return f"{rel} was deleted"
    return f"{rel} changed"
