"""Engine figures, from the engine's own benchmark scripts: 200 agent files loaded, 10,000
Domain checks, PROGRESS.md parse of 5,000 lines, and a 100 KB proposal applied to disk.

    uv run python -m tests.bench.bench_engine [--runs 9]

Each row reuses the fixtures of ``bench_definitions``, ``bench_domain``, ``bench_progress`` and
``bench_apply`` (run those alone for their detailed tables) and states the same floors they do.
"""

from __future__ import annotations

import argparse
import random
import tempfile
from pathlib import Path

from tests.bench.common import Context, log, time_ms
from tests.bench.results import Goal, Row, print_rows

GROUP = "engine"


def definitions(runs: int) -> Row:
    """``discover()`` of 200 agent files (project + bundled) vs reading their bytes."""
    from agents.config import ProjectConfig
    from agents.discovery import discover
    from tests.bench.bench_definitions import COUNT, _make_project

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "proj"
        files = sorted(_make_project(root).glob("*.md"))
        home, config = Path(tmp) / "home", ProjectConfig()
        floor = time_ms(lambda: [p.read_bytes() for p in files], runs)
        samples = time_ms(lambda: discover(root, user_home=home, project_config=config), runs)
    return Row(
        f"engine: load {COUNT} agent files (discover)",
        "ms",
        samples,
        floor,
        "read the bytes",
        Goal("median < 1 s", "below", 1000.0),
        group=GROUP,
    )


def domain_checks(runs: int) -> Row:
    """10,000 ``PathGuard.check_write`` calls (lstat walk included) vs a bare startswith."""
    from agents.domain import PathGuard
    from tests.bench.bench_domain import SEED_DOMAIN, N, make_paths, make_tree

    paths = make_paths(random.Random(42))
    prefixes = tuple(p.rstrip("/") for p in SEED_DOMAIN)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        make_tree(root)
        guard = PathGuard(root, SEED_DOMAIN, agent="backend-architect")

        def checks() -> None:
            for path in paths:
                guard.check_write(path)

        samples = time_ms(checks, runs)
        floor = time_ms(lambda: [p.startswith(prefixes) for p in paths], runs)
    return Row(
        f"engine: {N:,} Domain checks (check_write)",
        "ms",
        samples,
        floor,
        "str.startswith (unsafe)",
        note="every path distinct; the first round fills the per-name case-fold cache",
        group=GROUP,
    )


def progress_parse(runs: int) -> Row:
    """``parse_progress`` of a 5,000-line PROGRESS.md vs splitting it into lines."""
    from agents.progress import parse_progress
    from tests.bench.bench_progress import make_doc

    text = make_doc(5000)
    return Row(
        "engine: PROGRESS.md parse, 5,000 lines",
        "ms",
        time_ms(lambda: parse_progress(text), runs * 3),
        time_ms(lambda: text.split("\n"), runs * 3),
        "str.split",
        Goal("median < 50 ms", "below", 50.0),
        group=GROUP,
    )


def apply_100kb(runs: int) -> Row:
    """A queued 100 KB Write proposal applied (journal, fsync, rename) vs the bare write."""
    from tests.bench.bench_apply import run as apply_run

    found = apply_run(runs, 1)
    return Row(
        "engine: apply a 100 KB proposal to disk",
        "ms",
        [s * 1000 for s in found["to disk"]],
        [s * 1000 for s in found["floor"]],
        "temp+fsync+rename",
        Goal("median < 20 ms", "below", 20.0),
        group=GROUP,
    )


def run(ctx: Context, runs: int | None = None) -> list[Row]:
    """The engine rows."""
    runs = runs or (5 if ctx.quick else 9)
    log(f"engine: definitions, Domain checks, PROGRESS.md parse, apply ({runs} runs)")
    return [definitions(runs), domain_checks(runs), progress_parse(runs), apply_100kb(runs * 3)]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=9)
    print_rows(run(Context(), parser.parse_args().runs))
