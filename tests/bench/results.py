"""The results table: a :class:`Row` per figure (samples, same-run floor, goal), its verdict,
and the text table every benchmark prints."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Goal:
    """What a figure should reach. ``kind``: ``below`` (stat < value), ``at_most`` (stat <=
    value) or ``ratio`` (stat / floor median <= value). ``stat``: median, p95 or max."""

    text: str
    kind: str
    value: float
    stat: str = "median"


@dataclass
class Row:
    """One line of the table: a figure's samples, its same-run floor and its goal."""

    figure: str
    unit: str
    samples: list[float]
    floor: list[float] | None = None
    floor_label: str = ""
    goal: Goal | None = None
    note: str = ""
    group: str = ""

    def stat(self, name: str) -> float | None:
        """median / min / max / p95 of the samples (None when there are none)."""
        return summarise(self.samples).get(name)

    @property
    def floor_median(self) -> float | None:
        """Median of the floor samples, if any."""
        return statistics.median(self.floor) if self.floor else None

    @property
    def ratio(self) -> float | None:
        """Median over the floor's median."""
        med, base = self.stat("median"), self.floor_median
        if med is None or not base:
            return None
        return med / base

    @property
    def verdict(self) -> str:
        """met / not met / no floor (a ratio goal without its floor) / no goal / not run."""
        if not self.samples:
            return "not run"
        if self.goal is None:
            return "no goal"
        goal = self.goal
        value = self.stat(goal.stat)
        if goal.kind == "ratio":
            base = self.floor_median
            if not base or value is None:
                return "no floor"
            value = value / base
        assert value is not None
        ok = value < goal.value if goal.kind == "below" else value <= goal.value
        return "met" if ok else "not met"

    def as_json(self) -> dict[str, Any]:
        """The row as plain data for ``results.json``."""
        return {
            "figure": self.figure,
            "group": self.group,
            "unit": self.unit,
            **{k: v for k, v in summarise(self.samples).items()},
            "samples": [round(s, 4) for s in self.samples],
            "floor_label": self.floor_label,
            "floor_median": self.floor_median,
            "floor_samples": [round(s, 4) for s in self.floor or []],
            "ratio": self.ratio,
            "goal": self.goal.text if self.goal else "",
            "verdict": self.verdict,
            "note": self.note,
        }


def unavailable(
    figure: str, unit: str, why: str, *, group: str = "", goal: Goal | None = None
) -> Row:
    """A row for a figure that could not be measured here; the note says why."""
    return Row(figure, unit, [], goal=goal, note=why, group=group)


def summarise(samples: Sequence[float]) -> dict[str, float]:
    """median, min, max, p95 and runs of ``samples`` (empty dict for no samples)."""
    if not samples:
        return {}
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "median": statistics.median(ordered),
        "min": ordered[0],
        "max": ordered[-1],
        "p95": p95,
        "runs": float(len(ordered)),
    }


def fmt(value: float | None, unit: str = "") -> str:
    """A compact number: 3 significant digits, no unit for ratios."""
    if value is None:
        return "—"
    if value == 0:
        return "0"
    mag = abs(value)
    text = f"{value:.0f}" if mag >= 100 else f"{value:.1f}" if mag >= 10 else f"{value:.2f}"
    return f"{text} {unit}".rstrip() if unit else text


HEADINGS = ("figure", "median", "min", "max", "p95", "runs", "floor", "ratio", "goal", "verdict")


def table(rows: Sequence[Row]) -> str:
    """The results as one aligned text table (notes under the table, numbered)."""
    lines: list[list[str]] = [list(HEADINGS)]
    notes: list[str] = []
    for row in rows:
        s = summarise(row.samples)
        figure = row.figure
        if row.note:
            notes.append(row.note)
            figure = f"{figure} [{len(notes)}]"
        floor = ""
        if row.floor:
            floor = f"{fmt(row.floor_median, row.unit)} ({row.floor_label})"
        ratio = row.ratio
        lines.append(
            [
                figure,
                fmt(s.get("median"), row.unit),
                fmt(s.get("min")),
                fmt(s.get("max")),
                fmt(s.get("p95")),
                str(int(s["runs"])) if s else "0",
                floor,
                f"{ratio:.2f}×" if ratio is not None else "",
                row.goal.text if row.goal else "",
                row.verdict,
            ]
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(HEADINGS))]
    out = []
    for n, line in enumerate(lines):
        cells = [
            c.ljust(w) if i in (0, 6, 8, 9) else c.rjust(w)
            for i, (c, w) in enumerate(zip(line, widths, strict=True))
        ]
        out.append("  ".join(cells).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    out.extend(f"[{i}] {note}" for i, note in enumerate(notes, 1))
    return "\n".join(out)


def print_rows(rows: Sequence[Row]) -> None:
    """Print ``rows`` as the common table (used by every script run on its own)."""
    print(table(rows), flush=True)
