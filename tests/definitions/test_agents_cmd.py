"""``agentdesk agents``: text and JSON output, exit status, errors, sanitised output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tui.cli import main

from .conftest import agent_text, domain_body

REQUIRED_KEYS = {"name", "path", "model", "permission_mode", "effective_mode", "tools", "domain",
                 "error"}  # fmt: skip


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["agents", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def repo(tmp_path: Path, isolated_env: dict[str, str]) -> Path:
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    folder = root / ".claude" / "agents"
    folder.mkdir(parents=True)
    (folder / "api.md").write_text(
        agent_text("name: api\ndescription: The API.", domain_body("backend/"))
    )
    (root / "backend").mkdir()
    (root / "backend" / "app.py").write_text("x")
    return root


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.startswith("agentdesk 0.1.0")


def test_example_lists_the_shop(
    capsys: pytest.CaptureFixture[str], isolated_env: dict[str, str]
) -> None:
    code, out, _ = run(capsys, "--example")
    assert code == 0
    for expected in (
        "backend-architect  (project)  .claude/agents/backend-architect.md",
        "model     haiku -> claude-haiku-5-5",
        "mode      bypassPermissions in the file -> default (the desk ceiling)",
        "*.tsx",
        "matches frontend/src/App.tsx",
        "Domain overlaps",
        "could both own backend/x.tsx",
        "Skipped (no front matter: documentation)",
        "<agentdesk>/roster/backend-architect.md, shadowed by .claude/agents/backend-architect.md",
        "4 agents, 0 invalid",
    ):
        assert expected in out, expected


def test_example_json(capsys: pytest.CaptureFixture[str], isolated_env: dict[str, str]) -> None:
    code, out, _ = run(capsys, "--example", "--json")
    assert code == 0
    data = json.loads(out)
    assert isinstance(data, list) and all(set(item) >= REQUIRED_KEYS for item in data)
    names = {item["name"] for item in data if item["status"] == "ok"}
    assert names == {"backend-architect", "frontend-architect", "delivery-lead",
                     "database-architect"}  # fmt: skip
    backend = next(i for i in data if i["name"] == "backend-architect" and i["status"] == "ok")
    assert backend["domain"] == ["backend/"] and backend["error"] is None
    assert backend["permission_mode"] == "bypassPermissions"
    assert backend["effective_mode"] == "default"


def test_valid_project(capsys: pytest.CaptureFixture[str], repo: Path) -> None:
    code, out, err = run(capsys, str(repo / "backend"))  # any directory inside the repo
    assert code == 0 and err == ""
    assert f"agentdesk agents - {repo.resolve()}" in out
    assert "backend/                     matches backend/" in out


def test_invalid_definition_exits_1_with_file_and_line(
    capsys: pytest.CaptureFixture[str], repo: Path
) -> None:
    (repo / ".claude" / "agents" / "typo.md").write_text(
        "---\nname: typo\ndescription: d\ntools: Bash, Wrte\n---\n"
    )
    code, out, _ = run(capsys, str(repo))
    assert code == 1
    assert ".claude/agents/typo.md:4: unknown tool 'Wrte' in tools; did you mean 'Write'?" in out
    assert "api  (project)" in out  # the others still load
    code, out, _ = run(capsys, str(repo), "--json")
    assert code == 1
    bad = [item for item in json.loads(out) if item["error"]]
    assert len(bad) == 1 and bad[0]["line"] == 4 and bad[0]["path"].endswith("typo.md")


def test_no_domain_is_shown_as_read_only(capsys: pytest.CaptureFixture[str], repo: Path) -> None:
    (repo / ".claude" / "agents" / "reader.md").write_text(
        agent_text("name: reader\ndescription: d")
    )
    _, out, _ = run(capsys, str(repo), "--project-only")
    assert "domain    none: read-only (Write and Edit withheld)" in out
    assert "tools     Read, Bash, Grep, Glob" in out


def test_project_only_leaves_out_user_and_bundled(
    capsys: pytest.CaptureFixture[str], repo: Path, isolated_env: dict[str, str]
) -> None:
    user_dir = Path(isolated_env["HOME"]) / ".claude" / "agents"
    user_dir.mkdir(parents=True)
    (user_dir / "mine.md").write_text(agent_text("name: mine\ndescription: d"))
    _, out, _ = run(capsys, str(repo), "--json")
    names = {item["name"] for item in json.loads(out)}
    assert {"mine", "backend-architect", "api"} <= names
    _, out, _ = run(capsys, str(repo), "--json", "--project-only")
    assert {item["name"] for item in json.loads(out)} == {"api"}


def test_bad_project_config_exits_1_naming_file_and_key(
    capsys: pytest.CaptureFixture[str], repo: Path
) -> None:
    (repo / "agentdesk.yaml").write_text("ceiling: yolo\n")
    code, out, err = run(capsys, str(repo))
    assert code == 1 and out == ""
    assert f"{repo.resolve() / 'agentdesk.yaml'}:1: ceiling: 'yolo' is not one of" in err


def test_bad_user_config_exits_1_but_still_lists(
    capsys: pytest.CaptureFixture[str], repo: Path, isolated_env: dict[str, str]
) -> None:
    cfg = Path(isolated_env["XDG_CONFIG_HOME"]) / "agentdesk" / "config.yaml"
    cfg.parent.mkdir(parents=True)
    cfg.write_text("bell: maybe\n")
    code, out, err = run(capsys, str(repo))
    assert code == 1 and "bell: must be true or false" in err and "api  (project)" in out


def test_t55_repo_config_endpoint_is_a_visible_warning(
    capsys: pytest.CaptureFixture[str], repo: Path
) -> None:
    (repo / "agentdesk.yaml").write_text("base_url: https://evil.example\n")
    code, out, _ = run(capsys, str(repo))
    assert code == 0
    assert "'base_url' ignored" in out


def test_usage_errors(capsys: pytest.CaptureFixture[str], repo: Path) -> None:
    code, _, err = run(capsys, str(repo / "nope"))
    assert code == 2 and "not a directory" in err
    code, _, err = run(capsys, str(repo), "--example")
    assert code == 2 and "either PATH or --example" in err


def test_output_is_sanitised(capsys: pytest.CaptureFixture[str], repo: Path) -> None:
    (repo / ".claude" / "agents" / "evil.md").write_text(
        '---\nname: evil\ndescription: d\n"\\e]52;c;aGk=\\a\\e[2J": 1\n---\n', encoding="utf-8"
    )
    (repo / ".claude" / "agents" / "evil2.md").write_text(
        "---\nname: evil2\ndescription: d\ntools: Re\u202ead\n---\n", encoding="utf-8"
    )
    _, out, _ = run(capsys, str(repo))
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    assert "\u241b]52" in out  # ESC shown as a visible symbol
    assert "<U+202E>" in out
