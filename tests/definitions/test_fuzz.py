"""Fuzzing the agent file parser (THREATS e.4, T32-T36): whatever the bytes, the result is an
AgentDefinition, an AgentLoadError or a SkippedFile, quickly, and never an empty definition."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agents.agentfile import SkippedFile, parse_agent_bytes
from agents.definition import AgentDefinition, AgentLoadError

P = Path("fuzz.md")
FUZZ = settings(
    max_examples=150,
    deadline=timedelta(milliseconds=500),
    suppress_health_check=[HealthCheck.too_slow],
)

KEY_LINES = [
    "name: fuzz", "name: yes", "name: 0123", "name: &a fuzz", "name: *a", "name: !!str x",
    "description: Does things", "description: Use when: it matters", 'description: "quoted',
    "description: >-", "  folded text", "description:", "tools: Read, Write", "tools: Wrte",
    "tools: [Read, Agent(a, b)]", "tools:", "  - Read", "\t- Grep", "  - mcp__x__y",
    "disallowedTools: Bash", "model: sonnet", "model: gpt 4", "permissionMode: plan",
    "permissionMode: bypass", "maxTurns: 3", "maxTurns: 0x1", "domain:", "  - backend/",
    "  - ../x", "hooks:", "  Stop: x", "<<: {a: 1}", "- item", "? complex", "[flow", "{a: b}",
    "!!python/object/apply:os.system [id]", "# comment", "", "name: fuzz", "key: 'v'",
    "x: " + "[" * 40, "a: \"\\ud800\"", "\ufeffname: bom",
]  # fmt: skip
BODY_LINES = [
    "# Title", "## Your Domain", "## Domain", "### Your Domain (mine)", "```", "```text",
    "~~~", "````", "backend/", "*.tsx", "../up", "├── src/", "# comment", "  # indented",
    "src/api/  # note", "- bullet", "## Other", "```markdown", "## Your Domain", "", "text",
]  # fmt: skip


@st.composite
def agent_files(draw: st.DrawFn) -> bytes:
    """Files shaped like agent files, with the classic mistakes mixed in."""
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    opening = draw(st.sampled_from(["---", "---  ", "", "\n---", "----", "+++"]))
    keys = draw(st.lists(st.sampled_from(KEY_LINES), max_size=12))
    closing = draw(st.sampled_from(["---", "--- ", "", "...", "----"]))
    body = draw(st.lists(st.sampled_from(BODY_LINES), max_size=25))
    lines = [opening, *keys, closing, *body]
    text = newline.join(lines)
    prefix = draw(st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff", b"\x00"]))
    return prefix + text.encode("utf-8", "surrogatepass")


def check(result: object) -> None:
    assert isinstance(result, AgentDefinition | AgentLoadError | SkippedFile)
    if isinstance(result, AgentDefinition):
        assert result.name and result.description  # never "metadata == {}"
        assert all(isinstance(p, str) and p for p in result.domain)
        assert set(result.effective_tools()) <= {"Read", "Write", "Edit", "Bash", "Grep", "Glob"}
        if not result.domain:
            assert "Write" not in result.effective_tools()
    if isinstance(result, AgentLoadError):
        assert result.reason and result.path == P
        str(result).encode("utf-8")  # printable: no lone surrogates


@FUZZ
@given(st.binary(max_size=2000))
def test_random_bytes(data: bytes) -> None:
    check(parse_agent_bytes(data, P))


@FUZZ
@given(st.text(max_size=2000))
def test_random_text(text: str) -> None:
    check(parse_agent_bytes(text.encode("utf-8", "surrogatepass"), P))


@FUZZ
@given(st.text(max_size=600))
def test_random_text_inside_front_matter(text: str) -> None:
    data = f"---\nname: a\ndescription: b\n{text}\n---\nBody\n".encode("utf-8", "surrogatepass")
    check(parse_agent_bytes(data, P))


@settings(FUZZ, max_examples=400)
@given(agent_files())
def test_grammar(data: bytes) -> None:
    check(parse_agent_bytes(data, P))


@settings(FUZZ, max_examples=200)
@given(agent_files())
def test_fast_and_pure_yaml_paths_agree(data: bytes) -> None:
    """The libyaml-backed loader and the pure-Python one accept and refuse the same files."""
    import agents.strict_yaml as strict

    if not strict._FAST:
        return
    results = []
    for fast in (True, False):
        strict._FAST = fast
        try:
            results.append(parse_agent_bytes(data, P))
        finally:
            strict._FAST = True
    first, second = results
    assert type(first) is type(second)
    if isinstance(first, AgentDefinition) and isinstance(second, AgentDefinition):
        assert first == second
