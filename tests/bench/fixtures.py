"""What the benchmarks run against: a repository with a team of four agents (small, or 100,000
files), seeded sessions and transcripts, and the scripted model served from its own process.

Generated repositories live under :data:`tests.bench.common.BENCH_DIR` and big ones are kept
between runs (a ``.bench-complete`` file marks a finished one). Every file here is written by
the harness itself; nothing is copied from elsewhere.

``python -m tests.bench.fixtures serve SCENARIO.json`` runs the scripted server until its stdin
closes, printing the base URL on the first line.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from tests.bench.common import BENCH_DIR, REPO_ROOT

#: (name, colour, Domain) of the team; the last name is the first-frame marker (agent strip).
TEAM: list[tuple[str, str, list[str]]] = [
    ("bench-api", "blue", ["backend/"]),
    ("bench-web", "green", ["frontend/"]),
    ("bench-data", "yellow", ["db/"]),
    ("bench-docs", "magenta", ["docs/"]),
]
NAMES = [name for name, _c, _d in TEAM]
MARKER = sorted(NAMES)[-1]
DONE = ".bench-complete"


def agent_file(name: str, color: str, domain: Sequence[str]) -> str:
    """A Claude Code subagent file in the seed's shape, with a ``## Your Domain`` block."""
    patterns = "\n".join(domain)
    return (
        f"---\nname: {name}\n"
        f"description: Benchmark agent {name}. Use for work inside its Domain.\n"
        "tools: Read, Write, Edit, Bash, Grep, Glob\nmodel: sonnet\npermissionMode: default\n"
        f"color: {color}\n---\n\n# {name}\n\nYou are a benchmark agent. Keep changes small.\n\n"
        f"## Your Domain\n\n```\n{patterns}\n```\n\n"
        "## Constraints\n\n- Only write inside your Domain.\n"
    )


def progress_doc(lines: int, version: int = 0) -> str:
    """A PROGRESS.md in the seed's format (the engine bench's generator)."""
    from tests.bench.bench_progress import make_doc

    return make_doc(lines, version)


