"""PathGuard: normalisation, Domain membership, protected and deny-read paths (T1-T9)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from agents.domain import PathGuard, PathRejected, Verdict

DOMAIN = ("backend/", "api/")


def guard(repo: Path, domain: tuple[str, ...] = DOMAIN) -> PathGuard:
    return PathGuard(repo, domain, agent="backend-architect")


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("backend/app.py", "backend/app.py"),
        ("./backend//app.py", "backend/app.py"),
        ("backend/./sub/x.py", "backend/sub/x.py"),
        (".", "."),
        ("./", "."),
    ],
)
def test_normalise_tidies_relative_paths(tree: dict[str, Path], given: str, expected: str) -> None:
    assert guard(tree["repo"]).normalise(given) == expected


def test_normalise_converts_absolute_paths_inside_the_root(tree: dict[str, Path]) -> None:
    repo = tree["repo"]
    g = guard(repo)
    assert g.normalise(str(repo / "backend" / "app.py")) == "backend/app.py"
    assert g.normalise(str(repo.resolve()) + "/backend/x") == "backend/x"


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "   ",
        "../x",
        "backend/../../etc/x",
        "a/./../..",
        "backend/..",
        "/etc/passwd",
        "~/.ssh/id_rsa",
        "~",
        "~root/x",
        "C:\\Windows\\x",
        "C:/Windows/x",
        "backend\\..\\..\\x",
        "backend/a\x00b",
        "backend/a\nb",
        "backend/" + "x" * 300,
    ],
)
def test_normalise_rejects_escapes(tree: dict[str, Path], bad: str) -> None:
    g = guard(tree["repo"])
    with pytest.raises(PathRejected) as info:
        g.normalise(bad)
    assert info.value.reason
    verdict = g.check_write(bad)
    assert not verdict.allowed
    assert verdict.kind in ("invalid", "outside")


def test_reason_for_dotdot_says_what_to_do(tree: dict[str, Path]) -> None:
    verdict = guard(tree["repo"]).check_write("backend/../../etc/x")
    assert verdict.rel is None
    assert "'..' is not allowed" in verdict.reason


def test_absolute_path_outside_root_is_outside(tree: dict[str, Path]) -> None:
    verdict = guard(tree["repo"]).check_write(str(tree["outside"] / "secret.txt"))
    assert (verdict.allowed, verdict.kind) == (False, "outside")


def test_write_inside_domain_allowed(tree: dict[str, Path]) -> None:
    verdict = guard(tree["repo"]).check_write("backend/new/deep/file.py")
    assert verdict == Verdict(
        True,
        "backend/new/deep/file.py",
        "domain",
        "backend/new/deep/file.py is in backend-architect's Domain (backend/, api/)",
        resolved="backend/new/deep/file.py",
    )
    assert verdict.require() == "backend/new/deep/file.py"


def test_t3_sibling_prefix_is_outside(tree: dict[str, Path]) -> None:
    assert "backend_evil/x.py".startswith("backend")  # the naive check would accept it
    verdict = guard(tree["repo"]).check_write("backend_evil/x.py")
    assert not verdict.allowed
    assert verdict.kind == "outside"
    assert verdict.reason.startswith(
        "backend_evil/x.py is outside backend-architect's Domain (backend/, api/)"
    )
    with pytest.raises(PathRejected):
        verdict.require()


def test_domain_dir_name_itself_is_not_a_file(tree: dict[str, Path]) -> None:
    g = guard(tree["repo"])
    assert g.check_write("backend/sub").kind == "invalid"  # exists as a directory
    assert "is a directory" in g.check_write("backend/sub").reason
    assert not g.check_write("backend").allowed  # "backend/" names the folder, not a file
    assert g.check_write("backend/").kind == "invalid"
    assert g.check_write(".").kind == "invalid"


def test_shared_file_is_writable_by_anyone_but_flagged(tree: dict[str, Path]) -> None:
    verdict = guard(tree["repo"]).check_write("PROGRESS.md")
    assert (verdict.allowed, verdict.kind) == (True, "shared")
    # Shared names are exact paths, not patterns: sub/PROGRESS.md is not shared.
    assert not guard(tree["repo"]).check_write("docs/PROGRESS.md").allowed


def test_empty_domain_fails_closed(tree: dict[str, Path]) -> None:
    verdict = guard(tree["repo"], ()).check_write("backend/app.py")
    assert not verdict.allowed
    assert "has no Domain" in verdict.reason


def test_invalid_domain_patterns_grant_nothing(tree: dict[str, Path]) -> None:
    g = guard(tree["repo"], ("../", "/", ".", "~/x"))
    assert g.domain.patterns == ()
    assert len(g.domain.errors) == 4
    assert not g.check_write("backend/app.py").allowed


def test_t4_symlink_components_refused_for_writes(tree: dict[str, Path]) -> None:
    g = guard(tree["repo"])
    for path in ("backend/link_out/secret.txt", "backend/link_out/new.txt", "backend/link_file"):
        verdict = g.check_write(path)
        assert (verdict.allowed, verdict.kind) == (False, "symlink"), path
        assert "symbolic link" in verdict.reason
    assert g.check_write("backend/link_in").kind == "symlink"  # even one pointing inside


def test_t4_reads_resolve_and_recheck(tree: dict[str, Path]) -> None:
    g = guard(tree["repo"])
    out = g.check_read("backend/link_out/secret.txt")
    assert (out.allowed, out.kind) == (False, "outside")
    assert not g.check_read("backend/link_file").allowed
    inside = g.check_read("backend/link_in")
    assert (inside.allowed, inside.rel, inside.resolved) == (
        True,
        "backend/link_in",
        "docs/readme.md",
    )
    assert g.check_read("docs/readme.md").allowed
    assert g.check_read(".").allowed


def test_reads_deny_secrets_even_through_links(tree: dict[str, Path]) -> None:
    repo = tree["repo"]
    os.symlink("../.env", repo / "docs" / "innocent.txt")
    g = guard(repo)
    assert g.check_read(".env").kind == "deny_read"
    verdict = g.check_read("docs/innocent.txt")
    assert (verdict.allowed, verdict.kind) == (False, "deny_read")
    assert ".env" in verdict.reason


def test_parent_that_is_a_file_is_refused(tree: dict[str, Path]) -> None:
    verdict = guard(tree["repo"]).check_write("backend/app.py/x")
    assert (verdict.allowed, verdict.kind) == (False, "invalid")


def test_hard_link_write_is_allowed_with_warning(tree: dict[str, Path]) -> None:
    repo = tree["repo"]
    os.link(tree["outside"] / "secret.txt", repo / "backend" / "hl.txt")
    verdict = guard(repo).check_write("backend/hl.txt")
    assert verdict.allowed
    assert "hard links" in verdict.warnings[0]


def test_protected_extra_and_deny_extra(tree: dict[str, Path]) -> None:
    g = PathGuard(
        tree["repo"], ("**",), protected_extra=("deploy/",), deny_read_extra=("*.sqlite",)
    )
    assert g.check_write("deploy/run.sh").kind == "protected"
    assert g.check_write("Deploy/run.sh").kind == "protected"
    assert g.check_write("sub/deploy/run.sh").kind == "protected"  # any depth, as in gitignore
    assert g.check_read("data/app.SQLITE").kind == "deny_read"
    assert g.check_write("src/app.py").allowed


def test_leading_slash_is_gitignores_root_anchor_not_an_absolute_path(tmp_path: Path) -> None:
    """``/scripts/`` (as the agent file parser accepts it) must give a working Domain."""
    from agents.domain import Domain, PathGuard

    domain = Domain(["/scripts/", "/*.md"])
    assert domain.errors == ()
    assert domain.matches("scripts/check.sh")
    assert domain.matches("README.md") and not domain.matches("docs/README.md")
    guard = PathGuard(tmp_path, ["/scripts/"], agent="delivery-lead")
    assert guard.check_write("scripts/check.sh").allowed
    assert not guard.check_write("backend/app.py").allowed


def test_a_shared_file_stays_shared_when_the_domain_also_matches_it(tmp_path: Path) -> None:
    """``*.md`` must not turn PROGRESS.md into an ordinary in-Domain file that skips asking."""
    guard = PathGuard(tmp_path, ["*.md"], agent="docs")
    assert guard.check_write("PROGRESS.md").kind == "shared"
    assert guard.check_write("README.md").kind == "domain"
