"""A loopback HTTP server that speaks the Anthropic Messages API and replays a scenario.

``ScriptedServer(scenario).start()`` binds ``127.0.0.1`` on a free port, serves from a daemon
thread and returns the base URL to give ``anthropic.AsyncAnthropic(base_url=...)``. It answers
``POST /v1/messages``, streamed (SSE) or not, from the script named by the request's
``x-agentdesk-agent`` header (see :mod:`agents.scripted.scenario` for the format and the fault
modes). Every request is recorded in :attr:`ScriptedServer.requests`, so tests can check what the
client really sent: prompt-caching markers, headers, and that no secret leaked into a body.

Responses are HTTP/1.0 (one connection per request, stream bodies end when the connection
closes), which is what makes a "truncated" stream look exactly like a dropped connection.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any

from agents.scripted import sse
from agents.scripted.play import Plan, PlanError, plan_reply
from agents.scripted.scenario import (
    STATUS_FAULTS,
    TOOL_FAULTS,
    Scenario,
    load_scenario,
    parse_scenario,
)

#: The request header that names the agent whose script answers.
AGENT_HEADER = "x-agentdesk-agent"


@dataclass(frozen=True)
class RecordedRequest:
    """One request the server received: header names lower-cased, ``body`` parsed JSON or None."""

    method: str
    path: str
    headers: Mapping[str, str]
    body: Any
    raw: bytes


class ScriptedServer:
    """The scripted Messages API server; a context manager, or call :meth:`start`/:meth:`stop`.

    ``scenario`` is a loaded :class:`Scenario`, a mapping in the scenario format, or a path to a
    YAML scenario file.
    """

    def __init__(self, scenario: Scenario | Mapping[str, Any] | str | os.PathLike[str]) -> None:
        if isinstance(scenario, Scenario):
            self.scenario = scenario
        elif isinstance(scenario, Mapping):
            self.scenario = parse_scenario(dict(scenario))
        else:
            self.scenario = load_scenario(Path(scenario))
        self._lock = threading.Lock()
        self._requests: list[RecordedRequest] = []
        self._seen: dict[tuple[str, int, str], int] = {}
        self._stopping = threading.Event()
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>`` of the running server."""
        if self._httpd is None:
            raise RuntimeError("the scripted server is not running")
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    @property
    def requests(self) -> list[RecordedRequest]:
        """A snapshot of every request received so far, in arrival order."""
        with self._lock:
            return list(self._requests)

    def start(self) -> str:
        """Bind 127.0.0.1 on a free port, serve in a daemon thread, return the base URL."""
        if self._httpd is not None:
            return self.base_url
        self._stopping.clear()
        self._httpd = _HTTPServer(("127.0.0.1", 0), self)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.5},
            name="agentdesk-scripted-server",
            daemon=True,
        )
        self._thread.start()
        return self.base_url

    def stop(self) -> None:
        """Stop serving, wake stalled responses and release the port. Safe to call twice."""
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        self._stopping.set()
        # shutdown() waits for the serve loop to notice; poke the socket so it wakes now
        # rather than at the end of its poll interval.
        port = httpd.server_address[1]
        closer = threading.Thread(target=httpd.shutdown, daemon=True)
        closer.start()
        while closer.is_alive():
            with contextlib.suppress(OSError):
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            closer.join(0.01)
        httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> ScriptedServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self._requests.append(request)

    def _consume(self, key: tuple[str, int, str]) -> int:
        with self._lock:
            seen = self._seen.get(key, 0)
            self._seen[key] = seen + 1
            return seen

    def _wait(self, seconds: float) -> bool:
        """Sleep up to ``seconds``; ``False`` when the server is stopping."""
        if seconds <= 0:
            return not self._stopping.is_set()
        return not self._stopping.wait(seconds)


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, address: tuple[str, int], owner: ScriptedServer) -> None:
        self.owner = owner
        super().__init__(address, _Handler)


