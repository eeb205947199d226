"""Run every benchmark figure and print one table: figure, median, min, max, p95, runs, the
floor measured in the same run, the ratio, the goal and a verdict.

    uv run python -m tests.bench.run_all [--quick] [--only GROUPS] [--runs 5]
        [--stream-seconds 15] [--idle-seconds 15] [--json tests/bench/results.json]

The table is also written as JSON (``tests/bench/results.json``, not committed); when an earlier
file is there, a second table shows each median's change since then. Nothing is asserted: a
figure that fails to run becomes a "not run" row with the reason, and the run goes on. See
``tests/bench/README.md``.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import shutil
import subprocess
import sys
import time
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the checkout importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench.common import BENCH_DIR, REPO_ROOT, Context, log
from tests.bench.results import Row, fmt, table, unavailable

#: (group, module) in running order; engine first (no terminal), idle last.
FIGURES: list[tuple[str, str]] = [
    ("engine", "bench_engine"),
    ("first_frame", "bench_first_frame"),
    ("big_repo", "bench_big_repo"),
    ("progress", "bench_progress_view"),
    ("approve", "bench_approve"),
    ("streaming", "bench_streaming"),
    ("transcript", "bench_transcript"),
    ("memory", "bench_memory"),
    ("idle", "bench_idle"),
]
TERMINAL = {name for name, _ in FIGURES} - {"engine"}
DEFAULT_JSON = Path(__file__).with_name("results.json")


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    """The harness's options."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs (a smoke run, ~2 min)")
    parser.add_argument(
        "--only", default="", help="comma-separated groups: " + ", ".join(n for n, _ in FIGURES)
    )
    parser.add_argument("--runs", type=int, default=5, help="launches per first-frame figure")
    parser.add_argument(
        "--stream-seconds", type=float, default=15.0, help="streaming figure length (PERF: 60)"
    )
    parser.add_argument(
        "--idle-seconds", type=float, default=15.0, help="idle CPU window (PERF: 60)"
    )
    parser.add_argument(
        "--json", type=Path, default=DEFAULT_JSON, help="where to write the results"
    )
    return parser.parse_args(argv)


def run_group(name: str, module_name: str, ctx: Context) -> list[Row]:
    """One script's rows; an exception becomes a "not run" row naming it."""
    try:
        module = importlib.import_module(f"tests.bench.{module_name}")
        rows: list[Row] = module.run(ctx)
        for row in rows:
            row.group = name  # the harness's group name (--only), whatever the script called it
        return rows
    except Exception as exc:
        detail = traceback.format_exception_only(type(exc), exc)[-1].strip().splitlines()[0]
        log(f"{name} failed: {detail}")
        traceback.print_exc(file=sys.stderr)
        return [unavailable(f"{name}: did not run", "", f"{name}: {detail[:300]}", group=name)]


def machine() -> dict[str, Any]:
    """What the numbers were measured on."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
    except OSError:
        commit = ""
    from textual import __version__ as textual_version

    return {
        "when": time.strftime("%Y-%m-%d %H:%M:%S"),
        "commit": commit,
        "python": platform.python_version(),
        "textual": textual_version,
        "cpus": os.cpu_count(),
        "load_before": os.getloadavg()[0],
        "platform": platform.platform(),
    }


def compare(previous: dict[str, Any], rows: Sequence[Row]) -> str:
    """Each median against the same figure's median in an earlier results file."""
    before = {r["figure"]: r for r in previous.get("rows", [])}
    lines = []
    for row in rows:
        old = before.get(row.figure, {}).get("median")
        new = row.stat("median")
        if old is None or new is None:
            continue
        change = f"{(new - old) / old * 100:+.0f}%" if old else ""
        lines.append(
            f"  {row.figure:<52} {fmt(old, row.unit):>12} → {fmt(new, row.unit):>12}  {change}"
        )
    when = previous.get("machine", {}).get("when", "?")
    return f"Change since the previous run ({when}):\n" + "\n".join(lines) if lines else ""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the chosen figures, print the table, write the JSON."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    ctx = Context(
        quick=args.quick,
        stream_seconds=args.stream_seconds if not args.quick else min(args.stream_seconds, 8.0),
        idle_seconds=args.idle_seconds if not args.quick else min(args.idle_seconds, 8.0),
        runs=args.runs if not args.quick else min(args.runs, 3),
    )
    chosen = {g.strip() for g in args.only.split(",") if g.strip()}
    unknown = chosen - {n for n, _ in FIGURES}
    if unknown:
        print(f"unknown group(s): {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    info = machine()
    started = time.monotonic()
    rows: list[Row] = []
    for name, module_name in FIGURES:
        if chosen and name not in chosen:
            continue
        if name in TERMINAL and shutil.which("tmux") is None:
            rows.append(
                unavailable(f"{name}: did not run", "", "tmux is not installed", group=name)
            )
            continue
        t0 = time.monotonic()
        rows.extend(run_group(name, module_name, ctx))
        log(f"{name}: {time.monotonic() - t0:.0f} s (total {time.monotonic() - started:.0f} s)")
    info["seconds"] = round(time.monotonic() - started, 1)
    info["load_after"] = os.getloadavg()[0]
    print()
    print(table(rows))
    print(
        f"\n{info['seconds']:.0f} s on {info['cpus']} cores, load {info['load_before']:.1f} → "
        f"{info['load_after']:.1f}; commit {info['commit']}; Python {info['python']}, "
        f"Textual {info['textual']}"
    )
    previous: dict[str, Any] = {}
    if args.json.exists():
        try:
            previous = json.loads(args.json.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            previous = {}
    if previous:
        text = compare(previous, rows)
        if text:
            print("\n" + text)
    if chosen:  # a partial run keeps the other figures' last results
        ran = {name for name, _ in FIGURES if name in chosen}
        kept = [r for r in previous.get("rows", []) if r.get("group") not in ran]
    else:
        kept = []
    settings = {
        "quick": ctx.quick,
        "runs": ctx.runs,
        "stream_seconds": ctx.stream_seconds,
        "idle_seconds": ctx.idle_seconds,
    }
    fresh = [{**r.as_json(), "when": info["when"]} for r in rows]
    payload = {"machine": info, "settings": settings, "rows": kept + fresh}
    args.json.write_text(json.dumps(payload, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nwritten: {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
