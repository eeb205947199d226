"""Hypothesis strategies that build PROGRESS.md documents in the seed's image, and worse."""

from __future__ import annotations

from hypothesis import strategies as st

AGENTS = ["backend-architect", "frontend-architect", "qa", "Delivery-Lead"]
# Line-free text with the characters that matter to the grammar, plus anything else.
_TRICKY = "~\\@:#`|*[]-_()>< \té\x1b\u202e"
fragment = st.text(
    alphabet=st.one_of(st.sampled_from(list(_TRICKY)), st.characters(exclude_characters="\r\n")),
    max_size=24,
)
word = st.text(alphabet="abcdefghij XYZ0123", min_size=1, max_size=12)
stamp = st.sampled_from(["", " (2024-01-06 14:23)", " (2026-11-26)"])


@st.composite
def item(draw: st.DrawFn) -> list[str]:
    bullet = draw(st.sampled_from(["-", "*", "+", "1."]))
    mark = draw(st.sampled_from([" ", "x", "X", "/"]))
    who = draw(st.sampled_from(["", *(f"@{a} " for a in AGENTS), "**@qa**: ", "@qa - "]))
    lines = [f"{bullet} [{mark}] {who}{draw(fragment)}{draw(stamp)}".rstrip()]
    for note in draw(st.lists(fragment, max_size=2)):
        lines.append(draw(st.sampled_from(["  - ", "    ", "\t"])) + "x" + note)
    return lines


@st.composite
def phase(draw: st.DrawFn) -> list[str]:
    hashes = draw(st.sampled_from(["#", "##", "###"]))
    emoji = draw(st.sampled_from(["", "✅ "]))
    head = f"{hashes} {emoji}Phase {draw(st.integers(0, 9))}: {draw(word)}"
    body = [line for it in draw(st.lists(item(), max_size=4)) for line in it]
    return [head, *body]


@st.composite
def blocker(draw: st.DrawFn) -> list[str]:
    kind = draw(st.sampled_from(["agent", "plain", "resolved", "placeholder", "ticked", "table"]))
    agent = draw(st.sampled_from(AGENTS))
    text = "t" + draw(fragment)
    if kind == "agent":
        lines = [f"- @{agent}: {text}"]
    elif kind == "plain":
        lines = [f"* {text}"]
    elif kind == "resolved":
        safe = text.replace("\\", "\\\\").replace("~", "\\~")
        lines = [f"- ~~@{agent}: {safe}~~ RESOLVED (2026-01-01 10:00): a{draw(fragment)}"]
        lines += [f"  > {more}" for more in draw(st.lists(fragment, max_size=2))]
    elif kind == "placeholder":
        lines = [draw(st.sampled_from(["- None.", "- None", "- _none yet_"]))]
    elif kind == "ticked":
        lines = [f"- [x] @{agent}: {text}"]
    else:
        lines = ["| Task | Needs |", "|---|---|", f"| T-1 | {draw(word)} |"]
    if draw(st.booleans()):
        lines.append(f"  - context {draw(word)}")
    return lines


@st.composite
def blockers(draw: st.DrawFn) -> list[str]:
    head = draw(st.sampled_from(["## Blockers", "## 🚧 Blockers", "### Blockers", "# Blockers"]))
    body = [line for b in draw(st.lists(blocker(), max_size=4)) for line in b]
    return [head, *body]


@st.composite
def free(draw: st.DrawFn) -> list[str]:
    lines = [f"### {draw(word)} Setup Instructions"]
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(["para", "fence", "comment", "bullet", "blank"]))
        if kind == "para":
            lines.append("P" + draw(fragment))
        elif kind == "fence":
            lines += ["```bash", "## Blockers", f"- @qa: {draw(word)}", "```"]
        elif kind == "comment":
            lines += ["<!--", "- [ ] @qa hidden", "-->"]
        elif kind == "bullet":
            lines.append(f"- Run: `{draw(word)}`")
        else:
            lines.append("")
    return lines


@st.composite
def document(draw: st.DrawFn) -> str:
    blocks = draw(
        st.lists(st.one_of(phase(), blockers(), free(), st.just(["# Progress"])), max_size=6)
    )
    lines: list[str] = []
    for block in blocks:
        lines += block
        lines += [""] * draw(st.integers(0, 2))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    text = newline.join(lines)
    if lines and draw(st.booleans()):
        text += newline
    return text
