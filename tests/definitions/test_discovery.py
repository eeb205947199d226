"""Discovery: project over user over bundled, clashes, upward search, config, T38 helpers."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from agents.config import AgentOverride, ConfigError, ProjectConfig
from agents.discovery import (
    ROSTER_DIR,
    bundled_example,
    definition_changes,
    discover,
    find_project_root,
)

from .conftest import agent_text, domain_body

ROSTER = ("backend-architect", "database-architect", "delivery-lead", "frontend-architect")


def write_agent(folder: Path, name: str, *, file: str | None = None, body: str = "Body\n") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (file or f"{name}.md")
    path.write_text(agent_text(f"name: {name}\ndescription: The {name}.", body), encoding="utf-8")
    return path


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    return root


@pytest.fixture
def home(tmp_path: Path) -> Path:
    path = tmp_path / "home"
    path.mkdir()
    return path


def test_bundled_roster_is_found(repo: Path, home: Path) -> None:
    result = discover(repo, user_home=home)
    assert sorted(a.name for a in result.agents) == list(ROSTER)
    assert all(a.source == "bundled" for a in result.agents)
    assert result.errors == [] and result.clashes == []
    assert ROSTER_DIR in result.definition_dirs


def test_project_beats_user_beats_bundled(repo: Path, home: Path) -> None:
    project_file = write_agent(repo / ".claude" / "agents", "backend-architect")
    user_file = write_agent(home / ".claude" / "agents", "backend-architect")
    user_only = write_agent(home / ".claude" / "agents", "reviewer")
    write_agent(home / ".claude" / "agents", "delivery-lead")
    result = discover(repo, user_home=home)
    by_name = {a.name: a for a in result.agents}
    assert by_name["backend-architect"].path == project_file
    assert by_name["backend-architect"].source == "project"
    assert by_name["reviewer"].path == user_only and by_name["reviewer"].source == "user"
    assert by_name["delivery-lead"].source == "user"
    assert by_name["frontend-architect"].source == "bundled"
    assert len(result.clashes) == 3
    assert any(
        str(project_file) in c and str(user_file) in c and "shadowed" in c for c in result.clashes
    )
    assert {a.path for a in result.shadowed} >= {user_file, ROSTER_DIR / "backend-architect.md"}


def test_upward_search_nearer_folder_wins(repo: Path, home: Path) -> None:
    top = write_agent(repo / ".claude" / "agents", "api")
    nested = write_agent(repo / "services" / "shop" / ".claude" / "agents", "api")
    write_agent(repo / "services" / ".claude" / "agents", "worker")
    result = discover(repo, user_home=home, start=repo / "services" / "shop", include_bundled=False)
    assert result.get("api") is not None and result.get("api").path == nested  # type: ignore[union-attr]
    assert result.get("worker") is not None
    assert any(str(top) in c for c in result.clashes)
    # From the root, the nested folders are not searched.
    assert discover(repo, user_home=home, include_bundled=False).get("worker") is None


def test_find_project_root(repo: Path, tmp_path: Path) -> None:
    deep = repo / "a" / "b"
    deep.mkdir(parents=True)
    assert find_project_root(deep) == repo.resolve()
    (repo / "a" / "b" / "f.txt").write_text("x")
    assert find_project_root(deep / "f.txt") == repo.resolve()
    plain = tmp_path / "plain"
    plain.mkdir()
    assert find_project_root(plain) == plain.resolve()


def test_errors_and_skipped_do_not_stop_the_others(repo: Path, home: Path) -> None:
    folder = repo / ".claude" / "agents"
    write_agent(folder, "good")
    (folder / "broken.md").write_text("---\nname: broken\ndescription: x\ntools: Wrte\n---\n")
    (folder / "README.md").write_text("# About these agents\n")
    (folder / "notes.txt").write_text("not markdown")
    (folder / ".hidden.md").write_text("---\nname: hidden\n---\n")
    result = discover(repo, user_home=home, include_bundled=False)
    assert [a.name for a in result.agents] == ["good"]
    assert len(result.errors) == 1
    assert result.errors[0].path == folder / "broken.md" and result.errors[0].line == 4
    assert result.skipped == [
        (folder / "README.md", "no front matter: documentation, not an agent")
    ]


def test_broken_project_file_does_not_let_bundled_slip_in(repo: Path, home: Path) -> None:
    folder = repo / ".claude" / "agents"
    folder.mkdir(parents=True)
    (folder / "backend-architect.md").write_text("---\nname: backend-architect\n")
    result = discover(repo, user_home=home)
    assert result.get("backend-architect") is None
    assert len(result.errors) == 1
    assert any("failed to load" in c and "backend-architect" in c for c in result.clashes)


def test_duplicate_name_in_one_folder_is_an_error(repo: Path, home: Path) -> None:
    folder = repo / ".claude" / "agents"
    first = write_agent(folder, "twin", file="a.md")
    write_agent(folder, "twin", file="b.md")
    result = discover(repo, user_home=home, include_bundled=False)
    assert [a.path for a in result.agents] == [first]
    assert len(result.errors) == 1 and "already used by" in result.errors[0].reason


def test_config_filters_orders_and_overrides(repo: Path, home: Path) -> None:
    config = ProjectConfig(
        agents=["frontend-architect", "backend-architect", "ghost"],
        overrides={
            "backend-architect": AgentOverride(
                model="opus", permission_mode="plan", domain=("server/",)
            ),
            "nobody": AgentOverride(model="haiku"),
        },
    )
    result = discover(repo, user_home=home, project_config=config)
    assert [a.name for a in result.agents] == ["frontend-architect", "backend-architect"]
    backend = result.agents[1]
    assert (backend.model, backend.permission_mode) == ("opus", "plan")
    assert backend.domain == ("server/",) and backend.domain_source == "config"
    assert any("'ghost'" in w for w in result.warnings)
    assert any("'nobody'" in w for w in result.warnings)


def test_config_loaded_from_root_by_default(repo: Path, home: Path) -> None:
    (repo / "agentdesk.yaml").write_text("agents: [delivery-lead]\n")
    result = discover(repo, user_home=home)
    assert [a.name for a in result.agents] == ["delivery-lead"]
    (repo / "agentdesk.yaml").write_text("agents: yes\n")
    with pytest.raises(ConfigError):
        discover(repo, user_home=home)


def test_user_and_bundled_can_be_left_out(repo: Path, home: Path) -> None:
    write_agent(home / ".claude" / "agents", "mine")
    assert discover(repo, user_home=home, include_user=False, include_bundled=False).agents == []


def test_bundled_example_lists_project_agents(home: Path) -> None:
    example = bundled_example()
    result = discover(example, user_home=home)
    sources = {a.name: a.source for a in result.agents}
    assert sources == {
        "backend-architect": "project",
        "frontend-architect": "project",
        "delivery-lead": "project",
        "database-architect": "bundled",
    }
    assert result.get("delivery-lead").model == "haiku"  # type: ignore[union-attr]
    assert result.errors == [] and len(result.skipped) == 1 and len(result.clashes) == 3
    with pytest.raises(FileNotFoundError):
        bundled_example("nope")


# --- T38: definitions are a snapshot; changes in power are reported, never silent ------------


def test_t38_discovery_is_a_snapshot(repo: Path, home: Path) -> None:
    path = write_agent(repo / ".claude" / "agents", "a", body=domain_body("backend/"))
    result = discover(repo, user_home=home, include_bundled=False)
    path.write_text(agent_text("name: a\ndescription: x", domain_body("backend/", "frontend/")))
    assert result.get("a").domain == ("backend/",)  # type: ignore[union-attr]
    assert repo.resolve() / ".claude" / "agents" in result.definition_dirs


def test_t38_definition_changes_show_widening(repo: Path, home: Path) -> None:
    path = write_agent(repo / ".claude" / "agents", "a", body=domain_body("backend/"))
    before = discover(repo, user_home=home, include_bundled=False).get("a")
    path.write_text(
        agent_text(
            "name: a\ndescription: x\npermissionMode: bypassPermissions\ntools: Read, Write",
            domain_body("backend/", "frontend/"),
        )
    )
    after = discover(repo, user_home=home, include_bundled=False).get("a")
    assert before is not None and after is not None
    changes = definition_changes(before, after)
    assert "Domain added: frontend/" in changes
    assert "tools removed: Bash, Edit, Glob, Grep" in changes
    assert "permission mode: default -> bypassPermissions" in changes
    assert definition_changes(before, dataclasses.replace(before)) == []
