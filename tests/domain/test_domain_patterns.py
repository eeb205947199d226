"""Domain patterns: gitignore matching, tree filtering and bad Domain lists (T3, T9)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from agents.domain import Domain, domain_root_problems, validate_domain_patterns

SEED_DOMAIN = ["backend/", "server/", "api/", "src/api/", "src/services/", "src/models/"]


@pytest.mark.parametrize(
    ("rel", "inside"),
    [
        ("backend/app.py", True),
        ("backend/deep/er/x.py", True),
        ("src/api/users.ts", True),
        ("src/services/a/b.ts", True),
        ("backend_evil/x.py", False),
        ("backendx/app.py", False),
        ("src/apix/users.ts", False),
        ("src/api", False),
        ("backend", False),
        ("other/src/api/x.ts", False),  # src/api/ is anchored (slash in the middle)
        ("frontend/api/x.ts", False),  # api/ too: a literal first name anchors the pattern
        ("tests/backend/x.py", False),
        ("README.md", False),
    ],
)
def test_seed_domain_matching(rel: str, inside: bool) -> None:
    assert Domain(SEED_DOMAIN).matches(rel) is inside


def test_glob_and_negation() -> None:
    d = Domain(["*.tsx", "web/**", "!web/generated/**", "**/migrations/"])
    assert d.matches("a/b/c.tsx")
    assert d.matches("web/x/y.css")
    assert not d.matches("web/generated/x.css")
    assert not d.matches("a/b/c.ts")
    assert d.matches("svc/db/migrations/0001.sql")
    assert d.may_contain("svc/db")


def test_t7_exceptions_hold_whatever_the_case() -> None:
    """On APFS backend/SECRET.py is backend/secret.py: the exception must still apply."""
    d = Domain(["backend/", "!backend/secret.py", "!backend/Vendor/"])
    assert d.matches("backend/app.py")
    assert d.matches("backend/App.py")
    assert not d.matches("backend/secret.py")
    assert not d.matches("backend/SECRET.py")
    assert not d.matches("backend/vendor/x.py")
    assert not Domain(["backend/"]).matches("BACKEND/app.py")  # positives stay case-exact


def test_whole_project() -> None:
    d = Domain(["**"])
    assert d.matches("anything/at/all.py")
    assert d.may_contain("any/folder")


@pytest.mark.parametrize(
    ("folder", "may"),
    [
        ("", True),
        (".", True),
        ("src", True),
        ("src/api", True),
        ("src/api/v1", True),
        ("src/web", False),
        ("tests", False),  # backend/ is the root's backend/, not tests/backend/
        ("docs", False),
        ("backend", True),
        ("backend/sub", True),
    ],
)
def test_may_contain_seed(folder: str, may: bool) -> None:
    assert Domain(SEED_DOMAIN).may_contain(folder) is may


@pytest.mark.parametrize(
    ("folder", "may"),
    [
        ("src", True),
        ("src/api", True),
        ("src/web", False),
        ("tests", False),
        ("backend", True),
        ("backend/x/y", True),
        ("frontend", False),
    ],
)
def test_may_contain_anchored(folder: str, may: bool) -> None:
    assert Domain(["backend/**", "src/api/", "/x/"[1:] + "y/*.ts"]).may_contain(folder) is may


def test_may_contain_is_never_wrong_when_it_says_no(tmp_path: Path) -> None:
    """If may_contain says no for a folder, no file under it matches."""
    domain = Domain(["backend/**", "src/api/", "src/*/models/*.py", "docs/*.md"])
    files = [
        "backend/a.py",
        "src/api/x.ts",
        "src/core/models/m.py",
        "src/core/views/v.py",
        "docs/a.md",
        "docs/deep/b.md",
        "tests/backend/t.py",
    ]
    for f in files:
        parts = f.split("/")
        for i in range(1, len(parts)):
            folder = "/".join(parts[:i])
            if domain.matches(f):
                assert domain.may_contain(folder), (f, folder)


def test_empty_domain_matches_nothing() -> None:
    d = Domain([])
    assert not d
    assert not d.matches("a.py")
    assert not d.may_contain("src")


@pytest.mark.parametrize(
    ("patterns", "needle"),
    [
        (["//etc/"], "absolute"),
        (["/"], "absolute"),
        (["C:/code/"], "absolute"),
        (["../other/"], "'..'"),
        (["backend/../../x"], "'..'"),
        (["."], "'.' is ambiguous"),
        (["./"], "'.' is ambiguous"),
        (["./backend/"], "'.' component"),
        ([""], "empty"),
        (["   "], "empty"),
        (["!"], "empty"),
        (["~/code/"], "home"),
        (["back\\end/"], "backslash"),
        (["a\x00b/"], "control"),
        ([".git/"], "protected"),
        ([".claude/agents/"], "protected"),
        (["src//api/"], "empty or '.'"),
    ],
)
def test_t9_bad_domain_lists(patterns: list[str], needle: str) -> None:
    errors = validate_domain_patterns(patterns)
    assert len(errors) == 1
    assert needle in errors[0]
    assert not Domain(patterns).patterns  # a bad pattern grants nothing


@pytest.mark.parametrize(
    "patterns", [SEED_DOMAIN, ["**"], ["*.tsx", "!legacy/"], [], ["src/**/*.py", "docs/"]]
)
def test_good_domain_lists(patterns: list[str]) -> None:
    assert validate_domain_patterns(patterns) == []


def test_t9_domain_root_problems(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    os.symlink("real", tmp_path / "backend")
    (tmp_path / "api").write_text("a file\n")
    (tmp_path / "src").mkdir()
    os.symlink("/tmp", tmp_path / "src" / "services")
    problems = domain_root_problems(tmp_path, ["backend/", "api/", "src/services/", "new/", "*.py"])
    assert len(problems) == 3
    assert problems[0].startswith("backend/: backend is a symbolic link")
    assert problems[1] == "api/: api is a file, not a folder"
    assert problems[2].startswith("src/services/: src/services is a symbolic link")
