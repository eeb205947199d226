"""agentdesk's own state directory, ``<root>/.agentdesk/``, and safe writes of its files.

The directory is private (mode 0700, files 0600) and kept out of git through
``.git/info/exclude`` — never by editing the user's ``.gitignore``. Everything in it is written
either atomically (temp file, fsync, rename, fsync of the directory) or as fsynced JSON lines.

Nothing secret belongs here (THREATS T52–T54): :func:`redact` replaces the value of
``ANTHROPIC_API_KEY`` wherever a string that is about to be stored happens to contain it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import secrets
import stat
import threading
from pathlib import Path
from typing import Any

STATE_DIR_NAME = ".agentdesk"
EXCLUDE_LINE = ".agentdesk/"
_SECRET_VARS = ("ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN")
_SAFE_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_exclude_lock = threading.Lock()


class StateDirError(OSError):
    """The state directory cannot be used safely (for instance, it is a symlink)."""


def state_dir(root: Path) -> Path:
    """Ensure ``<root>/.agentdesk`` exists with mode 0700, add it to git's exclude, return it.

    Refuses a state directory that is a symlink or not a directory: agentdesk would otherwise
    write its journal and queue wherever the link points.
    """
    path = Path(root) / STATE_DIR_NAME
    with contextlib.suppress(FileExistsError):
        os.mkdir(path, 0o700)
    info = os.lstat(path)
    if stat.S_ISLNK(info.st_mode) or not stat.S_ISDIR(info.st_mode):
        raise StateDirError(f"{path} is not a plain directory; move it away and start again")
    if stat.S_IMODE(info.st_mode) != 0o700 and info.st_uid == os.getuid():
        os.chmod(path, 0o700)
    ensure_git_exclude(Path(root))
    return path


def _git_dir(root: Path) -> Path | None:
    """The directory holding ``info/exclude`` for ``root``, or None when it is not a git repo.

    Handles a ``.git`` file (worktrees, submodules): follows ``gitdir:`` and then ``commondir``,
    since git reads ``info/exclude`` from the common directory.
    """
    dot_git = root / ".git"
    if dot_git.is_dir() and not dot_git.is_symlink():
        return dot_git
    if not dot_git.is_file():
        return None
    try:
        first = dot_git.read_text(encoding="utf-8").splitlines()[0]
    except (OSError, UnicodeDecodeError, IndexError):
        return None
    if not first.startswith("gitdir:"):
        return None
    git_dir = Path(first[len("gitdir:") :].strip())
    if not git_dir.is_absolute():
        git_dir = root / git_dir
    common = git_dir / "commondir"
    if common.is_file():
        try:
            rel = common.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError):
            return git_dir if git_dir.is_dir() else None
        common_dir = Path(rel) if Path(rel).is_absolute() else git_dir / rel
        if common_dir.is_dir():
            return common_dir
    return git_dir if git_dir.is_dir() else None


def ensure_git_exclude(root: Path) -> bool:
    """Add ``.agentdesk/`` to ``.git/info/exclude`` unless an equivalent line is there.

    Returns True when the line was added. Does nothing outside a git repository; never touches
    ``.gitignore``.
    """
    git_dir = _git_dir(root)
    if git_dir is None:
        return False
    exclude = git_dir / "info" / "exclude"
    wanted = {".agentdesk", ".agentdesk/", "/.agentdesk", "/.agentdesk/"}
    with _exclude_lock:
        try:
            existing = exclude.read_bytes()
        except FileNotFoundError:
            existing = b""
        lines = {line.strip() for line in existing.decode("utf-8", "replace").splitlines()}
        if lines & wanted:
            return False
        exclude.parent.mkdir(parents=True, exist_ok=True)
        prefix = b"\n" if existing and not existing.endswith(b"\n") else b""
        with open(exclude, "ab") as handle:
            handle.write(prefix + EXCLUDE_LINE.encode() + b"\n")
    return True


def safe_key(name: str) -> str:
    """A file-name-safe form of an id (ids read back from disk are not trusted)."""
    if _SAFE_KEY.fullmatch(name) and not name.endswith((".json", ".blobs", ".tmp")):
        return name
    return "x-" + hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:20]


def fsync_dir(path: Path) -> None:
    """fsync a directory so a rename or a new entry in it survives a power loss."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_bytes_atomic(path: Path, data: bytes, *, mode: int = 0o600, durable: bool = True) -> None:
    """Replace ``path`` with ``data`` atomically: same-dir temp, fsync, rename, fsync dir.

    ``durable=False`` skips both fsyncs: still all-old or all-new for readers, but a power cut
    may lose the update. For advisory state rewritten often (an agent's state and totals).
    """
    path = Path(path)
    tmp = path.with_name(f".{path.name}.agentdesk-{secrets.token_hex(6)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, mode)
    try:
        try:
            os.fchmod(fd, mode)
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            if durable:
                os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    if durable:
        fsync_dir(path.parent)


def write_json_atomic(path: Path, data: Any, *, durable: bool = True) -> None:
    """Write ``data`` as JSON to ``path`` atomically, mode 0600 (see :func:`write_bytes_atomic`)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    write_bytes_atomic(Path(path), text.encode("utf-8", "surrogatepass"), durable=durable)


def append_jsonl(path: Path, record: Any) -> None:
    """Append one JSON line to ``path`` (created 0600) and fsync it.

    A line torn by an earlier crash is closed first, so it can never swallow this record.
    """
    line = json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_NOFOLLOW, 0o600)
    try:
        info = os.fstat(fd)
        if stat.S_IMODE(info.st_mode) != 0o600:
            os.fchmod(fd, 0o600)
        payload = line.encode("utf-8", "surrogatepass")
        if info.st_size and os.pread(fd, 1, info.st_size - 1) != b"\n":
            payload = b"\n" + payload
        os.write(fd, payload)
        os.fsync(fd)
    finally:
        os.close(fd)


def read_jsonl(path: Path) -> tuple[list[dict[str, Any]], int]:
    """Every JSON object line of ``path`` and the number of unreadable lines skipped.

    A missing file is empty. Unreadable lines (a record torn by a crash) are skipped, not fatal.
    """
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        return [], 0
    records: list[dict[str, Any]] = []
    bad = 0
    for line in raw.split(b"\n"):
        if not line.strip():
            continue
        try:
            value = json.loads(line.decode("utf-8", "surrogatepass"))
        except ValueError:
            bad += 1
            continue
        if isinstance(value, dict):
            records.append(value)
        else:
            bad += 1
    return records, bad


def redact(value: Any) -> Any:
    """``value`` with any API key from the environment replaced by ``***`` in its strings."""
    keys = [os.environ.get(name, "") for name in _SECRET_VARS]
    keys = [key for key in keys if len(key) >= 8]
    if not keys:
        return value
    return _redact(value, keys)


def _redact(value: Any, keys: list[str]) -> Any:
    if isinstance(value, str):
        for key in keys:
            value = value.replace(key, "***")
        return value
    if isinstance(value, dict):
        return {_redact(k, keys): _redact(v, keys) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_redact(v, keys) for v in value]
    return value
