"""The files of the repository that ``agentdesk demo`` creates: a tiny shop and its team.

A Python backend (so the demo's command really runs, offline), a TypeScript frontend, a
PROGRESS.md in the seed's format, an ``agentdesk.yaml`` that loads exactly the three demo agents,
and the three agent files. The scripted scenario (``agents/scripted/demo.yaml``) edits these
files, so the two must change together: ``tests/demo`` checks that every Edit still applies.
"""

from __future__ import annotations

BACKEND_AGENT = """\
---
name: backend-architect
description: Owns the shop's Python API in backend/ - product lookups, health checks, tests.
tools: Read, Write, Edit, Bash, Grep, Glob
model: sonnet
permissionMode: default
color: blue
---

# Shop backend

You look after the shop's API in `backend/`: plain Python functions that the HTTP layer maps
to routes. Keep it dependency-free. Money is an integer number of cents.

## Your Domain

```
backend/
```

## How You Work

- Read a module before you change it, and change as little as the task needs.
- Run the backend tests (`python3 -m unittest discover -s backend -q`) after a change.

## Constraints

- Do not edit `frontend/`: it belongs to @frontend-architect. Ask through a blocker instead.
- No secrets in code.

## Coordination Protocol

- When the task is done and the tests pass, call **MarkComplete** with short notes.
- When you need a decision from the person or another agent, call **RaiseBlocker**.
- @delivery-lead integrates your work once you are marked complete.
"""

FRONTEND_AGENT = """\
---
name: frontend-architect
description: Owns the shop's React frontend in frontend/ - pages, components and the API client.
tools: Read, Write, Edit, Grep, Glob
model: sonnet
permissionMode: default
color: purple
---

# Shop frontend

You build the shop's screens in `frontend/` with React and TypeScript. Every list handles its
loading, empty and error states, and prices are shown as currency.

## Your Domain

```
frontend/
*.tsx
```

## How You Work

- Fetch data through `frontend/src/api.ts`; never hard-code products.
- One component per file under `frontend/src/`.

## Constraints

- Do not edit `backend/`; if the API lacks something, raise a blocker for @backend-architect.

## Coordination Protocol

- Call **MarkComplete** with what you delivered when the page works.
- Call **RaiseBlocker** when you wait on someone, naming them and what you need.
"""

DELIVERY_AGENT = """\
---
name: delivery-lead
description: Makes the shop run from a clean checkout and keeps one command that checks all of it.
tools: Read, Write, Edit, Bash, Grep, Glob
model: sonnet
permissionMode: default
color: yellow
---

# Shop delivery lead

You put the parts together. The specialists write the code; you make sure a new teammate can
check the whole shop with one command, and you say plainly what works and what does not.

## Your Domain

```
scripts/
```

## How You Work

- Read PROGRESS.md first: integrate a part only once its owner marked it complete.
- Keep repeatable checks in `scripts/`.

## Constraints

- Never fix another agent's code yourself; raise a blocker for its owner.

## Coordination Protocol

- Call **ReportSetup** with the command that checks everything.
- Call **MarkComplete** when that command passes from a clean checkout.
"""

PROGRESS = """\
# Shop - Progress

## Phase 1: Development
- [ ] @backend-architect - unknown product ids answer 404; a health check
- [ ] @frontend-architect - the product list on the home page

## Phase 2: Integration
- [ ] @delivery-lead - one command that checks the whole shop

### Backend Setup Instructions
- Tests: `python3 -m unittest discover -s backend -q`
- No dependencies beyond Python 3.

## Blockers
"""

README = """\
# Shop - the agentdesk demo

`agentdesk demo` created this repository: a tiny shop (a Python API in `backend/`, a React page
in `frontend/`), a `PROGRESS.md` the team coordinates through, and three agents in
`.claude/agents/`, each with its own Domain (the paths it may change).

The agents are driven by a *scripted* model that agentdesk runs on 127.0.0.1: their replies
are written in advance (`agents/scripted/demo.yaml` in agentdesk), so the demo needs no API
key and no network. Everything else is real: each tool call is checked against the agent's
Domain, every change waits for your approval, and each approved change is a git commit with
the agent as its author (`git log --format='%an  %s'`).

Open this folder with `agentdesk` and a real `ANTHROPIC_API_KEY` to give the same team real
work.
"""

PROJECT_CONFIG = """\
# agentdesk settings for the demo. Only these three agents load (not the bundled roster).
agents:
  - backend-architect
  - frontend-architect
  - delivery-lead

# PROGRESS.md is shared: any agent may propose changes to it.
shared_files:
  - PROGRESS.md

# One git commit per approved change, authored by the agent.
commit_mode: proposal
"""

GITIGNORE = """\
__pycache__/
*.pyc
node_modules/
"""

BACKEND_APP = '''\
"""The shop's API: plain functions that the HTTP layer maps to routes."""

from __future__ import annotations

PRODUCTS = [
    {"id": 1, "name": "Notebook", "price_cents": 450},
    {"id": 2, "name": "Fountain pen", "price_cents": 2400},
    {"id": 3, "name": "Ink, blue", "price_cents": 800},
]


def list_products() -> list[dict]:
    """GET /api/products: every product."""
    return PRODUCTS


def get_product(product_id: int) -> dict:
    """GET /api/products/<id>: one product."""
    return next(p for p in PRODUCTS if p["id"] == product_id)
'''

BACKEND_TESTS = '''\
"""Tests of the shop's API (run: python3 -m unittest discover -s backend -q)."""

import unittest

import app


class ProductTests(unittest.TestCase):
    def test_lists_every_product(self) -> None:
        self.assertEqual([p["id"] for p in app.list_products()], [1, 2, 3])

    def test_gets_one_product(self) -> None:
        self.assertEqual(app.get_product(2)["name"], "Fountain pen")

    def test_prices_are_whole_cents(self) -> None:
        for product in app.list_products():
            self.assertIsInstance(product["price_cents"], int)


if __name__ == "__main__":
    unittest.main()
'''

FRONTEND_PACKAGE = """\
{
  "name": "shop-frontend",
  "private": true,
  "type": "module",
  "dependencies": {
    "react": "^18.3.1",
    "react-dom": "^18.3.1"
  }
}
"""

FRONTEND_API = """\
export type Product = { id: number; name: string; price_cents: number };

export async function fetchProducts(): Promise<Product[]> {
  const response = await fetch("/api/products");
  if (!response.ok) throw new Error(`GET /api/products: ${response.status}`);
  return response.json();
}
"""

FRONTEND_APP = """\
export function App() {
  return (
    <main>
      <h1>Shop</h1>
      <p>Products coming soon.</p>
    </main>
  );
}
"""

#: Every file of the demo repository: path relative to its root -> text.
FILES: dict[str, str] = {
    ".claude/agents/backend-architect.md": BACKEND_AGENT,
    ".claude/agents/frontend-architect.md": FRONTEND_AGENT,
    ".claude/agents/delivery-lead.md": DELIVERY_AGENT,
    ".gitignore": GITIGNORE,
    "PROGRESS.md": PROGRESS,
    "README.md": README,
    "agentdesk.yaml": PROJECT_CONFIG,
    "backend/app.py": BACKEND_APP,
    "backend/test_app.py": BACKEND_TESTS,
    "frontend/package.json": FRONTEND_PACKAGE,
    "frontend/src/api.ts": FRONTEND_API,
    "frontend/src/App.tsx": FRONTEND_APP,
}
