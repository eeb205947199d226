"""The startup sweep: remove the temp files a crash left between write and rename (THREATS T18).

:func:`agents.safe_write.atomic_write` names its temp files ``.NAME.agentdesk-<12 hex>.tmp`` in
the target's folder. A kill between creating one and renaming it over the target leaves it
behind (19 of 30 kill -9 trials in THREATS e.3), so the desk sweeps them at start-up.
"""

from __future__ import annotations

import contextlib
import os
import re
import time
from pathlib import Path

__all__ = ["TEMP_RE", "sweep_temp_files"]

TEMP_RE = re.compile(r"^\..+\.agentdesk-[0-9a-f]{12}\.tmp$")
_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC


def sweep_temp_files(
    root: Path, *, max_entries: int = 1_000_000, min_age_seconds: float = 0.0
) -> list[str]:
    """Remove orphaned ``.NAME.agentdesk-<random>.tmp`` files left by a crash.

    Walks folders by descriptor without following symlinks, skips ``.git`` (any case), stops
    after ``max_entries`` directory entries, and only removes regular files at least
    ``min_age_seconds`` old (pass a few seconds if another desk may be writing). Returns the
    removed paths relative to the root, sorted.
    """
    removed: list[str] = []
    now = time.time()
    budget = max_entries
    stack: list[tuple[int, str]] = [
        (os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC), "")
    ]
    try:
        while stack:
            fd, prefix = stack.pop()
            try:
                with os.scandir(fd) as entries:
                    for entry in entries:
                        budget -= 1
                        if budget < 0:
                            break
                        rel = prefix + entry.name
                        if entry.is_dir(follow_symlinks=False):
                            if entry.name.casefold() == ".git":
                                continue
                            with contextlib.suppress(OSError):
                                stack.append(
                                    (os.open(entry.name, _DIR_FLAGS, dir_fd=fd), rel + "/")
                                )
                        elif TEMP_RE.match(entry.name) and entry.is_file(follow_symlinks=False):
                            with contextlib.suppress(OSError):
                                st = entry.stat(follow_symlinks=False)
                                if now - st.st_mtime >= min_age_seconds:
                                    os.unlink(entry.name, dir_fd=fd)
                                    removed.append(rel)
            finally:
                os.close(fd)
            if budget < 0:
                break
    finally:
        for fd, _ in stack:
            os.close(fd)
    return sorted(removed)
