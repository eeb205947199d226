"""The machinery under :mod:`agents.vcs`: finding git, running it hardened, serialising writes.

Git always runs with ``core.fsmonitor=false``, without the repository's hooks and locally
configured filter drivers unless ``run_hooks`` (THREATS T30), with gpg signing and auto-gc off,
with literal pathspecs, and with the Anthropic key blanked out of its environment. Commands go
through GitPython's ``Git.execute`` (the git binary), never GitPython's Python index writer
(PERF.md). Writes are serialised by an in-process re-entrant lock plus a cross-process ``flock``
on ``<state_dir>/git.lock`` and run on one writer thread when submitted (T28).
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import fcntl
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, Self, TypeVar

from agents.state_dir import STATE_DIR_NAME, append_jsonl, read_jsonl, state_dir
from agents.vcs_status import clean_ident, describe_age, git_verb, lock_path_in

T = TypeVar("T")

NO_GIT_MESSAGE = "not a git repository: commits and undo need git"
#: Environment entries every git subprocess gets: no secrets, no prompts.
_SCRUBBED_ENV = {"ANTHROPIC_API_KEY": "", "ANTHROPIC_AUTH_TOKEN": "", "GIT_TERMINAL_PROMPT": "0"}
FLOCK_TIMEOUT = 60.0


class GitError(Exception):
    """A git command failed; the message names the command and git's own reason."""


class GitUnavailable(GitError):
    """Git is needed but absent: no binary, or the desk root is not a work tree's top level."""

    def __init__(self, message: str = NO_GIT_MESSAGE) -> None:
        super().__init__(message)


class GitLockError(GitError):
    """A lock stayed held past the retry budget. agentdesk never deletes the lock file."""

    def __init__(self, lock_path: str, message: str | None = None) -> None:
        self.lock_path = lock_path
        try:
            age = f" (for {describe_age(time.time() - os.stat(lock_path).st_mtime)})"
        except OSError:
            age = ""
        super().__init__(
            message
            or f"git is locked: {lock_path} exists{age}. Another git process may be running; "
            f"if none is, remove {lock_path} yourself and try again (agentdesk never deletes it)."
        )


