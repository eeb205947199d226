"""Benchmark: loading 200 agent files (goal: well under 1 s, PERF.md).

Run on demand: ``uv run python tests/bench/bench_definitions.py [runs]``. Writes 200 agent files
(variants of the bundled roster, some with front matter that needs the line-by-line fallback,
some invalid) into a temporary project and prints the median and p90 of: reading the bytes
alone (the floor, same run), parsing every file, ``discover()``, and the full ``agentdesk
agents`` report (walk, pattern matches, overlaps). Never part of ``uv run pytest``; asserts
nothing about wall-clock time.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from agents.agentfile import parse_agent_file
from agents.config import ProjectConfig
from agents.definition import AgentDefinition
from agents.discovery import ROSTER_DIR, discover
from agents.listing import build_report
from agents.listing_walk import walk_repo

COUNT = 200


def _make_project(root: Path) -> Path:
    folder = root / ".claude" / "agents"
    folder.mkdir(parents=True)
    templates = [p.read_text(encoding="utf-8") for p in sorted(ROSTER_DIR.glob("*.md"))]
    for i in range(COUNT):
        text = templates[i % len(templates)]
        name = text.split("name: ", 1)[1].split("\n", 1)[0]
        text = text.replace(f"name: {name}", f"name: {name}-{i}", 1)
        text = text.replace("backend/\n", f"backend{i}/\n", 1)
        if i % 10 == 0:  # an unquoted ': ' in the description: the line-by-line reader
            text = text.replace("description: ", "description: Note: ", 1)
        if i % 25 == 0:  # a typo: an invalid file
            text = text.replace("tools: Read,", "tools: Raed,", 1)
        (folder / f"agent-{i:03}.md").write_text(text, encoding="utf-8")
    for rel in ("backend0/app.py", "frontend/src/App.tsx", "db/schema.sql", "README.md"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("x\n", encoding="utf-8")
    return folder


def _make_tree(root: Path, files: int) -> None:
    """A tree of ``files`` files in 100 folders, a third of them under an ignored folder."""
    root.mkdir(parents=True, exist_ok=True)
    (root / ".gitignore").write_text("node_modules/\n*.log\n", encoding="utf-8")
    for i in range(files):
        folder = root / ("node_modules" if i % 3 == 0 else "src") / f"pkg{i % 100}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"f{i}.{'log' if i % 10 == 0 else 'ts'}").write_bytes(b"")


def _time(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, int(len(samples) * 0.9))]


def main(runs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "proj"
        folder = _make_project(root)
        files = sorted(folder.glob("*.md"))
        home = Path(tmp) / "home"
        config = ProjectConfig()
        tree = Path(tmp) / "tree"
        _make_tree(tree, 10_000)
        parsed = [parse_agent_file(p) for p in files]
        valid = sum(isinstance(r, AgentDefinition) for r in parsed)
        rows = [
            ("read bytes only (floor)", _time(lambda: [p.read_bytes() for p in files], runs)),
            ("parse 200 files", _time(lambda: [parse_agent_file(p) for p in files], runs)),
            (
                "discover() (project + bundled)",
                _time(lambda: discover(root, user_home=home, project_config=config), runs),
            ),
            ("walk a 10,000-file tree", _time(lambda: walk_repo(tree), max(3, runs // 3))),
            (
                "full agents report",
                _time(
                    lambda: build_report(discover(root, user_home=home, project_config=config)),
                    max(3, runs // 3),
                ),
            ),
        ]
    print(f"{COUNT} agent files ({valid} valid), {runs} runs, times in ms")
    print(f"{'stage':<34}{'median':>10}{'p90':>10}")
    for label, (median, p90) in rows:
        print(f"{label:<34}{median:>10.1f}{p90:>10.1f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 9)
