"""The listing behind ``agentdesk agents``: the walk, pattern matches, overlaps, JSON."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from agents.config import AgentOverride, ProjectConfig, UserConfig
from agents.definition import AgentDefinition
from agents.discovery import discover
from agents.domain_overlap import find_overlaps, witnesses
from agents.listing import build_report
from agents.listing_walk import domain_files, first_hit, walk_repo

from .conftest import agent_text, domain_body

REQUIRED_KEYS = {"name", "path", "model", "permission_mode", "effective_mode", "tools", "domain",
                 "error"}  # fmt: skip


def touch(root: Path, *paths: str) -> None:
    for rel in paths:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x")


def agent(name: str, *domain: str) -> AgentDefinition:
    return AgentDefinition(
        name=name, description="d", path=Path(f"{name}.md"), source="project", body="",
        domain=tuple(domain), domain_source="body" if domain else None,
    )  # fmt: skip


# --- the walk ---------------------------------------------------------------------------------


def test_walk_respects_gitignore_and_skips_git(tmp_path: Path) -> None:
    touch(tmp_path, "src/a.py", "build/out.js", "src/gen/x.py", "src/keep.log", ".git/config",
          "notes.tmp", "deep/node_modules/pkg/index.js")  # fmt: skip
    (tmp_path / ".gitignore").write_text("build/\n*.log\nnode_modules/\n")
    (tmp_path / "src" / ".gitignore").write_text("gen/\n!keep.log\n")
    (tmp_path / ".git" / "info").mkdir()
    (tmp_path / ".git" / "info" / "exclude").write_text("*.tmp\n")
    walk = walk_repo(tmp_path)
    assert sorted(walk.files) == [".gitignore", "src/.gitignore", "src/a.py", "src/keep.log"]
    assert sorted(walk.dirs) == ["deep/", "src/"]
    assert not walk.truncated


def test_walk_does_not_follow_symlinks(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    touch(outside, "secret/file.txt")
    repo = tmp_path / "repo"
    touch(repo, "a.txt")
    os.symlink(outside / "secret", repo / "link")
    walk = walk_repo(repo)
    assert sorted(walk.files) == ["a.txt", "link"]
    assert walk.dirs == []


def test_walk_is_bounded(tmp_path: Path) -> None:
    touch(tmp_path, *(f"d{i}/f{j}" for i in range(5) for j in range(10)))
    walk = walk_repo(tmp_path, max_entries=20)
    assert walk.truncated and len(walk.files) + len(walk.dirs) == 20


def test_first_hit_and_domain_files() -> None:
    paths = ["backend/", "backend/app.py", "x/backend/y.py", "src/api/", "src/api/r.ts", "a.tsx"]
    assert first_hit("backend/", paths) == "backend/"
    assert first_hit("/backend/", ["x/backend/y.py"]) is None
    assert first_hit("*.tsx", paths) == "a.tsx"
    assert first_hit("server/", paths) is None
    assert first_hit("!backend/", paths) == "backend/"
    files = [p for p in paths if not p.endswith("/")]
    assert domain_files(("backend/", "!backend/app.py"), files) == {"x/backend/y.py"}


# --- overlaps ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second", "example"),
    [
        (("frontend/",), ("*.tsx",), "frontend/x.tsx"),
        (("src/api/",), ("api/",), "src/api/f"),
        (("backend/",), ("**/*.test.ts",), "backend/x.test.ts"),
        (("backend/",), ("Makefile",), "backend/Makefile"),
        (("docs/",), ("docs/api/",), "docs/api/f"),
        (("*.sql",), ("db/",), "db/x.sql"),
    ],
)
def test_possible_overlaps(first: tuple[str, ...], second: tuple[str, ...], example: str) -> None:
    overlaps = find_overlaps([agent("a", *first), agent("b", *second)], [])
    assert len(overlaps) == 1
    assert overlaps[0].example == example and not overlaps[0].actual
    assert (overlaps[0].agent, overlaps[0].other) == ("a", "b")


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (("frontend/",), ("backend/",)),
        (("/scripts/",), ("/docs/",)),
        (("src/", "!src/api/"), ("src/api/",)),
        (("*.tsx",), ("*.vue",)),
        ((), ("backend/",)),
    ],
)
def test_no_overlap(first: tuple[str, ...], second: tuple[str, ...]) -> None:
    assert find_overlaps([agent("a", *first), agent("b", *second)], []) == []


def test_actual_overlap_names_a_real_file() -> None:
    files = ["src/api/users.tsx", "src/other.py"]
    overlaps = find_overlaps([agent("a", "src/api/"), agent("b", "*.tsx")], files)
    assert len(overlaps) == 1 and overlaps[0].actual
    assert overlaps[0].example == "src/api/users.tsx"
    assert (overlaps[0].pattern, overlaps[0].other_pattern) == ("src/api/", "*.tsx")


def test_witnesses_fill_wildcards() -> None:
    assert witnesses("backend/") == ("backend/f",)
    assert "x.tsx" in witnesses("*.tsx")
    assert "d/__tests__/f" in witnesses("**/__tests__/")
    assert "acx.py" in witnesses("[ab]c?.py")


# --- the report -------------------------------------------------------------------------------


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    (root / ".git").mkdir(parents=True)
    folder = root / ".claude" / "agents"
    folder.mkdir(parents=True)
    (folder / "api.md").write_text(
        agent_text(
            "name: api\ndescription: d\npermissionMode: bypassPermissions\nmodel: opus",
            domain_body("backend/", "server/"),
        )
    )
    (folder / "ui.md").write_text(agent_text("name: ui\ndescription: d", domain_body("*.tsx")))
    (folder / "reader.md").write_text(agent_text("name: reader\ndescription: d\ntools: Read"))
    (folder / "bad.md").write_text("---\nname: bad\ndescription: d\npermissionMode: yolo\n---\n")
    (folder / "README.md").write_text("# Team\n")
    touch(root, "backend/app.tsx", "web/index.html")
    return root


def test_report_contents(project: Path, tmp_path: Path) -> None:
    result = discover(project, user_home=tmp_path / "nohome", include_bundled=False)
    report = build_report(result, UserConfig(model_aliases={"opus": "opus-id"}))
    by_name = {a.name: a for a in report.agents if a.status == "ok"}
    api = by_name["api"]
    assert (api.model, api.model_id) == ("opus", "opus-id")
    assert (api.permission_mode, api.effective_mode) == ("bypassPermissions", "default")
    assert api.tools[:6] == ("Read", "Write", "Edit", "Bash", "Grep", "Glob")
    assert api.tools[6:] == ("MarkComplete", "RaiseBlocker", "ReportSetup")
    assert [(p.pattern, p.matches) for p in api.domain] == [("backend/", True), ("server/", False)]
    assert by_name["reader"].tools[:1] == ("Read",) and not by_name["reader"].domain
    assert by_name["ui"].model == "inherit"
    actual = [o for o in report.overlaps if o.actual]
    assert [(o.agent, o.other, o.example) for o in actual] == [("api", "ui", "backend/app.tsx")]
    assert [o.other for o in api.overlaps] == ["ui"]
    assert [o.other for o in by_name["ui"].overlaps] == ["api"]
    invalid = report.invalid
    assert len(invalid) == 1 and invalid[0].line == 4 and "yolo" in (invalid[0].error or "")
    assert [a.path.name for a in report.agents if a.status == "skipped"] == ["README.md"]
    assert report.walked > 0 and not report.truncated


def test_report_json_has_required_keys(project: Path, tmp_path: Path) -> None:
    report = build_report(discover(project, user_home=tmp_path / "nohome"))
    data = report.to_json()
    assert {item["status"] for item in data} == {"ok", "invalid", "skipped"}
    assert all(set(item) >= REQUIRED_KEYS for item in data)
    bad = next(item for item in data if item["status"] == "invalid")
    assert bad["name"] is None and "yolo" in bad["error"]
    good = next(item for item in data if item["name"] == "api")
    assert good["error"] is None and good["domain"] == ["backend/", "server/"]
    assert good["domain_matches"] == {"backend/": True, "server/": False}


def test_ceiling_raises_effective_mode(project: Path, tmp_path: Path) -> None:
    config = ProjectConfig(ceiling="bypassPermissions")
    report = build_report(discover(project, user_home=tmp_path / "x", project_config=config))
    api = next(a for a in report.agents if a.name == "api")
    assert api.effective_mode == "bypassPermissions"


def test_excluded_and_shadowed_are_listed(project: Path, tmp_path: Path) -> None:
    config = ProjectConfig(agents=["api"], overrides={"api": AgentOverride(domain=("srv/",))})
    result = discover(project, user_home=tmp_path / "x", project_config=config)
    report = build_report(result)
    statuses = {(a.name, a.status) for a in report.agents}
    assert ("ui", "excluded") in statuses and ("reader", "excluded") in statuses
    assert ("backend-architect", "shadowed") not in statuses
    api = next(a for a in report.agents if a.name == "api")
    assert api.domain_source == "config" and [p.pattern for p in api.domain] == ["srv/"]
