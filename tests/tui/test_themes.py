"""Themes as data: the bundled ones load, bad files are reported and skipped, user themes are
found in the user config folder, the choice is saved, and an unknown choice falls back."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.tui.conftest import make_workspace
from tests.tui.fake_workspace import FakeUserConfig
from tests.tui.helpers import RecordingDesk
from tui.themes import (
    DEFAULT_THEME,
    ThemeError,
    bundled_dir,
    load_theme_file,
    load_themes,
    user_dir,
)

GOOD = (
    "name: my-theme\nprimary: '#336699'\ndark: false\n"
    "variables:\n  footer-key-foreground: '#ff0000'\n"
)


def test_at_least_three_bundled_themes_load() -> None:
    loaded = load_themes([bundled_dir()])
    assert loaded.problems == []
    assert {"agentdesk-dusk", "agentdesk-paper", "agentdesk-harbor"} <= set(loaded.names)
    paper = next(t for t in loaded.themes if t.name == "agentdesk-paper")
    assert paper.dark is False


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("- a\n- b\n", "must be a YAML mapping"),
        ("name: x\nprimary: [oops\n", "line 3"),
        ("name: x\nprimary: 'not-a-colour'\n", "'primary': 'not-a-colour' is not a colour"),
        ("name: x\n", "'primary' colour is required"),
        ("name: Bad Name\nprimary: '#000000'\n", "'name' must be"),
        ("name: x\nprimary: '#000000'\nshadow: 1\n", "unknown key(s): shadow"),
        ("name: x\nprimary: '#000000'\ndark: 'yes'\n", "'dark' must be true or false"),
        ("name: x\nprimary: '#000000'\nvariables: [1]\n", "'variables' must be a mapping"),
        ("name: x\nprimary: 12\n", "must be a colour string"),
        ("name: x\nprimary: !!python/object:os.system '#000'\n", "line 2"),
    ],
)
def test_bad_theme_files_say_why(tmp_path: Path, text: str, reason: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(ThemeError) as info:
        load_theme_file(path)
    assert reason in str(info.value)
    assert str(path) in str(info.value)


def test_binary_and_huge_theme_files(tmp_path: Path) -> None:
    binary = tmp_path / "bin.yaml"
    binary.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(ThemeError, match="not UTF-8"):
        load_theme_file(binary)
    huge = tmp_path / "huge.yaml"
    huge.write_text("name: x\nprimary: '#000000'\n" + "#" * 70_000)
    with pytest.raises(ThemeError, match="larger than"):
        load_theme_file(huge)


def test_load_themes_skips_bad_keeps_good_and_protects_builtins(tmp_path: Path) -> None:
    (tmp_path / "good.yaml").write_text(GOOD)
    (tmp_path / "bad.yaml").write_text("name: x\n")
    (tmp_path / "clash.yml").write_text("name: nord\nprimary: '#000000'\n")
    (tmp_path / "notes.txt").write_text("ignored")
    loaded = load_themes([tmp_path], reserved={"nord"})
    assert loaded.names == ["my-theme"]
    assert len(loaded.problems) == 2
    assert any("built-in theme" in p for p in loaded.problems)


def test_user_dir_honours_xdg(tmp_path: Path) -> None:
    assert user_dir({"XDG_CONFIG_HOME": str(tmp_path)}) == tmp_path / "agentdesk" / "themes"
    assert user_dir({"HOME": str(tmp_path)}) == tmp_path / ".config" / "agentdesk" / "themes"


async def test_desk_uses_saved_user_theme_and_saves_changes(tmp_path: Path) -> None:
    themes = tmp_path / "home" / ".config" / "agentdesk" / "themes"
    themes.mkdir(parents=True)
    (themes / "mine.yaml").write_text(GOOD)
    (themes / "broken.yaml").write_text("primary: nope\n")
    ws = make_workspace(tmp_path)
    ws.user_config = FakeUserConfig(theme="my-theme")
    saved: list[str] = []
    app = RecordingDesk(ws, save_theme=saved.append)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.theme == "my-theme"
        assert "broken.yaml" in app.note_text()
        assert saved == []  # loading the saved choice is not a change
        app.theme = "agentdesk-harbor"
        for _ in range(50):
            await pilot.pause(0.02)
            if saved:
                break
        assert saved == ["agentdesk-harbor"]


async def test_unknown_theme_falls_back_with_a_message(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path)
    ws.user_config = FakeUserConfig(theme="gone")
    app = RecordingDesk(ws)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.theme == DEFAULT_THEME
        assert "theme 'gone' not found" in app.note_text()


async def test_theme_save_failure_is_a_warning(tmp_path: Path) -> None:
    def broken(name: str) -> None:
        raise OSError("read-only config")

    ws = make_workspace(tmp_path)
    app = RecordingDesk(ws, save_theme=broken)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.theme = "nord"
        for _ in range(40):
            await pilot.pause(0.02)
            if "Could not save the theme" in app.note_text():
                break
        assert "Could not save the theme: read-only config" in app.note_text()
