"""A small git repository with agents, in the image of a real team project (our own words)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

BACKEND_AGENT = """---
name: backend-architect
description: Builds the server side of the shop: routes, services and data access.
tools: Read, Write, Edit, Bash, Grep, Glob
model: sonnet
permissionMode: acceptEdits
---

# Backend

You write the API.

## Your Domain

```
backend/
```

## Coordination Protocol

Mark yourself complete in PROGRESS.md when done; raise blockers when stuck.
"""

FRONTEND_AGENT = """---
name: frontend-architect
description: Builds the screens.
tools: Read, Write, Edit, Grep, Glob
---

# Frontend

## Your Domain

```
frontend/
*.tsx
```
"""

PROGRESS = """# Shop

## Phase 1: Development
- [ ] @backend-architect - users API
- [ ] @frontend-architect - users page

## Blockers
"""


def git(root: Path, *args: str) -> str:
    """Run git in ``root`` with an isolated identity and config."""
    env = dict(os.environ)
    env.update(
        {
            "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_AUTHOR_NAME": "Person",
            "GIT_AUTHOR_EMAIL": "person@example.invalid",
            "GIT_COMMITTER_NAME": "Person",
            "GIT_COMMITTER_EMAIL": "person@example.invalid",
        }
    )
    out = subprocess.run(
        ["git", *args], cwd=root, env=env, capture_output=True, text=True, check=True
    )
    return out.stdout


def make_repo(root: Path, *, with_git: bool = True) -> Path:
    """Create the fixture project at ``root``."""
    (root / ".claude" / "agents").mkdir(parents=True)
    (root / ".claude" / "agents" / "backend-architect.md").write_text(BACKEND_AGENT)
    (root / ".claude" / "agents" / "frontend-architect.md").write_text(FRONTEND_AGENT)
    (root / "backend").mkdir()
    (root / "backend" / "app.py").write_text('def users():\n    return "OLD"\n')
    (root / "frontend").mkdir()
    (root / "frontend" / "page.tsx").write_text("export const Page = () => null;\n")
    (root / "PROGRESS.md").write_text(PROGRESS)
    if with_git:
        git(root, "init", "-q", "-b", "main")
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", "start")
    return root


def agentdesk_env(
    base_url: str, home: Path, extra: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Environment for a child ``agentdesk``: the scripted server, a canary key, an empty home."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANTHROPIC_")}
    env.update(
        {
            "ANTHROPIC_BASE_URL": base_url,
            "ANTHROPIC_API_KEY": "sk-ant-canary-0123456789",
            "HOME": str(home),
            "XDG_CONFIG_HOME": str(home / ".config"),
            "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_CONFIG_NOSYSTEM": "1",
        }
    )
    env.update(extra or {})
    return env


def run_agentdesk(
    args: Sequence[str], env: Mapping[str, str], *, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """Run the real ``agentdesk`` command (this interpreter, the source tree's package)."""
    return subprocess.run(
        [sys.executable, "-m", "tui.cli", *args],
        cwd=ROOT,
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