class _Handler(BaseHTTPRequestHandler):
    server: _HTTPServer
    protocol_version = "HTTP/1.0"
    server_version = "agentdesk-scripted/1"

    def log_message(self, fmt: str, *args: Any) -> None:
        """Silence the default stderr access log."""

    def do_GET(self) -> None:
        self._json(404, sse.error_json("not_found_error", f"no route {self.path}"))

    def do_POST(self) -> None:
        owner = self.server.owner
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length) if length > 0 else b""
        try:
            body = json.loads(raw)
        except ValueError:
            body = None
        headers = {k.lower(): v for k, v in self.headers.items()}
        owner._record(RecordedRequest("POST", self.path, headers, body, raw))
        try:
            if self.path.split("?")[0].rstrip("/") != "/v1/messages":
                self._json(404, sse.error_json("not_found_error", f"no route {self.path}"))
                return
            if not isinstance(body, dict):
                self._json(400, sse.error_json("invalid_request_error", "body is not JSON"))
                return
            agent = headers.get(AGENT_HEADER, "default")
            try:
                plan = plan_reply(owner.scenario, agent, body, raw, owner._consume)
            except PlanError as exc:
                self._json(400, sse.error_json("invalid_request_error", f"scripted: {exc}"))
                return
            if body.get("stream"):
                self._stream(plan)
            else:
                self._single(plan)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client went away (its read timeout, or a cancel): nothing to tell it

    # -- responses -----------------------------------------------------------------------

    def _json(self, status: int, obj: Mapping[str, Any], headers: Mapping[str, str] = {}) -> None:
        data = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.send_header("request-id", "req_scripted")
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _status_fault(self, plan: Plan) -> bool:
        """Answer with the fault's status (or hang first); ``True`` when the request is done."""
        fault = plan.fault
        if fault is None:
            return False
        if fault.kind == "hang":
            self.server.owner._wait(fault.seconds)
            return True
        if fault.kind in STATUS_FAULTS:
            status, error_type, default_message = STATUS_FAULTS[fault.kind]
            extra = {}
            if fault.retry_after is not None:
                extra["retry-after"] = f"{fault.retry_after:g}"
            message = fault.message or default_message
            self._json(status, sse.error_json(error_type, message), extra)
            return True
        return False

    def _single(self, plan: Plan) -> None:
        if self._status_fault(plan):
            return
        kind = plan.fault.kind if plan.fault else ""
        message = sse.message_json(
            plan.turn,
            message_id=plan.message_id,
            model=plan.model,
            tool_ids=plan.tool_ids,
            usage=plan.usage,
        )
        if kind == "midstream_error":
            self._json(529, sse.error_json("overloaded_error", "Overloaded"))
            return
        if kind == "stall" and plan.fault and not self.server.owner._wait(plan.fault.seconds):
            return
        if kind == "max_tokens_tool":
            message["stop_reason"] = "max_tokens"
        data = json.dumps(message).encode()
        if kind == "malformed":
            data = data[: len(data) // 2]
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        if kind in ("truncated", "truncated_tool"):
            self.wfile.write(data[: len(data) // 2])  # shorter than content-length
            return
        self.wfile.write(data)

    def _stream(self, plan: Plan) -> None:
        if self._status_fault(plan):
            return
        owner = self.server.owner
        fault = plan.fault
        events = sse.turn_events(
            plan.turn,
            message_id=plan.message_id,
            model=plan.model,
            tool_ids=plan.tool_ids,
            usage=plan.usage,
            chunk=plan.speed.chunk,
        )
        delay = 1.0 / plan.speed.tokens_per_s if plan.speed.tokens_per_s > 0 else 0.0
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("cache-control", "no-cache")
        self.send_header("request-id", "req_scripted")
        self.end_headers()
        tool_block = next((i for i, b in enumerate(plan.turn.blocks) if b.kind == "tool_use"), -1)
        deltas = 0
        for event in events:
            if fault is not None:
                due = (
                    event.delta and deltas >= fault.after_deltas
                ) or event.name == "message_delta"
                if fault.kind in TOOL_FAULTS:
                    if event.delta == "json" and event.block == tool_block:
                        self._tool_fault(fault.kind, plan, tool_block)
                        return
                elif fault.kind == "stall" and due:
                    if not owner._wait(fault.seconds):
                        return
                    fault = None
                elif due:
                    self._stream_fault(fault.kind)
                    return
            self._send(event.name, event.data)
            if event.delta:
                deltas += 1
                if delay and not owner._wait(delay):
                    return

    def _send(self, name: str, data: Mapping[str, Any] | str) -> None:
        self.wfile.write(sse.encode(name, data))
        self.wfile.flush()

    def _stream_fault(self, kind: str) -> None:
        if kind == "midstream_error":
            self._send("error", sse.error_json("overloaded_error", "Overloaded"))
        elif kind == "malformed":
            self._send("content_block_delta", '{"type": "content_block_delta", "index": 0, "delt')
        # "truncated": just return; the connection closes without message_stop

    def _tool_fault(self, kind: str, plan: Plan, index: int) -> None:
        """Send half of the tool call's input JSON, then drop or end with max_tokens."""
        text = sse.tool_input_json(plan.turn.blocks[index])
        partial = {"type": "input_json_delta", "partial_json": text[: max(1, len(text) // 2)]}
        self._send(
            "content_block_delta", {"type": "content_block_delta", "index": index, "delta": partial}
        )
        if kind == "max_tokens_tool":
            self._send("content_block_stop", {"type": "content_block_stop", "index": index})
            final = sse.message_delta("max_tokens", plan.usage["output_tokens"])
            self._send(final.name, final.data)
            self._send("message_stop", {"type": "message_stop"})
