"""agentdesk's engine: agent definitions, the Domain guard, tools, proposals and sessions.

Nothing in this package imports ``textual`` or ``tui``; a test enforces it.
"""

__version__ = "0.1.0"