def git(root: Path, *args: str) -> None:
    """Run git in ``root`` with a fixed identity and no user or system config."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_CONFIG_NOSYSTEM="1",
        GIT_AUTHOR_NAME="bench",
        GIT_AUTHOR_EMAIL="bench@example.invalid",
        GIT_COMMITTER_NAME="bench",
        GIT_COMMITTER_EMAIL="bench@example.invalid",
    )
    subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


def _write_tree(root: Path, top: int, sub: int, files: int) -> int:
    """``top`` x ``sub`` folders of ``files`` small source files; returns the count."""
    count = 0
    body = b"def handler(request):\n    return {'ok': True}\n"
    for t in range(top):
        for s in range(sub):
            folder = root / f"pkg{t:02d}" / f"mod{s:02d}"
            folder.mkdir(parents=True, exist_ok=True)
            for f in range(files):
                fd = os.open(
                    folder / f"file{f:03d}.py", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644
                )
                os.write(fd, body)
                os.close(fd)
                count += 1
    return count


def make_team_repo(
    root: Path,
    *,
    domains: Mapping[str, Sequence[str]] | None = None,
    tree: tuple[int, int, int] | None = None,
    progress_lines: int = 200,
    use_git: bool = True,
    fresh: bool = False,
) -> Path:
    """A repository with the four-agent team, PROGRESS.md and some source, committed.

    ``tree=(top, sub, files)`` adds a nested tree of ``top*sub*files`` files under ``pkgNN/``;
    ``domains`` replaces each agent's Domain. Reused as is when already complete, unless
    ``fresh``.
    """
    if (root / DONE).exists() and not fresh:
        return root
    if root.exists():
        shutil.rmtree(root)
    agents_dir = root / ".claude" / "agents"
    agents_dir.mkdir(parents=True)
    for name, color, domain in TEAM:
        chosen = list((domains or {}).get(name, domain))
        (agents_dir / f"{name}.md").write_text(agent_file(name, color, chosen), encoding="utf-8")
    for folder in ("backend", "frontend", "db", "docs"):
        (root / folder).mkdir()
        (root / folder / "README.md").write_text(f"# {folder}\n", encoding="utf-8")
    (root / "backend" / "app.py").write_text("def app():\n    return 'OLD'\n", encoding="utf-8")
    (root / "PROGRESS.md").write_text(progress_doc(progress_lines), encoding="utf-8")
    (root / ".gitignore").write_text("node_modules/\n*.log\n", encoding="utf-8")
    if tree is not None:
        _write_tree(root, *tree)
    if use_git:
        git(root, "init", "-q", "-b", "main")
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", "bench fixture")
    (root / DONE).write_text(time.strftime("%Y-%m-%d %H:%M:%S\n"), encoding="utf-8")
    with contextlib.suppress(OSError):
        (root / ".git" / "info").mkdir(exist_ok=True)
        with open(root / ".git" / "info" / "exclude", "a", encoding="utf-8") as fh:
            fh.write(f"{DONE}\n")
    return root


def team_repo(name: str = "team4", **kwargs: Any) -> Path:
    """The standard four-agent repository under the bench directory."""
    return make_team_repo(BENCH_DIR / "repos" / name, **kwargs)


def reset_state(root: Path) -> None:
    """Forget every session, queue and desk state (``.agentdesk/``) of ``root``."""
    shutil.rmtree(root / ".agentdesk", ignore_errors=True)


def seed_session(root: Path, agent: str, task: str) -> None:
    """Leave ``agent`` mid-task (a user turn with no answer yet): the desk resumes it on start."""
    from agents.state_dir import state_dir
    from agents.transcript import TranscriptEntry, TranscriptStore

    store = TranscriptStore(state_dir(root), agent)
    store.append_entry(TranscriptEntry("user", task))
    store.append_message({"role": "user", "content": [{"type": "text", "text": task}]})


def seed_transcript(root: Path, agent: str, lines: int, marker: str) -> int:
    """A finished transcript of about ``lines`` lines of Markdown-ish text, ending in
    ``marker``; returns the number of entries."""
    from agents.state_dir import state_dir
    from agents.transcript import TranscriptEntry, TranscriptStore

    store = TranscriptStore(state_dir(root), agent)
    per_entry = 10
    count = max(1, lines // per_entry)
    written = 0
    for n in range(count):
        if n % 5 == 4 and n != count - 1:
            store.append_entry(TranscriptEntry("tool_call", f"Read backend/module_{n}.py"))
            body = "\n".join(f"{i:4} value_{i} = compute({i})" for i in range(per_entry - 1))
            store.append_entry(TranscriptEntry("tool_result", body, {"tool": "Read"}))
            written += 2
            continue
        text = [f"## Step {n}", "", f"I looked at `backend/module_{n}.py` and found:"]
        text += [
            f"- item {i} of step {n}: a **change** to `handler_{i}`" for i in range(per_entry - 4)
        ]
        text.append(marker if n == count - 1 else f"Next I will continue with step {n + 1}.")
        store.append_entry(TranscriptEntry("assistant", "\n".join(text)))
        written += 1
    return written


def stream_text(tokens: int, chunk: int, tag: str) -> str:
    """``tokens`` deltas of ``chunk`` characters of prose with a newline about every 64
    characters; ``tag`` makes every agent's text distinct."""
    words = f"{tag} streams some words of text for the benchmark ".split()
    out: list[str] = []
    size, line = 0, 0
    target = tokens * chunk
    while size <= target:  # one extra character: the first separator is dropped
        word = words[len(out) % len(words)]
        sep = "\n" if line > 60 else " "
        line = 0 if sep == "\n" else line + len(word) + 1
        out.append(sep + word)
        size += len(word) + 1
    return "".join(out)[1 : target + 1]


@contextlib.contextmanager
def scripted_server(scenario: Mapping[str, Any]) -> Iterator[str]:
    """The scripted model in its own process (so its CPU is not the desk's); yields its URL."""
    path = BENCH_DIR / f"scenario-{os.getpid()}-{time.monotonic_ns()}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(scenario), encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.bench.fixtures", "serve", str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        cwd=REPO_ROOT,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
        text=True,
    )
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        if not url.startswith("http://127.0.0.1"):
            raise RuntimeError(f"the scripted server did not start: {url!r}")
        yield url
    finally:
        with contextlib.suppress(Exception):
            assert proc.stdin is not None
            proc.stdin.close()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
        path.unlink(missing_ok=True)


def _serve(path: str) -> None:
    from agents.scripted import ScriptedServer, parse_scenario

    scenario = parse_scenario(json.loads(Path(path).read_text(encoding="utf-8")), source=path)
    with ScriptedServer(scenario) as server:
        print(server.base_url, flush=True)
        sys.stdin.read()


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "serve":
        _serve(sys.argv[2])
    else:
        print("usage: python -m tests.bench.fixtures serve SCENARIO.json", file=sys.stderr)
        sys.exit(2)
