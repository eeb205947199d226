"""``agentdesk [PATH]`` routes to the desk; a bad PATH is a clear error, not a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui import cli
from tui.commands import desk_cmd


@pytest.mark.parametrize(
    ("argv", "path"), [([], "."), (["some/repo"], "some/repo"), (["desk", "x"], "x")]
)
def test_bare_and_path_arguments_open_the_desk(
    monkeypatch: pytest.MonkeyPatch, argv: list[str], path: str
) -> None:
    seen: list[str] = []

    def fake_open(given: str) -> int:
        seen.append(given)
        return 7

    monkeypatch.setattr(desk_cmd, "open_desk", fake_open)
    assert cli.main(argv) == 7
    assert seen == [path]


def test_the_plain_desk_command_line_skips_argparse() -> None:
    """``agentdesk`` and ``agentdesk PATH`` go straight to the desk: the parser and every
    subcommand's module are not imported before the first frame."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from tui import cli\n"
        "from tui.commands import desk_cmd\n"
        "desk_cmd.open_desk = lambda path: print(path) or 0\n"
        "cli.main(['some/repo'])\n"
        "print('argparse' in sys.modules, 'tui.commands.run_cmd' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["some/repo", "False", "False"]


def test_subcommands_still_win(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    never = lambda *a: pytest.fail("desk must not open")  # noqa: E731
    monkeypatch.setattr(desk_cmd, "run", never)
    monkeypatch.setattr(desk_cmd, "open_desk", never)
    with pytest.raises(SystemExit) as info:
        cli.main(["--version"])
    assert info.value.code == 0
    assert cli.main(["status", str(tmp_path / "nope")]) == 2  # status, not a desk on "status"


def test_missing_path_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main([str(tmp_path / "nope")])
    assert code == 2
    assert "not a directory" in capsys.readouterr().err


def test_bad_project_config_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "agentdesk.yaml").write_text("ceiling: [not, a, mode]\n")
    code = cli.main([str(tmp_path)])
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("agentdesk: ") and "agentdesk.yaml" in err
