"""The benchmark harness's own logic (tables, verdicts, fixtures, probe, tmux driver), so it
does not rot between runs. Nothing here measures or asserts a time."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from agents.agentfile import parse_agent_file
from agents.definition import AgentDefinition
from agents.transcript import TranscriptStore
from tests.bench import common, fixtures, results, run_all
from tests.bench.bench_streaming import intervals, lost_tokens
from tests.bench.desk_run import read_probe
from tests.bench.probe import Probe
from tests.bench.results import Goal, Row


def test_summarise_gives_median_range_p95_and_count() -> None:
    s = results.summarise([5.0, 1.0, 3.0, 2.0, 4.0])
    assert s == {"median": 3.0, "min": 1.0, "max": 5.0, "p95": 5.0, "runs": 5.0}
    assert results.summarise([]) == {}


@pytest.mark.parametrize(
    ("samples", "floor", "goal", "verdict"),
    [
        ([40.0, 60.0, 45.0], None, Goal("< 50", "below", 50.0), "met"),
        ([50.0, 60.0, 55.0], None, Goal("< 50", "below", 50.0), "not met"),
        ([50.0], None, Goal("≤ 50", "at_most", 50.0), "met"),
        ([300.0], [200.0], Goal("≤ 1.5×", "ratio", 1.5), "met"),
        ([301.0], [200.0], Goal("≤ 1.5×", "ratio", 1.5), "not met"),
        ([300.0], None, Goal("≤ 1.5×", "ratio", 1.5), "no floor"),
        ([0.0, 0.0, 1.0], None, Goal("never", "at_most", 0, stat="max"), "not met"),
        ([0.0, 0.0], None, Goal("never", "at_most", 0, stat="max"), "met"),
        ([1.0], [1.0], None, "no goal"),
        ([], None, Goal("< 50", "below", 50.0), "not run"),
    ],
)
def test_verdicts(
    samples: list[float], floor: list[float] | None, goal: Goal | None, verdict: str
) -> None:
    assert Row("x", "ms", samples, floor, "f", goal).verdict == verdict


def test_table_has_every_column_the_ratio_and_numbered_notes() -> None:
    rows = [
        Row("fast thing", "ms", [10.0, 20.0], [10.0], "floor app", Goal("< 50", "below", 50)),
        Row("slow thing", "ms", [400.0], note="why it is slow"),
        results.unavailable("peer", "ms", "npm is not installed"),
    ]
    text = results.table(rows)
    head = text.splitlines()[0].split()
    assert head == list(results.HEADINGS)
    assert "1.50×" in text  # 15 / 10
    assert "slow thing [1]" in text and "[1] why it is slow" in text
    assert "peer [2]" in text and "[2] npm is not installed" in text
    assert "not run" in text and "no goal" in text and "met" in text
    data = rows[0].as_json()
    assert data["median"] == 15.0 and data["floor_median"] == 10.0 and data["verdict"] == "met"


def test_agent_file_fixture_is_a_valid_agent_with_its_domain(tmp_path: Path) -> None:
    path = tmp_path / "bench-api.md"
    path.write_text(fixtures.agent_file("bench-api", "blue", ["pkg00/", "pkg01/"]))
    parsed = parse_agent_file(path, "project")
    assert isinstance(parsed, AgentDefinition)
    assert parsed.name == "bench-api"
    assert list(parsed.domain) == ["pkg00/", "pkg01/"]


def test_stream_text_is_exactly_the_tokens_asked_for_in_short_lines() -> None:
    text = fixtures.stream_text(3000, 4, "bench-web")
    assert len(text) == 12_000
    assert text.startswith("bench-web")
    assert max(len(line) for line in text.splitlines()) < 80
    assert text != fixtures.stream_text(3000, 4, "bench-api")


def test_seeded_transcript_has_about_the_lines_asked_and_ends_in_the_marker(
    tmp_path: Path,
) -> None:
    count = fixtures.seed_transcript(tmp_path, "bench-data", 10_000, "the-end-marker")
    entries = TranscriptStore(tmp_path / ".agentdesk", "bench-data").load_entries()
    assert len(entries) == count
    lines = sum(e.text.count("\n") + 1 for e in entries)
    assert 9_500 <= lines <= 10_500
    assert entries[-1].kind == "assistant" and entries[-1].text.endswith("the-end-marker")
    assert {"assistant", "tool_call", "tool_result"} <= {e.kind for e in entries}


def test_lost_tokens_counts_everything_after_the_first_difference() -> None:
    assert lost_tokens("abcdefgh", "abcdefgh") == 0
    assert lost_tokens("abcdefgh", "abcd") == 1
    assert lost_tokens("abcdefgh", "abc") == 2
    assert lost_tokens("abcdefgh", "abXdefgh") == 2
    assert lost_tokens("abcdefgh", "") == 2


def test_intervals_only_inside_the_window() -> None:
    frames = [0.0, 1.0, 1.02, 1.05, 1.1, 3.0]
    gaps = intervals(frames, 1.0, 1.1)
    assert [round(g) for g in gaps] == [20, 30, 50]


def test_probe_marks_are_written_with_the_next_frame(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    probe = Probe(str(path), main_screen="main")

    class Screen:
        def __init__(self, name: str) -> None:
            self.id = name

    probe.on_frame(Screen("_default"))  # not the main screen: no first frame yet
    probe.mark("progress", rev=7)
    probe.on_frame(Screen("main"))
    probe.close()
    events = read_probe(path)
    names = [e["ev"] for e in events]
    assert names == ["progress", "first_frame", "progress_frame", "exit"]
    assert events[2]["rev"] == 7 and events[2]["t"] >= events[0]["t"]
    assert len(events[-1]["frames"]) == 2


def test_proc_sampling_of_this_process() -> None:
    pid = os.getpid()
    assert common.cpu_seconds(pid) > 0
    assert 5 < common.rss_mib(pid) < 10_000
    assert common.context_switches(pid) > 0  # this process has certainly slept
    assert common.alive(pid)
    assert not common.alive(2**22 + 12345)


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_tmux_time_to_visible_and_a_program_that_exits_early(tmp_path: Path) -> None:
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path)}
    with common.tmux_session() as tm:
        shown = common.Launch(
            ["sh", "-c", "echo bench-ready; sleep 5"], env, tmp_path, "bench-ready"
        )
        assert common.time_to_visible(tm, shown, timeout=10) > 0
        window = tm.spawn(["sh", "-c", "echo something else"], env=env, cwd=tmp_path)
        with pytest.raises(common.TmuxError, match="exited before"):
            tm.wait_for(window, "bench-ready", timeout=10)
        size = tm.command(
            f"display-message -p -t {window.pane} '#{{window_width}}x#{{window_height}}'"
        )
        assert size == f"{common.COLS}x{common.ROWS}"
        tm.close_window(window)
    assert not (Path(f"/tmp/tmux-{os.getuid()}") / tm.socket).exists()


def test_run_all_refuses_an_unknown_group(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_all.main(["--only", "first_frame,nope"]) == 2
    assert "nope" in capsys.readouterr().err


def test_compare_shows_each_median_change() -> None:
    previous = {"machine": {"when": "then"}, "rows": [{"figure": "a", "median": 100.0}]}
    text = run_all.compare(previous, [Row("a", "ms", [150.0]), Row("b", "ms", [1.0])])
    assert "then" in text and "+50%" in text and "b " not in text


def test_claude_code_row_says_why_when_npm_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.bench import bench_first_frame

    monkeypatch.setattr(bench_first_frame, "BENCH_DIR", tmp_path)
    monkeypatch.setattr(bench_first_frame.shutil, "which", lambda _name: None)
    binary, why = bench_first_frame.claude_code()
    assert binary is None and why == "npm is not installed"


def test_a_figure_that_fails_becomes_a_not_run_row_naming_the_error() -> None:
    rows = run_all.run_group("broken", "results", common.Context())  # results has no run()
    assert len(rows) == 1
    assert rows[0].verdict == "not run" and rows[0].group == "broken"
    assert "AttributeError" in rows[0].note
