"""The scripted model: a loopback Messages API server that replays scenario files.

``agentdesk demo`` and the tests point the real ``anthropic`` SDK at it (over HTTP on
127.0.0.1, unpatched). See :mod:`agents.scripted.scenario` for the scenario format and
:mod:`agents.scripted.server` for the server.
"""

from agents.scripted.scenario import Scenario, ScenarioError, load_scenario, parse_scenario
from agents.scripted.server import AGENT_HEADER, RecordedRequest, ScriptedServer

__all__ = [
    "AGENT_HEADER",
    "RecordedRequest",
    "Scenario",
    "ScenarioError",
    "ScriptedServer",
    "load_scenario",
    "parse_scenario",
]
