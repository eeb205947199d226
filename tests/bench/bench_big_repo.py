"""First frame in a 100,000-file repository whose Domains cover a tenth of it, against the same
team in a 100-file repository, launched alternately in tmux (goal: no worse; nothing may walk
the tree before the first frame).

    uv run python -m tests.bench.bench_big_repo [--runs 5]

Both repositories have 100 top folders ``pkg00``..``pkg99``; the big one holds 10 x 100 files
in each (100,000 in all, committed with git), the small one a single file in each. The four
agents' Domains are ``pkg00/``..``pkg09/``: a tenth of either tree. Generated once under the
bench directory and reused.
"""

from __future__ import annotations

import argparse

from tests.bench.bench_first_frame import desk_launch
from tests.bench.common import BENCH_DIR, Context, alternate, log, tmux_session
from tests.bench.fixtures import NAMES, make_team_repo
from tests.bench.results import Goal, Row, print_rows

GROUP = "first frame"
#: agent -> a share of pkg00/..pkg09/ (ten of the hundred top folders).
DOMAINS = {
    NAMES[0]: ["pkg00/", "pkg01/", "pkg02/"],
    NAMES[1]: ["pkg03/", "pkg04/", "pkg05/"],
    NAMES[2]: ["pkg06/", "pkg07/", "pkg08/"],
    NAMES[3]: ["pkg09/"],
}


def run(ctx: Context) -> list[Row]:
    """The 100k-file row."""
    log("100,000-file repository (generated once, then reused)")
    big = make_team_repo(BENCH_DIR / "repos" / "files-100k", domains=DOMAINS, tree=(100, 10, 100))
    small = make_team_repo(BENCH_DIR / "repos" / "files-100", domains=DOMAINS, tree=(100, 1, 1))
    log(f"first frame: 100k vs 100 files alternately, {ctx.runs} runs each")
    with tmux_session() as tm:
        times = alternate(tm, {"big": desk_launch(big), "small": desk_launch(small)}, ctx.runs)
    return [
        Row(
            "first frame: 100,000-file repo",
            "ms",
            times["big"],
            times["small"],
            "100-file repo",
            Goal("≤ 1.1× floor", "ratio", 1.1),
            note="Domains cover a tenth of the tree; goal 'no worse', with 10 % for noise",
            group=GROUP,
        ),
        Row(
            "desk ready (agents on screen): 100,000-file repo",
            "ms",
            times["big:ready"],
            times["small:ready"],
            "100-file repo",
            Goal("≤ 1.1× floor", "ratio", 1.1),
            note="the same launches, until the agents' names are on screen",
            group=GROUP,
        ),
    ]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=5)
    print_rows(run(Context(runs=parser.parse_args().runs)))