class GitRunner:
    """Finds git at ``root`` and runs it safely; :class:`agents.vcs.GitWriter` builds on it."""

    def __init__(
        self,
        root: Path,
        *,
        run_hooks: bool = False,
        author_email_domain: str = "agentdesk.local",
        state_dir: Path | None = None,
        lock_timeout: float = 5.0,
    ) -> None:
        self.root = Path(root).resolve()
        self.run_hooks = run_hooks
        self.author_email_domain = clean_ident(author_email_domain, "A-Za-z0-9.-")
        self.state_dir = Path(state_dir) if state_dir is not None else self.root / ".agentdesk"
        self.lock_timeout = lock_timeout
        #: A git command (with its hooks, when they run) is killed after this many seconds.
        self.command_timeout = 600.0 if run_hooks else 120.0
        self._rlock = threading.RLock()
        self._depth = 0
        self._lock_fd: int | None = None
        self._executor: concurrent.futures.ThreadPoolExecutor | None = None
        self._pool_lock = threading.Lock()
        self._closed = False
        self._filters: tuple[tuple[int, int], list[str]] | None = None
        self._git: Any = None
        self._common_dir = self.root
        self._exe = "git"
        self._unavailable = NO_GIT_MESSAGE
        self._probe()

    # ---- discovery and running git ------------------------------------------------------

    def _probe(self) -> None:
        os.environ.setdefault("GIT_PYTHON_REFRESH", "quiet")
        try:
            import git
        except Exception:
            return
        if not self.root.is_dir():
            return
        self._exe = str(git.Git.GIT_PYTHON_GIT_EXECUTABLE or "git")
        probe = git.Git(str(self.root))
        try:
            status, out, _ = probe.execute(
                [self._exe, "rev-parse", "--show-toplevel", "--git-common-dir"],
                with_extended_output=True,
                with_exceptions=False,
                env=_SCRUBBED_ENV,
            )
        except git.GitCommandNotFound:
            return
        lines = str(out).splitlines()
        if status != 0 or len(lines) < 2:
            return
        top = Path(lines[0]).resolve()
        if top != self.root:
            self._unavailable = (
                f"{self.root} is inside the git repository at {top}, not its top level: "
                "commits and undo need agentdesk started at the repository's top level"
            )
            return
        self._common_dir = (self.root / lines[1]).resolve()
        self._git = probe

    @property
    def available(self) -> bool:
        """True when ``root`` is the top level of a git work tree and git runs."""
        return self._git is not None

    def _require(self) -> None:
        if self._git is None:
            raise GitUnavailable(self._unavailable)

    def _filter_args(self) -> list[str]:
        """``-c`` overrides that switch off filter drivers defined in the repository's config."""
        if self.run_hooks:
            return []
        try:
            st = (self._common_dir / "config").stat()
            key = (st.st_mtime_ns, st.st_size)
        except OSError:
            key = (0, 0)
        if self._filters is not None and self._filters[0] == key:
            return self._filters[1]
        _, out, _ = self._git.execute(
            [self._exe, "config", "--show-scope", "--get-regexp", r"^filter\."],
            with_extended_output=True,
            with_exceptions=False,
            env=_SCRUBBED_ENV,
        )
        args: list[str] = []
        names: set[str] = set()
        for line in str(out).splitlines():
            scope, _, rest = line.partition("\t")
            name = rest.split(" ", 1)[0][len("filter.") :].rpartition(".")[0]
            if scope in ("local", "worktree") and name and name not in names:
                if "=" in name:
                    raise GitError(f"the repository config defines an unsafe filter name {name!r}")
                names.add(name)
                for field, value in (("clean", ""), ("smudge", ""), ("process", "")):
                    args += ["-c", f"filter.{name}.{field}={value}"]
                args += ["-c", f"filter.{name}.required=false"]
        self._filters = (key, args)
        return args

    def _run(
        self, args: Sequence[str], env: dict[str, str] | None = None
    ) -> tuple[int, bytes, str]:
        """Run one hardened git command at the root; returns (status, stdout bytes, stderr)."""
        self._require()
        cmd = [self._exe, "-c", "core.fsmonitor=false", "-c", "commit.gpgsign=false",
               "-c", "gc.auto=0", "-c", "maintenance.auto=false"]  # fmt: skip
        if not self.run_hooks:
            cmd += ["-c", f"core.hooksPath={os.devnull}"]
        cmd += [*self._filter_args(), "--literal-pathspecs", *args]
        full_env = dict(_SCRUBBED_ENV)
        full_env.update(env or {})
        # Its own session, so a timeout can stop git and its hooks together with SIGTERM, on
        # which git removes its lock files (GitPython's own timeout SIGKILLs git and leaves
        # index.lock behind).
        try:
            handle = self._git.execute(cmd, as_process=True, env=full_env, start_new_session=True)
        except Exception as exc:  # the binary vanished or cannot be executed any more
            raise GitUnavailable(f"git cannot run here: {exc}") from None
        proc = handle.proc
        try:
            out, err = proc.communicate(timeout=self.command_timeout)
        except subprocess.TimeoutExpired:
            verb = git_verb(args)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.communicate(timeout=5)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.communicate()
            stopped = f"Timeout: git {verb} did not finish in {self.command_timeout:g} s; stopped"
            return -1, b"", stopped
        return int(proc.returncode), bytes(out or b""), (err or b"").decode("utf-8", "replace")

    def _check(self, args: Sequence[str], env: dict[str, str] | None = None) -> bytes:
        """Run a git command that must succeed; lock contention is retried with backoff."""
        deadline = time.monotonic() + self.lock_timeout
        delay = 0.02
        while True:
            status, out, err = self._run(args, env)
            if status == 0:
                return out
            lock = lock_path_in(err)
            if lock is None:
                reason = err.strip() or out.decode(errors="replace").strip()
                raise GitError(f"git {git_verb(args)} failed: {reason}")
            if time.monotonic() + delay > deadline:
                raise GitLockError(lock)
            time.sleep(delay)
            delay = min(delay * 2, 0.4)

    # ---- serialisation ------------------------------------------------------------------

    @contextlib.contextmanager
    def _write_lock(self) -> Iterator[None]:
        """Hold the in-process lock and, outermost only, the cross-process ``git.lock``."""
        with self._rlock:
            if self._depth == 0:
                self._lock_fd = self._take_flock()
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
                if self._depth == 0 and self._lock_fd is not None:
                    fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
                    os.close(self._lock_fd)
                    self._lock_fd = None

    def _ensure_state_dir(self) -> None:
        """Create the state directory: the shared ``.agentdesk/`` rules, or a private custom one."""
        if os.path.abspath(self.state_dir) == str(self.root / STATE_DIR_NAME):
            state_dir(self.root)  # 0700, never a symlink, kept out of git via info/exclude
        else:
            self.state_dir.mkdir(mode=0o700, parents=True, exist_ok=True)

    def _take_flock(self) -> int:
        self._ensure_state_dir()
        path = self.state_dir / "git.lock"
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
        deadline = time.monotonic() + FLOCK_TIMEOUT
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return fd
            except BlockingIOError:
                if time.monotonic() > deadline:
                    os.close(fd)
                    raise GitLockError(
                        str(path), f"another agentdesk process holds {path}; try again later"
                    ) from None
                time.sleep(0.01)

    def _append_jsonl(self, name: str, record: dict[str, Any]) -> None:
        """Append one fsynced record to ``<state_dir>/<name>`` (call under :meth:`_write_lock`)."""
        self._ensure_state_dir()
        append_jsonl(self.state_dir / name, record)

    def _read_jsonl(self, name: str) -> list[dict[str, Any]]:
        """Every well-formed record in ``<state_dir>/<name>``; damaged lines are skipped."""
        return read_jsonl(self.state_dir / name)[0]

    def submit(self, fn: Callable[[], T]) -> concurrent.futures.Future[T]:
        """Run ``fn`` on the single git writer thread; never blocks the caller."""
        with self._pool_lock:
            if self._closed:
                raise RuntimeError("GitWriter is closed")
            if self._executor is None:
                self._executor = concurrent.futures.ThreadPoolExecutor(
                    max_workers=1, thread_name_prefix="agentdesk-git"
                )
            return self._executor.submit(fn)

    def close(self) -> None:
        """Finish queued git jobs and stop the writer thread. Safe to call twice."""
        with self._pool_lock:
            self._closed = True
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
