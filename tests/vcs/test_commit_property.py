"""T29 as a property: whatever the person has staged or changed, a commit holds only its paths."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agents.vcs import GitWriter
from tests.vcs.conftest import git

NAMES = ["a.py", "b.py", "new1.py", "dir/new2.py", "dir/x y.txt"]
# What the person does to a file before the agent's commit.
PERSON = st.sampled_from(["nothing", "edit", "stage", "delete"])


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    person=st.fixed_dictionaries({name: PERSON for name in NAMES}),
    agent=st.sets(st.sampled_from(NAMES), min_size=1),
)
def test_commit_holds_exactly_the_agents_paths(
    _template_repo: Path, person: dict[str, str], agent: set[str]
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        repo = Path(shutil.copytree(_template_repo, Path(tmp) / "repo", symlinks=True))
        (repo / "dir").mkdir()
        for name, action in person.items():
            path = repo / name
            if action == "nothing":
                continue
            if action == "delete":
                if path.exists():
                    path.unlink()
                continue
            path.write_text(f"person {action} {name}\n")
            if action == "stage":
                git(repo, "add", "--", name)
        before = {
            line[3:]: line[:2] for line in git(repo, "status", "--porcelain", "-uall").splitlines()
        }
        for name in agent:
            (repo / name).write_text(f"agent {name}\n")
        with GitWriter(repo) as w:
            info = w.commit_paths(sorted(agent), agent="x", proposal_id="p", summary="s")
        committed = set(git(repo, "show", "--name-only", "--format=", "HEAD").splitlines())
        committed = {c.strip('"') for c in committed}
        assert set(info.paths) == committed == agent
        after = {
            line[3:]: line[:2] for line in git(repo, "status", "--porcelain", "-uall").splitlines()
        }
        untouched = {k: v for k, v in before.items() if k.strip('"') not in agent}
        assert {k: v for k, v in after.items() if k.strip('"') not in agent} == untouched
        for name in agent:
            assert git(repo, "show", f"HEAD:{name}") == f"agent {name}\n"
